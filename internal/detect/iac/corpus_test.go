package iac

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/aisight/aisight/model"
)

var dump = flag.Bool("dump", false, "print every resource the corpus yields (to review, never to copy into expected.yaml)")

// readTree reads a directory as the source collector does: Terraform and
// Bicep files per module, the other forms per file.
func readTree(t *testing.T, cat *Catalog, root string) []Resource {
	t.Helper()
	var tf []*TFFile
	var bic []*BicepFile
	var units []Unit
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		switch {
		case TerraformFile(rel):
			f, err := ParseTerraform(rel, b)
			if err != nil {
				t.Errorf("%s: %v", rel, err)
				return nil
			}
			tf = append(tf, f)
		case IsBicep(rel):
			bic = append(bic, NewBicepFile(rel, b))
		case Candidate(rel, b):
			us, err := cat.ReadFile(rel, b)
			if err != nil {
				t.Errorf("%s: %v", rel, err)
			}
			units = append(units, us...)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	res := TerraformUnits(tf)
	units = append(units, res.Units...)
	br, errs := BicepUnits(bic)
	for _, e := range errs {
		t.Errorf("bicep: %v", e)
	}
	units = append(units, br.Units...)
	if len(res.Truncated)+len(br.Truncated) > 0 {
		t.Errorf("truncated: %v %v", res.Truncated, br.Truncated)
	}
	var out []Resource
	for i := range units {
		for _, r := range cat.Resources(&units[i]) {
			r.Address = units[i].Root + "#" + r.Address
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Address < out[j].Address })
	return out
}

// expectation is one declared AI resource of the corpus, written by
// reading its file.
type expectation struct {
	Address string         `yaml:"address"` // unit root # address
	Kind    model.Kind     `yaml:"kind"`
	Name    string         `yaml:"name"`
	Region  string         `yaml:"region"`
	Facts   map[string]any `yaml:"facts"`
	// Unknown are facts the code does not state literally: they must be absent.
	Unknown []string `yaml:"unknown"`
	Why     string   `yaml:"why"`
}

func TestCorpus(t *testing.T) {
	cat, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	got := readTree(t, cat, "testdata/corpus")
	if *dump {
		for _, r := range got {
			var fs []string
			for _, f := range r.Facts {
				if !strings.HasPrefix(f.Key, "iac.") || f.Key == "iac.conditional" {
					fs = append(fs, fmt.Sprintf("%s=%v", f.Key, f.Value))
				}
			}
			fmt.Printf("- %s (%s %s:%d) name=%q region=%q\n    %s\n", r.Address, r.Entry.Kind, r.File, r.Line, r.Name, r.Region, strings.Join(fs, " "))
		}
	}
	b, err := os.ReadFile("testdata/expected.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var want []expectation
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&want); err != nil {
		t.Fatal(err)
	}
	byAddr := map[string]Resource{}
	for _, r := range got {
		if _, dup := byAddr[r.Address]; dup {
			t.Errorf("%s reported twice", r.Address)
		}
		byAddr[r.Address] = r
	}
	found := 0
	for _, w := range want {
		r, ok := byAddr[w.Address]
		if !ok {
			t.Errorf("missed %s (%s)", w.Address, w.Kind)
			continue
		}
		delete(byAddr, w.Address)
		found++
		if r.Entry.Kind != w.Kind {
			t.Errorf("%s: kind %s, want %s", w.Address, r.Entry.Kind, w.Kind)
		}
		if w.Name != "" && r.Name != w.Name || w.Region != "" && r.Region != w.Region {
			t.Errorf("%s: name %q region %q, want %q %q", w.Address, r.Name, r.Region, w.Name, w.Region)
		}
		facts := map[string]any{}
		for _, f := range r.Facts {
			facts[f.Key] = f.Value
		}
		for k, v := range w.Facts {
			if fmt.Sprint(facts[k]) != fmt.Sprint(v) {
				t.Errorf("%s: %s = %v, want %v", w.Address, k, facts[k], v)
			}
		}
		for _, k := range w.Unknown {
			if v, ok := facts[k]; ok {
				t.Errorf("%s: %s = %v, but the code does not state it (want unknown)", w.Address, k, v)
			}
		}
	}
	for addr := range byAddr {
		t.Errorf("reported %s, which is not a declared AI resource of the corpus", addr)
	}
	t.Logf("corpus: %d of %d declared AI resources found, %d reported that are not", found, len(want), len(byAddr))
	if !slices.ContainsFunc(want, func(e expectation) bool { return e.Kind == model.KindAgent }) {
		t.Error("the corpus lost its agents")
	}
}
