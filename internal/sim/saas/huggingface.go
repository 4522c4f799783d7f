package saas

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// HuggingFace is what one Hugging Face token sees: its user, the token's
// own permissions, and the organisations it belongs to. Shapes follow the
// Hub API as huggingface_hub reads it (whoami-v2, /api/models|datasets|
// spaces?author=, /api/organizations/{org}/members and /resource-groups)
// and the Inference Endpoints API (/v2/endpoint/{namespace}).
type HuggingFace struct {
	Token string `yaml:"token"`
	User  string `yaml:"user"`
	// TokenRole is read, write or fineGrained; a fine-grained token's
	// grants are Global and Scoped.
	TokenRole           string     `yaml:"token_role"`
	TokenCreatedDaysAgo int        `yaml:"token_created_days_ago"`
	Global              []string   `yaml:"global"`
	Scoped              []HFScoped `yaml:"scoped"`
	Orgs                []HFOrg    `yaml:"orgs"`
}

// HFScoped is a fine-grained token's grants on one organisation.
type HFScoped struct {
	Org         string   `yaml:"org"`
	Permissions []string `yaml:"permissions"`
}

// HFOrg is a Hugging Face organisation.
type HFOrg struct {
	Name           string            `yaml:"name"`
	Role           string            `yaml:"role"` // the token user's roleInOrg: admin, write, contributor, read
	Enterprise     bool              `yaml:"enterprise"`
	Members        []string          `yaml:"members"`
	Models         []HFRepo          `yaml:"models"`
	Datasets       []HFRepo          `yaml:"datasets"`
	Spaces         []HFRepo          `yaml:"spaces"`
	ResourceGroups []HFResourceGroup `yaml:"resource_groups"`
	Endpoints      []HFEndpoint      `yaml:"endpoints"`
}

// HFRepo is a model, dataset or Space of an organisation.
type HFRepo struct {
	Name             string `yaml:"name"`
	Private          bool   `yaml:"private"`
	Gated            string `yaml:"gated"` // "", auto, manual
	CreatedDaysAgo   int    `yaml:"created_days_ago"`
	ModifiedDaysAgo  int    `yaml:"modified_days_ago"`
	Library          string `yaml:"library"`
	Pipeline         string `yaml:"pipeline"`
	SDK              string `yaml:"sdk"`      // Spaces
	Hardware         string `yaml:"hardware"` // Spaces
	ResourceGroup    string `yaml:"resource_group"`
	SafetensorsCount int    `yaml:"safetensors"`
}

// HFResourceGroup is an Enterprise resource group.
type HFResourceGroup struct {
	ID      string   `yaml:"id"`
	Name    string   `yaml:"name"`
	Members []string `yaml:"members"`
}

// HFEndpoint is an Inference Endpoint.
type HFEndpoint struct {
	Name           string `yaml:"name"`
	Type           string `yaml:"type"` // public, protected, private, authenticated
	Repository     string `yaml:"repository"`
	Revision       string `yaml:"revision"`
	Task           string `yaml:"task"`
	Framework      string `yaml:"framework"`
	Vendor         string `yaml:"vendor"`
	Region         string `yaml:"region"`
	Accelerator    string `yaml:"accelerator"`
	InstanceType   string `yaml:"instance_type"`
	InstanceSize   string `yaml:"instance_size"`
	MinReplica     int    `yaml:"min_replica"`
	MaxReplica     int    `yaml:"max_replica"`
	State          string `yaml:"state"`
	CreatedBy      string `yaml:"created_by"`
	CreatedDaysAgo int    `yaml:"created_days_ago"`
	// SecretToken is answered in model.secrets, as the API does: the
	// collector must never record it.
	SecretToken string `yaml:"secret_token"`
}

func hfError(status int, msg string) any { return map[string]any{"error": msg} }

var (
	hfOrgPath      = regexp.MustCompile(`^/api/organizations/([^/]+)/(members|resource-groups)$`)
	hfEndpointPath = regexp.MustCompile(`^/v2/endpoint/([^/]+)$`)
)

