package huggingface

import (
	"context"
	"net/url"

	"github.com/aisight/aisight/internal/restapi"
	"github.com/aisight/aisight/model"
)

// members counts the organisation's members (the Hub lists them without
// their roles, so owners are not counted here).
func (s *scan) members(ctx context.Context) error {
	path := "/api/organizations/" + url.PathEscape(s.org) + "/members"
	n := 0
	err := restapi.Pages(ctx, s.c.hub, path, url.Values{"limit": {"500"}}, func(page []struct {
		User string `json:"user"`
	}) error {
		n += len(page)
		return nil
	})
	if err != nil {
		return err
	}
	s.sink.ScopeFact(model.Int("org.members", int64(n), model.Observed, "huggingface GET "+path))
	return nil
}

// resourceGroups counts the Enterprise resource groups, which scope
// members' access to sets of repositories. An organisation without the
// plan answers 402: the fact is then false, not unknown.
func (s *scan) resourceGroups(ctx context.Context) error {
	path := "/api/organizations/" + url.PathEscape(s.org) + "/resource-groups"
	var groups []struct {
		ID    string `json:"id"`
		Name  string `json:"name"`
		Users []any  `json:"users"`
		Repos []any  `json:"repos"`
	}
	src := "huggingface GET " + path
	if err := s.c.hub.Get(ctx, path, nil, &groups); err != nil {
		if restapi.StatusOf(err) == 402 {
			s.sink.ScopeFact(model.Int("org.resource_groups", 0, model.Observed, src+": 402, not on the organisation's plan"))
			return nil
		}
		return err
	}
	grouped := 0
	for _, g := range groups {
		grouped += len(g.Repos)
	}
	s.sink.ScopeFact(model.Int("org.resource_groups", int64(len(groups)), model.Observed, src))
	s.sink.ScopeFact(model.Int("org.repos_in_resource_groups", int64(grouped), model.Observed, src))
	return nil
}
