package output

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/dlclark/regexp2"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/aisight/aisight/internal/enrich"
	"github.com/aisight/aisight/model"
	"github.com/aisight/aisight/scoring"
)

// estates are the scoring golden estates: collector output (AWS, GCP,
// Azure) and hand-built ones (source, Kubernetes, SaaS).
var estates = []string{"empty", "well-run", "shadow-ai", "aws-denied", "gcp-vertex", "azure-ai"}

// estateReport scores a scoring golden estate as the CLI would.
func estateReport(t testing.TB, name string) model.Report {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../../scoring/testdata", name+".inventory.json"))
	if err != nil {
		t.Fatal(err)
	}
	var inv model.Inventory
	if err := json.Unmarshal(b, &inv); err != nil {
		t.Fatal(err)
	}
	enrich.Apply(&inv, enrich.Options{})
	cat, err := scoring.Load("")
	if err != nil {
		t.Fatal(err)
	}
	a := scoring.Assess(inv, cat, nil)
	return model.NewReport(inv, &a)
}

// schemas compiles the bundled official schemas (testdata/schemas).
func schemas(t *testing.T) map[string]*jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	// The SPDX schema's patterns use lookahead (ECMA-262 regular expressions).
	c.UseRegexpEngine(func(s string) (jsonschema.Regexp, error) {
		re, err := regexp2.Compile(s, regexp2.ECMAScript)
		if err != nil {
			return nil, err
		}
		return ecmaRegexp{re}, nil
	})
	load := func(url, file string) {
		f, err := os.Open(filepath.Join("testdata/schemas", file))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if err := c.AddResource(url, doc); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
	}
	const cdx = "http://cyclonedx.org/schema/"
	for _, f := range []string{"spdx.SNAPSHOT.schema.json", "jsf-0.82.SNAPSHOT.schema.json", "cryptography-defs.SNAPSHOT.schema.json"} {
		load(cdx+f, f)
	}
	load(cdx+"bom-1.6.schema.json", "bom-1.6.SNAPSHOT.schema.json")
	load(cdx+"bom-1.7.schema.json", "bom-1.7.SNAPSHOT.schema.json")
	load("https://spdx.org/schema/3.0.1/spdx-json-schema.json", "spdx-3.0.1.schema.json")
	load("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json", "sarif-schema-2.1.0.json")
	out := map[string]*jsonschema.Schema{}
	for name, url := range map[string]string{"cyclonedx-1.7": cdx + "bom-1.7.schema.json", "cyclonedx-1.6": cdx + "bom-1.6.schema.json",
		"spdx":  "https://spdx.org/schema/3.0.1/spdx-json-schema.json",
		"sarif": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"} {
		s, err := c.Compile(url)
		if err != nil {
			t.Fatalf("compile %s: %v", name, err)
		}
		out[name] = s
	}
	return out
}

type ecmaRegexp struct{ re *regexp2.Regexp }

func (r ecmaRegexp) MatchString(s string) bool {
	ok, err := r.re.MatchString(s)
	return err == nil && ok
}

func (r ecmaRegexp) String() string { return r.re.String() }

// Every report format on every scoring golden estate: a golden file, and
// the official schema of the format.
func TestFormatsOnGoldenEstates(t *testing.T) {
	sch := schemas(t)
	opts := Options{ToolVersion: "test", Targets: map[string]model.Level{"ORG": 3, "IAM": 3, "DEV": 2}, SARIFRules: sarifRules(t)}
	for _, estate := range estates {
		r := estateReport(t, estate)
		for _, f := range []struct{ name, format, ext, schema, version string }{
			{"cyclonedx-1.7", "cyclonedx", "cdx.json", "cyclonedx-1.7", "1.7"},
			{"cyclonedx-1.6", "cyclonedx", "cdx-1.6.json", "cyclonedx-1.6", "1.6"},
			{"spdx", "spdx", "spdx.json", "spdx", ""},
			{"sarif", "sarif", "sarif", "sarif", ""},
			{"html", "html", "html", "", ""},
		} {
			t.Run(estate+"/"+f.name, func(t *testing.T) {
				o := opts
				o.CycloneDXVersion = f.version
				var b bytes.Buffer
				if err := RenderWith(&b, f.format, r, o); err != nil {
					t.Fatal(err)
				}
				if f.schema != "" {
					doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b.Bytes()))
					if err != nil {
						t.Fatal(err)
					}
					if err := sch[f.schema].Validate(doc); err != nil {
						t.Errorf("%s does not validate: %v", f.name, err)
					}
				}
				golden(t, filepath.Join("formats", estate+"."+f.ext), b.Bytes())
			})
		}
	}
}

