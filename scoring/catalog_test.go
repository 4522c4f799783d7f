package scoring

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aisight/aisight/model"
)

func writeControls(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const customControl = `controls:
  - id: ORG.2.owner-tags
    title: Every AI workload carries an owner (stricter house rule)
    category: ORG
    level: 2
    kinds: [inference_workload]
    check: owner != ""
    evidence_from: [source, kubernetes]
    aicm: [{id: DSP-06, version: "1.0"}]
    remediation: Label every workload with an owner.
  - id: DEV.3.no-latest-tags
    title: No AI image uses the latest tag
    category: DEV
    level: 3
    kinds: [inference_workload]
    applies_to: '"image.ref" in facts'
    check: '!facts["image.ref"].endsWith(":latest")'
    evidence_from: [source, kubernetes]
    remediation: Use a version tag or a digest.
`

func TestCustomControlsAddAndOverride(t *testing.T) {
	cat, err := Load(writeControls(t, map[string]string{"house.yaml": customControl}))
	if err != nil {
		t.Fatal(err)
	}
	base := catalog(t)
	if len(cat.Controls) != len(base.Controls)+1 {
		t.Errorf("%d controls, want %d (one added, one overridden)", len(cat.Controls), len(base.Controls)+1)
	}
	if c, _ := cat.Control("ORG.2.owner-tags"); c.MinShare() != 1 || !strings.HasSuffix(c.Source, "house.yaml") {
		t.Errorf("override not applied: %+v", c)
	}
	if !strings.HasSuffix(cat.Version, "+custom") {
		t.Errorf("version %q does not say the catalog was customised", cat.Version)
	}
	a := Assess(inventory(t, "shadow-ai"), cat, nil)
	if r := control(t, a, "DEV.3.no-latest-tags"); r.Result != model.Fail || r.Failing[0] != "file://app/docker-compose.yml#compose:ollama" {
		t.Errorf("custom control: %+v", r)
	}
}

func TestCustomControlErrorsNameFileControlAndCEL(t *testing.T) {
	ctl := func(id, check string) string {
		return "controls:\n  - id: " + id + "\n    title: t\n    category: ORG\n    level: 3\n    kinds: [model]\n    check: '" + check + "'\n    evidence_from: [source]\n    remediation: r\n"
	}
	tests := []struct {
		body string
		want []string
	}{
		{ctl("ORG.3.typo", `ownr != ""`), []string{"bad.yaml", "ORG.3.typo", "check:", "undeclared reference to 'ownr'"}},
		{ctl("ORG.3.not-bool", `facts["x"] + 1`), []string{"ORG.3.not-bool"}},
		{ctl("ORG.3.string", `"yes"`), []string{"ORG.3.string", "must be a boolean expression"}},
		{ctl("ORG.3.syntax", `facts["x"] ==`), []string{"ORG.3.syntax", "Syntax error"}},
		{ctl("ORG.4.wrong-level", `true`), []string{"ORG.4.wrong-level", "must start with its category and level"}},
		{ctl("ORG.3.s", "true") + "    sarif: {id: AISIGHT1, name: X, severity: 5, level: error}\n", []string{"ORG.3.s", "sarif: want an id AISIGHTnnn"}},
		{ctl("ORG.3.l", "true") + "    sarif: {id: AISIGHT100, name: X, severity: 5, level: fatal}\n", []string{"ORG.3.l", "level error, warning or note"}},
		{"controls:\n  - id: ORG.3.x\n    titel: t\n", []string{"bad.yaml", "field titel not found"}},
		{"categories:\n  - {id: NEW, name: New, domain: Foundational}\n", []string{"categories are fixed"}},
		{strings.Replace(ctl("ORG.3.m", "true"), "kinds: [model]", "mode: manual", 1), []string{"ORG.3.m", "a manual control has no expressions"}},
	}
	for _, tt := range tests {
		_, err := Load(writeControls(t, map[string]string{"bad.yaml": tt.body}))
		if err == nil {
			t.Errorf("accepted:\n%s", tt.body)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("error %q lacks %q", err, w)
			}
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("error spans lines: %q", err)
		}
	}
	if _, err := Load(t.TempDir()); err == nil || !strings.Contains(err.Error(), "no *.yaml files") {
		t.Errorf("empty dir: %v", err)
	}
}

