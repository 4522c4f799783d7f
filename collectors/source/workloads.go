package source

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/aisight/aisight/collectors/fingerprint"
	"github.com/aisight/aisight/model"
)

// servingKinds are custom resources that serve or host models whatever
// image they name (KServe, Ray, Seldon, NVIDIA NIM, KubeAI, Kubeflow).
var servingKinds = map[string]string{
	"InferenceService": "kserve", "ServingRuntime": "kserve", "ClusterServingRuntime": "kserve", "LLMInferenceService": "kserve",
	"RayService": "ray", "RayCluster": "ray", "RayJob": "ray", "SeldonDeployment": "seldon", "NIMService": "nim",
	"Model": "kubeai", "Notebook": "kubeflow-notebook",
}

// gpuResources are extended resource names of accelerators.
var gpuResources = []string{"nvidia.com/gpu", "amd.com/gpu", "gpu.intel.com/i915", "gpu.intel.com/xe", "habana.ai/gaudi", "aws.amazon.com/neuron", "aws.amazon.com/neuroncore", "google.com/tpu"}

// Container is what the workload detectors read of one container spec.
type Container struct {
	Name    string
	Image   string
	Args    []string
	Env     []EnvVar
	GPU     int64
	GPUKeys []string
}

// EnvVar is an env entry: a literal value is only kept as "is literal".
type EnvVar struct {
	Name       string
	Literal    bool
	FromSecret bool
}

// Workload is an AI workload declared in a file.
type Workload struct {
	Kind, Namespace, Name string
	Labels                map[string]string
	ServiceAccount        string
	AutomountToken        *bool
	Containers            []Container
	StorageURI            string
	ServingKind           string
	Line                  int
}

// ParseYAMLWorkloads reads Kubernetes objects, compose services and Helm-style
// values from a YAML stream. Templates ({{ }}) are not rendered and yield nothing.
func ParseYAMLWorkloads(b []byte) ([]Workload, error) {
	if bytes.Contains(b, []byte("{{")) {
		return nil, nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var out []Workload
	for {
		var node yaml.Node
		err := dec.Decode(&node)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, fmt.Errorf("yaml: %w", err)
		}
		var doc any
		if err := node.Decode(&doc); err != nil {
			continue
		}
		m, ok := doc.(map[string]any)
		if !ok {
			continue
		}
		out = append(out, workloadsOf(m, node.Line)...)
	}
}

func workloadsOf(m map[string]any, line int) []Workload {
	if kind, ok := m["kind"].(string); ok && m["apiVersion"] != nil {
		if kind == "List" {
			var out []Workload
			for _, it := range asList(m["items"]) {
				if im, ok := it.(map[string]any); ok {
					out = append(out, workloadsOf(im, line)...)
				}
			}
			return out
		}
		meta := asMap(m["metadata"])
		w := Workload{Kind: kind, Name: str(meta["name"]), Namespace: str(meta["namespace"]), Labels: strMap(meta["labels"]), Line: line}
		if sk, ok := servingKinds[kind]; ok && strings.Contains(str(m["apiVersion"]), ".") {
			w.ServingKind = sk
		}
		walkMaps(m["spec"], func(mm map[string]any) {
			for _, key := range []string{"containers", "initContainers"} {
				for _, c := range asList(mm[key]) {
					if cm, ok := c.(map[string]any); ok {
						w.Containers = append(w.Containers, containerOf(cm))
					}
				}
			}
			if sa := str(mm["serviceAccountName"]); sa != "" && w.ServiceAccount == "" {
				w.ServiceAccount = sa
			}
			if v, ok := mm["automountServiceAccountToken"].(bool); ok && w.AutomountToken == nil {
				w.AutomountToken = &v
			}
			if u := str(mm["storageUri"]); u != "" && w.StorageURI == "" {
				w.StorageURI = u
			}
		})
		return []Workload{w}
	}
	if services := asMap(m["services"]); len(services) > 0 {
		var out []Workload
		for _, name := range sortedKeys(services) {
			svc := asMap(services[name])
			if svc == nil {
				continue
			}
			c := containerOf(svc)
			c.Name = name
			c.GPU, c.GPUKeys = composeGPU(svc)
			out = append(out, Workload{Kind: "compose_service", Name: name, Labels: strMap(svc["labels"]), Containers: []Container{c}, Line: line})
		}
		return out
	}
	// Helm-style values: any map with an image (string or repository/tag map).
	var out []Workload
	walkPaths(m, "", func(p string, mm map[string]any) {
		if _, ok := mm["image"]; !ok {
			return
		}
		c := containerOf(mm)
		if c.Image == "" {
			return
		}
		name := strings.TrimPrefix(p, ".")
		if name == "" {
			name = "image"
		}
		out = append(out, Workload{Kind: "helm_values", Name: name, Containers: []Container{c}, Line: line})
	})
	return out
}

