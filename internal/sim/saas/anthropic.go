package saas

import (
	"net/http"
	"regexp"
	"time"
)

func anthropicError(status int, msg string) any {
	typ := map[int]string{401: "authentication_error", 403: "permission_error", 404: "not_found_error", 429: "rate_limit_error", 503: "overloaded_error", 405: "invalid_request_error"}[status]
	return map[string]any{"type": "error", "error": map[string]any{"type": typ, "message": msg}}
}

var anthropicMembers = regexp.MustCompile(`^/v1/organizations/workspaces/([^/]+)/members$`)

func (s *Server) serveAnthropic(w http.ResponseWriter, r *http.Request) {
	o := s.e.Anthropic
	if o == nil {
		s.answer(w, r, "anthropic", http.StatusNotFound, anthropicError(404, "no such organization"))
		return
	}
	if r.Header.Get("anthropic-version") == "" {
		s.answer(w, r, "anthropic", http.StatusBadRequest, anthropicError(400, "anthropic-version: header is required"))
		return
	}
	if r.Header.Get("x-api-key") != o.AdminKey {
		s.answer(w, r, "anthropic", http.StatusUnauthorized, anthropicError(401, "invalid x-api-key"))
		return
	}
	if s.fault(w, r, "anthropic", anthropicError) {
		return
	}
	q := r.URL.Query()
	after, size := q.Get("after_id"), s.e.Faults.PageSize
	p := r.URL.Path
	id := func(m map[string]any) string { return m["id"].(string) }
	switch {
	case p == "/v1/organizations/me":
		s.answer(w, r, "anthropic", 200, map[string]any{"type": "organization", "id": o.ID, "name": o.Name})
	case p == "/v1/organizations/users":
		var out []map[string]any
		for _, u := range sortByID(o.Users, func(u User) string { return u.ID }) {
			out = append(out, map[string]any{"type": "user", "id": u.ID, "email": u.Email, "name": u.Name, "role": u.Role, "added_at": s.ago(100).Format(time.RFC3339)})
		}
		s.answer(w, r, "anthropic", 200, listBody(out, id, after, size))
	case p == "/v1/organizations/workspaces":
		var out []map[string]any
		for _, ws := range sortByID(o.Workspaces, func(w Workspace) string { return w.ID }) {
			if ws.Archived && q.Get("include_archived") != "true" {
				continue
			}
			m := map[string]any{"type": "workspace", "id": ws.ID, "name": ws.Name, "created_at": s.ago(ws.CreatedDaysAgo).Format(time.RFC3339), "archived_at": nil}
			if ws.Archived {
				m["archived_at"] = s.ago(1).Format(time.RFC3339)
			}
			out = append(out, m)
		}
		s.answer(w, r, "anthropic", 200, listBody(out, id, after, size))
	case anthropicMembers.MatchString(p):
		wsID := anthropicMembers.FindStringSubmatch(p)[1]
		var out []map[string]any
		for _, ws := range o.Workspaces {
			if ws.ID != wsID {
				continue
			}
			for _, m := range ws.Members {
				out = append(out, map[string]any{"type": "workspace_member", "user_id": m.User, "workspace_id": ws.ID, "workspace_role": m.Role})
			}
		}
		s.answer(w, r, "anthropic", 200, listBody(out, func(m map[string]any) string { return m["user_id"].(string) }, after, size))
	case p == "/v1/organizations/api_keys":
		var out []map[string]any
		for _, k := range sortByID(o.Keys, func(k Key) string { return k.ID }) {
			out = append(out, map[string]any{"type": "api_key", "id": k.ID, "name": k.Name, "partial_key_hint": Hint("anthropic", k.Value),
				"status": k.Status, "workspace_id": k.Workspace, "created_at": s.ago(k.CreatedDaysAgo).Format(time.RFC3339),
				"created_by": map[string]any{"id": k.OwnerUser, "type": "user"}})
		}
		s.answer(w, r, "anthropic", 200, listBody(out, id, after, size))
	case p == "/v1/organizations/invites":
		var out []map[string]any
		for _, i := range sortByID(o.Invites, func(i Invite) string { return i.ID }) {
			out = append(out, map[string]any{"type": "invite", "id": i.ID, "email": i.Email, "role": i.Role, "status": i.Status})
		}
		s.answer(w, r, "anthropic", 200, listBody(out, id, after, size))
	case p == "/v1/organizations/usage_report/messages":
		if q.Get("starting_at") == "" {
			s.answer(w, r, "anthropic", 400, anthropicError(400, "starting_at is required"))
			return
		}
		s.answer(w, r, "anthropic", 200, map[string]any{"data": []any{}, "has_more": false, "next_page": nil})
	default:
		s.answer(w, r, "anthropic", 404, anthropicError(404, "Not found"))
	}
}
