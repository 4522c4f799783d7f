package workload

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/aisight/aisight/internal/bounded"
	"github.com/aisight/aisight/internal/detect/fingerprint"
	"github.com/aisight/aisight/internal/redact"
)

// ParseYAML reads Kubernetes objects, compose services and Helm-style
// values from a YAML stream. Templates are not rendered: their actions are
// blanked (StripTemplates) and what is literal is read; a template that
// still does not parse falls back to a line scan (templateLines). Duplicate
// keys keep the last value, as Kubernetes tooling does.
func ParseYAML(b []byte, cat *fingerprint.Catalog) ([]Workload, error) {
	templated := bytes.Contains(b, tplOpen)
	src := b
	if templated {
		src = StripTemplates(b)
	}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var out []Workload
	for {
		var node yaml.Node
		err := dec.Decode(&node)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			if templated {
				return append(out, templateLines(b, cat)...), nil
			}
			return out, fmt.Errorf("yaml: %w", err)
		}
		// Aliases are expanded here under a budget of nodes (yaml.v3's own
		// decoder gives up on a few hundred bytes of nested aliases, and a
		// document it gave up on must not vanish): past the budget, or on
		// any decode error, the file is named and its lines are still read.
		expanded, err := expandAliases(&node, maxExpandedNodes)
		if err != nil {
			return append(out, lineWorkloads(b, cat, "yaml_lines")...), fmt.Errorf("yaml: %w", err)
		}
		dedupeKeys(expanded)
		var doc any
		if err := expanded.Decode(&doc); err != nil {
			if templated {
				return append(out, templateLines(b, cat)...), nil
			}
			return append(out, lineWorkloads(b, cat, "yaml_lines")...), fmt.Errorf("yaml: %w", err)
		}
		node = *expanded
		m, ok := doc.(map[string]any)
		if !ok {
			continue
		}
		lines := map[string]int{}
		indexLines(&node, "", lines, 0)
		ws := workloadsOf(m, "", lines, cat)
		for i := range ws {
			if !templated {
				continue
			}
			if IsTemplated(ws[i].Name) {
				ws[i].Name = ""
			}
			for j := range ws[i].Containers {
				if IsTemplated(ws[i].Containers[j].Image) { // {{ .Values.image.repository }}: the chart's values say
					ws[i].Containers[j].Image = ""
				}
			}
		}
		for _, w := range ws {
			if w.Kind == "helm_values" && w.Containers[0].Image == "" {
				continue
			}
			out = append(out, w)
		}
	}
}

// templateLines is the line-level fallback for a Helm template that does
// not parse even with its actions blanked: each literal image reference and
// each GPU request is read from its line, as one workload of the file.
func templateLines(b []byte, cat *fingerprint.Catalog) []Workload {
	return lineWorkloads(b, cat, "helm_template")
}

// lineWorkloads reads each literal image reference and GPU request of a
// YAML file from its line, as one workload of the given kind: the
// fallback for a file that cannot be read as YAML.
func lineWorkloads(b []byte, cat *fingerprint.Catalog, kind string) []Workload {
	w := Workload{Kind: kind}
	var gpu int64
	ln := 0
	for raw := range bytes.Lines(b) {
		ln++
		t := strings.TrimSpace(string(raw))
		t = strings.TrimPrefix(t, "- ")
		k, v, ok := strings.Cut(t, ":")
		if !ok {
			continue
		}
		v = strings.Trim(strings.TrimSpace(v), `"'`)
		switch {
		case k == "image" && v != "" && !strings.Contains(v, "{{"):
			w.Containers = append(w.Containers, Container{Name: "image", Image: v})
			if w.Line == 0 {
				w.Line = ln
			}
		case cat.IsAccelerator(strings.Trim(k, `"'`)):
			if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > gpu {
				gpu = n
				if w.Line == 0 {
					w.Line = ln
				}
			}
		}
	}
	if len(w.Containers) == 0 && gpu == 0 {
		return nil
	}
	if len(w.Containers) == 0 {
		w.Containers = []Container{{Name: "gpu"}}
	}
	w.Containers[0].GPU = gpu
	return []Workload{w}
}

