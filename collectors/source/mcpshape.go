package source

import (
	"bytes"
	"cmp"
	"encoding/json"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/aisight/aisight/internal/detect/anchors"
	"github.com/aisight/aisight/internal/redact"
)

// MCP servers by shape. Outside the coding agents' own files (mcpFormat),
// MCP servers are configured by agent frameworks (mcp_agent.config.yaml,
// mcp-use and mcphost JSON, inspector configs), by applications'
// MCP_SERVERS settings and by code that builds a client from a literal
// server map. Any JSON, YAML or TOML object of the server-map shape counts:
// a map under mcpServers, mcp_servers, context_servers (or servers under an
// mcp key) whose entries have a command or a URL. In code, the object
// literal around a "mcpServers" key is read when it is JSON.

// mcpShapeKeys name a server map wherever they are; "servers" only does
// under a parent named mcp.
var mcpShapeKeys = []string{"mcpServers", "mcp_servers", "context_servers", "modelContextProtocolServers", "mcp-servers"}

// mcpShapeAnchors are the literals that make a file worth parsing for the
// shape (Zed's context_servers is read in Zed's own files only: its first
// bytes are too common to search every file for).
var mcpShapeAnchors = []string{"mcpServers", "mcp_servers", "mcp-servers", "mcp:", "[mcp.servers"}

// mcpShapeGroup and mcpCodeGroup test those anchors together.
var mcpShapeGroup, mcpCodeGroup = anchors.NewGroup(mcpShapeAnchors...), anchors.NewGroup(mcpCodeAnchors...)

// mcpCodeAnchors are the literals of MCP clients built in code.
// They are gates: the client constructors are then searched in the file
// (a TypeScript client's transport names itself: ClientTransport).
var mcpCodeAnchors = []string{"mcp", "MCP", "Mcp", "ClientTransport(", "StdioServerParameters("}

// mcpShapeFormat says how to read a file that may hold the shape: "json",
// "yaml", "toml", or "code" (object literals inside code).
func mcpShapeFormat(f *file) string {
	switch f.ext() {
	case ".json", ".jsonc", ".json5":
		return "json"
	case ".yaml", ".yml":
		return "yaml"
	case ".toml":
		return "toml"
	case ".md", ".rst", ".txt", ".adoc", ".html", ".lock", ".sum", ".ipynb":
		return ""
	}
	return "code"
}

// shapeServers finds server maps in a decoded document: under
// mcpShapeKeys at any depth (bounded), or "servers" under "mcp". Entries
// without a command or URL are not servers.
func shapeServers(doc any, parent string, depth int) []MCPServer {
	if depth > 8 {
		return nil
	}
	var out []MCPServer
	switch d := doc.(type) {
	case map[string]any:
		for _, k := range sortedKeys(d) {
			v := d[k]
			if slices.Contains(mcpShapeKeys, k) || k == "servers" && strings.EqualFold(parent, "mcp") {
				for _, srv := range serversIn(map[string]any{"mcpServers": v}, 0) {
					if srv.Command != "" || srv.URL != "" {
						out = append(out, srv)
					}
				}
				continue
			}
			out = append(out, shapeServers(v, k, depth+1)...)
		}
	case []any:
		for _, it := range d {
			out = append(out, shapeServers(it, parent, depth+1)...)
		}
	}
	return out
}

// mcpShape reports the MCP servers of a file that is not an agent's own
// configuration but holds the server-map shape. A JSON, YAML or TOML file
// that holds an anchor and does not parse is named as unparsed; code that
// does not hold a JSON object literal around the key is not.
func (s *scanner) mcpShape(f *file, format string) {
	if format == "code" {
		s.mcpLiterals(f)
		return
	}
	doc, err := decodeConfig(f.content, format)
	if err != nil {
		if format == "yaml" && bytes.Contains(f.content, []byte("{{")) {
			return // a template; the templated-YAML reader names it if it matters
		}
		s.parseError(f, err)
		return
	}
	s.mcpServers(f, shapeServers(doc, "", 0), 0, len(f.content))
}

