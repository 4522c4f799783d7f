package gcp

import (
	"context"
	"errors"
	"slices"
	"strings"

	aiplatform "cloud.google.com/go/aiplatform/apiv1"
	"cloud.google.com/go/aiplatform/apiv1/aiplatformpb"
	"google.golang.org/api/iterator"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/internal/detect/fingerprint"
	"github.com/aisight/aisight/internal/detect/workload"
	"github.com/aisight/aisight/internal/redact"
	"github.com/aisight/aisight/model"
)

// modelFamilies are the location's Model Registry (every version of every
// model, as model assets) and its tuning jobs, whose tuned models are
// models too.
func (s *scan) modelFamilies(ctx context.Context) []collectors.Family {
	cc, err := s.c.conn(ctx, vertexEndpoint(s.scope.Region))
	if err != nil {
		return failing("vertex.models", err)
	}
	models, err := aiplatform.NewModelClient(ctx, clientOpts(cc)...)
	if err != nil {
		return failing("vertex.models", err)
	}
	tuning, err := aiplatform.NewGenAiTuningClient(ctx, clientOpts(cc)...)
	if err != nil {
		return failing("vertex.tuning_jobs", err)
	}
	return []collectors.Family{
		{Name: "vertex.models", Collect: func(ctx context.Context) error {
			var defaults []*aiplatformpb.Model
			it := models.ListModels(ctx, &aiplatformpb.ListModelsRequest{Parent: s.parent()}, s.c.callOpts(ctx)...)
			for {
				m, err := it.Next()
				if errors.Is(err, iterator.Done) {
					break
				}
				if err != nil {
					return callErr(err, "vertex list-models in %s", s.parent())
				}
				defaults = append(defaults, m)
			}
			for _, m := range defaults {
				versions, err := s.versions(ctx, models, m.GetName())
				if err != nil {
					s.itemFailed(ctx, err) // its default version is still reported
					versions = []*aiplatformpb.Model{m}
				}
				for _, v := range versions {
					for _, a := range s.modelAssets(v) {
						s.add(a)
					}
				}
			}
			return nil
		}},
		{Name: "vertex.tuning_jobs", Collect: func(ctx context.Context) error {
			it := tuning.ListTuningJobs(ctx, &aiplatformpb.ListTuningJobsRequest{Parent: s.parent()}, s.c.callOpts(ctx)...)
			for {
				j, err := it.Next()
				if errors.Is(err, iterator.Done) {
					return nil
				}
				if err != nil {
					return callErr(err, "vertex list-tuning-jobs in %s", s.parent())
				}
				if a := s.tunedModel(j); a != nil {
					s.add(a)
				} else {
					s.sink.Count("tuning_jobs_without_model", 1)
				}
			}
		}},
	}
}

// add reports an asset and remembers models, so a later family can add to them.
func (s *scan) add(a *model.Asset) {
	if a.Kind == model.KindModel {
		s.models[a.ID] = a
	}
	s.sink.Asset(*a)
}

func (s *scan) versions(ctx context.Context, client *aiplatform.ModelClient, name string) ([]*aiplatformpb.Model, error) {
	var out []*aiplatformpb.Model
	it := client.ListModelVersions(ctx, &aiplatformpb.ListModelVersionsRequest{Name: name}, s.c.callOpts(ctx)...)
	for {
		v, err := it.Next()
		if errors.Is(err, iterator.Done) {
			return out, nil
		}
		if err != nil {
			return nil, callErr(err, "vertex list-model-versions of %s", name)
		}
		out = append(out, v)
	}
}

// modelID is the asset ID of a model version.
func modelID(name, version string) string {
	if version == "" {
		version = "1"
	}
	return resourceID(name + "@" + version)
}

// origin names where a model came from (ModelSourceInfo).
func origin(m *aiplatformpb.Model) string {
	t := m.GetModelSourceInfo().GetSourceType()
	if t == aiplatformpb.ModelSourceInfo_MODEL_SOURCE_TYPE_UNSPECIFIED {
		return "unspecified"
	}
	return strings.ToLower(t.String())
}

