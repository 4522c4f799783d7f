package huggingface

import (
	"context"
	"net/url"

	"github.com/aisight/aisight/internal/restapi"
	"github.com/aisight/aisight/model"
)

// repo is one entry of /api/models, /api/datasets or /api/spaces.
type repo struct {
	ID           string `json:"id"` // org/name
	Private      *bool  `json:"private"`
	Gated        any    `json:"gated"` // false, "auto" or "manual"
	Disabled     bool   `json:"disabled"`
	SHA          string `json:"sha"`
	CreatedAt    string `json:"createdAt"`
	LastModified string `json:"lastModified"`
	LibraryName  string `json:"library_name"`
	PipelineTag  string `json:"pipeline_tag"`
	SDK          string `json:"sdk"`
	Runtime      *struct {
		Stage    string `json:"stage"`
		Hardware *struct {
			Current string `json:"current"`
		} `json:"hardware"`
	} `json:"runtime"`
}

// repos lists one kind of the organisation's repositories ("models",
// "datasets", "spaces"), private ones included when the token may see
// them, paging by the Hub's Link header.
func (s *scan) repos(kind string) func(context.Context) error {
	return func(ctx context.Context) error {
		q := url.Values{"author": {s.org}, "limit": {"100"}, "full": {"true"}}
		return restapi.Pages(ctx, s.c.hub, "/api/"+kind, q, func(page []repo) error {
			for _, r := range page {
				if r.ID != "" {
					s.sink.Asset(s.repoAsset(kind, r))
				}
			}
			return nil
		})
	}
}

// repoAsset maps a repository: visibility, gating, its commit and ages.
func (s *scan) repoAsset(kind string, r repo) model.Asset {
	src := "huggingface GET /api/" + kind + "?author=" + s.org
	k := map[string]model.Kind{"models": model.KindModel, "datasets": model.KindDataset, "spaces": model.KindApplication}[kind]
	a := model.Asset{ID: "huggingface://" + kind + "/" + r.ID, Provider: Name, Scope: s.scope.ID, Kind: k, DeploymentType: model.APISaaS, Name: r.ID}
	if r.Private != nil {
		vis := map[bool]string{true: "private", false: "public"}[*r.Private]
		a.Facts = append(a.Facts, model.String("repo.visibility", vis, model.Observed, src))
	}
	gated := "none"
	switch g := r.Gated.(type) {
	case string:
		gated = g
	case bool:
		if g {
			gated = "auto"
		}
	}
	a.Facts = append(a.Facts, model.String("repo.gated", gated, model.Observed, src))
	if r.Disabled {
		a.Facts = append(a.Facts, model.Bool("repo.disabled", true, model.Observed, src))
	}
	if t, ok := parseTime(r.CreatedAt); ok {
		a.Facts = append(a.Facts, model.Int("repo.age_days", days(s.now, t), model.Observed, src))
	}
	if t, ok := parseTime(r.LastModified); ok {
		a.Facts = append(a.Facts, model.Int("repo.modified_days", days(s.now, t), model.Observed, src))
	}
	switch kind {
	case "models":
		a.Model = &model.ModelRef{Publisher: s.org, Name: r.ID, Revision: r.SHA, SourceURI: "https://huggingface.co/" + r.ID}
		a.Facts = append(a.Facts, model.String("model.source", "huggingface", model.Observed, src))
		if r.LibraryName != "" {
			a.Facts = append(a.Facts, model.String("model.library", r.LibraryName, model.Observed, src))
		}
		if r.PipelineTag != "" {
			a.Facts = append(a.Facts, model.String("model.task", r.PipelineTag, model.Observed, src))
		}
	case "spaces":
		if r.SDK != "" {
			a.Facts = append(a.Facts, model.String("app.sdk", r.SDK, model.Observed, src))
		}
		if r.Runtime != nil && r.Runtime.Hardware != nil && r.Runtime.Hardware.Current != "" {
			a.Facts = append(a.Facts, model.String("compute.instance_type", r.Runtime.Hardware.Current, model.Observed, src))
		}
	}
	return a
}
