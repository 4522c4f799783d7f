// Package workload owns the detection of AI workloads from a pod-spec-like
// description: the shared types, parsers for declared workloads (Kubernetes
// YAML, compose, Helm values, Dockerfiles), the model-id helpers, and
// Analyze, which decides whether a workload is AI and what the common facts
// about it are. The source collector (files) and the kube collector (live
// clusters) both build on it, so a workload gets the same facts whether it is
// found in a repository or running in a cluster.
package workload

import (
	"slices"
	"sort"
	"strings"

	"github.com/aisight/aisight/internal/detect/fingerprint"
	"github.com/aisight/aisight/internal/redact"
	"github.com/aisight/aisight/model"
)

// Container is what the detectors read of one container spec.
type Container struct {
	Name    string
	Image   string
	Args    []string
	Env     []EnvVar
	GPU     int64
	GPUKeys []string
	// ImageID is the running image's resolved reference ("...@sha256:...")
	// from pod status, when the workload was observed running.
	ImageID string
}

// EnvVar is an env entry. A value is kept only for model and revision names
// (ModelValue); for a credential variable with a literal value only its
// fingerprint survives (Secret); for everything else only whether it is a
// literal.
type EnvVar struct {
	Name       string
	Literal    bool
	FromSecret bool
	ModelValue string
	Secret     *model.Fingerprint
}

// NewEnvVar builds an EnvVar, dropping the value unless the catalog says
// the name carries a model id or revision.
func NewEnvVar(cat *fingerprint.Catalog, name, value string, fromSecret bool) EnvVar {
	e := EnvVar{Name: name, Literal: value != "", FromSecret: fromSecret}
	if cat.IsModelEnv(name) || cat.IsRevisionEnv(name) {
		e.ModelValue = redact.URL(value) // a model URL may carry a credential
	}
	if ev, ok := cat.EnvVar(name); ok && e.Literal && ev.ValueLooksLikeKey(value) {
		fp := fingerprint.Fingerprint(ev.KeyKind, []byte(value), "env "+name)
		e.Secret = &fp
	}
	return e
}

// Workload is a declared or running workload.
type Workload struct {
	Kind, Namespace, Name string
	Labels                map[string]string
	ServiceAccount        string
	AutomountToken        *bool
	Containers            []Container
	StorageURI            string
	// ServingKind is set when the workload is a serving custom resource.
	ServingKind string
	// Line is where a declared workload starts in its file.
	Line int
}

// Analysis is what Analyze found out about a workload.
type Analysis struct {
	// AI is true when the workload carries an AI signal: a serving image, a
	// model argument, env var or storage URI, a GPU request, or a serving kind.
	AI bool
	// Runtime is the serving image family, nil when no image matched.
	Runtime *fingerprint.Image
	// Image is the reference of the container that carries the AI signal.
	Image, ImageID string
	Images         []string
	ModelID, Rev   string
	ModelVia       string // arg, env, storage_uri
	GPU            int64
	GPUKeys        []string
	CredentialVars []string
	CredLiteral    bool
	CredFromSecret bool
	// Keys are the literal credential values of the workload's env, by
	// fingerprint, with the variable and its catalog entry.
	Keys []HeldKey
}

// HeldKey is a literal credential a workload's env holds.
type HeldKey struct {
	Var         string
	Fingerprint model.Fingerprint
	Env         *fingerprint.EnvVar
}

// Holder is the resource whose env holds a literal credential.
type Holder struct {
	ID, Scope, Region string
	// What names it in the key's asset name ("Deployment ml/vllm", "model llama").
	What string
	// Source is where its env was read ("k8s:ml/deployment/vllm").
	Source string
	// FileClass is the key.file_class: "workload_spec" for a pod spec,
	// "cloud_resource_spec" for a cloud resource's environment.
	FileClass string
}

