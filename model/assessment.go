package model

// Level is an AISMM maturity level, 1 (Initial) to 5 (Efficient). Zero means
// not assessed: there was nothing to judge.
type Level int

// Level names of the AISMM.
var levelNames = map[Level]string{0: "Not assessed", 1: "Initial", 2: "Repeatable", 3: "Defined", 4: "Capable", 5: "Efficient"}

// String returns "L3 Defined" style labels.
func (l Level) String() string {
	if l == 0 {
		return "not assessed"
	}
	return "L" + string(rune('0'+l)) + " " + levelNames[l]
}

// Result of one control.
type Result string

// Control results. Unknown means the evidence could not be gathered; it is never pass.
const (
	Pass          Result = "pass"
	Fail          Result = "fail"
	Unknown       Result = "unknown"
	NotApplicable Result = "not_applicable"
)

// Category is one of the AISMM's twelve categories with its assessment.
type Category struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Domain string `json:"domain"`
	// Level is the highest level whose controls at 2..Level all pass (0: not assessed).
	Level Level `json:"level"`
	// Coverage is the share (0..1) of applicable controls with a definite result.
	Coverage float64 `json:"coverage"`
	// PotentialLevel is the level that would hold if every unknown passed.
	PotentialLevel Level           `json:"potential_level"`
	Controls       []ControlResult `json:"controls"`
	NextSteps      []NextStep      `json:"next_steps,omitempty"`
}

// ControlResult is one control's outcome with its evidence.
type ControlResult struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Level  Level  `json:"level"`
	Mode   string `json:"mode"`
	Result Result `json:"result"`
	// Reason says in one line why the result is what it is.
	Reason string `json:"reason,omitempty"`
	// Applicable, Passing and Unknown count assets the control judged.
	Applicable int `json:"applicable"`
	Passing    int `json:"passing"`
	Unknown    int `json:"unknown"`
	// Failing lists up to N failing asset IDs; Evidence the deciding facts.
	Failing  []string   `json:"failing,omitempty"`
	Evidence []Evidence `json:"evidence,omitempty"`
	// AllFailing is every failing subject, in the process that scored
	// (outputs that name each failure: SARIF); not part of the JSON form,
	// which lists the first MaxFailing.
	AllFailing []string `json:"-"`
	AICM       []string `json:"aicm,omitempty"`
}

// Evidence is a fact that decided a control for an asset or scope.
type Evidence struct {
	Subject string `json:"subject"`
	Key     string `json:"key"`
	Value   any    `json:"value"`
}

// NextStep is a failing control of the next level and how to fix it.
type NextStep struct {
	Control     string `json:"control"`
	Level       Level  `json:"level"`
	Title       string `json:"title"`
	Remediation string `json:"remediation"`
}

// Assessment is the scorer's output.
type Assessment struct {
	CatalogVersion string     `json:"catalog_version"`
	Categories     []Category `json:"categories"`
}

// Report is the versioned JSON document aisight writes with --output json.
type Report struct {
	SchemaVersion string       `json:"schema_version"`
	Scan          Scan         `json:"scan"`
	Assets        []Asset      `json:"assets"`
	ScopeFacts    []ScopeFacts `json:"scope_facts"`
	Assessment    *Assessment  `json:"assessment,omitempty"`
	// Registry is the check of the declared registry (--registry), when one
	// was given.
	Registry *RegistryCheck `json:"registry,omitempty"`
}

// RegistryCheck says what the declared registry covered: how many asset
// entries and approved models it has, and which matched nothing (stale
// entries: assets retired or renamed, models no longer used).
type RegistryCheck struct {
	Source         string   `json:"source"`
	Assets         int      `json:"assets"`
	ApprovedModels int      `json:"approved_models"`
	StaleAssets    []string `json:"stale_assets,omitempty"`
	StaleModels    []string `json:"stale_models,omitempty"`
}

// NewReport builds the output document of an inventory and its assessment.
func NewReport(inv Inventory, a *Assessment) Report {
	r := Report{SchemaVersion: SchemaVersion, Scan: inv.Scan, Assets: inv.Assets, ScopeFacts: inv.ScopeFacts, Assessment: a}
	if r.Assets == nil {
		r.Assets = []Asset{}
	}
	if r.ScopeFacts == nil {
		r.ScopeFacts = []ScopeFacts{}
	}
	if r.Scan.CollectorRuns == nil {
		r.Scan.CollectorRuns = []CollectorRun{}
	}
	return r
}
