// Package replay serves the providers' own published example responses
// (the Azure REST API specs' examples, the OpenAI OpenAPI description's
// examples, the Anthropic Admin API reference's, botocore's examples of
// the AWS APIs) to a collector's real SDK
// client, for conformance tests: the collector is checked against what the
// service documents it sends, not against an emulator the project wrote.
//
// A manifest (testdata/conformance/calls.yaml beside each collector) lists
// every call the collector makes, the example that answers it, the
// example's provenance (repository, path, commit) and every edit made to it
// (only ids, kinds and placeholder links, each with why). A call the
// manifest does not list is answered 501 and recorded, so a conformance
// test also proves that every call the collector makes has its example.
//
// AWS calls are told apart by more than method and path: the X-Amz-Target
// header (JSON protocols), the Action form parameter (Query protocol), the
// request's own parameters (Input) and the access key that signed it; a
// botocore example's output is rendered in the service's wire protocol
// (Wire). Tests only.
package replay

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"go.yaml.in/yaml/v3"
)

// Manifest is one collector's conformance cases.
type Manifest struct {
	// Source names where the examples come from and under which licence.
	Source string `yaml:"source"`
	Calls  []Call `yaml:"calls"`
	// NoExample lists, with why, what the collector reads that no official
	// example shows (so no conformance case covers it).
	NoExample []string `yaml:"no_example"`
}

// Call is one call of the collector and the example that answers it.
type Call struct {
	// Call is "METHOD /path/template": {name} matches one segment,
	// {name...} any number; literal segments match without regard to case
	// (Resource Manager's paths are case-insensitive).
	Call string `yaml:"call"`
	// Query holds query parameters the request must carry (api-version).
	Query map[string]string `yaml:"query"`
	// Example is the file under the examples directory whose response
	// (Status, default 200) answers the call: its "responses" -> status ->
	// "body" for an Azure example, or the whole file otherwise (Raw).
	Example string `yaml:"example"`
	Status  string `yaml:"status"`
	// Raw serves the example file as it is (an OpenAPI example value or a
	// documented response body), not an Azure example's responses map.
	Raw bool `yaml:"raw"`
	// Items are further examples whose bodies are appended to this list
	// answer's "value" (or "data", or "items"): a list composed of single-resource
	// examples, or of a case written from the schema where no example shows
	// it (Why says which).
	Items []string `yaml:"items"`
	// Edits change the example before it is served; Why says why. In a
	// value set by an edit, {{path}} is the request's path (so a list
	// answered for many parents gives each item an id under its parent).
	Edits []Edit `yaml:"edits"`
	Why   string `yaml:"why"`
	// Provenance of the example.
	Repo   string `yaml:"repo"`
	Path   string `yaml:"path"`
	Commit string `yaml:"commit"`
	From   string `yaml:"from"`

	// Target must equal the request's X-Amz-Target header (AWS JSON 1.0
	// and 1.1 protocols: "AWSOrganizationsV20161128.ListAccounts").
	Target string `yaml:"target"`
	// Action must equal the request's Action form parameter (AWS Query
	// protocol: STS, IAM).
	Action string `yaml:"action"`
	// Input holds parameters the request must carry, compared as strings:
	// top-level members of a JSON body, or form parameters.
	Input map[string]string `yaml:"input"`
	// AccessKey must be the access key id that signed the request (SigV4),
	// so one account's answer differs from another's.
	AccessKey string `yaml:"access_key"`
	// Select is a dotted path to the answer within the example file
	// ("examples.ListAccounts.0.output" in a botocore examples file).
	Select string `yaml:"select"`
	// Wire renders the answer in an AWS protocol: "awsjson" (JSON 1.1:
	// the members named in Timestamps become epoch seconds), "awsquery"
	// (XML, lists as <member> items, in <ActionResponse><ActionResult>);
	// "" serves the JSON as it is.
	Wire       string   `yaml:"wire"`
	Timestamps []string `yaml:"timestamps"`
	// Body answers a call no official example shows, written here from the
	// service's schema (From names it); used when Example is empty.
	Body any `yaml:"body"`
}

// name identifies the call in messages.
func (c Call) name() string {
	n := c.Call
	for _, s := range []string{c.Target, c.Action} {
		if s != "" {
			n += " " + s
		}
	}
	keys := make([]string, 0, len(c.Input))
	for k := range c.Input {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		n += " " + k + "=" + c.Input[k]
	}
	if c.AccessKey != "" {
		n += " signed by " + c.AccessKey
	}
	return n
}

// Edit sets (or deletes) the value at a dotted path ("value.0.kind").
type Edit struct {
	At     string `yaml:"at"`
	Set    any    `yaml:"set"`
	Delete bool   `yaml:"delete"`
}