// FromObject reads one Kubernetes object in its unstructured form (a typed
// workload converted, or a custom resource from the dynamic client): every
// container below spec, the service account, automount, and for a serving
// custom resource of the catalog its model and extra images.
func FromObject(m map[string]any, cat *fingerprint.Catalog) Workload {
	meta := asMap(m["metadata"])
	kind := str(m["kind"])
	w := Workload{Kind: kind, Name: str(meta["name"]), Namespace: str(meta["namespace"]), Labels: strMap(meta["labels"])}
	group, _, _ := strings.Cut(str(m["apiVersion"]), "/")
	res, serving := cat.ServingResource(group, kind)
	if serving {
		w.ServingKind = res.Runtime
	}
	// Pod templates live below spec in most kinds, but some custom
	// resources keep them at the top (KAITO Workspace: inference.template),
	// so every field but the object's identity and status is walked.
	body := make(map[string]any, len(m))
	for k, v := range m {
		if k != "apiVersion" && k != "kind" && k != "metadata" && k != "status" {
			body[k] = v
		}
	}
	walkMaps(body, func(mm map[string]any) {
		for _, key := range []string{"containers", "initContainers"} {
			for _, c := range asList(mm[key]) {
				if cm, ok := c.(map[string]any); ok {
					w.Containers = append(w.Containers, containerOf(cm, cat))
				}
			}
		}
		if sa := str(mm["serviceAccountName"]); sa != "" && w.ServiceAccount == "" {
			w.ServiceAccount = sa
		}
		if v, ok := mm["automountServiceAccountToken"].(bool); ok && w.AutomountToken == nil {
			w.AutomountToken = &v
		}
		if !serving {
			return
		}
		for _, key := range res.ImageKeys {
			if img := imageOf(mm[key]); img != "" && !slices.ContainsFunc(w.Containers, func(c Container) bool { return c.Image == img }) {
				// The block holding the image is the pod's spec in short
				// (NIMService: image, resources, env side by side).
				c := containerOf(mm, cat)
				c.Name, c.Image = key, img
				w.Containers = append(w.Containers, c)
			}
		}
		// A model block without an image (KServe predictor.model with a
		// modelFormat, runtime chosen by the controller) carries the
		// container's resources, args and env itself.
		if mm["image"] == nil && (mm["modelFormat"] != nil || mm["storageUri"] != nil || mm["storage"] != nil) &&
			(mm["resources"] != nil || mm["args"] != nil || mm["env"] != nil) {
			c := containerOf(mm, cat)
			c.Name = "model"
			w.Containers = append(w.Containers, c)
		}
		// KubeAI: resourceProfile "nvidia-gpu-l4:2" is two GPUs.
		if rp := str(mm["resourceProfile"]); strings.Contains(rp, "gpu") {
			if _, n, ok := strings.Cut(rp, ":"); ok {
				if k, err := strconv.ParseInt(n, 10, 64); err == nil {
					w.Containers = append(w.Containers, Container{Name: "resourceProfile", GPU: k, GPUKeys: []string{"kubeai:" + rp}})
				}
			}
		}
		for _, key := range res.ModelKeys {
			// A model key names a model location: any URI, not only model-shaped ids.
			if u := str(mm[key]); u != "" && w.StorageURI == "" && (ModelShaped(u) || strings.Contains(u, "://")) {
				w.StorageURI = redact.URL(u)
			}
		}
	})
	if serving && w.StorageURI == "" {
		w.StorageURI = embeddedModel(body, res.ModelKeys, 0)
	}
	return w
}

// embeddedModelKeys name a model inside a configuration document held in a
// serving resource's string (RayService serveConfigV2: model_source).
var embeddedModelKeys = []string{"model_source", "model", "modelURL", "model_name", "model_id", "pretrained_model_name_or_path", "storageUri", "uri"}

// embeddedModel finds the model of a serving resource inside the YAML or
// JSON documents its strings hold (a block scalar of a serve config, a
// JSON value), two documents deep at most, each at most 64 KiB and
// bounded in nesting; "" when none names one.
func embeddedModel(v any, keys []string, depth int) string {
	if depth > 2 {
		return ""
	}
	found := ""
	names := append(slices.Clone(keys), embeddedModelKeys...)
	var walk func(any)
	walk = func(v any) {
		if found != "" {
			return
		}
		switch t := v.(type) {
		case map[string]any:
			if depth > 0 {
				for _, k := range names {
					if u := str(t[k]); u != "" && ModelShaped(u) {
						found = redact.URL(u)
						return
					}
				}
			}
			for _, k := range sortedKeys(t) {
				walk(t[k])
			}
		case []any:
			for _, x := range t {
				walk(x)
			}
		case string:
			if len(t) < 16 || len(t) > 64<<10 || !(strings.Contains(t, ":\n") || strings.Contains(t, ": ") && strings.Contains(t, "\n") || strings.HasPrefix(strings.TrimSpace(t), "{")) {
				return
			}
			if bounded.Depth([]byte(t), bounded.MaxDepth) != nil {
				return
			}
			var doc any
			if yaml.Unmarshal([]byte(t), &doc) == nil {
				found = embeddedModel(doc, keys, depth+1)
			}
		}
	}
	walk(v)
	return found
}