// containerOf reads a Kubernetes container, a compose service or a values block.
func containerOf(m map[string]any) Container {
	c := Container{Name: str(m["name"])}
	switch img := m["image"].(type) {
	case string:
		c.Image = img
	case map[string]any: // Helm values: registry/repository/tag/digest
		repo := str(img["repository"])
		if reg := str(img["registry"]); reg != "" && repo != "" {
			repo = reg + "/" + repo
		}
		if repo != "" {
			c.Image = repo
			if t := str(img["tag"]); t != "" {
				c.Image += ":" + t
			}
			if d := str(img["digest"]); d != "" {
				c.Image += "@" + d
			}
		}
	}
	for _, key := range []string{"command", "args", "extraArgs", "entrypoint"} {
		switch v := m[key].(type) {
		case []any:
			for _, a := range v {
				c.Args = append(c.Args, fmt.Sprint(a))
			}
		case string:
			c.Args = append(c.Args, strings.Fields(v)...)
		}
	}
	switch env := m["env"].(type) {
	case []any:
		for _, e := range env {
			em := asMap(e)
			if em == nil {
				continue
			}
			vf := asMap(em["valueFrom"])
			c.Env = append(c.Env, EnvVar{Name: str(em["name"]), Literal: str(em["value"]) != "", FromSecret: vf != nil && vf["secretKeyRef"] != nil})
		}
	case map[string]any:
		for _, k := range sortedKeys(env) {
			v := fmt.Sprint(env[k])
			c.Env = append(c.Env, EnvVar{Name: k, Literal: env[k] != nil && v != "" && !strings.HasPrefix(v, "$")})
		}
	}
	if env, ok := m["environment"]; ok { // compose
		switch e := env.(type) {
		case map[string]any:
			for _, k := range sortedKeys(e) {
				v := fmt.Sprint(e[k])
				c.Env = append(c.Env, EnvVar{Name: k, Literal: e[k] != nil && v != "" && !strings.HasPrefix(v, "$")})
			}
		case []any:
			for _, it := range e {
				k, v, _ := strings.Cut(fmt.Sprint(it), "=")
				c.Env = append(c.Env, EnvVar{Name: k, Literal: v != "" && !strings.HasPrefix(v, "$")})
			}
		}
	}
	res := asMap(m["resources"])
	for _, part := range []string{"limits", "requests"} {
		lim := asMap(res[part])
		for _, g := range gpuResources {
			if v, ok := lim[g]; ok {
				n, _ := strconv.ParseInt(fmt.Sprint(v), 10, 64)
				if n > c.GPU {
					c.GPU = n
				}
				if !slices.Contains(c.GPUKeys, g) {
					c.GPUKeys = append(c.GPUKeys, g)
				}
			}
		}
	}
	return c
}

// composeGPU reads deploy.resources.reservations.devices with the gpu capability.
func composeGPU(svc map[string]any) (int64, []string) {
	devs := asList(asMap(asMap(asMap(svc["deploy"])["resources"])["reservations"])["devices"])
	var n int64
	var keys []string
	for _, d := range devs {
		dm := asMap(d)
		if !slices.Contains(anyStrings(dm["capabilities"]), "gpu") {
			continue
		}
		keys = append(keys, "compose:gpu")
		switch c := dm["count"].(type) {
		case int:
			n += int64(c)
		case string: // "all"
			n++
		default:
			n++
		}
	}
	return n, keys
}

// ParseDockerfile reads the final stage's base image and its CMD/ENTRYPOINT.
func ParseDockerfile(b []byte) (Container, int) {
	var c Container
	line := 0
	sc := lineScanner(b)
	ln := 0
	for sc.Scan() {
		ln++
		t := strings.TrimSpace(sc.Text())
		f := strings.Fields(t)
		if len(f) < 2 {
			continue
		}
		switch strings.ToUpper(f[0]) {
		case "FROM":
			img := f[1]
			for _, x := range f[1:] {
				if !strings.HasPrefix(x, "--") {
					img = x
					break
				}
			}
			c = Container{Image: img}
			line = ln
		case "CMD", "ENTRYPOINT":
			rest := strings.TrimSpace(t[len(f[0]):])
			c.Args = append(c.Args, strings.FieldsFunc(rest, func(r rune) bool { return r == '[' || r == ']' || r == ',' || r == ' ' || r == '"' })...)
		}
	}
	return c, line
}