// Load reads a manifest.
func Load(path string) (*Manifest, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m Manifest
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for i, c := range m.Calls {
		if len(strings.Fields(c.Call)) != 2 || (c.Example == "") == (c.Body == nil) || (c.Commit == "" && c.From == "") || (len(c.Edits) > 0 && c.Why == "") {
			return nil, fmt.Errorf("%s: call %d (%q): want \"METHOD /path\", an example (or a body written from the schema), its commit (or from: where it was taken), and why for any edit", path, i, c.Call)
		}
		if c.Wire != "" && c.Wire != "awsjson" && c.Wire != "awsquery" || c.Wire == "awsquery" && c.Action == "" {
			return nil, fmt.Errorf("%s: call %d (%q): wire is awsjson or awsquery (with an action)", path, i, c.Call)
		}
	}
	return &m, nil
}

// Server answers a manifest's calls over loopback.
type Server struct {
	URL  string
	srv  *httptest.Server
	m    *Manifest
	dir  string
	host []string // origins written in the examples, rewritten to URL

	mu        sync.Mutex
	served    map[int]int // call index -> times answered
	unmatched []string
	bodies    map[int][]byte
}

// Start serves m's calls with the examples in dir, over TLS when tls is
// set (Azure's bearer-token policy refuses plain HTTP). Absolute links in
// the examples to any of hosts are rewritten to the server.
func Start(t testing.TB, m *Manifest, dir string, tls bool, hosts ...string) *Server {
	t.Helper()
	s := &Server{m: m, dir: dir, host: hosts, served: map[int]int{}, bodies: map[int][]byte{}}
	for i := range m.Calls {
		b, err := s.body(i)
		if err != nil {
			t.Fatalf("conformance example for %s: %v", m.Calls[i].Call, err)
		}
		s.bodies[i] = b
	}
	if tls {
		s.srv = httptest.NewTLSServer(http.HandlerFunc(s.serve))
	} else {
		s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	}
	s.URL = s.srv.URL
	t.Cleanup(s.srv.Close)
	return s
}

// Roots trusts the TLS server's certificate (and nothing else).
func (s *Server) Roots() *x509.CertPool {
	p := x509.NewCertPool()
	if c := s.srv.Certificate(); c != nil {
		p.AddCert(c)
	}
	return p
}

// Unmatched lists the requests no call of the manifest answers.
func (s *Server) Unmatched() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.unmatched)
}

// NeverCalled lists the manifest's calls the collector never made.
func (s *Server) NeverCalled() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for i, c := range s.m.Calls {
		if s.served[i] == 0 {
			out = append(out, c.name())
		}
	}
	return out
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	req, err := readRequest(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	for i, c := range s.m.Calls {
		if !s.matches(c, r, req) {
			continue
		}
		s.mu.Lock()
		s.served[i]++
		s.mu.Unlock()
		body := bytes.ReplaceAll(s.bodies[i], []byte("{{server}}"), []byte(s.URL))
		body = bytes.ReplaceAll(body, []byte("{{path}}"), []byte(strings.TrimSuffix(r.URL.Path, "/")))
		switch c.Wire {
		case "awsjson":
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		case "awsquery":
			w.Header().Set("Content-Type", "text/xml")
		default:
			w.Header().Set("Content-Type", "application/json")
		}
		status := 200
		if c.Status != "" {
			status, _ = strconv.Atoi(c.Status)
		}
		w.WriteHeader(status)
		_, _ = w.Write(body)
		return
	}
	s.mu.Lock()
	s.unmatched = append(s.unmatched, strings.TrimSpace(r.Method+" "+r.URL.RequestURI()+" "+r.Header.Get("X-Amz-Target")+" "+req.params["Action"]))
	s.mu.Unlock()
	http.Error(w, `{"error":{"code":"NoExample","message":"no official example answers this call"}}`, http.StatusNotImplemented)
}

// request is what a call is matched on beyond method and path.
type request struct {
	params    map[string]string // a JSON body's top-level members, or the form
	accessKey string            // the SigV4 signer's access key id
}

var credentialRE = regexp.MustCompile(`Credential=([^/,\s]+)/`)

func readRequest(r *http.Request) (request, error) {
	q := request{params: map[string]string{}}
	if m := credentialRE.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		q.accessKey = m[1]
	}
	if r.Body == nil {
		return q, nil
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return q, err
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		form, err := url.ParseQuery(string(b))
		if err != nil {
			return q, err
		}
		for k := range form {
			q.params[k] = form.Get(k)
		}
		return q, nil
	}
	var top map[string]any
	if json.Unmarshal(b, &top) == nil {
		for k, v := range top {
			q.params[k] = fmt.Sprint(v)
		}
	}
	return q, nil
}

func (s *Server) matches(c Call, r *http.Request, req request) bool {
	f := strings.Fields(c.Call)
	if !strings.EqualFold(f[0], r.Method) {
		return false
	}
	for k, v := range c.Query {
		if r.URL.Query().Get(k) != v {
			return false
		}
	}
	if c.Target != "" && r.Header.Get("X-Amz-Target") != c.Target ||
		c.Action != "" && req.params["Action"] != c.Action ||
		c.AccessKey != "" && req.accessKey != c.AccessKey {
		return false
	}
	for k, v := range c.Input {
		if req.params[k] != v {
			return false
		}
	}
	return matchPath(split(f[1]), split(r.URL.Path))
}