// modelAssets maps one model version, and the literal credentials its
// serving container's env holds (api_key assets by fingerprint).
func (s *scan) modelAssets(m *aiplatformpb.Model) []*model.Asset {
	id := modelID(m.GetName(), m.GetVersionId())
	src := "vertex model " + m.GetName() + "@" + m.GetVersionId()
	a := s.asset(id, model.KindModel, m.GetDisplayName())
	s.label(a, m.GetLabels())
	ref := &model.ModelRef{Publisher: "custom", Name: m.GetDisplayName(), Version: m.GetVersionId()}
	if uri := m.GetArtifactUri(); uri != "" {
		ref.SourceURI = redact.URL(uri)
		a.Facts = append(a.Facts,
			model.String("model.data_url", ref.SourceURI, model.Observed, src),
			model.String("model.source", workload.ModelSource(ref.SourceURI), model.Inferred, src))
	}
	org := origin(m)
	a.Facts = append(a.Facts,
		model.String("model.origin", org, model.Observed, src),
		model.Strings("model.version_aliases", m.GetVersionAliases(), model.Observed, src),
		model.Bool("model.default_version", slices.Contains(m.GetVersionAliases(), "default"), model.Observed, src),
		model.Bool("model.deployed", len(m.GetDeployedModels()) > 0, model.Observed, src))
	a.Facts = append(a.Facts, cmekFacts(m.GetEncryptionSpec(), src)...)
	if g := m.GetBaseModelSource().GetModelGardenSource().GetPublicModelName(); g != "" {
		a.SetFact(model.String("model.garden_source", g, model.Observed, src))
		p := publisherModel(g)
		ref.Publisher, ref.Name = "model_garden:"+p.Publisher, p.Name
	} else if org == "model_garden" {
		ref.Publisher = "model_garden"
	}
	a.Model = ref
	out := []*model.Asset{a}
	cs := m.GetContainerSpec()
	if cs.GetImageUri() == "" {
		return out
	}
	c := workload.Container{Image: cs.GetImageUri(), Args: append(slices.Clone(cs.GetCommand()), cs.GetArgs()...)}
	for _, e := range cs.GetEnv() {
		c.Env = append(c.Env, workload.NewEnvVar(s.c.cat, e.GetName(), e.GetValue(), false))
	}
	w := workload.Workload{Kind: "vertex_model", Name: m.GetDisplayName(), Containers: []workload.Container{c}}
	an := workload.Analyze(w, s.c.cat)
	for _, f := range an.Facts(w, src) {
		if !strings.HasPrefix(f.Key, "gpu.") { // a model requests no accelerators; its deployments do
			a.SetFact(f)
		}
	}
	// The serving container is the model's, whatever image it is.
	img := fingerprint.ParseImage(cs.GetImageUri())
	a.SetFact(model.String("image.ref", cs.GetImageUri(), model.Observed, src))
	a.SetFact(model.Bool("image.pinned_digest", img.PinnedByDigest(), model.Observed, src))
	a.SetFact(model.Bool("image.registry_public", img.PublicRegistry(), model.Inferred, src))
	if an.ModelID != "" {
		r := an.ModelRef()
		a.SetFact(model.String("model.served_id", an.ModelID, model.Declared, src))
		if ref.SourceURI == "" {
			ref.SourceURI = r.SourceURI
		}
	}
	return append(out, s.heldKeys(an, id, "model "+m.GetDisplayName(), src)...)
}

// heldKeys are the literal credentials of an analysed env, as api_key
// assets held by the resource holder.
func (s *scan) heldKeys(an workload.Analysis, holder, what, src string) []*model.Asset {
	var out []*model.Asset
	for _, k := range an.Keys {
		a := k.Asset(workload.Holder{ID: holder, Scope: s.scope.ID, Region: s.scope.Region, What: what, Source: src, FileClass: "cloud_resource_spec"})
		out = append(out, &a)
	}
	return out
}

// tunedModel maps a tuning job's output: the tuned model version, with
// its base model and tuning method added to what the Model Registry said
// of it (nil when the job produced no model yet).
func (s *scan) tunedModel(j *aiplatformpb.TuningJob) *model.Asset {
	tm := j.GetTunedModel().GetModel()
	if tm == "" {
		return nil
	}
	name, version, _ := strings.Cut(tm, "@")
	id := modelID(name, version)
	src := "vertex tuning job " + j.GetName()
	a, seen := s.models[id]
	if !seen {
		a = s.asset(id, model.KindModel, j.GetTunedModelDisplayName())
		s.label(a, j.GetLabels())
		a.Model = &model.ModelRef{Publisher: "custom", Name: j.GetTunedModelDisplayName(), Version: version}
		a.Facts = append(a.Facts, cmekFacts(j.GetEncryptionSpec(), src)...)
	}
	method := "unknown"
	if j.GetSupervisedTuningSpec() != nil {
		method = "SUPERVISED_FINE_TUNING"
	}
	a.SetFact(model.String("model.customization", method, model.Observed, src))
	a.SetFact(model.String("model.tuning_job", j.GetName(), model.Observed, src))
	if base := j.GetBaseModel(); base != "" {
		a.SetFact(model.String("model.base", base, model.Observed, src))
	} else if pre := j.GetPreTunedModel().GetTunedModelName(); pre != "" {
		a.SetFact(model.String("model.base", pre, model.Observed, src))
	}
	if ep := j.GetTunedModel().GetEndpoint(); ep != "" && !slices.ContainsFunc(a.Relations, func(r model.Relation) bool { return r.Target == resourceID(ep) }) {
		a.Relations = append(a.Relations, model.Relation{Type: "deployed_to", Target: resourceID(ep)})
	}
	return a
}
