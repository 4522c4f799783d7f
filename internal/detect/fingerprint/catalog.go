// Package fingerprint owns aisight's shared detection data: AI SDK package
// names per ecosystem, AI serving images, provider key shapes and the env var
// names that carry them, and model file formats. The data is an embedded YAML
// file (catalog.yaml) so that detection changes are reviewable as data; the
// code here only loads it and matches against it. Both the source and the
// Kubernetes collectors use one loaded *Catalog.
package fingerprint

import (
	"bytes"
	_ "embed"
	"fmt"
	"path"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/aisight/aisight/internal/detect/anchors"
	"github.com/aisight/aisight/model"
)

//go:embed catalog.yaml
var catalogYAML []byte

// SDK is one family of AI SDK packages.
type SDK struct {
	Ecosystem      string               `yaml:"ecosystem"`
	Names          []string             `yaml:"names"`
	Provider       string               `yaml:"provider"`
	DeploymentType model.DeploymentType `yaml:"deployment_type"`
	Category       string               `yaml:"category"`
	Positive       []string             `yaml:"positive"`
	Negative       []string             `yaml:"negative"`
	// generated marks an entry of the generated list (sdk_generated.yaml).
	generated bool
}

// Image is one AI serving (or AI data) image family.
type Image struct {
	Runtime  string   `yaml:"runtime"`
	Category string   `yaml:"category"`
	Patterns []string `yaml:"patterns"`
	// ModelArgs and ModelEnv are this runtime's own ways of naming the
	// model, besides the catalog's model_conventions.
	ModelArgs []string `yaml:"model_args"`
	ModelEnv  []string `yaml:"model_env"`
	Positive  []string `yaml:"positive"`
	Negative  []string `yaml:"negative"`
	segs      [][]string
}

// ServingResource is a Kubernetes custom resource that serves or hosts
// models whatever image it names.
type ServingResource struct {
	Group         string `yaml:"group"`
	Version       string `yaml:"version"`
	Kind          string `yaml:"kind"`
	Plural        string `yaml:"plural"`
	ClusterScoped bool   `yaml:"cluster_scoped"`
	Runtime       string `yaml:"runtime"`
	// ModelKeys are keys below spec whose value names the model.
	ModelKeys []string `yaml:"model_keys"`
	// ImageKeys are keys below spec holding an image besides containers.
	ImageKeys []string `yaml:"image_keys"`
}

// Accelerators names GPUs and other AI accelerators.
type Accelerators struct {
	ExtendedResources []string `yaml:"extended_resources"`
	DRAClassPatterns  []string `yaml:"dra_class_patterns"`
	Positive          []string `yaml:"positive"`
	Negative          []string `yaml:"negative"`
}

// ModelConventions are the argument and env var names that carry a model
// id or its revision in any workload.
type ModelConventions struct {
	Args         []string `yaml:"args"`
	RevisionArgs []string `yaml:"revision_args"`
	Env          []string `yaml:"env"`
	RevisionEnv  []string `yaml:"revision_env"`
}

// Key is one provider key shape.
type Key struct {
	Kind           string               `yaml:"kind"`
	Provider       string               `yaml:"provider"`
	DeploymentType model.DeploymentType `yaml:"deployment_type"`
	Anchor         string               `yaml:"anchor"`
	Lookbehind     int                  `yaml:"lookbehind"`
	Pattern        string               `yaml:"pattern"`
	Positive       []string             `yaml:"positive"`
	Negative       []string             `yaml:"negative"`
	re             *regexp.Regexp
}

// EnvVar is an environment variable name that carries a provider credential.
type EnvVar struct {
	Name           string               `yaml:"name"`
	Provider       string               `yaml:"provider"`
	KeyKind        string               `yaml:"key_kind"`
	DeploymentType model.DeploymentType `yaml:"deployment_type"`
	ValuePattern   string               `yaml:"value_pattern"`
	Negative       []string             `yaml:"negative"`
	valueRE        *regexp.Regexp
}

// FormatInfo describes a model file format.
type FormatInfo struct {
	Format            string   `yaml:"format"`
	SerializationSafe bool     `yaml:"serialization_safe"`
	Extensions        []string `yaml:"extensions"`
}