func workloadsOf(m map[string]any, p string, lines map[string]int, cat *fingerprint.Catalog) []Workload {
	if kind, ok := m["kind"].(string); ok && m["apiVersion"] != nil {
		if kind == "List" {
			var out []Workload
			for i, it := range asList(m["items"]) {
				if im, ok := it.(map[string]any); ok {
					out = append(out, workloadsOf(im, p+".items["+strconv.Itoa(i)+"]", lines, cat)...)
				}
			}
			return out
		}
		w := FromObject(m, cat)
		w.Line = lineOf(lines, p, p+".kind")
		return []Workload{w}
	}
	if services := asMap(m["services"]); len(services) > 0 {
		var out []Workload
		for _, name := range sortedKeys(services) {
			svc := asMap(services[name])
			if svc == nil {
				continue
			}
			c := containerOf(svc, cat)
			c.Name = name
			c.GPU, c.GPUKeys = composeGPU(svc)
			out = append(out, Workload{Kind: "compose_service", Name: name, Labels: strMap(svc["labels"]), Containers: []Container{c}, Line: lineOf(lines, p+".services."+name, p)})
		}
		return out
	}
	// Helm-style values: any map with an image (a string or a
	// registry/repository/tag map), or whose own keys are
	// repository + tag/registry/digest; a model named by a values key
	// (modelURL, modelName, model) and GPUs by count keys (requestGPU).
	var out []Workload
	walkPaths(m, p, func(vp string, mm map[string]any) {
		c := Container{}
		at := vp
		switch {
		case mm["image"] != nil:
			c = containerOf(mm, cat)
			at = vp + ".image"
		case str(mm["imageName"]) != "":
			c = containerOf(mm, cat)
			c.Image = str(mm["imageName"])
			if t := str(mm["imageTag"]); t != "" && !strings.Contains(c.Image, ":") {
				c.Image += ":" + t
			}
			at = vp + ".imageName"
		case str(mm["repository"]) != "" && (mm["tag"] != nil || mm["registry"] != nil || mm["digest"] != nil):
			c = containerOf(mm, cat)
			c.Image = imageOf(mm)
			at = vp + ".repository"
		}
		if c.Image == "" {
			return
		}
		w := Workload{Kind: "helm_values", Containers: []Container{c}, Line: lineOf(lines, at, vp)}
		w.Name = strings.TrimPrefix(vp, ".")
		if w.Name == "" {
			w.Name = "image"
		}
		for _, k := range valuesModelKeys {
			if v := str(mm[k]); v != "" && ModelShaped(v) {
				w.StorageURI = redact.URL(v)
				break
			}
		}
		for _, k := range valuesGPUKeys {
			if n, err := strconv.ParseInt(fmt.Sprint(mm[k]), 10, 64); err == nil && n > w.Containers[0].GPU {
				w.Containers[0].GPU = n
				w.Containers[0].GPUKeys = append(w.Containers[0].GPUKeys, "values:"+k)
			}
		}
		out = append(out, w)
	})
	return out
}

// valuesModelKeys name the model in a chart's values (vLLM production
// stack modelURL, KubeAI/ollama charts model, TGI/TEI charts modelName).
var valuesModelKeys = []string{"modelURL", "modelUrl", "modelName", "modelId", "modelID", "model", "modelPath", "hfModel"}

// valuesGPUKeys count GPUs in a chart's values.
var valuesGPUKeys = []string{"requestGPU", "gpu", "gpus", "numGpus", "numGPUs", "num_gpus", "gpuCount", "gpuLimit", "requestGPUs"}

// lineOf is the line of the first known path, 0 when none is.
func lineOf(lines map[string]int, paths ...string) int {
	for _, p := range paths {
		if l, ok := lines[p]; ok {
			return l
		}
	}
	return 0
}

// imageOf reads an image given as a string or as a Helm/operator-style
// registry/repository(or name)/tag/digest map.
func imageOf(v any) string {
	switch img := v.(type) {
	case string:
		return img
	case map[string]any:
		repo := str(img["repository"])
		if repo == "" {
			repo = str(img["name"]) // operators: {registry: docker.io, name: org/image:tag}
		}
		if reg := str(img["registry"]); reg != "" && repo != "" {
			repo = reg + "/" + repo
		}
		if repo == "" {
			return ""
		}
		if t := fmt.Sprint(img["tag"]); img["tag"] != nil && t != "" {
			repo += ":" + t
		}
		if d := str(img["digest"]); d != "" {
			repo += "@" + d
		}
		return repo
	}
	return ""
}

