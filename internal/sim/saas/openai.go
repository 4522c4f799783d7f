package saas

import (
	"net/http"
	"regexp"
	"strings"
)

func openAIError(status int, msg string) any {
	code := map[int]string{401: "invalid_api_key", 403: "insufficient_permissions", 429: "rate_limit_exceeded"}[status]
	return map[string]any{"error": map[string]any{"message": msg, "type": "invalid_request_error", "code": code}}
}

var openAIProjectPath = regexp.MustCompile(`^/v1/organization/projects/([^/]+)/(users|service_accounts|api_keys|rate_limits)$`)

func (s *Server) serveOpenAI(w http.ResponseWriter, r *http.Request) {
	o := s.e.OpenAI
	if o == nil {
		s.answer(w, r, "openai", http.StatusNotFound, openAIError(404, "no such organization"))
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+o.AdminKey {
		s.answer(w, r, "openai", http.StatusUnauthorized, openAIError(401, "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys."))
		return
	}
	if s.fault(w, r, "openai", openAIError) {
		return
	}
	q := r.URL.Query()
	after, size := q.Get("after"), s.e.Faults.PageSize
	p := r.URL.Path
	switch {
	case p == "/v1/organization/users":
		users := sortByID(o.Users, func(u User) string { return u.ID })
		var out []map[string]any
		for _, u := range users {
			out = append(out, map[string]any{"object": "organization.user", "id": u.ID, "name": u.Name, "email": u.Email, "role": u.Role, "added_at": s.ago(100).Unix()})
		}
		s.answer(w, r, "openai", 200, listBody(out, func(m map[string]any) string { return m["id"].(string) }, after, size))
	case p == "/v1/organization/projects":
		var out []map[string]any
		for _, pr := range sortByID(o.Projects, func(p Project) string { return p.ID }) {
			if pr.Archived && q.Get("include_archived") != "true" {
				continue
			}
			m := map[string]any{"object": "organization.project", "id": pr.ID, "name": pr.Name, "created_at": s.ago(pr.CreatedDaysAgo).Unix(), "status": "active", "archived_at": nil}
			if pr.Archived {
				m["status"], m["archived_at"] = "archived", s.ago(1).Unix()
			}
			out = append(out, m)
		}
		s.answer(w, r, "openai", 200, listBody(out, func(m map[string]any) string { return m["id"].(string) }, after, size))
	case openAIProjectPath.MatchString(p):
		m := openAIProjectPath.FindStringSubmatch(p)
		var pr *Project
		for i := range o.Projects {
			if o.Projects[i].ID == m[1] {
				pr = &o.Projects[i]
			}
		}
		if pr == nil {
			s.answer(w, r, "openai", 404, openAIError(404, "No such project"))
			return
		}
		var out []map[string]any
		switch m[2] {
		case "users":
			for _, mem := range pr.Members {
				u := findUser(o.Users, mem.User)
				out = append(out, map[string]any{"object": "organization.project.user", "id": mem.User, "name": u.Name, "email": u.Email, "role": mem.Role, "added_at": s.ago(50).Unix()})
			}
		case "service_accounts":
			for _, sa := range pr.ServiceAccounts {
				out = append(out, map[string]any{"object": "organization.project.service_account", "id": sa.ID, "name": sa.Name, "role": sa.Role, "created_at": s.ago(sa.CreatedDaysAgo).Unix()})
			}
		case "rate_limits":
			for _, model := range pr.RateLimits {
				out = append(out, map[string]any{"object": "project.rate_limit", "id": "rl-" + model, "model": model, "max_requests_per_1_minute": 500})
			}
		case "api_keys":
			for _, k := range pr.Keys {
				owner := map[string]any{"type": "user"}
				if k.OwnerSA != "" {
					owner["type"] = "service_account"
					owner["service_account"] = map[string]any{"id": k.OwnerSA, "name": k.OwnerSA, "role": "member", "created_at": s.ago(10).Unix()}
				} else {
					u := findUser(o.Users, k.OwnerUser)
					owner["user"] = map[string]any{"id": k.OwnerUser, "name": u.Name, "email": u.Email, "role": "owner", "created_at": s.ago(10).Unix()}
				}
				out = append(out, s.openAIKey(k, "organization.project.api_key", owner))
			}
		}
		sortMaps(out)
		s.answer(w, r, "openai", 200, listBody(out, func(m map[string]any) string { return m["id"].(string) }, after, size))
	case p == "/v1/organization/admin_api_keys":
		var out []map[string]any
		for _, k := range o.AdminKeys {
			u := findUser(o.Users, k.OwnerUser)
			out = append(out, s.openAIKey(k, "organization.admin_api_key", map[string]any{"type": "user", "object": "organization.user", "id": k.OwnerUser, "name": u.Name, "role": "owner"}))
		}
		sortMaps(out)
		s.answer(w, r, "openai", 200, listBody(out, func(m map[string]any) string { return m["id"].(string) }, after, size))
	default:
		s.answer(w, r, "openai", 404, openAIError(404, "Invalid URL (GET "+p+")"))
	}
}

func (s *Server) openAIKey(k Key, object string, owner map[string]any) map[string]any {
	m := map[string]any{"object": object, "id": k.ID, "name": k.Name, "redacted_value": Hint("openai", k.Value),
		"created_at": s.ago(k.CreatedDaysAgo).Unix(), "last_used_at": nil, "owner": owner}
	if k.LastUsedDaysAgo != nil {
		m["last_used_at"] = s.ago(*k.LastUsedDaysAgo).Unix()
	}
	if object == "organization.project.api_key" {
		access := k.OwnerAccess
		if access == "" {
			access = "active"
		}
		m["owner_project_access"] = access
	}
	return m
}

func findUser(users []User, id string) User {
	for _, u := range users {
		if u.ID == id {
			return u
		}
	}
	return User{ID: id}
}

func sortMaps(out []map[string]any) {
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && strings.Compare(out[j]["id"].(string), out[j-1]["id"].(string)) < 0; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
}