// Asset is the api_key asset of a literal credential a resource's env
// holds, by fingerprint (the value was dropped when read), held_by the
// resource: the same facts whichever collector read the env, so it is
// reported like a key written into a file and can be linked to its live key.
func (k HeldKey) Asset(h Holder) model.Asset {
	fp := k.Fingerprint
	fp.Location = h.Source + " env " + k.Var
	where := "a literal in a resource's environment"
	if h.FileClass == "workload_spec" {
		where = "a literal in a pod spec"
	}
	return model.Asset{
		ID: h.ID + "#key-" + fp.SHA256, Provider: k.Env.Provider, Scope: h.Scope, Region: h.Region, Kind: model.KindAPIKey,
		DeploymentType: k.Env.DeploymentType, Name: k.Env.KeyKind + " in " + h.What,
		Secret:    &fp,
		Relations: []model.Relation{{Type: "held_by", Target: h.ID}},
		Facts: []model.Fact{
			model.String("key.kind", k.Env.KeyKind, model.Inferred, "env var "+k.Var),
			model.String("key.provider", k.Env.Provider, model.Inferred, "env var "+k.Var),
			model.Bool("key.literal_in_source", true, model.Observed, h.Source),
			model.String("key.file_class", h.FileClass, model.Observed, h.Source),
			model.String("key.env_var", k.Var, model.Observed, h.Source),
			model.Bool("key.short_lived", false, model.Inferred, where),
		},
	}
}

// Analyze decides whether w is an AI workload and gathers what the facts need.
func Analyze(w Workload, cat *fingerprint.Catalog) Analysis {
	var an Analysis
	aiIdx := -1
	for i := range w.Containers {
		c := &w.Containers[i]
		if c.Image != "" {
			an.Images = append(an.Images, c.Image)
		}
		im, isAI := cat.MatchImage(c.Image)
		id, rev, via := containerModel(c, im, cat)
		if (isAI || id != "" || c.GPU > 0) && aiIdx < 0 {
			aiIdx = i
		}
		if isAI && an.Runtime == nil {
			an.Runtime = im
			aiIdx = i
		}
		if id != "" && an.ModelID == "" {
			an.ModelID, an.Rev, an.ModelVia = id, rev, via
		}
		an.GPU += c.GPU
		an.GPUKeys = append(an.GPUKeys, c.GPUKeys...)
		for _, e := range c.Env {
			if _, ok := cat.EnvVar(e.Name); !ok {
				continue
			}
			an.CredentialVars = append(an.CredentialVars, e.Name)
			an.CredLiteral = an.CredLiteral || e.Literal
			an.CredFromSecret = an.CredFromSecret || e.FromSecret
			if e.Secret != nil {
				ev, _ := cat.EnvVar(e.Name)
				an.Keys = append(an.Keys, HeldKey{Var: e.Name, Fingerprint: *e.Secret, Env: ev})
			}
		}
	}
	if w.StorageURI != "" && an.ModelID == "" {
		an.ModelID, an.Rev = SplitModelURI(w.StorageURI)
		an.ModelVia = "storage_uri"
	}
	if aiIdx >= 0 {
		an.Image, an.ImageID = w.Containers[aiIdx].Image, w.Containers[aiIdx].ImageID
	}
	sort.Strings(an.GPUKeys)
	an.GPUKeys = slices.Compact(an.GPUKeys)
	sort.Strings(an.CredentialVars)
	an.CredentialVars = slices.Compact(an.CredentialVars)
	an.AI = aiIdx >= 0 || w.ServingKind != "" || (w.StorageURI != "" && w.Kind != "helm_values")
	return an
}

// containerModel reads a model id from a container's args, then its env,
// by the catalog's conventions and those of the container's runtime (rt).
func containerModel(c *Container, rt *fingerprint.Image, cat *fingerprint.Catalog) (id, rev, via string) {
	args := ShellWords(c.Args)
	if id, rev = ModelArg(args, cat.ModelArgs(rt), cat.ModelConventions.RevisionArgs); id != "" {
		return redact.URL(id), rev, "arg"
	}
	if id = PositionalModel(args); id != "" {
		return redact.URL(id), "", "arg"
	}
	for _, e := range c.Env {
		if cat.IsModelEnv(e.Name) && ModelShaped(e.ModelValue) && id == "" {
			id = e.ModelValue
		}
		if cat.IsRevisionEnv(e.Name) && e.ModelValue != "" {
			rev = e.ModelValue
		}
	}
	if id == "" {
		return "", "", ""
	}
	return id, rev, "env"
}

