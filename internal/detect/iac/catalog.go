package iac

import (
	"bytes"
	_ "embed"
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/aisight/aisight/model"
)

//go:embed catalog.yaml
var catalogYAML []byte

// The forms of infrastructure as code read here.
const (
	FormTerraform      = "terraform"
	FormTerraformPlan  = "terraform_plan"
	FormModule         = "terraform_module" // a call of a well-known public module
	FormCloudFormation = "cloudformation"
	FormARM            = "arm" // ARM JSON, Bicep and AzAPI share the ARM resource shape
	FormPulumi         = "pulumi"
	FormKubernetes     = "kubernetes" // cloud controllers' custom resources: group/Kind
)

// Forms lists the forms an entry's types may be given for.
var Forms = []string{FormTerraform, FormModule, FormCloudFormation, FormARM, FormPulumi, FormKubernetes}

// Entry is one kind of AI cloud resource, with every type name it has in
// the forms that declare it and how its attributes become facts. A path is
// a dot-separated list of keys (matched without case, _ or -); "a->b"
// follows the resource that attribute a refers to and reads b there.
type Entry struct {
	ID       string              `yaml:"id"`
	Provider string              `yaml:"provider"`
	Kind     model.Kind          `yaml:"kind"`
	Title    string              `yaml:"title"`
	Types    map[string][]string `yaml:"types"`
	// ARMType is the Resource Manager type of an Azure entry (set as
	// azure.resource_type, as the live collector does).
	ARMType string `yaml:"arm_type"`
	// Name and Region are paths to the resource's cloud name and region.
	Name   []string `yaml:"name"`
	Region []string `yaml:"region"`
	// When keeps a resource only when a literal attribute has one of the
	// values (an unknown one keeps it).
	When      *Rule      `yaml:"when"`
	Model     *ModelRule `yaml:"model"`
	Facts     []Rule     `yaml:"facts"`
	Relations []RelRule  `yaml:"relations"`
}

// Rule turns attributes into one fact. Exactly one of String, Bool, Int,
// Present, Count, Equals or Const says how; each lists alternative paths,
// the first one the code states being read.
type Rule struct {
	Fact    string   `yaml:"fact"`
	String  []string `yaml:"string"`
	Bool    []string `yaml:"bool"`
	Int     []string `yaml:"int"`
	Present []string `yaml:"present"`
	Count   []string `yaml:"count"`
	// Where filters Count's items: each listed key must be literally true.
	Where []string `yaml:"where"`
	// Equals is a bool fact: the path's literal value is one of Values.
	Equals []string `yaml:"equals"`
	Values []string `yaml:"values"`
	Const  any      `yaml:"const"`
	// Negate inverts a Bool, Present or Equals fact.
	Negate bool `yaml:"negate"`
	// Default is the fact's value when the code omits the attribute: the
	// provider's documented default (reported with confidence inferred).
	Default any `yaml:"default"`
}

// ModelRule names where the model a resource serves is written.
type ModelRule struct {
	Name      []string `yaml:"name"`
	Version   []string `yaml:"version"`
	Publisher []string `yaml:"publisher"`
	Format    []string `yaml:"format"`
}

// RelRule relates a resource to the declared resource an attribute refers to.
type RelRule struct {
	Type string   `yaml:"type"`
	Path []string `yaml:"path"`
}

// Attachment is a resource of its own that changes another: a customer
// managed key, a diagnostic setting, attached to an AI resource by an
// attribute that refers to it. It sets a fact on that resource.
type Attachment struct {
	Title string              `yaml:"title"`
	Types map[string][]string `yaml:"types"`
	// Target lists the paths of the attribute that refers to the resource.
	Target []string `yaml:"target"`
	// Unit, instead of a target: the attachment applies to every resource
	// of the unit of these kinds in its cloud and region (an account-level
	// setting such as Bedrock model invocation logging).
	Unit  []model.Kind `yaml:"unit"`
	Cloud string       `yaml:"cloud"`
	// When lists paths one of which the attachment must state (a
	// diagnostic setting that sends logs, not only metrics).
	When  []string `yaml:"when"`
	Fact  string   `yaml:"fact"`
	Value any      `yaml:"value"`
}

