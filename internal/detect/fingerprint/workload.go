package fingerprint

import (
	"slices"
	"strings"
)

// ServingResource returns the serving custom resource of an API group and
// kind ("serving.kserve.io", "InferenceService").
func (c *Catalog) ServingResource(group, kind string) (*ServingResource, bool) {
	for i := range c.ServingResources {
		if r := &c.ServingResources[i]; r.Group == group && r.Kind == kind {
			return r, true
		}
	}
	return nil, false
}

// IsAccelerator reports whether an extended resource name is a GPU or AI
// accelerator (a pattern ending in "*" matches any suffix).
func (c *Catalog) IsAccelerator(resource string) bool {
	for _, p := range c.Accelerators.ExtendedResources {
		if pre, ok := strings.CutSuffix(p, "*"); ok && strings.HasPrefix(resource, pre) || p == resource {
			return true
		}
	}
	return false
}

// IsAcceleratorClass reports whether a DRA device class name is a GPU or
// AI accelerator class (gpu.nvidia.com, neuron.aws.com, ...).
func (c *Catalog) IsAcceleratorClass(class string) bool {
	l := strings.ToLower(class)
	return slices.ContainsFunc(c.Accelerators.DRAClassPatterns, func(p string) bool { return strings.Contains(l, p) })
}

// IsModelEnv reports whether an env var names the served model, for any
// workload or any runtime; its value may be kept.
func (c *Catalog) IsModelEnv(name string) bool {
	return slices.Contains(c.ModelConventions.Env, name) ||
		slices.ContainsFunc(c.Images, func(im Image) bool { return slices.Contains(im.ModelEnv, name) })
}

// IsRevisionEnv reports whether an env var names the model's revision.
func (c *Catalog) IsRevisionEnv(name string) bool {
	return slices.Contains(c.ModelConventions.RevisionEnv, name)
}

// ModelArgs are the arguments that name a model for a runtime (nil: any
// workload): the catalog's conventions plus the runtime's own.
func (c *Catalog) ModelArgs(rt *Image) []string {
	if rt == nil || len(rt.ModelArgs) == 0 {
		return c.ModelConventions.Args
	}
	return append(slices.Clone(c.ModelConventions.Args), rt.ModelArgs...)
}

// Providers lists every provider the catalog names (SDKs, keys, credential
// env vars), sorted and without repeats.
func (c *Catalog) Providers() []string {
	var out []string
	for _, s := range c.SDKs {
		out = append(out, s.Provider)
	}
	for _, k := range c.Keys {
		out = append(out, k.Provider)
	}
	for _, e := range c.EnvVars {
		out = append(out, e.Provider)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