func split(p string) []string { return strings.Split(strings.Trim(p, "/"), "/") }

// matchPath matches path segments against a template's.
func matchPath(tmpl, segs []string) bool {
	if len(tmpl) == 0 {
		return len(segs) == 0
	}
	t := tmpl[0]
	if strings.HasPrefix(t, "{") && strings.HasSuffix(t, "...}") {
		for n := 0; n <= len(segs); n++ {
			if matchPath(tmpl[1:], segs[n:]) {
				return true
			}
		}
		return false
	}
	if len(segs) == 0 {
		return false
	}
	if !(strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}")) && !strings.EqualFold(t, segs[0]) {
		return false
	}
	return matchPath(tmpl[1:], segs[1:])
}

// body is call i's answer: the example's response, with the items
// appended, the edits applied and links to the example hosts rewritten.
func (s *Server) body(i int) ([]byte, error) {
	c := s.m.Calls[i]
	var v any
	var err error
	if c.Example == "" {
		// Written here from the schema: a copy, as edits change it.
		b, err := json.Marshal(c.Body)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(b, &v); err != nil {
			return nil, err
		}
	} else if v, err = s.example(c.Example, c); err != nil {
		return nil, err
	}
	if len(c.Items) > 0 {
		list, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: items need a list answer", c.Example)
		}
		key := "value" // Resource Manager's lists; OpenAI's and Anthropic's are "data", Inference Endpoints' "items"
		for _, k := range []string{"data", "items"} {
			if _, ok := list[k]; ok {
				key = k
			}
		}
		values, _ := list[key].([]any)
		for _, it := range c.Items {
			item, err := s.example(it, Call{Raw: c.Raw})
			if err != nil {
				return nil, err
			}
			values = append(values, item)
		}
		list[key] = values
	}
	for _, e := range c.Edits {
		if v, err = edit(v, strings.Split(e.At, "."), e); err != nil {
			return nil, fmt.Errorf("%s: edit %s: %w", c.Example, e.At, err)
		}
	}
	var b []byte
	switch c.Wire {
	case "awsjson":
		if v, err = epochSeconds(v, c.Timestamps); err != nil {
			return nil, fmt.Errorf("%s: %w", c.name(), err)
		}
		b, err = json.Marshal(v)
	case "awsquery":
		b, err = queryXML(c.Action, v)
	default:
		b, err = json.Marshal(v)
	}
	if err != nil {
		return nil, err
	}
	for _, h := range s.host {
		b = bytes.ReplaceAll(b, []byte(h+":443"), []byte("{{server}}"))
		b = bytes.ReplaceAll(b, []byte(h), []byte("{{server}}"))
	}
	return b, nil
}

func (s *Server) example(name string, c Call) (any, error) {
	b, err := os.ReadFile(filepath.Join(s.dir, name))
	if err != nil {
		return nil, err
	}
	var doc any
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if c.Select != "" {
		var err error
		if doc, err = pick(doc, strings.Split(c.Select, ".")); err != nil {
			return nil, fmt.Errorf("%s: %s: %w", name, c.Select, err)
		}
		return doc, nil
	}
	if c.Raw {
		return doc, nil
	}
	status := c.Status
	if status == "" {
		status = "200"
	}
	m, _ := doc.(map[string]any)
	resp, _ := m["responses"].(map[string]any)
	st, _ := resp[status].(map[string]any)
	body, ok := st["body"]
	if !ok {
		return nil, fmt.Errorf("%s: no responses.%s.body", name, status)
	}
	return body, nil
}

// edit applies e at path in v.
func edit(v any, path []string, e Edit) (any, error) {
	if len(path) == 0 {
		return e.Set, nil
	}
	switch x := v.(type) {
	case map[string]any:
		if len(path) == 1 && e.Delete {
			if _, ok := x[path[0]]; !ok {
				return nil, fmt.Errorf("no %q to delete", path[0])
			}
			delete(x, path[0])
			return x, nil
		}
		next, ok := x[path[0]]
		if !ok && len(path) > 1 {
			return nil, fmt.Errorf("no %q", path[0])
		}
		nv, err := edit(next, path[1:], e)
		if err != nil {
			return nil, err
		}
		x[path[0]] = nv
		return x, nil
	case []any:
		n, err := strconv.Atoi(path[0])
		if err != nil || n < 0 || n >= len(x) {
			return nil, fmt.Errorf("no item %q", path[0])
		}
		if len(path) == 1 && e.Delete {
			return slices.Delete(x, n, n+1), nil
		}
		nv, err := edit(x[n], path[1:], e)
		if err != nil {
			return nil, err
		}
		x[n] = nv
		return x, nil
	}
	return nil, fmt.Errorf("cannot descend into %T", v)
}