// mcpLiterals reads the object literal around each quoted "mcpServers" (or
// mcp_servers) key in code as JSON: a dict or object written with double
// quotes, as examples and applications build their client's configuration.
func (s *scanner) mcpLiterals(f *file) {
	b := f.content
	h := f.anchorHits(s.c)
	for _, key := range mcpShapeKeys {
		for _, at := range h.Of(key) {
			if at == 0 || b[at-1] != '"' && b[at-1] != '\'' || inComment(b, at) {
				continue
			}
			start, end, ok := enclosingObject(b, at)
			if !ok {
				continue
			}
			doc, ok := literalDoc(b[start:end])
			if !ok {
				continue
			}
			s.mcpServers(f, shapeServers(doc, "", 0), start, end)
		}
	}
}

// enclosingObject returns the bounds of the {...} object holding offset at:
// the nearest unclosed '{' at most 2 KiB before it and its matching '}' at
// most 64 KiB after (strings are not parsed: a brace inside a string can
// make the bounds wrong, and the JSON parse then fails).
func enclosingObject(b []byte, at int) (int, int, bool) {
	depth := 0
	start := -1
	for i := at - 1; i >= 0 && i >= at-2<<10; i-- {
		switch b[i] {
		case '}':
			depth++
		case '{':
			if depth == 0 {
				start = i
			} else {
				depth--
			}
		}
		if start >= 0 {
			break
		}
	}
	if start < 0 {
		return 0, 0, false
	}
	depth = 0
	for i := start; i < len(b) && i < start+64<<10; i++ {
		switch b[i] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return start, i + 1, true
			}
		}
	}
	return 0, 0, false
}

// literalDoc decodes an object literal of code as JSON (with comments,
// trailing commas and Python's True, False and None).
func literalDoc(b []byte) (any, bool) {
	var doc any
	return doc, json.Unmarshal(JSONC(pythonLiterals(b)), &doc) == nil
}

// pythonLiterals turns a Python dict literal's True, False and None into
// JSON's (outside strings), so a configuration written as a dict parses.
func pythonLiterals(b []byte) []byte {
	if !bytes.Contains(b, []byte("True")) && !bytes.Contains(b, []byte("False")) && !bytes.Contains(b, []byte("None")) {
		return b
	}
	out := make([]byte, 0, len(b))
	inQ := byte(0)
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inQ != 0 {
			out = append(out, c)
			if c == '\\' && i+1 < len(b) {
				i++
				out = append(out, b[i])
			} else if c == inQ {
				inQ = 0
			}
			continue
		}
		if c == '"' {
			inQ = c
		}
		word := func(w string) bool {
			return bytes.HasPrefix(b[i:], []byte(w)) && (i == 0 || !isIdent(b[i-1])) && (i+len(w) == len(b) || !isIdent(b[i+len(w)]))
		}
		switch {
		case word("True"):
			out, i = append(out, "true"...), i+3
		case word("False"):
			out, i = append(out, "false"...), i+4
		case word("None"):
			out, i = append(out, "null"...), i+3
		default:
			out = append(out, c)
		}
	}
	return out
}

// mcpShapeCandidate reports whether a file may hold the shape (not an
// agent's own configuration, which mcpConfig reads, nor a package manifest).
func mcpShapeCandidate(f *file, agentConfig bool) string {
	if agentConfig || strings.EqualFold(f.base, "package.json") {
		return ""
	}
	return mcpShapeFormat(f)
}

// MCP clients built in code through the official SDKs and the common agent
// frameworks: a transport or server object constructed with a literal URL
// or command. The constructor names are the SDKs' public API:
//
//	TypeScript SDK   new StreamableHTTPClientTransport(new URL("…")), SSEClientTransport, StdioClientTransport({command, args})
//	Python SDK       streamablehttp_client("…"), sse_client(url=…), StdioServerParameters(command=…, args=[…])
//	Pydantic AI      MCPServerStdio("npx", args=[…]), MCPServerStreamableHTTP("…"), MCPServerSSE(url=…)
//	OpenAI Agents    MCPServerStdio(params={"command": …}), MCPServerStreamableHttp(params={"url": …}), MCPServerSse
//	LangChain        MultiServerMCPClient({"name": {"command"|"url": …, "transport": …}})
//	Go SDK           &mcp.StreamableClientTransport{Endpoint: …}, SSEClientTransport{Endpoint: …}, CommandTransport{Command: exec.Command("npx", …)}
//	mcp-go           client.NewStreamableHttpClient("…"), NewSSEMCPClient("…"), NewStdioMCPClient("npx", env, "-y", …)
//
// A URL given by a name (url, Endpoint: githubMCPURL) is the one URL
// literal the file gives that name.
var mcpClientCalls = []string{"StreamableHTTPClientTransport(", "SSEClientTransport(", "StdioClientTransport(", "streamablehttp_client(",
	"streamable_http_client(", "sse_client(", "StdioServerParameters(", "MCPServerStdio(", "MCPServerStreamableHTTP(", "MCPServerStreamableHttp(",
	"MCPServerSSE(", "MCPServerSse(", "MCPServerHTTP(", "MultiServerMCPClient(",
	"StreamableClientTransport{", "SSEClientTransport{", "CommandTransport{", "NewStreamableHttpClient(", "NewSSEMCPClient(", "NewStdioMCPClient("}

