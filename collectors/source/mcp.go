package source

import (
	"bytes"
	"encoding/json"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"go.yaml.in/yaml/v3"

	"github.com/aisight/aisight/internal/redact"
	"github.com/aisight/aisight/model"
)

// mcpFormat says how a file holds MCP servers, from its path: "json"
// (JSON with comments and trailing commas, as VS Code, Cursor, Zed and
// Claude read it), "toml" (Codex) or "yaml" (Continue); "" when the file is
// not an MCP client configuration.
//
//	.mcp.json, mcp.json (.cursor/, .vscode/, .roo/, .amazonq/, root)  Claude Code, Cursor, VS Code, Roo, Amazon Q
//	claude_desktop_config.json, .claude.json (projects too)          Claude Desktop, Claude Code user config
//	cline_mcp_settings.json, mcp_config.json, mcp_settings.json       Cline, Windsurf, Roo
//	.vscode/settings.json ("mcp": {"servers"}), .gemini/settings.json, Zed settings.json ("context_servers")
//	.continue/config.json|yaml, .continue/mcpServers/*.yaml|json      Continue
//	.codex/config.toml ([mcp_servers.NAME])                           Codex
func mcpFormat(rel string) string {
	lower := strings.ToLower(rel)
	base := path.Base(lower)
	dir := path.Base(path.Dir(lower))
	switch base {
	case "mcp.json", ".mcp.json", "claude_desktop_config.json", "cline_mcp_settings.json", "mcp_config.json", "mcp_settings.json", ".claude.json":
		return "json"
	case "settings.json", "settings.local.json":
		switch dir {
		case ".vscode", ".gemini", ".zed", "zed", ".claude", ".cursor", ".windsurf", ".amazonq", ".roo":
			return "json"
		}
	case "config.toml":
		if dir == ".codex" {
			return "toml"
		}
	}
	if dir == ".continue" && (base == "config.json" || base == "config.yaml" || base == "config.yml") || path.Base(path.Dir(path.Dir(lower))) == ".continue" && dir == "mcpservers" {
		switch path.Ext(base) {
		case ".json":
			return "json"
		case ".yaml", ".yml":
			return "yaml"
		}
	}
	if dir == ".amazonq" && path.Ext(base) == ".json" {
		return "json"
	}
	return ""
}

// MCPServer is one server entry of an MCP client configuration.
type MCPServer struct {
	Name    string
	Command string
	Args    []string
	EnvVars []string // names only: values are never kept
	// EnvLiterals counts env values written literally (not ${VAR} references).
	EnvLiterals int
	URL         string
	Type        string
}

// serverKeys hold name -> server maps in the formats above.
var serverKeys = []string{"mcpServers", "servers", "context_servers", "mcp_servers", "modelContextProtocolServers"}

// ParseMCPConfig reads the servers of a JSON (JSONC) MCP configuration:
// "mcpServers" (also under ~/.claude.json's projects), VS Code's "servers"
// (also under "mcp"), Zed's "context_servers" with its command object,
// Continue's "experimental.modelContextProtocolServers" list.
func ParseMCPConfig(b []byte) ([]MCPServer, error) { return parseMCP(b, "json") }

// serversIn finds server maps (or lists) under the serverKeys of a decoded
// document, at most four levels down.
func serversIn(doc any, depth int) []MCPServer {
	m, ok := doc.(map[string]any)
	if !ok || depth > 4 {
		return nil
	}
	var out []MCPServer
	for _, k := range sortedKeys(m) {
		v := m[k]
		if !slices.Contains(serverKeys, k) {
			out = append(out, serversIn(v, depth+1)...)
			continue
		}
		switch servers := v.(type) {
		case map[string]any:
			for _, name := range sortedKeys(servers) {
				if sm, ok := servers[name].(map[string]any); ok {
					out = append(out, serverOf(name, sm))
				}
			}
		case []any: // Continue: a list of {name, command, args} or {transport: {...}}
			for i, it := range servers {
				sm, ok := it.(map[string]any)
				if !ok {
					continue
				}
				name, _ := sm["name"].(string)
				if name == "" {
					name = "server-" + strconv.Itoa(i+1)
				}
				if t, ok := sm["transport"].(map[string]any); ok {
					sm = t
				}
				out = append(out, serverOf(name, sm))
			}
		}
	}
	return out
}

