package source

import (
	"bytes"
	"fmt"
	"path"
	"strings"
	"sync"

	"github.com/aisight/aisight/internal/detect/iac"
	"github.com/aisight/aisight/model"
)

// tfFiles collects the parsed Terraform files of a scan: a module is
// evaluated only when all of its files, and the modules it calls, are
// read (iacTerraform, after the walk).
type tfFiles struct {
	mu    sync.Mutex
	files []*iac.TFFile
	bicep []*iac.BicepFile
	// generated are ARM templates compiled from Bicep, kept until the walk
	// has seen whether their .bicep source is in the tree.
	generated []iac.Unit
}

// iacFile reads the infrastructure as code a file may hold: Terraform
// files are parsed and kept for their module; CloudFormation, ARM, Bicep,
// Pulumi YAML, plan JSON and cloud controllers' objects are read now.
func (s *scanner) iacFile(f *file) {
	switch {
	case iac.TerraformFile(f.base):
		// The worker reuses f.content's buffer for its next file: what is
		// kept past this call is a copy.
		tf, err := iac.ParseTerraform(f.rel, bytes.Clone(f.content))
		if err != nil {
			s.parseError(f, err)
			return
		}
		s.tf.mu.Lock()
		s.tf.files = append(s.tf.files, tf)
		s.tf.mu.Unlock()
	case iac.IsBicep(f.base):
		s.tf.mu.Lock()
		s.tf.bicep = append(s.tf.bicep, iac.NewBicepFile(f.rel, bytes.Clone(f.content)))
		s.tf.mu.Unlock()
	default: // a candidate of a per-file form (analyze checked)
		units, err := s.c.iac.ReadFile(f.rel, f.content)
		if err != nil {
			s.parseError(f, err)
		}
		for i := range units {
			if units[i].FromBicep {
				s.tf.mu.Lock()
				s.tf.generated = append(s.tf.generated, units[i])
				s.tf.mu.Unlock()
				continue
			}
			s.iacUnit(&units[i])
		}
	}
}

// iacTerraform evaluates the Terraform and Bicep modules read in the
// walk. A module call the limits cut makes the scope partial, named like
// a file that did not parse.
func (s *scanner) iacTerraform() {
	sources := map[string]bool{}
	for _, b := range s.tf.bicep {
		sources[strings.TrimSuffix(b.Path, path.Ext(b.Path))] = true
	}
	for i := range s.tf.generated {
		u := &s.tf.generated[i]
		if !sources[strings.TrimSuffix(u.Root, path.Ext(u.Root))] {
			s.iacUnit(u) // compiled output whose source is not here
		}
	}
	var results []iac.TerraformResult
	if len(s.tf.files) > 0 {
		results = append(results, iac.TerraformUnits(s.tf.files))
	}
	if len(s.tf.bicep) > 0 {
		res, errs := iac.BicepUnits(s.tf.bicep)
		for _, err := range errs {
			s.count(statParseErrors, 1)
			s.sink.Note(fmt.Errorf("%w (read as far as it parsed)", err))
			path, _, _ := strings.Cut(err.Error(), ":")
			s.gaps.add(gapUnparsed, path)
		}
		results = append(results, res)
	}
	for _, res := range results {
		for _, t := range res.Truncated {
			s.count(statParseErrors, 1)
			s.sink.Note(fmt.Errorf("%s", t))
			path, _, _ := strings.Cut(t, ":")
			s.gaps.add(gapUnparsed, path)
		}
		for i := range res.Units {
			s.iacUnit(&res.Units[i])
		}
	}
}

// iacUnit reports the AI cloud resources a unit declares, as the assets
// the live collectors would report for them (deployment type paas), named
// by their address in the code.
func (s *scanner) iacUnit(u *iac.Unit) {
	rs := s.c.iac.Resources(u)
	base := fileURI(s.label, u.Root) + "#"
	for _, r := range rs[:min(len(rs), maxFindings)] {
		name := r.Name
		if name == "" {
			name = r.Address
		}
		a := model.Asset{
			ID: base + r.Address, Provider: Name, Scope: s.scope, Region: r.Region,
			Kind: r.Entry.Kind, DeploymentType: model.PaaS, Name: name, Tags: r.Tags, Owner: tagOwner(r.Tags),
			Model: r.Model, Location: &model.Location{Path: r.File, Line: r.Line}, Facts: r.Facts,
		}
		for _, rel := range r.Relations {
			a.Relations = append(a.Relations, model.Relation{Type: rel.Type, Target: base + rel.Target})
		}
		s.sink.Asset(a)
	}
}

// tagOwner reads the owner of a declared resource from its tags, as the
// live collectors' default owner tags do.
func tagOwner(tags map[string]string) string {
	for _, want := range []string{"owner", "team"} {
		for k, v := range tags {
			if strings.EqualFold(k, want) && v != "" {
				return v
			}
		}
	}
	return ""
}
