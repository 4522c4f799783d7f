package copilot

import (
	"context"
	"net/http"
	"net/url"

	"github.com/aisight/aisight/internal/restapi"

	"github.com/aisight/aisight/model"
)

// subscription is GET /orgs/{org}/copilot/billing: the seat breakdown and
// the organisation's Copilot policies.
type subscription struct {
	SeatBreakdown struct {
		Total             *int `json:"total"`
		PendingInvitation *int `json:"pending_invitation"`
		ActiveThisCycle   *int `json:"active_this_cycle"`
		InactiveThisCycle *int `json:"inactive_this_cycle"`
	} `json:"seat_breakdown"`
	PublicCodeSuggestions string `json:"public_code_suggestions"` // allow, block, unconfigured
	IDEChat               string `json:"ide_chat"`                // enabled, disabled, unconfigured
	PlatformChat          string `json:"platform_chat"`
	CLI                   string `json:"cli"`
	SeatManagementSetting string `json:"seat_management_setting"` // assign_all, assign_selected, disabled, unconfigured
	PlanType              string `json:"plan_type"`               // business, enterprise
}

func (s *scan) subscription(ctx context.Context) (*subscription, error) {
	var sub subscription
	if err := s.c.c.Get(ctx, "/orgs/"+url.PathEscape(s.org)+"/copilot/billing", nil, &sub); err != nil {
		return nil, err
	}
	return &sub, nil
}

// subscriptionFacts are the organisation's Copilot subscription as facts
// of its scope: plan, seat assignment and the policies, each only when
// GitHub answered it (unconfigured is a value). The subscription is the
// organisation's setting, not an asset of its own; its seats are.
func (s *scan) subscriptionFacts(sub *subscription) []model.Fact {
	src := "github GET /orgs/" + s.org + "/copilot/billing"
	var a struct{ Facts []model.Fact }
	for k, v := range map[string]string{"copilot.plan_type": sub.PlanType, "copilot.seat_management": sub.SeatManagementSetting,
		"copilot.public_code_suggestions": sub.PublicCodeSuggestions, "copilot.ide_chat": sub.IDEChat,
		"copilot.platform_chat": sub.PlatformChat, "copilot.cli": sub.CLI} {
		if v != "" {
			a.Facts = append(a.Facts, model.String(k, v, model.Observed, src))
		}
	}
	if sub.PublicCodeSuggestions != "" {
		a.Facts = append(a.Facts, model.Bool("copilot.public_code_blocked", sub.PublicCodeSuggestions == "block", model.Observed, src))
	}
	for k, p := range map[string]*int{"copilot.seats_total": sub.SeatBreakdown.Total, "copilot.seats_active_cycle": sub.SeatBreakdown.ActiveThisCycle,
		"copilot.seats_inactive_cycle": sub.SeatBreakdown.InactiveThisCycle, "copilot.seats_pending_invitation": sub.SeatBreakdown.PendingInvitation} {
		if p != nil {
			a.Facts = append(a.Facts, model.Int(k, int64(*p), model.Observed, src))
		}
	}
	return a.Facts
}

// codingAgent reads which repositories the Copilot coding agent may work
// in: all, selected (counted) or none. GitHub answers 404 where the
// organisation cannot use the coding agent; that is recorded as none.
func (s *scan) codingAgent(ctx context.Context) error {
	path := "/orgs/" + url.PathEscape(s.org) + "/copilot/coding-agent/permissions"
	var p struct {
		EnabledRepositories string `json:"enabled_repositories"`
	}
	src := "github GET " + path
	if err := s.c.c.Get(ctx, path, nil, &p); err != nil {
		if restapi.StatusOf(err) != http.StatusNotFound {
			return err
		}
		s.sink.ScopeFact(model.String("copilot.coding_agent_repositories", "not_offered", model.Observed, src+": 404"))
		return nil
	}
	s.sink.ScopeFact(model.String("copilot.coding_agent_repositories", p.EnabledRepositories, model.Observed, src))
	if p.EnabledRepositories != "selected" {
		return nil
	}
	n := 0
	err := restapi.Pages(ctx, s.c.c, path+"/repositories", url.Values{"per_page": {"100"}}, func(page struct {
		TotalCount   int   `json:"total_count"`
		Repositories []any `json:"repositories"`
	}) error {
		n += len(page.Repositories)
		return nil
	})
	if err != nil {
		return err
	}
	s.sink.ScopeFact(model.Int("copilot.coding_agent_repository_count", int64(n), model.Observed, src+"/repositories"))
	return nil
}

// contentExclusion reads the organisation's content exclusion rules: an
// object from repository (or "*") to the paths Copilot must not read.
func (s *scan) contentExclusion(ctx context.Context) error {
	path := "/orgs/" + url.PathEscape(s.org) + "/copilot/content_exclusion"
	rules := map[string][]any{}
	if err := s.c.c.Get(ctx, path, nil, &rules); err != nil {
		return err
	}
	paths := 0
	for _, ps := range rules {
		paths += len(ps)
	}
	src := "github GET " + path
	s.sink.ScopeFact(model.Int("copilot.content_exclusion_repositories", int64(len(rules)), model.Observed, src))
	s.sink.ScopeFact(model.Int("copilot.content_exclusion_paths", int64(paths), model.Observed, src))
	s.sink.ScopeFact(model.Bool("copilot.content_exclusion_configured", paths > 0, model.Observed, src))
	return nil
}