func (s *Server) serveHuggingFace(w http.ResponseWriter, r *http.Request) {
	h := s.e.HuggingFace
	if h == nil || r.Header.Get("Authorization") != "Bearer "+h.Token {
		s.answer(w, r, "huggingface", http.StatusUnauthorized, hfError(401, "Invalid credentials in Authorization header"))
		return
	}
	// The Hub and the Inference Endpoints API are two services with
	// budgets of their own.
	budget := "huggingface"
	if strings.HasPrefix(r.URL.Path, "/v2/") {
		budget = "huggingface-endpoints"
	}
	if s.fault(w, r, budget, hfError) {
		return
	}
	p, q := r.URL.Path, r.URL.Query()
	org := func(name string) *HFOrg {
		for i := range h.Orgs {
			if strings.EqualFold(h.Orgs[i].Name, name) {
				return &h.Orgs[i]
			}
		}
		return nil
	}
	switch {
	case p == "/api/whoami-v2":
		s.answer(w, r, "huggingface", 200, s.hfWhoami(h))
	case p == "/api/models" || p == "/api/datasets" || p == "/api/spaces":
		o := org(q.Get("author"))
		if o == nil {
			s.answer(w, r, "huggingface", 200, []any{})
			return
		}
		kind := strings.TrimPrefix(p, "/api/")
		repos := map[string][]HFRepo{"models": o.Models, "datasets": o.Datasets, "spaces": o.Spaces}[kind]
		var out []map[string]any
		for _, rp := range sortByID(repos, func(r HFRepo) string { return r.Name }) {
			out = append(out, s.hfRepo(kind, o.Name, rp))
		}
		s.hfPage(w, r, out)
	case hfOrgPath.MatchString(p):
		m := hfOrgPath.FindStringSubmatch(p)
		o := org(m[1])
		if o == nil {
			s.answer(w, r, "huggingface", 404, hfError(404, "Organization not found"))
			return
		}
		if m[2] == "members" {
			var out []map[string]any
			for _, u := range sortByID(o.Members, func(u string) string { return u }) {
				out = append(out, map[string]any{"user": u, "fullname": u, "type": "user", "isPro": false, "avatarUrl": ""})
			}
			s.hfPage(w, r, out)
			return
		}
		if !o.Enterprise {
			s.answer(w, r, "huggingface", http.StatusPaymentRequired, hfError(402, "Resource groups require an Enterprise Hub subscription"))
			return
		}
		var out []map[string]any
		for _, g := range o.ResourceGroups {
			var users, repos []map[string]any
			for _, u := range g.Members {
				users = append(users, map[string]any{"user": u, "role": "write"})
			}
			for _, rp := range o.Models {
				if rp.ResourceGroup == g.ID {
					repos = append(repos, map[string]any{"name": o.Name + "/" + rp.Name, "type": "model", "private": rp.Private})
				}
			}
			out = append(out, map[string]any{"id": g.ID, "name": g.Name, "users": users, "repos": repos})
		}
		s.answer(w, r, "huggingface", 200, out)
	case hfEndpointPath.MatchString(p):
		o := org(hfEndpointPath.FindStringSubmatch(p)[1])
		if o == nil {
			s.answer(w, r, "huggingface", 404, hfError(404, "Namespace not found"))
			return
		}
		items := []any{}
		for _, e := range sortByID(o.Endpoints, func(e HFEndpoint) string { return e.Name }) {
			items = append(items, s.hfEndpoint(e))
		}
		s.answer(w, r, "huggingface", 200, map[string]any{"items": items})
	default:
		s.answer(w, r, "huggingface", 404, hfError(404, "Sorry, we can't find the page you are looking for."))
	}
}

func (s *Server) hfWhoami(h *HuggingFace) map[string]any {
	var orgs []any
	for _, o := range h.Orgs {
		orgs = append(orgs, map[string]any{"type": "org", "name": o.Name, "fullname": o.Name, "roleInOrg": o.Role, "isEnterprise": o.Enterprise})
	}
	tok := map[string]any{"displayName": "aisight-read", "role": h.TokenRole, "createdAt": s.ago(h.TokenCreatedDaysAgo).UTC().Format("2006-01-02T15:04:05.000Z")}
	if h.TokenRole == "fineGrained" {
		scoped := []any{}
		for _, sc := range h.Scoped {
			scoped = append(scoped, map[string]any{"entity": map[string]any{"_id": "0" + sc.Org, "type": "org", "name": sc.Org}, "permissions": sc.Permissions})
		}
		tok["fineGrained"] = map[string]any{"canReadGatedRepos": false, "global": append([]string{}, h.Global...), "scoped": scoped}
	}
	return map[string]any{"type": "user", "id": "6273f303f6d63a28483fde12", "name": h.User, "fullname": h.User, "orgs": orgs,
		"auth": map[string]any{"type": "access_token", "accessToken": tok}}
}