// stringArgs reads the string literals of a list or of a call's
// arguments in order, skipping anything else (nil, a variable).
func stringArgs(args []byte) []string {
	var out []string
	for _, m := range callStr.FindAllSubmatch(args, -1) {
		out = append(out, string(m[1]))
	}
	return out
}

// commandServer is a stdio server launched by command with args, named
// after the package it runs, else after the command.
func commandServer(command string, args []string) MCPServer {
	srv := MCPServer{Command: command, Args: args}
	_, srv.Name, _ = MCPPackage(command, args)
	if srv.Name == "" || srv.Name == redact.Mark {
		srv.Name = path.Base(strings.Fields(command + " x")[0])
	}
	return srv
}

var (
	callURL     = regexp.MustCompile(`["'\x60](https?://[^"'\x60\s]{1,300})["'\x60]`)
	callCommand = regexp.MustCompile(`(?:\bcommand\s*[=:]\s*|"command"\s*:\s*|^\s*)["'\x60]([^"'\x60\n]{1,200})["'\x60]`)
	callArgs    = regexp.MustCompile(`(?:\bargs\s*[=:]\s*|"args"\s*:\s*)\[([^\]]{0,600})\]`)
	callStr     = regexp.MustCompile(`["'\x60]([^"'\x60\n]{0,300})["'\x60]`)
)

// mcpEnvServers reads an application's MCP_SERVERS setting: a JSON list
// of {name, url|command, ...} or a name -> server map, written after "="
// (.env, shell) or ":" (YAML, JSON), bare or as a quoted string.
func (s *scanner) mcpEnvServers(f *file) {
	b := f.content
	for _, at := range indexAll(b, "MCP_SERVERS") {
		if at > 0 && isIdent(b[at-1]) || inComment(b, at) {
			continue
		}
		i := at + len("MCP_SERVERS")
		for i < len(b) && (b[i] == '"' || b[i] == '\'' || b[i] == ' ' || b[i] == '\t') {
			i++
		}
		if i >= len(b) || (b[i] != '=' && b[i] != ':') {
			continue
		}
		i++
		for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '"' || b[i] == '\'' || b[i] == '>' || b[i] == '|' || b[i] == '\n') {
			i++
		}
		if i >= len(b) || (b[i] != '[' && b[i] != '{') {
			continue
		}
		end, ok := balancedEnd(b, i)
		if !ok {
			continue
		}
		raw := b[i:end]
		var doc any
		if json.Unmarshal(JSONC(bytes.ReplaceAll(raw, []byte(`\"`), []byte(`"`))), &doc) != nil {
			continue
		}
		var servers []MCPServer
		switch d := doc.(type) {
		case []any:
			for k, it := range d {
				m, ok := it.(map[string]any)
				if !ok {
					continue
				}
				name, _ := m["name"].(string)
				if name == "" {
					name = "server-" + strconv.Itoa(k+1)
				}
				if srv := serverOf(name, m); srv.Command != "" || srv.URL != "" {
					servers = append(servers, srv)
				}
			}
		case map[string]any:
			servers = shapeServers(map[string]any{"mcpServers": d}, "", 0)
		}
		s.mcpServers(f, servers, at, end)
	}
}

