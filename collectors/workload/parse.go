package workload

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/aisight/aisight/collectors/fingerprint"
	"github.com/aisight/aisight/internal/redact"
)

// ParseYAML reads Kubernetes objects, compose services and Helm-style
// values from a YAML stream. Templates ({{ }}) are not rendered and yield nothing.
func ParseYAML(b []byte, cat *fingerprint.Catalog) ([]Workload, error) {
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
		out = append(out, workloadsOf(m, node.Line, cat)...)
	}
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
	walkMaps(m["spec"], func(mm map[string]any) {
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
				w.Containers = append(w.Containers, Container{Name: key, Image: img})
			}
		}
		for _, key := range res.ModelKeys {
			// A model key names a model location: any URI, not only model-shaped ids.
			if u := str(mm[key]); u != "" && w.StorageURI == "" && (ModelShaped(u) || strings.Contains(u, "://")) {
				w.StorageURI = redact.URL(u)
			}
		}
	})
	return w
}

func workloadsOf(m map[string]any, line int, cat *fingerprint.Catalog) []Workload {
	if kind, ok := m["kind"].(string); ok && m["apiVersion"] != nil {
		if kind == "List" {
			var out []Workload
			for _, it := range asList(m["items"]) {
				if im, ok := it.(map[string]any); ok {
					out = append(out, workloadsOf(im, line, cat)...)
				}
			}
			return out
		}
		w := FromObject(m, cat)
		w.Line = line
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
		c := containerOf(mm, cat)
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

// ParseDockerfile reads the final stage's base image and its CMD/ENTRYPOINT.
func ParseDockerfile(b []byte) (Container, int) {
	var c Container
	line := 0
	ln := 0
	for raw := range bytes.Lines(b) {
		ln++
		t := strings.TrimSpace(string(raw))
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