// Facts are the facts every collector reports for an AI workload: runtime,
// image, model, GPU and provider-credential env vars. src says where they were
// read ("file:k8s/vllm.yaml:3", "k8s:prod/deployment/vllm").
// Signals names what marks the workload as AI, strongest first:
// serving_resource (a serving custom resource's kind), serving_image (an
// image of the catalog), model_arg / model_env / storage_uri (a model the
// workload is given), gpu_request (accelerators requested).
func (an Analysis) Signals(w Workload) []string {
	var out []string
	if w.ServingKind != "" {
		out = append(out, "serving_resource")
	}
	if an.Runtime != nil {
		out = append(out, "serving_image")
	}
	switch an.ModelVia {
	case "arg":
		out = append(out, "model_arg")
	case "env":
		out = append(out, "model_env")
	case "storage_uri":
		out = append(out, "storage_uri")
	}
	if an.GPU > 0 {
		out = append(out, "gpu_request")
	}
	return out
}

func (an Analysis) Facts(w Workload, src string) []model.Fact {
	var fs []model.Fact
	switch {
	case an.Runtime != nil:
		fs = append(fs, model.String("runtime.name", an.Runtime.Runtime, model.Inferred, "image "+an.Image),
			model.String("runtime.category", an.Runtime.Category, model.Inferred, "fingerprint catalog"))
	case w.ServingKind != "":
		fs = append(fs, model.String("runtime.name", w.ServingKind, model.Declared, "kind "+w.Kind))
	}
	if an.Image != "" {
		ref := fingerprint.ParseImage(an.Image)
		fs = append(fs,
			model.String("image.ref", an.Image, model.Declared, src),
			model.Bool("image.pinned_digest", ref.PinnedByDigest(), model.Observed, src),
			model.Bool("image.registry_public", ref.PublicRegistry(), model.Inferred, src))
		if ref.Tag != "" && an.Runtime != nil {
			fs = append(fs, model.String("runtime.version", ref.Tag, model.Inferred, "image tag"))
		}
		if d := runningDigest(an.ImageID); d != "" {
			fs = append(fs, model.String("image.running_digest", d, model.Observed, "pod status imageID"))
		}
	}
	if len(an.Images) > 1 {
		fs = append(fs, model.Strings("workload.images", an.Images, model.Declared, src))
	}
	if an.ModelID != "" {
		fs = append(fs,
			model.String("model.id", an.ModelID, model.Declared, src),
			model.String("model.source", ModelSource(an.ModelID), model.Inferred, src),
			model.Bool("model.revision_pinned", RevisionPinned(an.Rev), model.Observed, src))
	}
	fs = append(fs, model.Strings("workload.ai_signals", an.Signals(w), model.Inferred, src))
	fs = append(fs, model.Int("gpu.requested", an.GPU, model.Declared, src))
	if len(an.GPUKeys) > 0 {
		fs = append(fs, model.Strings("gpu.resources", an.GPUKeys, model.Declared, src))
	}
	if len(an.CredentialVars) > 0 {
		fs = append(fs,
			model.Strings("env.credential_vars", an.CredentialVars, model.Declared, src),
			model.Bool("env.credential_literal", an.CredLiteral, model.Declared, src),
			model.Bool("env.credential_from_secret", an.CredFromSecret, model.Declared, src))
	}
	return fs
}

// ModelRef is the served model's reference, nil when none is known.
func (an Analysis) ModelRef() *model.ModelRef {
	if an.ModelID == "" {
		return nil
	}
	r := DescribeModel(an.ModelID, an.Rev)
	return &r
}

// runningDigest extracts "sha256:..." from a pod status imageID such as
// "docker-pullable://repo@sha256:..." or "sha256:...".
func runningDigest(imageID string) string {
	if i := strings.LastIndex(imageID, "sha256:"); i >= 0 && len(imageID)-i == len("sha256:")+64 {
		return imageID[i:]
	}
	return ""
}

// Owner reads an owner from common label keys.
func Owner(labels map[string]string) string {
	for _, k := range []string{"owner", "team", "app.kubernetes.io/owner", "aisight.io/owner"} {
		if v := labels[k]; v != "" {
			return v
		}
	}
	return ""
}