// modelArg finds a model id in container args (--model X, --model=X, --model-id X).
func modelArg(args []string) (id, rev string) {
	for i, a := range args {
		name, val, hasVal := strings.Cut(a, "=")
		switch name {
		case "--model", "--model-id", "--model_id", "--model-name", "--model-path", "--model_path":
			if !hasVal && i+1 < len(args) {
				val = args[i+1]
			}
			if modelShaped(val) && id == "" {
				id = val
			}
		case "--revision":
			if !hasVal && i+1 < len(args) {
				val = args[i+1]
			}
			rev = val
		}
	}
	return id, rev
}

// yamlWorkloads reports AI workloads declared in a YAML file.
func (s *scanner) yamlWorkloads(f *file) {
	if !bytes.Contains(f.content, []byte("image")) && !bytes.Contains(f.content, []byte("storageUri")) {
		return
	}
	ws, err := ParseYAMLWorkloads(f.content)
	if err != nil {
		s.count(statParseErrors, 1)
	}
	for _, w := range ws {
		s.workload(f, w)
	}
}

// dockerfile reports a Dockerfile whose final image serves AI or runs a model.
func (s *scanner) dockerfile(f *file) {
	c, line := ParseDockerfile(f.content)
	if c.Image == "" {
		return
	}
	s.workload(f, Workload{Kind: "dockerfile", Name: f.rel, Containers: []Container{c}, Line: line})
}

// workload turns a declared workload into an inference_workload asset when
// it carries an AI signal: a serving image, a model argument or storage URI,
// a GPU request, or a serving custom resource kind.
func (s *scanner) workload(f *file, w Workload) {
	cat := s.c.cat
	var ai *Container
	var runtime *fingerprint.Image
	modelID, rev := "", ""
	var gpu int64
	var gpuKeys, images []string
	for i := range w.Containers {
		c := &w.Containers[i]
		if c.Image != "" {
			images = append(images, c.Image)
		}
		im, isAI := cat.MatchImage(c.Image)
		id, r := modelArg(c.Args)
		if (isAI || id != "" || c.GPU > 0) && ai == nil {
			ai = c
		}
		if isAI && runtime == nil {
			runtime = im
			ai = c
		}
		if id != "" && modelID == "" {
			modelID, rev = id, r
		}
		gpu += c.GPU
		gpuKeys = append(gpuKeys, c.GPUKeys...)
	}
	if w.StorageURI != "" && modelID == "" {
		modelID = w.StorageURI
		if m := hfURI.FindStringSubmatch(w.StorageURI); m != nil {
			modelID, rev = m[1], m[2]
		}
	}
	if ai == nil && w.ServingKind == "" && !(w.StorageURI != "" && w.Kind != "helm_values") {
		return
	}
	src := "file:" + f.rel + ":" + strconv.Itoa(w.Line)
	id := fileURI(s.label, f.rel) + "#" + workloadFragment(w)
	a := model.Asset{
		ID: id, Provider: Name, Scope: s.scope, Kind: model.KindInferenceWorkload, DeploymentType: model.SelfHosted,
		Name: w.Name, Tags: w.Labels, Owner: ownerOf(w.Labels), Location: &model.Location{Path: f.rel, Line: w.Line},
		Facts: []model.Fact{model.String("workload.kind", w.Kind, model.Declared, src)},
	}
	if w.Namespace != "" {
		a.Facts = append(a.Facts, model.String("workload.namespace", w.Namespace, model.Declared, src))
	}
	switch {
	case runtime != nil:
		a.Facts = append(a.Facts, model.String("runtime.name", runtime.Runtime, model.Inferred, "image "+ai.Image),
			model.String("runtime.category", runtime.Category, model.Inferred, "fingerprint catalog"))
	case w.ServingKind != "":
		a.Facts = append(a.Facts, model.String("runtime.name", w.ServingKind, model.Declared, "kind "+w.Kind))
	}
	if ai != nil && ai.Image != "" {
		ref := fingerprint.ParseImage(ai.Image)
		a.Facts = append(a.Facts,
			model.String("image.ref", ai.Image, model.Declared, src),
			model.Bool("image.pinned_digest", ref.PinnedByDigest(), model.Observed, src),
			model.Bool("image.registry_public", ref.PublicRegistry(), model.Inferred, src))
		if ref.Tag != "" && runtime != nil {
			a.Facts = append(a.Facts, model.String("runtime.version", ref.Tag, model.Inferred, "image tag"))
		}
	}
	if len(images) > 1 {
		a.Facts = append(a.Facts, model.Strings("workload.images", images, model.Declared, src))
	}
	if modelID != "" {
		ref := describeModel(modelID, rev)
		a.Model = &ref
		a.Facts = append(a.Facts,
			model.String("model.id", modelID, model.Declared, src),
			model.String("model.source", modelSource(modelID), model.Inferred, src),
			model.Bool("model.revision_pinned", commitSHA.MatchString(rev), model.Observed, src))
		a.Relations = append(a.Relations, model.Relation{Type: "serves", Target: modelAssetID(s.label, f.rel, modelID)})
	}
	a.Facts = append(a.Facts, model.Int("gpu.requested", gpu, model.Declared, src))
	if len(gpuKeys) > 0 {
		sort.Strings(gpuKeys)
		a.Facts = append(a.Facts, model.Strings("gpu.resources", slices.Compact(gpuKeys), model.Declared, src))
	}
	s.credentialEnv(&a, w, src)
	if strings.Contains(w.Kind, "compose") || w.Kind == "helm_values" || w.Kind == "dockerfile" {
		s.sink.Asset(a)
		return
	}
	sa, conf := w.ServiceAccount, model.Declared
	if sa == "" {
		sa, conf = "default", model.Inferred
	}
	a.Identity = "k8s-sa:" + w.Namespace + "/" + sa
	a.Facts = append(a.Facts, model.String("identity.service_account", sa, conf, src),
		model.Bool("identity.dedicated", sa != "default", conf, src))
	if w.AutomountToken != nil {
		a.Facts = append(a.Facts, model.Bool("identity.automount_token", *w.AutomountToken, model.Declared, src))
	}
	s.sink.Asset(a)
}