// mcpClientsInCode reports the MCP servers code connects to.
func (s *scanner) mcpClientsInCode(f *file) {
	b := f.content
	s.mcpEnvServers(f)
	s.apiMCPTools(f)
	named := map[string]string{} // identURL of each name, read once per file
	for _, call := range mcpClientCalls {
		for _, at := range indexAll(b, call) {
			if at > 0 && isIdent(b[at-1]) || inComment(b, at) {
				continue
			}
			args := callText(b[at+len(call):])
			if strings.HasSuffix(call, "{") { // a Go struct literal
				end, ok := balancedEnd(b, at+len(call)-1)
				if !ok {
					continue
				}
				args = b[at+len(call) : end-1]
				if i := bytes.Index(args, []byte("Endpoint:")); i >= 0 {
					args = args[i+len("Endpoint:"):] // its URL, or the name holding it
				}
			}
			if call == "MultiServerMCPClient(" {
				if start, end, ok := enclosingObject(b, at+len(call)+bytes.IndexByte(args, '"')+1); ok {
					if doc, ok := literalDoc(b[start:end]); ok {
						s.mcpServers(f, shapeServers(map[string]any{"mcpServers": doc}, "", 0), at, end)
					}
				}
				continue
			}
			var srv MCPServer
			m := callURL.FindSubmatch(args)
			if m == nil {
				// connect(url): the URL the file gives that name.
				name := firstIdentArg(args)
				u, ok := named[name]
				if !ok {
					u = identURL(b, name)
					named[name] = u
				}
				if u != "" {
					m = [][]byte{nil, []byte(u)}
				}
			}
			if m != nil {
				u, err := url.Parse(redact.URL(string(m[1])))
				if err != nil || u.Host == "" {
					continue
				}
				srv = MCPServer{Name: u.Host, URL: string(m[1]), Type: "http"}
				if strings.Contains(call, "SSE") || strings.Contains(call, "Sse") || strings.HasPrefix(call, "sse_") {
					srv.Type = "sse"
				}
			} else if gc := goArgCall(args, call); gc != nil {
				srv = commandServer(gc[0], gc[1:])
			} else if m := callCommand.FindSubmatch(args); m != nil {
				var cargs []string
				if am := callArgs.FindSubmatch(args); am != nil {
					cargs = stringArgs(am[1])
				}
				srv = commandServer(string(m[1]), cargs)
			} else {
				continue
			}
			s.mcpServers(f, []MCPServer{srv}, at, at) // the call is where it is declared
		}
	}
}

// balancedEnd returns the end of the JSON array or object starting at
// b[i] ('[' or '{'), matching brackets outside strings, at most 64 KiB on.
func balancedEnd(b []byte, i int) (int, bool) {
	depth := 0
	var quote byte
	for j := i; j < len(b) && j < i+64<<10; j++ {
		c := b[j]
		if quote != 0 {
			if c == '\\' {
				j++
			} else if c == quote {
				quote = 0
			}
			continue
		}
		switch c {
		case '"':
			quote = c
		case '[', '{':
			depth++
		case ']', '}':
			depth--
			if depth == 0 {
				return j + 1, true
			}
		}
	}
	return 0, false
}

// maxOccurrences bounds the occurrences of one literal the structure
// searches read in a file (a call, a key): each reads up to 64 KiB around
// it, and no real file names one MCP client thousands of times.
const maxOccurrences = 4096

// indexAll returns the offsets of the occurrences of lit in b, the first
// maxOccurrences of them.
func indexAll(b []byte, lit string) []int {
	var out []int
	for i := 0; i < len(b) && len(out) < maxOccurrences; {
		j := bytes.Index(b[i:], []byte(lit))
		if j < 0 {
			break
		}
		out = append(out, i+j)
		i += j + len(lit)
	}
	return out
}

// firstIdentArg returns the name a call's first argument is, when it is a
// plain name or attribute (url, self.url, args.server_url): its last
// segment; "" for anything else.
func firstIdentArg(args []byte) string {
	a := bytes.TrimSpace(args)
	if c := bytes.IndexAny(a, ",)"); c >= 0 {
		a = bytes.TrimSpace(a[:c])
	}
	if d := bytes.LastIndexByte(a, '.'); d >= 0 {
		a = a[d+1:]
	}
	if len(a) == 0 || len(a) > 40 || a[0] >= '0' && a[0] <= '9' {
		return ""
	}
	for _, c := range a {
		if !isIdent(c) {
			return ""
		}
	}
	return string(a)
}