// serverOf reads one server entry: command (a string, or Zed's {path, args,
// env} object), args, env (names and a count of literal values), url /
// serverUrl / httpUrl, type / transport.
func serverOf(name string, m map[string]any) MCPServer {
	s := MCPServer{Name: name}
	cmd := m["command"]
	if cm, ok := cmd.(map[string]any); ok { // Zed
		cmd = cm["path"]
		if m["args"] == nil {
			m["args"] = cm["args"]
		}
		if m["env"] == nil {
			m["env"] = cm["env"]
		}
	}
	s.Command, _ = cmd.(string)
	if args, ok := m["args"].([]any); ok {
		for _, a := range args {
			if as, ok := a.(string); ok {
				s.Args = append(s.Args, as)
			}
		}
	}
	if env, ok := m["env"].(map[string]any); ok {
		for _, k := range sortedKeys(env) {
			s.EnvVars = append(s.EnvVars, k)
			if v, _ := env[k].(string); v != "" && !strings.HasPrefix(v, "$") && !strings.HasPrefix(v, "{env:") {
				s.EnvLiterals++
			}
		}
	}
	for _, k := range []string{"url", "serverUrl", "httpUrl", "uri"} {
		if u, _ := m[k].(string); u != "" {
			s.URL = u
			break
		}
	}
	for _, k := range []string{"type", "transport"} {
		if t, _ := m[k].(string); t != "" {
			s.Type = t
			break
		}
	}
	return s
}

var (
	npmPinned = regexp.MustCompile(`^(@[^/@]+/)?[^@]+@[0-9][^@]*$`)
	pyPinned  = regexp.MustCompile(`(==|@)[0-9]`)
)

