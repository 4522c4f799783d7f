package huggingface

import (
	"context"
	"net/url"
	"strings"

	"github.com/aisight/aisight/internal/detect/workload"
	"github.com/aisight/aisight/model"
)

// endpoint is one Inference Endpoint as GET /v2/endpoint/{namespace}
// answers it. model.secrets and model.env are deliberately absent: they
// are never decoded, so no secret can reach an asset.
type endpoint struct {
	Name     string `json:"name"`
	Type     string `json:"type"` // public, protected, private, authenticated
	Provider struct {
		Vendor string `json:"vendor"`
		Region string `json:"region"`
	} `json:"provider"`
	Compute struct {
		Accelerator  string `json:"accelerator"`
		InstanceType string `json:"instanceType"`
		InstanceSize string `json:"instanceSize"`
		Scaling      struct {
			MinReplica *int `json:"minReplica"`
			MaxReplica *int `json:"maxReplica"`
		} `json:"scaling"`
	} `json:"compute"`
	Model struct {
		Repository string `json:"repository"`
		Revision   string `json:"revision"`
		Task       string `json:"task"`
		Framework  string `json:"framework"`
	} `json:"model"`
	Status struct {
		CreatedAt string `json:"createdAt"`
		CreatedBy *struct {
			Name string `json:"name"`
		} `json:"createdBy"`
		State string `json:"state"`
		URL   string `json:"url"`
	} `json:"status"`
}

func (s *scan) endpoints(ctx context.Context) error {
	var out struct {
		Items []endpoint `json:"items"`
	}
	if err := s.c.ep.Get(ctx, "/endpoint/"+url.PathEscape(s.org), nil, &out); err != nil {
		return err
	}
	for _, e := range out.Items {
		if e.Name != "" {
			s.sink.Asset(s.endpointAsset(e))
		}
	}
	return nil
}

// endpointAsset maps an Inference Endpoint: the model and revision it
// serves, who can reach it, on what hardware and scale, and who made it.
func (s *scan) endpointAsset(e endpoint) model.Asset {
	src := "huggingface GET /v2/endpoint/" + s.org
	a := model.Asset{ID: "huggingface://endpoints/" + s.org + "/" + e.Name, Provider: Name, Scope: s.scope.ID, Region: e.Provider.Region,
		Kind: model.KindEndpoint, DeploymentType: model.PaaS, Name: e.Name}
	if repo := e.Model.Repository; repo != "" {
		publisher, _, _ := strings.Cut(repo, "/")
		if !strings.Contains(repo, "/") {
			publisher = ""
		}
		a.Model = &model.ModelRef{Publisher: publisher, Name: repo, Revision: e.Model.Revision, SourceURI: "https://huggingface.co/" + repo}
		a.Facts = append(a.Facts, model.String("model.id", repo, model.Observed, src),
			model.String("model.source", "huggingface", model.Observed, src),
			model.Bool("model.revision_pinned", workload.RevisionPinned(e.Model.Revision), model.Observed, src))
		a.Relations = append(a.Relations, model.Relation{Type: "serves", Target: "huggingface://models/" + repo})
	}
	if e.Type != "" {
		// public: anyone on the internet, no token; protected: the
		// internet, with a Hugging Face token; authenticated: any Hugging
		// Face user's token; private: only through a private link
		// (AWS PrivateLink / Azure Private Link) from the named account.
		a.Facts = append(a.Facts, model.String("endpoint.access", e.Type, model.Observed, src),
			model.Bool("network.public_access", e.Type != "private", model.Observed, src),
			model.Bool("auth.required", e.Type != "public", model.Observed, src))
	}
	for k, v := range map[string]string{"endpoint.state": e.Status.State, "compute.accelerator": e.Compute.Accelerator, "compute.instance_type": e.Compute.InstanceType,
		"compute.instance_size": e.Compute.InstanceSize, "cloud.vendor": e.Provider.Vendor, "model.task": e.Model.Task, "model.framework": e.Model.Framework} {
		if v != "" {
			a.Facts = append(a.Facts, model.String(k, v, model.Observed, src))
		}
	}
	if p := e.Compute.Scaling.MinReplica; p != nil {
		a.Facts = append(a.Facts, model.Int("scaling.min_replicas", int64(*p), model.Observed, src))
	}
	if p := e.Compute.Scaling.MaxReplica; p != nil {
		a.Facts = append(a.Facts, model.Int("scaling.max_replicas", int64(*p), model.Observed, src))
	}
	if t, ok := parseTime(e.Status.CreatedAt); ok {
		a.Facts = append(a.Facts, model.Int("endpoint.age_days", days(s.now, t), model.Observed, src))
	}
	if cb := e.Status.CreatedBy; cb != nil && cb.Name != "" {
		a.Owner = "huggingface-user:" + cb.Name
		a.Relations = append(a.Relations, model.Relation{Type: "owned_by", Target: a.Owner})
	}
	return a
}