// containerOf reads a Kubernetes container, a compose service or a values block.
func containerOf(m map[string]any, cat *fingerprint.Catalog) Container {
	c := Container{Name: str(m["name"]), Image: imageOf(m["image"])}
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
			c.Env = append(c.Env, NewEnvVar(cat, str(em["name"]), str(em["value"]), vf != nil && vf["secretKeyRef"] != nil))
		}
	case map[string]any:
		for _, k := range sortedKeys(env) {
			c.Env = append(c.Env, NewEnvVar(cat, k, composeValue(env[k]), false))
		}
	}
	if env, ok := m["environment"]; ok { // compose
		switch e := env.(type) {
		case map[string]any:
			for _, k := range sortedKeys(e) {
				c.Env = append(c.Env, NewEnvVar(cat, k, composeValue(e[k]), false))
			}
		case []any:
			for _, it := range e {
				k, v, _ := strings.Cut(fmt.Sprint(it), "=")
				if strings.HasPrefix(v, "$") {
					v = ""
				}
				c.Env = append(c.Env, NewEnvVar(cat, k, v, false))
			}
		}
	}
	res := asMap(m["resources"])
	for _, part := range []string{"limits", "requests"} {
		lim := asMap(res[part])
		for _, g := range sortedKeys(lim) {
			if v := lim[g]; cat.IsAccelerator(g) {
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

// ParseDockerfile reads the final stage's base image (an ARG default
// substituted: ARG BASE=vllm/vllm-openai:v0.8.4 / FROM ${BASE}), its
// CMD/ENTRYPOINT and its ENV (ENV K=V and ENV K V; values of credential env
// vars are fingerprinted by NewEnvVar and dropped). Line continuations are
// joined; the line reported is the final FROM's.
func ParseDockerfile(b []byte, cat *fingerprint.Catalog) (Container, int) {
	var c Container
	line, ln := 0, 0
	args := map[string]string{}
	var pending strings.Builder
	start := 0
	for raw := range bytes.Lines(b) {
		ln++
		t := strings.TrimSpace(string(raw))
		if pending.Len() == 0 {
			start = ln
		}
		if strings.HasSuffix(t, "\\") {
			pending.WriteString(strings.TrimSuffix(t, "\\") + " ")
			continue
		}
		if pending.Len() > 0 {
			pending.WriteString(t)
			t = pending.String()
			pending.Reset()
		}
		f := strings.Fields(t)
		if len(f) < 2 {
			continue
		}
		switch strings.ToUpper(f[0]) {
		case "ARG":
			if k, v, ok := strings.Cut(f[1], "="); ok {
				args[k] = strings.Trim(v, `"'`)
			}
		case "FROM":
			img := f[1]
			for _, x := range f[1:] {
				if !strings.HasPrefix(x, "--") {
					img = x
					break
				}
			}
			c = Container{Image: expandArgs(img, args)}
			line = start
		case "CMD", "ENTRYPOINT", "RUN":
			if strings.ToUpper(f[0]) == "RUN" {
				continue
			}
			rest := strings.TrimSpace(t[len(f[0]):])
			c.Args = append(c.Args, strings.FieldsFunc(rest, func(r rune) bool { return r == '[' || r == ']' || r == ',' || r == ' ' || r == '"' })...)
		case "ENV":
			rest := f[1:]
			if !strings.Contains(rest[0], "=") && len(rest) >= 2 { // ENV K V
				c.Env = append(c.Env, NewEnvVar(cat, rest[0], strings.Trim(strings.Join(rest[1:], " "), `"'`), false))
				continue
			}
			for _, kv := range rest {
				if k, v, ok := strings.Cut(kv, "="); ok {
					c.Env = append(c.Env, NewEnvVar(cat, k, strings.Trim(v, `"'`), false))
				}
			}
		}
	}
	return c, line
}

// expandArgs substitutes ${NAME}, ${NAME:-default} and $NAME from ARG defaults.
func expandArgs(s string, args map[string]string) string {
	return os.Expand(s, func(name string) string {
		if k, def, ok := strings.Cut(name, ":-"); ok {
			if v := args[k]; v != "" {
				return v
			}
			return def
		}
		return args[name]
	})
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
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// composeValue is a compose/values env value; "${VAR}" references are not literals.
func composeValue(v any) string {
	if v == nil {
		return ""
	}
	s := fmt.Sprint(v)
	if strings.HasPrefix(s, "$") {
		return ""
	}
	return s
}
