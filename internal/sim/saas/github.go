package saas

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// GitHub is what one GitHub token sees of GitHub Copilot: the
// organisations it belongs to and each one's Copilot subscription, as the
// REST API answers (API version 2022-11-28; shapes from GitHub's published
// examples in github/docs src/rest/data/fpt-2026-03-10/copilot.json).
type GitHub struct {
	Token string      `yaml:"token"`
	Orgs  []GitHubOrg `yaml:"orgs"`
}

// GitHubOrg is an organisation and its Copilot settings. Copilot false:
// no Copilot subscription (its billing answers 404).
type GitHubOrg struct {
	Login                 string `yaml:"login"`
	Copilot               bool   `yaml:"copilot"`
	PlanType              string `yaml:"plan_type"`
	SeatManagementSetting string `yaml:"seat_management_setting"`
	PublicCodeSuggestions string `yaml:"public_code_suggestions"`
	IDEChat               string `yaml:"ide_chat"`
	PlatformChat          string `yaml:"platform_chat"`
	CLI                   string `yaml:"cli"`
	// CodingAgent is all, selected or none ("" answers 404: not offered).
	CodingAgent      string              `yaml:"coding_agent"`
	CodingAgentRepos []string            `yaml:"coding_agent_repos"`
	ContentExclusion map[string][]string `yaml:"content_exclusion"`
	Seats            []CopilotSeat       `yaml:"seats"`
}

// CopilotSeat is one seat assignment.
type CopilotSeat struct {
	Login          string `yaml:"login"`
	Team           string `yaml:"team"`
	CreatedDaysAgo int    `yaml:"created_days_ago"`
	// LastActivityDaysAgo nil: never used.
	LastActivityDaysAgo *int   `yaml:"last_activity_days_ago"`
	Editor              string `yaml:"editor"`
	PendingCancellation bool   `yaml:"pending_cancellation"`
}

func githubError(status int, msg string) any {
	return map[string]any{"message": msg, "documentation_url": "https://docs.github.com/rest", "status": strconv.Itoa(status)}
}

var githubOrgPath = regexp.MustCompile(`^/orgs/([^/]+)/(copilot/billing|copilot/billing/seats|copilot/coding-agent/permissions|copilot/coding-agent/permissions/repositories|copilot/content_exclusion)$`)