// Catalog is the loaded IaC detection data: read-only after Load.
type Catalog struct {
	Version     int           `yaml:"version"`
	Entries     []*Entry      `yaml:"entries"`
	Attachments []*Attachment `yaml:"attachments"`
	byType      map[string]*Entry
	attachTypes map[string]*Attachment
}

// Load parses the embedded catalog.
func Load() (*Catalog, error) { return Parse(catalogYAML) }

// Parse parses and validates a catalog document (unknown keys are errors).
func Parse(b []byte) (*Catalog, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var c Catalog
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("iac catalog: %w", err)
	}
	c.byType = map[string]*Entry{}
	ids := map[string]bool{}
	for _, e := range c.Entries {
		if e.ID == "" || ids[e.ID] {
			return nil, fmt.Errorf("iac catalog: entry %q: an id, once", e.ID)
		}
		ids[e.ID] = true
		if !slices.Contains(model.Kinds, e.Kind) || e.Provider == "" || e.Title == "" {
			return nil, fmt.Errorf("iac catalog: %s: a documented kind, a provider and a title are required", e.ID)
		}
		for form, types := range e.Types {
			if !slices.Contains(Forms, form) {
				return nil, fmt.Errorf("iac catalog: %s: unknown form %q", e.ID, form)
			}
			for _, t := range types {
				k := typeKey(form, t)
				if c.byType[k] != nil {
					return nil, fmt.Errorf("iac catalog: %s: type %s %s is also %s", e.ID, form, t, c.byType[k].ID)
				}
				c.byType[k] = e
			}
		}
		keys := map[string]bool{}
		for i, r := range e.Facts {
			if keys[r.Fact] {
				return nil, fmt.Errorf("iac catalog: %s: fact %s twice", e.ID, r.Fact)
			}
			keys[r.Fact] = true
			if err := r.validate(); err != nil {
				return nil, fmt.Errorf("iac catalog: %s fact %d: %w", e.ID, i, err)
			}
		}
		if e.When != nil && len(e.When.Equals) == 0 {
			return nil, fmt.Errorf("iac catalog: %s: when needs equals and values", e.ID)
		}
	}
	c.attachTypes = map[string]*Attachment{}
	for _, a := range c.Attachments {
		if a.Title == "" || a.Fact == "" || a.Value == nil || (len(a.Target) == 0) == (len(a.Unit) == 0) || len(a.Unit) > 0 && a.Cloud == "" {
			return nil, fmt.Errorf("iac catalog: attachment %q: title, fact, value and either a target or unit kinds with a cloud are required", a.Title)
		}
		for form, types := range a.Types {
			for _, t := range types {
				k := typeKey(form, t)
				if c.byType[k] != nil || c.attachTypes[k] != nil {
					return nil, fmt.Errorf("iac catalog: attachment %s: type %s %s listed twice", a.Title, form, t)
				}
				c.attachTypes[k] = a
			}
		}
	}
	return &c, nil
}

func (r Rule) validate() error {
	n := 0
	for _, set := range [][]string{r.String, r.Bool, r.Int, r.Present, r.Count, r.Equals} {
		if len(set) > 0 {
			n++
		}
	}
	if r.Const != nil {
		n++
	}
	if r.Fact == "" || n != 1 {
		return fmt.Errorf("%q: a fact key and exactly one of string, bool, int, present, count, equals, const", r.Fact)
	}
	if len(r.Equals) > 0 && len(r.Values) == 0 {
		return fmt.Errorf("%s: equals needs values", r.Fact)
	}
	return nil
}

// typeKey is the lookup key of a type in a form: ARM types are matched
// without case and without an API version (Microsoft.X/y@2024-01-01).
func typeKey(form, t string) string {
	switch form {
	case FormARM:
		t, _, _ = strings.Cut(t, "@")
		t = strings.ToLower(t)
	case FormModule:
		t = strings.ToLower(t)
	}
	return form + "\x00" + t
}

// Lookup returns the entry of a resource type in a form, or nil.
func (c *Catalog) Lookup(form, typ string) *Entry { return c.byType[typeKey(form, typ)] }

// Types returns every type the catalog recognises in a form, sorted.
func (c *Catalog) Types(form string) []string {
	var out []string
	for _, e := range c.Entries {
		out = append(out, e.Types[form]...)
	}
	slices.Sort(out)
	return out
}