func TestAttestations(t *testing.T) {
	cat := catalog(t)
	entry := func(control, status, extra string) string {
		return "attestations:\n  - control: " + control + "\n    status: " + status + "\n    attester: a@b.c\n    date: 2026-01-01\n    expires: 2027-01-01\n" + extra
	}
	bad := []struct {
		body, want string
	}{
		{entry("NOPE.2.x", "pass", ""), `entry 1 (control "NOPE.2.x"): no such control`},
		{entry("IAM.2.no-literal-keys", "pass", ""), "automated; its result comes from scan evidence"},
		{entry("GOV.2.ai-policy", "maybe", ""), "status must be pass, fail or not_applicable"},
		{strings.Replace(entry("GOV.2.ai-policy", "pass", ""), "    attester: a@b.c\n", "", 1), "attester is required"},
		{strings.Replace(entry("GOV.2.ai-policy", "pass", ""), "2027-01-01", "2025-01-01", 1), "must be after date"},
		{strings.Replace(entry("GOV.2.ai-policy", "pass", ""), "2026-01-01", "01/01/2026", 1), "is not a date"},
		{entry("GOV.2.ai-policy", "pass", "    evidence: not a link\n"), "evidence must be a link"},
		{entry("GOV.2.ai-policy", "pass", "    note: x\n"), "field note not found"},
		{entry("GOV.2.ai-policy", "pass", "") + "  - control: GOV.2.ai-policy\n    status: pass\n    attester: x\n    date: 2026-01-01\n    expires: 2027-01-01\n", "entry 2 (control \"GOV.2.ai-policy\"): the control is attested twice"},
	}
	for _, tt := range bad {
		if _, err := ParseAttestations("a.yaml", []byte(tt.body), cat); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("want error %q, got %v", tt.want, err)
		}
	}
	atts := attestations(t, cat)
	now := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	current, rejected := Current(atts, now)
	if len(current) != len(atts)-1 || len(rejected) != 1 || !strings.Contains(rejected[0], "RSK.2.provider-inventory") || !strings.Contains(rejected[0], "expired on 2025-12-31") {
		t.Errorf("current %d, rejected %q", len(current), rejected)
	}
	// the expiry day itself still counts
	a := Attestation{Expires: Date{time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)}}
	if a.ExpiredAt(now.Add(23 * time.Hour)) {
		t.Error("expired during its last day")
	}
	// Assess ignores expired attestations even when handed them.
	as := Assess(inventory(t, "well-run"), cat, atts)
	if r := control(t, as, "RSK.2.provider-inventory"); r.Result != model.Unknown {
		t.Errorf("expired attestation counted: %+v", r)
	}
	if r := control(t, as, "GOV.2.ai-policy"); r.Result != model.Pass || len(r.Evidence) != 1 {
		t.Errorf("attested control: %+v", r)
	}
}

// The registry marks exactly the kinds the registration control judges.
func TestRegisteredControlKindsMatchRegistrableKinds(t *testing.T) {
	cat, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	c, ok := cat.Control("ORG.3.registered")
	if !ok {
		t.Fatal("ORG.3.registered missing")
	}
	got := slices.Clone(c.Kinds)
	want := slices.Clone(model.RegistrableKinds)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("ORG.3.registered kinds %v, model.RegistrableKinds %v", got, want)
	}
}

// evidence_from names collectors of the build; the list comes from the
// CLI's one list of collectors (checked there against the embedded catalog).
func TestCheckCollectors(t *testing.T) {
	body := "controls:\n  - id: ORG.3.x\n    title: t\n    category: ORG\n    level: 3\n    kinds: [model]\n    check: 'true'\n    evidence_from: [source, nowhere]\n    remediation: r\n"
	cat, err := Load(writeControls(t, map[string]string{"bad.yaml": body}))
	if err != nil {
		t.Fatal(err)
	}
	err = cat.CheckCollectors([]string{"source", "aws", "gcp", "azure", "kubernetes", "openai", "anthropic"})
	if err == nil || !strings.Contains(err.Error(), "bad.yaml") || !strings.Contains(err.Error(), "ORG.3.x") || !strings.Contains(err.Error(), `unknown collector "nowhere"`) {
		t.Errorf("got %v", err)
	}
}

// Every control of the built-in catalog has a static cost estimate within
// MaxCost, so none pays for runtime cost tracking; a control loaded with
// --controls is always tracked, however cheap it looks.
func TestBuiltInControlsRunUntracked(t *testing.T) {
	cat, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cat.Controls {
		if (c.check != nil && c.check.tracked) || (c.appliesTo != nil && c.appliesTo.tracked) {
			t.Errorf("%s: static cost estimate above MaxCost; the control runs with runtime cost tracking", c.ID)
		}
	}
	dir := t.TempDir()
	custom := `controls:
  - id: ORG.2.custom-owner
    category: ORG
    level: 2
    title: custom
    remediation: own it
    subject: asset
    check: 'owner != ""'
    evidence_from: [aws]
`
	if err := os.WriteFile(filepath.Join(dir, "c.yaml"), []byte(custom), 0o644); err != nil {
		t.Fatal(err)
	}
	cat, err = Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	c, ok := cat.Control("ORG.2.custom-owner")
	if !ok || !c.check.tracked {
		t.Errorf("a --controls control runs untracked: %+v", c)
	}
}