func (s *Server) serveGitHub(w http.ResponseWriter, r *http.Request) {
	g := s.e.GitHub
	if g == nil || r.Header.Get("Authorization") != "Bearer "+g.Token {
		s.answer(w, r, "github", http.StatusUnauthorized, githubError(401, "Bad credentials"))
		return
	}
	if s.fault(w, r, "github", githubError) {
		return
	}
	p := r.URL.Path
	if p == "/user/orgs" {
		var out []map[string]any
		for i, o := range sortByID(g.Orgs, func(o GitHubOrg) string { return o.Login }) {
			out = append(out, map[string]any{"login": o.Login, "id": i + 1, "url": "https://api.github.com/orgs/" + o.Login})
		}
		s.githubPage(w, r, out, func(items []map[string]any) any { return items })
		return
	}
	m := githubOrgPath.FindStringSubmatch(p)
	var o *GitHubOrg
	for i := range g.Orgs {
		if m != nil && strings.EqualFold(g.Orgs[i].Login, m[1]) {
			o = &g.Orgs[i]
		}
	}
	if o == nil || !o.Copilot {
		s.answer(w, r, "github", 404, githubError(404, "Not Found"))
		return
	}
	switch m[2] {
	case "copilot/billing":
		total, active := len(o.Seats), 0
		for _, st := range o.Seats {
			if st.LastActivityDaysAgo != nil && *st.LastActivityDaysAgo <= 30 {
				active++
			}
		}
		body := map[string]any{"seat_breakdown": map[string]any{"total": total, "added_this_cycle": 0, "pending_invitation": 0, "pending_cancellation": 0,
			"active_this_cycle": active, "inactive_this_cycle": total - active},
			"seat_management_setting": o.SeatManagementSetting, "public_code_suggestions": o.PublicCodeSuggestions, "plan_type": o.PlanType}
		for k, v := range map[string]string{"ide_chat": o.IDEChat, "platform_chat": o.PlatformChat, "cli": o.CLI} {
			if v != "" {
				body[k] = v
			}
		}
		s.answer(w, r, "github", 200, body)
	case "copilot/billing/seats":
		var out []map[string]any
		for i, st := range sortByID(o.Seats, func(st CopilotSeat) string { return st.Login }) {
			seat := map[string]any{"created_at": s.ago(st.CreatedDaysAgo).Format(time.RFC3339), "updated_at": s.ago(st.CreatedDaysAgo).Format(time.RFC3339),
				"pending_cancellation_date": nil, "last_activity_at": nil, "last_activity_editor": nil, "plan_type": o.PlanType,
				"assignee": map[string]any{"login": st.Login, "id": i + 100, "type": "User", "site_admin": false}}
			if st.LastActivityDaysAgo != nil {
				seat["last_activity_at"] = s.ago(*st.LastActivityDaysAgo).Format(time.RFC3339)
				seat["last_activity_editor"] = st.Editor
			}
			if st.PendingCancellation {
				seat["pending_cancellation_date"] = s.now.AddDate(0, 1, 0).Format("2006-01-02")
			}
			if st.Team != "" {
				seat["assigning_team"] = map[string]any{"id": 1, "name": st.Team, "slug": st.Team}
			}
			out = append(out, seat)
		}
		s.githubPage(w, r, out, func(items []map[string]any) any {
			return map[string]any{"total_seats": len(o.Seats), "seats": items}
		})
	case "copilot/coding-agent/permissions":
		if o.CodingAgent == "" {
			s.answer(w, r, "github", 404, githubError(404, "Not Found"))
			return
		}
		body := map[string]any{"enabled_repositories": o.CodingAgent}
		if o.CodingAgent == "selected" {
			body["selected_repositories_url"] = "https://api.github.com/orgs/" + o.Login + "/copilot/coding-agent/permissions/repositories"
		}
		s.answer(w, r, "github", 200, body)
	case "copilot/coding-agent/permissions/repositories":
		var out []map[string]any
		for i, name := range o.CodingAgentRepos {
			out = append(out, map[string]any{"id": i + 1, "name": name, "full_name": o.Login + "/" + name, "private": true})
		}
		s.githubPage(w, r, out, func(items []map[string]any) any {
			return map[string]any{"total_count": len(o.CodingAgentRepos), "repositories": items}
		})
	case "copilot/content_exclusion":
		body := map[string]any{}
		for _, k := range sortedKeys(o.ContentExclusion) {
			body[k] = o.ContentExclusion[k]
		}
		s.answer(w, r, "github", 200, body)
	}
}

// githubPage answers one page (page, per_page) of a listing, with the
// Link header GitHub sends (rel="next" and rel="last").
func (s *Server) githubPage(w http.ResponseWriter, r *http.Request, items []map[string]any, wrap func([]map[string]any) any) {
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	size := s.e.Faults.PageSize
	if pp, err := strconv.Atoi(q.Get("per_page")); err == nil && pp > 0 && pp < size {
		size = pp
	}
	start := min((page-1)*size, len(items))
	end := min(len(items), start+size)
	if end < len(items) {
		last := (len(items) + size - 1) / size
		q.Set("page", strconv.Itoa(page+1))
		next := linkURL(r, q)
		q.Set("page", strconv.Itoa(last))
		w.Header().Set("Link", "<"+next+">; rel=\"next\", <"+linkURL(r, q)+">; rel=\"last\"")
	}
	out := items[start:end]
	if out == nil {
		out = []map[string]any{}
	}
	s.answer(w, r, "github", 200, wrap(out))
}
