package source

import (
	"path"
	"strconv"
	"strings"

	"github.com/aisight/aisight/internal/detect/workload"
	"github.com/aisight/aisight/model"
)

// yamlWorkloads reports AI workloads declared in a YAML file.
func (s *scanner) yamlWorkloads(f *file) {
	ws, err := workload.ParseYAML(f.content, s.c.cat)
	if err != nil {
		s.parseError(f, err)
	}
	for _, w := range ws[:s.capFindings(f, "workloads", len(ws))] {
		if w.Kind == "helm_values" && (ciDefinition(f.rel) || vendored(f.rel)) {
			// a CI job's container image or a package's bundled values file
			// is not a chart's values
			continue
		}
		if w.Name == "" { // a Helm template: named after its file
			w.Name = strings.TrimSuffix(f.rel, path.Ext(f.rel))
		}
		s.workload(f, w)
	}
}

// workloadHints are words one of which every YAML document with an AI
// workload holds: an image (also repository: of Helm values), a storage
// URI or model URL, a GPU request, or a serving resource's API group.
// They are searched with the other anchors, in the same pass.
var workloadHints = []string{"image", "repository", "storage", "gpu", "GPU", "uri:", "url:", "modelURL", "modelUri", "ray.io", "nvidia.com", "kubeai.org", "kserve", "seldon", "kubeflow"}

// mayHoldWorkload is a cheap test before a YAML parse: most YAML files
// (CI, configs) have none of the hints and are not parsed.
func (s *scanner) mayHoldWorkload(f *file) bool {
	h := f.anchorHits(s.c)
	for _, w := range workloadHints {
		if len(h.Of(w)) > 0 {
			return true
		}
	}
	return false
}

// dockerfile reports a Dockerfile whose final image serves AI or runs a model.
func (s *scanner) dockerfile(f *file) {
	c, line := workload.ParseDockerfile(f.content, s.c.cat)
	if c.Image == "" {
		return
	}
	s.workload(f, workload.Workload{Kind: "dockerfile", Name: f.rel, Containers: []workload.Container{c}, Line: line})
}

// workload turns a declared workload into an inference_workload asset when
// workload.Analyze finds an AI signal in it.
func (s *scanner) workload(f *file, w workload.Workload) {
	an := workload.Analyze(w, s.c.cat)
	if !an.AI {
		return
	}
	src := "file:" + f.rel + ":" + strconv.Itoa(w.Line)
	a := model.Asset{
		ID: fileURI(s.label, f.rel) + "#" + workloadFragment(w), Provider: Name, Scope: s.scope,
		Kind: model.KindInferenceWorkload, DeploymentType: model.SelfHosted,
		Name: w.Name, Tags: w.Labels, Owner: workload.Owner(w.Labels), Location: &model.Location{Path: f.rel, Line: w.Line},
		Model: an.ModelRef(),
		Facts: []model.Fact{model.String("workload.kind", w.Kind, model.Declared, src)},
	}
	if w.Namespace != "" {
		a.Facts = append(a.Facts, model.String("workload.namespace", w.Namespace, model.Declared, src))
	}
	a.Facts = append(a.Facts, an.Facts(w, src)...)
	if an.ModelID != "" {
		a.Relations = append(a.Relations, model.Relation{Type: "serves", Target: modelAssetID(s.label, f.rel, an.ModelID)})
	}
	if strings.Contains(w.Kind, "compose") || strings.HasPrefix(w.Kind, "helm_") || w.Kind == "dockerfile" || w.Kind == "yaml_lines" {
		s.sink.Asset(a)
		return
	}
	sa, conf := w.ServiceAccount, model.Declared
	if sa == "" {
		sa, conf = "default", model.Inferred
	}
	a.Identity = "k8s-sa:" + w.Namespace + "/" + sa
	a.Facts = append(a.Facts, model.String("identity.service_account", sa, conf, src),
		model.Bool("identity.default", sa == "default", conf, src))
	if w.AutomountToken != nil {
		a.Facts = append(a.Facts, model.Bool("identity.automount_token", *w.AutomountToken, model.Declared, src))
	}
	s.sink.Asset(a)
}

func workloadFragment(w workload.Workload) string {
	switch w.Kind {
	case "compose_service":
		return "compose:" + w.Name
	case "helm_values":
		return "values:" + w.Name
	case "helm_template":
		return "template"
	case "yaml_lines":
		return "lines"
	case "dockerfile":
		return "dockerfile"
	}
	ns := w.Namespace
	if ns == "" {
		ns = "_"
	}
	return strings.ToLower(w.Kind) + "/" + ns + "/" + w.Name
}

// ciDefinition reports a CI system's pipeline file: its image keys run
// jobs, not services.
func ciDefinition(rel string) bool {
	l := strings.ToLower(rel)
	base := path.Base(l)
	return strings.Contains(l, ".github/workflows/") || strings.Contains(l, ".github/actions/") || strings.Contains(l, ".circleci/") ||
		strings.Contains(l, ".woodpecker/") || strings.Contains(l, ".buildkite/") || strings.Contains(l, ".tekton/") ||
		base == ".gitlab-ci.yml" || base == "azure-pipelines.yml" || base == "bitbucket-pipelines.yml" || base == ".drone.yml" ||
		base == "cloudbuild.yaml" || base == "cloudbuild.yml" || base == ".travis.yml" || base == "action.yml" || base == "action.yaml"
}

// vendored reports a path inside an installed package tree (a virtualenv's
// site-packages, node_modules): third-party files shipped with a package.
func vendored(rel string) bool {
	for _, seg := range strings.Split(strings.ToLower(rel), "/") {
		switch seg {
		case "site-packages", "dist-packages", "node_modules", ".venv", "venv", ".tox", "vendor":
			return true
		}
	}
	return false
}