// identURL is the one http(s) URL literal a file gives the name: in an
// assignment (NAME = "...", NAME: str = "...", const NAME = "..."), or as
// the default of the command-line option --NAME (click, argparse, typer:
// default="..."); "" when none or several different ones.
func identURL(b []byte, name string) string {
	if name == "" {
		return ""
	}
	found := ""
	add := func(window []byte) bool {
		m := callURL.FindSubmatch(window)
		if m == nil {
			return true
		}
		if found != "" && found != string(m[1]) {
			found = ""
			return false
		}
		found = string(m[1])
		return true
	}
	for _, at := range indexAll(b, name) {
		e := at + len(name)
		if at > 0 && (isIdent(b[at-1]) || b[at-1] == '-') || e < len(b) && isIdent(b[e]) || inComment(b, at) {
			continue
		}
		if !assignsNext(b, e) {
			continue
		}
		nl := bytes.IndexByte(b[e:], '\n')
		if nl < 0 {
			nl = len(b) - e
		}
		if !add(b[e : e+min(nl, 300)]) {
			return ""
		}
	}
	opt := "--" + strings.ReplaceAll(name, "_", "-")
	for _, q := range []string{`"`, `'`} {
		for _, at := range indexAll(b, q+opt+q) {
			w := callText(b[at:]) // the option's own arguments
			d := bytes.Index(w, []byte("default"))
			if d < 0 {
				continue
			}
			v := bytes.TrimLeft(w[d+len("default"):], " \t=:")
			if lit, ok := stringLit(v); ok && (strings.HasPrefix(lit, "http://") || strings.HasPrefix(lit, "https://")) {
				if !add([]byte(`"` + lit + `"`)) {
					return ""
				}
			}
		}
	}
	return found
}

// goArgCall reads a command given as separate string arguments (Go): the
// call's own (mcp-go's NewStdioMCPClient("npx", nil, "-y", "pkg")) or an
// exec.Command inside it (CommandTransport{Command: exec.Command(...)}).
func goArgCall(args []byte, call string) []string {
	if call != "NewStdioMCPClient(" {
		i := bytes.Index(args, []byte("exec.Command("))
		if i < 0 {
			return nil
		}
		args = callText(args[i+len("exec.Command("):])
	}
	if ss := stringArgs(args); len(ss) > 0 {
		return ss
	}
	return nil
}

// Remote MCP servers a model provider's API connects to on the caller's
// behalf, named in the request: Anthropic's MCP connector (mcp_servers:
// [{type: "url", url, name}]) and OpenAI's Responses API MCP tool
// ({type: "mcp", server_label, server_url}). Keys may be quoted or not,
// values in either quote, as JS, TS and Python write them.
var apiToolKV = regexp.MustCompile(`(?:^|[\s{,"'])(url|server_url|name|server_label|type)["']?\s*[:=]\s*["']([^"'\n]{1,300})["']`)

func (s *scanner) apiMCPTools(f *file) {
	b := f.content
	object := func(start, end int) {
		kv := map[string]string{}
		for _, m := range apiToolKV.FindAllSubmatch(b[start:end], -1) {
			if k := string(m[1]); kv[k] == "" {
				kv[k] = string(m[2])
			}
		}
		u := cmp.Or(kv["server_url"], kv["url"])
		if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			return
		}
		if kv["server_url"] == "" && kv["type"] != "url" || kv["server_url"] != "" && kv["type"] != "mcp" {
			return
		}
		name := cmp.Or(kv["server_label"], kv["name"])
		if name == "" {
			if pu, err := url.Parse(redact.URL(u)); err == nil {
				name = pu.Host
			}
		}
		s.mcpServers(f, []MCPServer{{Name: name, URL: u, Type: "http"}}, start, end)
	}
	for _, at := range indexAll(b, "mcp_servers") {
		i := at + len("mcp_servers")
		for i < len(b) && i < at+40 && (b[i] == '"' || b[i] == '\'' || b[i] == ' ' || b[i] == ':' || b[i] == '=') {
			i++
		}
		if i >= len(b) || b[i] != '[' || inComment(b, at) {
			continue
		}
		end, ok := balancedEnd(b, i)
		if !ok {
			continue
		}
		for j := i + 1; j < end; j++ {
			if b[j] != '{' {
				continue
			}
			if e, ok := balancedEnd(b, j); ok && e <= end {
				object(j, e)
				j = e - 1
			}
		}
	}
	for _, at := range indexAll(b, "server_url") {
		if inComment(b, at) {
			continue
		}
		if start, end, ok := enclosingObject(b, at); ok {
			object(start, end)
		}
	}
}
