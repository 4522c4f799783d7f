package source

import (
	"bytes"
	"encoding/json"
	"net/url"
	"path"
	"regexp"
	"strings"

	"github.com/aisight/aisight/internal/redact"
	"github.com/aisight/aisight/model"
)

// isMCPConfig reports whether a file is an MCP client configuration:
// mcp.json (.cursor/, .vscode/, project root), .mcp.json (Claude Code),
// claude_desktop_config.json, cline_mcp_settings.json.
func isMCPConfig(rel string) bool {
	switch strings.ToLower(path.Base(rel)) {
	case "mcp.json", ".mcp.json", "claude_desktop_config.json", "cline_mcp_settings.json", "mcp_config.json":
		return true
	}
	return false
}

// MCPServer is one server entry of an MCP client configuration.
type MCPServer struct {
	Name    string            `json:"-"`
	Command string            `json:"command"`
	Args    []string          `json:"args"`
	Env     map[string]string `json:"env"`
	URL     string            `json:"url"`
	Server  string            `json:"serverUrl"`
	Type    string            `json:"type"`
}

// ParseMCPConfig reads the servers of an MCP config ("mcpServers", VS Code's
// "servers", or "context_servers").
func ParseMCPConfig(b []byte) ([]MCPServer, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	var out []MCPServer
	for _, key := range []string{"mcpServers", "servers", "context_servers"} {
		raw, ok := doc[key]
		if !ok {
			continue
		}
		var servers map[string]json.RawMessage
		if err := json.Unmarshal(raw, &servers); err != nil {
			continue
		}
		for _, name := range sortedKeys(servers) {
			var s MCPServer
			if err := json.Unmarshal(servers[name], &s); err != nil {
				continue
			}
			s.Name = name
			if s.URL == "" {
				s.URL = s.Server
			}
			out = append(out, s)
		}
	}
	return out, nil
}

var (
	npmPinned = regexp.MustCompile(`^(@[^/@]+/)?[^@]+@[0-9][^@]*$`)
	pyPinned  = regexp.MustCompile(`(==|@)[0-9]`)
)

// MCPPackage returns the package a launcher command runs (npx, bunx, pnpm
// dlx, uvx, pipx run, docker run) and whether it is pinned to a version.
func MCPPackage(command string, args []string) (launcher, pkg string, pinned bool) {
	launcher = path.Base(command)
	rest := args
	switch launcher {
	case "pnpm", "pipx", "uv":
		if len(rest) > 0 && (rest[0] == "dlx" || rest[0] == "run" || rest[0] == "tool") {
			rest = rest[1:]
			if len(rest) > 0 && rest[0] == "run" {
				rest = rest[1:]
			}
		}
	case "docker", "podman":
		if len(rest) > 0 && rest[0] == "run" {
			rest = rest[1:]
		}
	case "npx", "bunx", "uvx":
	default:
		return launcher, "", false
	}
	valueFlags := map[string]bool{"-e": true, "--env": true, "-v": true, "--volume": true, "--name": true, "-p": true, "--package": true, "--from": true,
		"--network": true, "--env-file": true, "-w": true, "--workdir": true, "--with": true, "--python": true,
		"--index-url": true, "--extra-index-url": true, "--index": true, "--default-index": true, "--registry": true}
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		if strings.HasPrefix(a, "-") {
			if valueFlags[a] {
				i++
			}
			continue
		}
		pkg = a
		break
	}
	switch launcher {
	case "npx", "bunx", "pnpm":
		pinned = npmPinned.MatchString(pkg)
	case "uvx", "pipx", "uv":
		pinned = pyPinned.MatchString(pkg)
	case "docker", "podman":
		pinned = strings.Contains(pkg, "@sha256:")
	}
	return launcher, redact.URLsIn(pkg), pinned
}

// safeURL reduces a remote server's URL to scheme, host and path, with
// credentials, key-shaped path segments, matrix parameters, query and
// fragment removed: a URL may carry a token anywhere.
func safeURL(raw string) string {
	u, err := url.Parse(redact.URL(raw))
	if err != nil || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host + u.EscapedPath()
}

// mcpConfig reports each MCP server of a client configuration.
func (s *scanner) mcpConfig(f *file) {
	servers, err := ParseMCPConfig(f.content)
	if err != nil {
		s.parseError(f, err)
		return
	}
	for _, m := range servers {
		src := "file:" + f.rel
		a := model.Asset{
			ID: fileURI(s.label, f.rel) + "#mcp:" + m.Name, Provider: "mcp", Scope: s.scope,
			Kind: model.KindMCPServer, Name: m.Name, Location: &model.Location{Path: f.rel, Line: f.line(indexOr0(f.content, `"`+m.Name+`"`))},
		}
		envNames := sortedKeys(m.Env)
		literal := 0
		for _, v := range m.Env {
			if v != "" && !strings.HasPrefix(v, "${") && !strings.HasPrefix(v, "$") {
				literal++
			}
		}
		a.Facts = append(a.Facts,
			model.Strings("mcp.env_vars", envNames, model.Declared, src),
			model.Int("mcp.env_literal_values", int64(literal), model.Observed, src))
		if m.URL != "" {
			a.DeploymentType = model.APISaaS
			transport := m.Type
			if transport == "" {
				transport = "http"
			}
			a.Facts = append(a.Facts,
				model.String("mcp.transport", transport, model.Declared, src),
				model.String("mcp.url", safeURL(m.URL), model.Declared, src),
				model.Bool("mcp.remote", true, model.Declared, src))
		} else {
			a.DeploymentType = model.SelfHosted
			launcher, pkg, pinned := MCPPackage(m.Command, m.Args)
			a.Facts = append(a.Facts,
				model.String("mcp.transport", "stdio", model.Declared, src),
				model.String("mcp.command", launcher, model.Declared, src),
				model.Bool("mcp.remote", false, model.Declared, src))
			if pkg != "" {
				a.Facts = append(a.Facts,
					model.String("mcp.package", pkg, model.Declared, src),
					model.Bool("mcp.package_pinned", pinned, model.Inferred, src))
			}
		}
		s.sink.Asset(a)
	}
}

func indexOr0(b []byte, s string) int { return max(0, bytes.Index(b, []byte(s))) }