func (s *Server) hfRepo(kind, org string, rp HFRepo) map[string]any {
	ts := func(d int) string { return s.ago(d).UTC().Format("2006-01-02T15:04:05.000Z") }
	var gated any = false
	if rp.Gated != "" {
		gated = rp.Gated
	}
	m := map[string]any{"_id": fmt.Sprintf("%x", len(org+rp.Name)*7919), "id": org + "/" + rp.Name, "author": org, "private": rp.Private,
		"gated": gated, "disabled": false, "createdAt": ts(rp.CreatedDaysAgo), "lastModified": ts(rp.ModifiedDaysAgo),
		"sha": fmt.Sprintf("%040x", len(rp.Name)*104729+rp.ModifiedDaysAgo), "likes": 0, "tags": []string{}}
	switch kind {
	case "models":
		m["downloads"] = 0
		if rp.Library != "" {
			m["library_name"] = rp.Library
		}
		if rp.Pipeline != "" {
			m["pipeline_tag"] = rp.Pipeline
		}
	case "spaces":
		m["sdk"] = rp.SDK
		if rp.Hardware != "" {
			m["runtime"] = map[string]any{"stage": "RUNNING", "hardware": map[string]any{"current": rp.Hardware, "requested": rp.Hardware}}
		}
	}
	return m
}

func (s *Server) hfEndpoint(e HFEndpoint) map[string]any {
	status := map[string]any{"createdAt": s.ago(e.CreatedDaysAgo).UTC().Format(time.RFC3339Nano), "createdBy": map[string]any{"id": "u-" + e.CreatedBy, "name": e.CreatedBy},
		"updatedAt": s.ago(e.CreatedDaysAgo).UTC().Format(time.RFC3339Nano), "updatedBy": map[string]any{"id": "u-" + e.CreatedBy, "name": e.CreatedBy},
		"private": nil, "state": e.State, "message": "Endpoint is " + e.State, "readyReplica": e.MinReplica, "targetReplica": e.MinReplica}
	if e.State == "running" {
		status["url"] = "https://" + e.Name + "." + e.Region + "." + e.Vendor + ".endpoints.huggingface.cloud"
	}
	model := map[string]any{"repository": e.Repository, "revision": e.Revision, "task": e.Task, "framework": e.Framework, "image": map[string]any{"huggingface": map[string]any{}}}
	if e.SecretToken != "" {
		model["secrets"] = map[string]any{"token": e.SecretToken}
	}
	return map[string]any{"name": e.Name, "type": e.Type, "accountId": nil, "provider": map[string]any{"vendor": e.Vendor, "region": e.Region}, "healthRoute": "/health",
		"compute": map[string]any{"accelerator": e.Accelerator, "instanceType": e.InstanceType, "instanceSize": e.InstanceSize, "scaling": map[string]any{"minReplica": e.MinReplica, "maxReplica": e.MaxReplica}},
		"model":   model, "status": status}
}

// hfPage answers one page of a Hub listing: the Hub pages by a cursor it
// names in the Link header (rel="next"), the page size capped by the
// estate's.
func (s *Server) hfPage(w http.ResponseWriter, r *http.Request, items []map[string]any) {
	start, _ := strconv.Atoi(r.URL.Query().Get("cursor"))
	size := s.e.Faults.PageSize
	if l, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && l > 0 && l < size {
		size = l
	}
	start = min(max(start, 0), len(items))
	end := min(len(items), start+size)
	if end < len(items) {
		q := r.URL.Query()
		q.Set("cursor", strconv.Itoa(end))
		w.Header().Set("Link", "<"+linkURL(r, q)+">; rel=\"next\"")
	}
	out := items[start:end]
	if out == nil {
		out = []map[string]any{}
	}
	s.answer(w, r, "huggingface", 200, out)
}

// sortedKeys is m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// linkURL is the absolute URL of the request with query q.
func linkURL(r *http.Request, q url.Values) string {
	u := *r.URL
	u.RawQuery = q.Encode()
	return "http://" + r.Host + u.String()
}