// credentialEnv records which provider credential env vars a workload gets
// and whether they come from Secrets or literal values (never the values).
func (s *scanner) credentialEnv(a *model.Asset, w Workload, src string) {
	var names []string
	literal, fromSecret := false, false
	for _, c := range w.Containers {
		for _, e := range c.Env {
			if _, ok := s.c.cat.EnvVar(e.Name); !ok {
				continue
			}
			names = append(names, e.Name)
			literal = literal || e.Literal
			fromSecret = fromSecret || e.FromSecret
		}
	}
	if len(names) == 0 {
		return
	}
	sort.Strings(names)
	a.Facts = append(a.Facts,
		model.Strings("env.credential_vars", slices.Compact(names), model.Declared, src),
		model.Bool("env.credential_literal", literal, model.Declared, src),
		model.Bool("env.credential_from_secret", fromSecret, model.Declared, src))
}

func workloadFragment(w Workload) string {
	switch w.Kind {
	case "compose_service":
		return "compose:" + w.Name
	case "helm_values":
		return "values:" + w.Name
	case "dockerfile":
		return "dockerfile"
	}
	ns := w.Namespace
	if ns == "" {
		ns = "_"
	}
	return strings.ToLower(w.Kind) + "/" + ns + "/" + w.Name
}

// ownerOf reads an owner from common label keys.
func ownerOf(labels map[string]string) string {
	for _, k := range []string{"owner", "team", "app.kubernetes.io/owner", "aisight.io/owner"} {
		if v := labels[k]; v != "" {
			return v
		}
	}
	return ""
}

func walkMaps(v any, f func(map[string]any)) {
	switch t := v.(type) {
	case map[string]any:
		f(t)
		for _, k := range sortedKeys(t) {
			walkMaps(t[k], f)
		}
	case []any:
		for _, x := range t {
			walkMaps(x, f)
		}
	}
}

func walkPaths(v any, p string, f func(string, map[string]any)) {
	switch t := v.(type) {
	case map[string]any:
		f(p, t)
		for _, k := range sortedKeys(t) {
			if k == "image" {
				continue
			}
			walkPaths(t[k], p+"."+k, f)
		}
	case []any:
		for i, x := range t {
			walkPaths(x, p+"["+strconv.Itoa(i)+"]", f)
		}
	}
}

func asMap(v any) map[string]any { m, _ := v.(map[string]any); return m }
func asList(v any) []any         { l, _ := v.([]any); return l }
func str(v any) string           { s, _ := v.(string); return s }

func strMap(v any) map[string]string {
	m := asMap(v)
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, x := range m {
		out[k] = fmt.Sprint(x)
	}
	return out
}

func anyStrings(v any) []string {
	var out []string
	for _, x := range asList(v) {
		out = append(out, fmt.Sprint(x))
	}
	return out
}