// Secrets never reach a BOM or a SARIF log: the estates' fingerprints
// appear nowhere but as fingerprints (keys are not BOM material at all).
func TestKeysAreNotBOMMaterial(t *testing.T) {
	r := estateReport(t, "shadow-ai")
	var keyIDs []string
	for _, a := range r.Assets {
		if a.Kind == model.KindAPIKey {
			keyIDs = append(keyIDs, a.ID)
		}
	}
	if len(keyIDs) == 0 {
		t.Fatal("the estate has no keys: the test proves nothing")
	}
	for _, format := range []string{"cyclonedx", "spdx"} {
		var b bytes.Buffer
		if err := Render(&b, format, r); err != nil {
			t.Fatal(err)
		}
		for _, id := range keyIDs {
			if strings.Contains(b.String(), id) {
				t.Errorf("%s lists the key %s", format, id)
			}
		}
	}
}

// No output holds a formatting error ("%!d(string=...)"): the text forms
// escape their arguments, which turns a Stringer into a string that a %d
// verb then refuses.
func TestNoFormattingErrors(t *testing.T) {
	for _, estate := range estates {
		r := estateReport(t, estate)
		for _, format := range Formats {
			var b bytes.Buffer
			if err := RenderWith(&b, format, r, Options{ToolVersion: "test"}); err != nil {
				t.Fatal(err)
			}
			if i := bytes.Index(b.Bytes(), []byte("%!")); i >= 0 {
				t.Errorf("%s/%s: a formatting error: %q", estate, format, b.Bytes()[i:min(len(b.Bytes()), i+60)])
			}
		}
	}
}

// sarifRules are the control catalog's SARIF rules, as the pipeline gives
// them to the outputs.
func sarifRules(t *testing.T) map[string]SARIFRule {
	cat, err := scoring.Load("")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]SARIFRule{}
	for id, r := range cat.SARIFRules() {
		out[id] = SARIFRule{ID: r.ID, Name: r.Name, Severity: r.Severity, Level: r.Level}
	}
	if len(out) != 8 {
		t.Fatalf("%d SARIF rules in the catalog, want AISIGHT001-008", len(out))
	}
	for _, r := range out {
		if sarifMessages[r.ID] == nil {
			t.Errorf("SARIF rule %s has no message", r.ID)
		}
	}
	return out
}

// TestCycloneDXModelPURLs: a pkg:huggingface package URL only for models
// that come from the Hub, read from their source URI, never from a display
// name or a registry's publisher; other sources stay external references.
// The BOM is read back with cyclonedx-go.
func TestCycloneDXModelPURLs(t *testing.T) {
	src := func(s string) []model.Fact { return []model.Fact{model.String("model.source", s, model.Inferred, "t")} }
	r := model.Report{SchemaVersion: "1.0", Assets: []model.Asset{
		{ID: "vertex-garden", Kind: model.KindModel, Provider: "gcp", Name: "llama3",
			Model: &model.ModelRef{Publisher: "model_garden:meta", Name: "llama3", SourceURI: "gs://vertex-model-garden/llama3"}, Facts: src("gcs")},
		{ID: "vertex-hf", Kind: model.KindModel, Provider: "gcp", Name: "dev-tgi",
			Model: &model.ModelRef{Publisher: "custom", Name: "dev-tgi", SourceURI: "hf://mistralai/Mistral-7B-Instruct-v0.3"}, Facts: src("huggingface")},
		{ID: "hub-url", Kind: model.KindModel, Provider: "source", Name: "llama",
			Model: &model.ModelRef{SourceURI: "https://huggingface.co/meta-llama/Llama-3.1-8B/tree/main", Revision: "ABC123"}},
		{ID: "hub-id", Kind: model.KindModel, Provider: "source", Name: "bge",
			Model: &model.ModelRef{Publisher: "BAAI", Name: "bge-small-en-v1.5"}, Facts: src("huggingface")},
		{ID: "garden", Kind: model.KindModel, Provider: "gcp", Name: "gemma",
			Model: &model.ModelRef{Publisher: "google", Name: "gemma", SourceURI: "publishers/google/models/gemma"}, Facts: src("model_garden")},
		{ID: "dataset", Kind: model.KindModel, Provider: "source", Name: "d",
			Model: &model.ModelRef{SourceURI: "https://huggingface.co/datasets/org/d"}},
	}}
	var b bytes.Buffer
	if err := Render(&b, "cyclonedx", r); err != nil {
		t.Fatal(err)
	}
	var bom cdx.BOM
	if err := cdx.NewBOMDecoder(&b, cdx.BOMFileFormatJSON).Decode(&bom); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, c := range *bom.Components {
		got[c.BOMRef] = c.PackageURL
	}
	want := map[string]string{
		"vertex-garden": "", "garden": "", "dataset": "",
		"vertex-hf": "pkg:huggingface/mistralai/Mistral-7B-Instruct-v0.3",
		"hub-url":   "pkg:huggingface/meta-llama/Llama-3.1-8B@abc123",
		"hub-id":    "pkg:huggingface/BAAI/bge-small-en-v1.5",
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s: purl %q, want %q", id, got[id], w)
		}
	}
}