// Catalog is the loaded detection data. It is read-only after Load and safe
// for concurrent use.
type Catalog struct {
	Version          int               `yaml:"version"`
	SDKs             []SDK             `yaml:"sdks"`
	Images           []Image           `yaml:"images"`
	ServingResources []ServingResource `yaml:"serving_resources"`
	Accelerators     Accelerators      `yaml:"accelerators"`
	ModelConventions ModelConventions  `yaml:"model_conventions"`
	Keys             []Key             `yaml:"keys"`
	EnvVars          []EnvVar          `yaml:"env_vars"`
	ModelFormats     []FormatInfo      `yaml:"model_formats"`

	// sdkExact and sdkPrefix index the SDK names per ecosystem (MatchSDK).
	sdkExact  map[string]int // ecosystem \x00 normalised name -> first entry
	sdkPrefix map[string][]sdkPrefix
	pypiFirst map[string]bool // first dash-separated words of the PyPI names and patterns

	envByName map[string]*EnvVar
	anchors   []anchorGroup
	anchorSet *anchors.Set // key and env anchors, searched in one pass
	formats   map[string]FormatInfo
}

type anchorGroup struct {
	anchor []byte
	keys   []*Key
}

// sdkGeneratedYAML is the generated part of the SDK list: AI packages read
// from the registries' metadata (sdkgen; `make generate`), after the
// hand-written entries, which take precedence.
//
//go:embed sdk_generated.yaml
var sdkGeneratedYAML []byte