// MCPPackage returns the package a launcher command runs (npx, bunx, pnpm
// dlx, uvx, pipx run, docker run) and whether it is pinned to a version.
//
// A command written as one string ("uvx srv --api-key VALUE") is split
// into words, and an "env NAME=VALUE ... cmd" prefix is stepped over: the
// launcher is one word, never a value; a flag whose name says credential
// takes its value with it.
func MCPPackage(command string, args []string) (launcher, pkg string, pinned bool) {
	if strings.TrimSpace(command) == "" {
		return "", "", false
	}
	if words := strings.Fields(command); len(words) > 1 {
		command, args = words[0], append(words[1:], args...)
	}
	for path.Base(command) == "env" && len(args) > 0 {
		i := 0
		for i < len(args) && (strings.Contains(args[i], "=") || strings.HasPrefix(args[i], "-")) {
			i++
		}
		if i == len(args) {
			break
		}
		command, args = args[i], args[i+1:]
	}
	launcher = path.Base(command)
	rest := args
	switch launcher {
	case "uv":
		// uv [global options] run SCRIPT|COMMAND runs the project's own code
		// (no package is fetched); uv tool run PACKAGE is uvx.
		for len(rest) > 1 && strings.HasPrefix(rest[0], "-") {
			if strings.Contains(rest[0], "=") || !uvValueFlags[rest[0]] {
				rest = rest[1:]
			} else {
				rest = rest[2:]
			}
		}
		if len(rest) < 2 || rest[0] != "tool" || rest[1] != "run" {
			return launcher, "", false
		}
		rest = rest[2:]
	case "pnpm", "pipx":
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
			if valueFlags[a] || !strings.Contains(a, "=") && redact.SensitiveName(a) {
				i++
			}
			continue
		}
		pkg = a
		break
	}
	if redact.LooksSecret(pkg) {
		pkg = redact.Mark
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

// uvValueFlags are uv's global options that take a value.
var uvValueFlags = map[string]bool{"--directory": true, "--project": true, "--python": true, "-p": true, "--with": true,
	"--config-file": true, "--cache-dir": true, "--index": true, "--default-index": true, "--index-url": true, "--extra-index-url": true}

// remoteBridge returns the URL a local bridge package (mcp-remote,
// @modelcontextprotocol/proxy-style launchers) forwards to: the first
// argument after the package that is an http(s) URL.
func remoteBridge(pkg string, args []string) string {
	name := pkg
	if i := strings.LastIndexByte(pkg, '@'); i > 0 {
		name = pkg[:i]
	}
	if name != "mcp-remote" && name != "@modelcontextprotocol/mcp-remote" && name != "supergateway" {
		return ""
	}
	for _, a := range args {
		if strings.HasPrefix(a, "https://") || strings.HasPrefix(a, "http://") {
			return a
		}
	}
	return ""
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

// mcpConfig reports each MCP server of a client configuration in format
// (mcpFormat of its path).
func (s *scanner) mcpConfig(f *file, format string) {
	servers, err := parseMCP(f.content, format)
	if err != nil {
		s.parseError(f, err)
		return
	}
	s.mcpServers(f, servers, 0, len(f.content))
}

// parseMCP reads the servers of a client configuration in format: Codex's
// [mcp_servers.NAME] tables (toml), Continue's mcpServers list (yaml), the
// JSON(C) forms of ParseMCPConfig.
func parseMCP(b []byte, format string) ([]MCPServer, error) {
	doc, err := decodeConfig(b, format)
	if err != nil {
		return nil, err
	}
	return serversIn(doc, 0), nil
}

// decodeConfig decodes a configuration file: "json" (with comments and
// trailing commas), "yaml" or "toml".
func decodeConfig(b []byte, format string) (any, error) {
	var doc any
	var err error
	switch format {
	case "toml":
		var m map[string]any
		err = toml.Unmarshal(b, &m)
		doc = m
	case "yaml":
		err = yaml.Unmarshal(b, &doc)
	default:
		err = json.Unmarshal(JSONC(b), &doc)
	}
	return doc, err
}

// mcpServers reports servers declared in f.content[from:to], locating each
// at its name's first occurrence there (at from when none).
func (s *scanner) mcpServers(f *file, servers []MCPServer, from, to int) {
	for _, m := range servers {
		src := "file:" + f.rel
		a := model.Asset{
			ID: fileURI(s.label, f.rel) + "#mcp:" + m.Name, Provider: "mcp", Scope: s.scope,
			Kind: model.KindMCPServer, Name: m.Name, Location: f.location(serverOffset(f.content[:to], m.Name, from)),
		}
		a.Facts = append(a.Facts,
			model.Strings("mcp.env_vars", m.EnvVars, model.Declared, src),
			model.Int("mcp.env_literal_values", int64(m.EnvLiterals), model.Observed, src))
		launcher, pkg, pinned := MCPPackage(m.Command, m.Args)
		url := m.URL
		bridged := false
		if url == "" {
			url = remoteBridge(pkg, m.Args)
			bridged = url != ""
		}
		if url != "" {
			a.DeploymentType = model.APISaaS
			transport := m.Type
			if transport == "" || transport == "stdio" {
				transport = "http"
			}
			a.Facts = append(a.Facts,
				model.String("mcp.transport", transport, model.Declared, src),
				model.String("mcp.url", safeURL(url), model.Declared, src),
				model.Bool("mcp.remote", true, model.Declared, src))
			if bridged {
				a.Facts = append(a.Facts,
					model.String("mcp.command", launcher, model.Declared, src),
					model.String("mcp.package", pkg, model.Declared, src),
					model.Bool("mcp.package_pinned", pinned, model.Inferred, src))
			}
		} else {
			a.DeploymentType = model.SelfHosted
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
		if c := mcpClient(f.rel); c != "" {
			a.Facts = append(a.Facts, model.String("mcp.client", c, model.Inferred, src))
		}
		s.sink.Asset(a)
	}
}

// serverOffset is where a server's entry starts, at or after from (b ends
// where the declaration does, so a file of many declarations is read in
// linear time): its
// "NAME" key (JSON, code), [mcp_servers.NAME] table (TOML), NAME: key or
// name: NAME item (YAML).
func serverOffset(b []byte, name string, from int) int {
	rest := b[from:]
	for _, p := range []string{`"` + name + `"`, `'` + name + `'`, "mcp_servers." + name, "- name: " + name + "\n", "name: " + name + "\n", `name: "` + name + `"`, "name: " + name} {
		if i := bytes.Index(rest, []byte(p)); i >= 0 {
			return from + i
		}
	}
	// a YAML mapping key: NAME: at the start of a line, after indentation
	for i := 0; ; {
		j := bytes.Index(rest[i:], []byte(name+":"))
		if j < 0 {
			break
		}
		k := i + j
		ls := k
		for ls > 0 && (rest[ls-1] == ' ' || rest[ls-1] == '\t') {
			ls--
		}
		if ls == 0 || rest[ls-1] == '\n' {
			return from + k
		}
		i = k + 1
	}
	return from
}

// mcpClient names the coding agent or IDE a configuration belongs to.
func mcpClient(rel string) string {
	lower := strings.ToLower(rel)
	switch {
	case strings.Contains(lower, ".cursor/"):
		return "cursor"
	case strings.Contains(lower, ".vscode/"):
		return "vscode"
	case strings.Contains(lower, ".gemini/"):
		return "gemini_cli"
	case strings.Contains(lower, ".codex/"):
		return "codex"
	case strings.Contains(lower, ".continue/"):
		return "continue"
	case strings.Contains(lower, ".amazonq/"):
		return "amazon_q"
	case strings.Contains(lower, ".roo/"):
		return "roo"
	case strings.Contains(lower, "zed/"):
		return "zed"
	case strings.Contains(lower, "windsurf") || strings.HasSuffix(lower, "mcp_config.json"):
		return "windsurf"
	case strings.HasSuffix(lower, "cline_mcp_settings.json"):
		return "cline"
	case strings.HasSuffix(lower, "claude_desktop_config.json"):
		return "claude_desktop"
	case strings.HasSuffix(lower, ".mcp.json"), strings.HasSuffix(lower, ".claude.json"), strings.Contains(lower, ".claude/"):
		return "claude_code"
	}
	return ""
}
