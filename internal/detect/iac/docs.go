package iac

import (
	"fmt"
	"strings"
)

// Markdown renders the catalog as the reference of every resource type
// recognised (docs/iac.md): per cloud, each resource shape with its type
// names per form, its asset kind and the facts its attributes give.
func (c *Catalog) Markdown() string {
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	p("<!-- Generated from internal/detect/iac/catalog.yaml by `make generate`; do not edit. -->\n")
	p("# Resource types recognised in infrastructure as code\n\n")
	p("Every type below becomes an asset of the kind shown (deployment type `paas`),\n")
	p("named by its address in the code, with the facts listed when the code states\n")
	p("them literally (or the provider's documented default when it omits the\n")
	p("attribute: confidence `inferred`). Attribute paths are matched without case,\n")
	p("`_` or `-`; `a->b` reads `b` on the resource that `a` refers to. See\n")
	p("[iac-scanning.md](iac-scanning.md) for how each form is read.\n\n")
	forms := map[string]string{FormTerraform: "Terraform/OpenTofu", FormModule: "Terraform module", FormCloudFormation: "CloudFormation/SAM/CDK",
		FormARM: "ARM, Bicep, AzAPI", FormPulumi: "Pulumi", FormKubernetes: "Kubernetes (cloud controllers)"}
	for _, cloud := range []string{"aws", "azure", "gcp"} {
		p("## %s\n\n", map[string]string{"aws": "AWS", "azure": "Azure", "gcp": "Google Cloud"}[cloud])
		for _, e := range c.Entries {
			if e.Provider != cloud {
				continue
			}
			p("### %s\n\nKind `%s`", e.Title, e.Kind)
			if e.ARMType != "" {
				p(", `azure.resource_type` `%s`", e.ARMType)
			}
			p(".\n\n| form | types |\n|---|---|\n")
			for _, f := range Forms {
				if ts := e.Types[f]; len(ts) > 0 {
					p("| %s | `%s` |\n", forms[f], strings.Join(ts, "`, `"))
				}
			}
			p("\n| fact | from |\n|---|---|\n")
			for _, r := range e.Facts {
				p("| `%s` | %s |\n", r.Fact, r.describe())
			}
			p("\n")
		}
	}
	p("## Attachments\n\nResources of their own that set a fact on the AI resource they refer to.\n\n| resource | types | sets |\n|---|---|---|\n")
	for _, a := range c.Attachments {
		var ts []string
		for _, f := range Forms {
			ts = append(ts, a.Types[f]...)
		}
		if len(a.Unit) > 0 {
			var ks []string
			for _, k := range a.Unit {
				ks = append(ks, string(k))
			}
			p("| %s | `%s` | `%s` = %v on every %s %s declared with it (same region) |\n", a.Title, strings.Join(ts, "`, `"), a.Fact, a.Value, a.Cloud, strings.Join(ks, ", "))
			continue
		}
		p("| %s | `%s` | `%s` = %v on the resource `%s` names |\n", a.Title, strings.Join(ts, "`, `"), a.Fact, a.Value, strings.Join(a.Target, "`/`"))
	}
	return b.String()
}

func (r Rule) describe() string {
	q := func(ps []string) string { return "`" + strings.Join(ps, "` or `") + "`" }
	var s string
	switch {
	case r.Const != nil:
		return fmt.Sprintf("always `%v`", r.Const)
	case r.String != nil:
		s = q(r.String)
	case r.Bool != nil:
		s = q(r.Bool)
		if r.Negate {
			s = "not " + s
		}
	case r.Int != nil:
		s = q(r.Int)
	case r.Present != nil:
		s = q(r.Present) + " is set"
		if r.Negate {
			s = q(r.Present) + " is not set"
		}
	case r.Count != nil:
		s = "number of " + q(r.Count)
		if len(r.Where) > 0 {
			s += " with " + q(r.Where) + " true"
		}
	case r.Equals != nil:
		op := " is "
		if r.Negate {
			op = " is not "
		}
		s = q(r.Equals) + op + "`" + strings.Join(r.Values, "` or `") + "`"
	}
	if r.Default != nil {
		s += fmt.Sprintf("; omitted: `%v`", r.Default)
	}
	return s
}