// Load parses and validates the embedded catalog with the generated SDK list.
func Load() (*Catalog, error) {
	var gen struct {
		SDKs []SDK `yaml:"sdks"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(sdkGeneratedYAML))
	dec.KnownFields(true)
	if err := dec.Decode(&gen); err != nil {
		return nil, fmt.Errorf("generated sdk catalog: %w", err)
	}
	return parse(catalogYAML, gen.SDKs)
}

// LoadHandWritten parses the embedded catalog without the generated SDK
// list (the generator reads it to leave out what it already matches).
func LoadHandWritten() (*Catalog, error) { return Parse(catalogYAML) }

// Parse parses and validates a catalog document (strictly: unknown keys are errors).
func Parse(b []byte) (*Catalog, error) { return parse(b, nil) }

func parse(b []byte, extraSDKs []SDK) (*Catalog, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var c Catalog
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("fingerprint catalog: %w", err)
	}
	for _, s := range extraSDKs {
		s.generated = true
		c.SDKs = append(c.SDKs, s)
	}
	if err := c.compile(); err != nil {
		return nil, fmt.Errorf("fingerprint catalog: %w", err)
	}
	return &c, nil
}

func (c *Catalog) compile() error {
	c.sdkExact, c.sdkPrefix, c.pypiFirst = map[string]int{}, map[string][]sdkPrefix{}, map[string]bool{}
	for i, s := range c.SDKs {
		if s.Ecosystem == "" || len(s.Names) == 0 || !s.DeploymentType.Valid() {
			return fmt.Errorf("sdk entry %d (%v): ecosystem, names and a valid deployment_type are required", i, s.Names)
		}
		for _, pat := range s.Names {
			if s.Ecosystem == "pypi" {
				first, _, _ := strings.Cut(NormalizePackage("pypi", strings.TrimSuffix(pat, "*")), "-")
				c.pypiFirst[first] = true
			}
			if prefix, ok := strings.CutSuffix(pat, "*"); ok {
				c.sdkPrefix[s.Ecosystem] = append(c.sdkPrefix[s.Ecosystem], sdkPrefix{NormalizePackage(s.Ecosystem, prefix), i})
				continue
			}
			k := s.Ecosystem + "\x00" + NormalizePackage(s.Ecosystem, pat)
			if _, seen := c.sdkExact[k]; !seen {
				c.sdkExact[k] = i
			}
		}
	}
	for i := range c.Images {
		im := &c.Images[i]
		for _, p := range im.Patterns {
			segs := strings.Split(strings.ToLower(p), "/")
			for _, s := range segs {
				if _, err := path.Match(s, ""); err != nil || s == "" {
					return fmt.Errorf("image %s: bad pattern %q", im.Runtime, p)
				}
			}
			im.segs = append(im.segs, segs)
		}
	}
	seenRes := map[string]bool{}
	for _, r := range c.ServingResources {
		if r.Group == "" || r.Version == "" || r.Kind == "" || r.Plural == "" || r.Runtime == "" {
			return fmt.Errorf("serving resource %s.%s: group, version, kind, plural and runtime are required", r.Kind, r.Group)
		}
		if seenRes[r.Group+"/"+r.Kind] {
			return fmt.Errorf("serving resource %s.%s listed twice", r.Kind, r.Group)
		}
		seenRes[r.Group+"/"+r.Kind] = true
	}
	if len(c.Accelerators.ExtendedResources) == 0 || len(c.ModelConventions.Args) == 0 {
		return fmt.Errorf("accelerators.extended_resources and model_conventions.args are required")
	}
	groups := map[string]int{}
	for i := range c.Keys {
		k := &c.Keys[i]
		re, err := regexp.Compile("^(?:" + k.Pattern + ")")
		if err != nil {
			return fmt.Errorf("key %s: %w", k.Kind, err)
		}
		if k.Anchor == "" || !k.DeploymentType.Valid() {
			return fmt.Errorf("key %s: anchor and a valid deployment_type are required", k.Kind)
		}
		k.re = re
		gi, ok := groups[k.Anchor]
		if !ok {
			gi = len(c.anchors)
			groups[k.Anchor] = gi
			c.anchors = append(c.anchors, anchorGroup{anchor: []byte(k.Anchor)})
		}
		c.anchors[gi].keys = append(c.anchors[gi].keys, k)
	}
	c.anchorSet = anchors.New(c.AnchorLiterals()...)
	c.envByName = map[string]*EnvVar{}
	for i := range c.EnvVars {
		e := &c.EnvVars[i]
		if e.ValuePattern != "" {
			re, err := regexp.Compile(e.ValuePattern)
			if err != nil {
				return fmt.Errorf("env var %s: %w", e.Name, err)
			}
			e.valueRE = re
		}
		if !e.DeploymentType.Valid() {
			return fmt.Errorf("env var %s: invalid deployment_type %q", e.Name, e.DeploymentType)
		}
		c.envByName[e.Name] = e
	}
	c.formats = map[string]FormatInfo{}
	for _, f := range c.ModelFormats {
		c.formats[f.Format] = f
	}
	return nil
}

// EnvVar returns the credential env var entry for name (case-insensitive).
func (c *Catalog) EnvVar(name string) (*EnvVar, bool) {
	e, ok := c.envByName[strings.ToUpper(name)]
	return e, ok
}

// FormatInfo returns what the catalog says of a model format.
func (c *Catalog) FormatInfo(format string) (FormatInfo, bool) {
	f, ok := c.formats[format]
	return f, ok
}

// ValueLooksLikeKey reports whether v, assigned to this env var, plausibly
// is a literal credential rather than a placeholder or a reference.
func (e *EnvVar) ValueLooksLikeKey(v string) bool {
	if Placeholder([]byte(v)) {
		return false
	}
	if e.valueRE != nil {
		return e.valueRE.MatchString(v)
	}
	return plausibleSecret(v)
}

// plausibleSecret rejects empty values, references, placeholders and prose.
func plausibleSecret(v string) bool {
	if len(v) < 16 || len(v) > 512 {
		return false
	}
	lv := strings.ToLower(v)
	for _, p := range []string{"your", "xxxx", "changeme", "change_me", "replace", "example", "placeholder", "dummy", "<", "${", "$(", "{{", "%(", "process.env", "os.environ", "getenv"} {
		if strings.Contains(lv, p) {
			return false
		}
	}
	var letters, digits int
	for _, r := range v {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
			letters++
		case r == '-' || r == '_' || r == '.' || r == '/' || r == '+' || r == '=':
		default:
			return false
		}
	}
	return letters > 0 && digits > 0
}
