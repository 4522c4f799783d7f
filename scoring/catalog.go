// Package scoring turns a model.Inventory into a model.Assessment: per AISMM
// category a maturity level, its coverage, the level that would hold if every
// unknown passed, each control's result with its evidence, and next steps.
//
// It owns the control catalog (controls.yaml, embedded; overridable with a
// directory of YAML files), the CEL environment controls are written in,
// attestations for manual controls, and the level rules. Assess is a pure
// function: no I/O, and no clock but the scan time the inventory records.
package scoring

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/cost"
	"cel.dev/cel-go/common/types/ref"
	"go.yaml.in/yaml/v3"

	"github.com/aisight/aisight/internal/bounded"
	"github.com/aisight/aisight/model"
)

//go:embed controls.yaml
var controlsYAML []byte

// Modes of assessment.
const (
	Automated = "automated"
	Manual    = "manual"
)

// Subjects a control judges.
const (
	SubjectAsset = "asset"
	SubjectScope = "scope"
)

// CategoryInfo is one AISMM category.
type CategoryInfo struct {
	ID     string `yaml:"id"`
	Name   string `yaml:"name"`
	Domain string `yaml:"domain"`
}

// AICMRef cites a CSA AI Controls Matrix control with the matrix version.
type AICMRef struct {
	ID      string `yaml:"id"`
	Version string `yaml:"version"`
}

func (r AICMRef) String() string { return "AICM " + r.ID + " (v" + r.Version + ")" }

// Control is one entry of the catalog.
type Control struct {
	ID              string                 `yaml:"id"`
	Title           string                 `yaml:"title"`
	Category        string                 `yaml:"category"`
	Level           model.Level            `yaml:"level"`
	Mode            string                 `yaml:"mode"`
	Subject         string                 `yaml:"subject"`
	Kinds           []model.Kind           `yaml:"kinds"`
	DeploymentTypes []model.DeploymentType `yaml:"deployment_types"`
	AppliesTo       string                 `yaml:"applies_to"`
	Check           string                 `yaml:"check"`
	Threshold       *float64               `yaml:"threshold"`
	EvidenceFrom    []string               `yaml:"evidence_from"`
	// EvidenceFacts are facts shown beside the ones the check reads, to
	// say what to act on (the policies to detach, say).
	EvidenceFacts   []string  `yaml:"evidence_facts"`
	AICM            []AICMRef `yaml:"aicm"`
	AISMMObjectives []string  `yaml:"aismm_objectives"`
	Rationale       string    `yaml:"rationale"`
	Remediation     string    `yaml:"remediation"`
	// SARIF, when set, is the code-scanning rule the control's located
	// failures appear under (a stable id GitHub tracks alerts by); other
	// controls appear under their own id.
	SARIF *SARIFRule `yaml:"sarif"`

	// Source is the file the control was loaded from.
	Source string `yaml:"-"`

	appliesTo *program
	check     *program
	builtIn   bool     // from the embedded catalog (compileBool)
	factKeys  []string // fact keys the check reads, for evidence
	scopeKeys []string
	fields    []string // asset fields (owner, tags, ...) the check reads
}

// MinShare is the share of applicable subjects that must pass.
func (c *Control) MinShare() float64 {
	if c.Threshold == nil {
		return 1
	}
	return *c.Threshold
}

// Catalog is a loaded, compiled set of controls.
type Catalog struct {
	Version    string
	Categories []CategoryInfo
	Controls   []*Control
	byID       map[string]*Control
}

// CheckCollectors refuses a control whose evidence_from names a collector
// not in known (the build's collectors, from the CLI's one list of them),
// naming the control and its file.
func (c *Catalog) CheckCollectors(known []string) error {
	for _, ctl := range c.Controls {
		for _, e := range ctl.EvidenceFrom {
			if !slices.Contains(known, e) {
				return fmt.Errorf("controls %s: control %s: evidence_from: unknown collector %q (known: %s)", ctl.Source, ctl.ID, e, strings.Join(known, ", "))
			}
		}
	}
	return nil
}

// SARIFRules are the SARIF rules of the controls that name one, by control.
func (c *Catalog) SARIFRules() map[string]SARIFRule {
	out := map[string]SARIFRule{}
	for _, ctl := range c.Controls {
		if ctl.SARIF != nil {
			out[ctl.ID] = *ctl.SARIF
		}
	}
	return out
}

// Control returns the control with the given id.
func (c *Catalog) Control(id string) (*Control, bool) {
	ctl, ok := c.byID[id]
	return ctl, ok
}

// SARIFRule is how a control's failures appear in SARIF.
type SARIFRule struct {
	ID       string  `yaml:"id"`       // AISIGHT001
	Name     string  `yaml:"name"`     // LiteralAIKey
	Severity float64 `yaml:"severity"` // GitHub's security-severity, 0-10
	Level    string  `yaml:"level"`    // error, warning or note
}

type catalogFile struct {
	Version    string         `yaml:"version"`
	Categories []CategoryInfo `yaml:"categories"`
	Controls   []*Control     `yaml:"controls"`
}

// Load compiles the embedded catalog, then adds or overrides controls from
// every *.yaml / *.yml file in dir (if dir is not empty). Errors name the
// file, the control and the CEL message.
func Load(dir string) (*Catalog, error) {
	base, err := parseFile("controls.yaml (embedded)", controlsYAML)
	if err != nil {
		return nil, err
	}
	cat := &Catalog{Version: base.Version, Categories: base.Categories, byID: map[string]*Control{}}
	add := func(c *Control) {
		if old, ok := cat.byID[c.ID]; ok {
			*old = *c
			return
		}
		cat.byID[c.ID] = c
		cat.Controls = append(cat.Controls, c)
	}
	for _, c := range base.Controls {
		c.builtIn = true
		add(c)
	}
	if dir != "" {
		files, err := customFiles(dir)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			b, err := bounded.ReadFile(f, 4<<20)
			if err != nil {
				return nil, fmt.Errorf("controls: %w", err)
			}
			cf, err := parseFile(f, b)
			if err != nil {
				return nil, err
			}
			if len(cf.Categories) > 0 {
				return nil, fmt.Errorf("controls %s: categories are fixed by the AISMM and cannot be redefined", f)
			}
			for _, c := range cf.Controls {
				add(c)
			}
			cat.Version += "+custom"
		}
	}
	env, err := newEnvs()
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, ci := range cat.Categories {
		known[ci.ID] = true
	}
	for _, c := range cat.Controls {
		if err := c.compile(env, known); err != nil {
			return nil, fmt.Errorf("controls %s: control %s: %w", c.Source, c.ID, err)
		}
	}
	sort.SliceStable(cat.Controls, func(i, j int) bool {
		a, b := cat.Controls[i], cat.Controls[j]
		if a.Category != b.Category {
			return categoryIndex(cat, a.Category) < categoryIndex(cat, b.Category)
		}
		if a.Level != b.Level {
			return a.Level < b.Level
		}
		return a.ID < b.ID
	})
	return cat, nil
}

func categoryIndex(cat *Catalog, id string) int {
	return slices.IndexFunc(cat.Categories, func(c CategoryInfo) bool { return c.ID == id })
}

func customFiles(dir string) ([]string, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("controls: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("controls: %s is not a directory", dir)
	}
	var out []string
	for _, pat := range []string{"*.yaml", "*.yml"} {
		m, _ := filepath.Glob(filepath.Join(dir, pat))
		out = append(out, m...)
	}
	sort.Strings(out)
	if len(out) == 0 {
		return nil, fmt.Errorf("controls: no *.yaml files in %s", dir)
	}
	return out, nil
}

func parseFile(name string, b []byte) (*catalogFile, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var f catalogFile
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("controls %s: %s", name, oneLine(err))
	}
	seen := map[string]bool{}
	for _, c := range f.Controls {
		if c.ID == "" {
			return nil, fmt.Errorf("controls %s: a control has no id", name)
		}
		if seen[c.ID] {
			return nil, fmt.Errorf("controls %s: control %s is defined twice", name, c.ID)
		}
		seen[c.ID] = true
		c.Source = name
	}
	return &f, nil
}

var (
	idShape  = regexp.MustCompile(`^[A-Z]{2,3}\.[2-5]\.[a-z0-9-]+$`)
	factRef  = regexp.MustCompile(`\bfacts\[\s*"([^"]+)"\s*\]`)
	scopeRef = regexp.MustCompile(`\bscope_facts\[\s*"([^"]+)"\s*\]`)
	fieldRef = regexp.MustCompile(`\b(owner|tags|identity|model|name|region)\b`)
	sarifID  = regexp.MustCompile(`^AISIGHT\d{3}$`)
)

// compile validates a control and compiles and type-checks its expressions.
func (c *Control) compile(env *envs, categories map[string]bool) error {
	switch {
	case !idShape.MatchString(c.ID):
		return fmt.Errorf("id must look like CAT.<level>.name (e.g. ORG.3.owner-tags)")
	case !categories[c.Category]:
		return fmt.Errorf("unknown category %q", c.Category)
	case c.Level < 2 || c.Level > 5:
		return fmt.Errorf("level must be 2..5 (L1 has no objectives)")
	case !strings.HasPrefix(c.ID, c.Category+"."+string(rune('0'+c.Level))+"."):
		return fmt.Errorf("id must start with its category and level (%s.%d.)", c.Category, c.Level)
	case c.Title == "" || c.Remediation == "":
		return fmt.Errorf("title and remediation are required")
	}
	if c.Mode == "" {
		c.Mode = Automated
	}
	if c.Subject == "" {
		c.Subject = SubjectAsset
	}
	for _, r := range c.AICM {
		if r.ID == "" || r.Version == "" {
			return fmt.Errorf("every AICM reference needs an id and a version")
		}
	}
	switch c.Mode {
	case Manual:
		if c.Check != "" || c.AppliesTo != "" {
			return fmt.Errorf("a manual control has no expressions; it is decided by attestation")
		}
		return nil
	case Automated:
	default:
		return fmt.Errorf("mode must be automated or manual")
	}
	if c.Subject != SubjectAsset && c.Subject != SubjectScope {
		return fmt.Errorf("subject must be asset or scope")
	}
	if c.Check == "" {
		return fmt.Errorf("an automated control needs a check expression")
	}
	if t := c.MinShare(); t <= 0 || t > 1 {
		return fmt.Errorf("threshold must be in (0, 1]")
	}
	if len(c.EvidenceFrom) == 0 {
		return fmt.Errorf("evidence_from must name the collectors that can evidence it")
	}
	if r := c.SARIF; r != nil {
		if !sarifID.MatchString(r.ID) || r.Name == "" || r.Severity < 0 || r.Severity > 10 || !slices.Contains([]string{"error", "warning", "note"}, r.Level) {
			return fmt.Errorf("sarif: want an id AISIGHTnnn, a name, a severity 0-10 and a level error, warning or note")
		}
	}
	for _, dt := range c.DeploymentTypes {
		if !dt.Valid() {
			return fmt.Errorf("unknown deployment type %q", dt)
		}
	}
	e := env.asset
	if c.Subject == SubjectScope {
		if len(c.Kinds) > 0 || len(c.DeploymentTypes) > 0 {
			return fmt.Errorf("kinds and deployment_types filter assets; a scope control uses applies_to")
		}
		e = env.scope
	}
	var err error
	if c.AppliesTo != "" {
		if c.appliesTo, err = compileBool(e, c.AppliesTo, c.builtIn); err != nil {
			return fmt.Errorf("applies_to: %w", err)
		}
	}
	if c.check, err = compileBool(e, c.Check, c.builtIn); err != nil {
		return fmt.Errorf("check: %w", err)
	}
	for _, m := range factRef.FindAllStringSubmatch(c.Check, -1) {
		c.factKeys = appendUnique(c.factKeys, m[1])
	}
	for _, m := range scopeRef.FindAllStringSubmatch(c.Check, -1) {
		c.scopeKeys = appendUnique(c.scopeKeys, m[1])
	}
	for _, k := range c.EvidenceFacts {
		c.factKeys = appendUnique(c.factKeys, k)
	}
	if c.Subject == SubjectAsset {
		// Field names inside quoted fact keys are not references.
		bare := factRef.ReplaceAllString(scopeRef.ReplaceAllString(c.Check, ""), "")
		for _, m := range fieldRef.FindAllStringSubmatch(bare, -1) {
			c.fields = appendUnique(c.fields, m[1])
		}
	}
	return nil
}

func appendUnique(l []string, s string) []string {
	if slices.Contains(l, s) {
		return l
	}
	return append(l, s)
}

// envs are the two CEL environments: one per subject.
type envs struct{ asset, scope *cel.Env }

func newEnvs() (*envs, error) {
	strMap := cel.MapType(cel.StringType, cel.StringType)
	dynMap := cel.MapType(cel.StringType, cel.DynType)
	scopeVars := []cel.EnvOption{cel.Variable("scope", strMap), cel.Variable("scope_facts", dynMap)}
	scope, err := cel.NewEnv(scopeVars...)
	if err != nil {
		return nil, err
	}
	assetVars := append(slices.Clone(scopeVars),
		cel.Variable("id", cel.StringType), cel.Variable("kind", cel.StringType), cel.Variable("provider", cel.StringType),
		cel.Variable("region", cel.StringType), cel.Variable("deployment_type", cel.StringType), cel.Variable("name", cel.StringType),
		cel.Variable("owner", cel.StringType), cel.Variable("identity", cel.StringType),
		cel.Variable("tags", strMap), cel.Variable("model", strMap), cel.Variable("facts", dynMap))
	asset, err := cel.NewEnv(assetVars...)
	if err != nil {
		return nil, err
	}
	return &envs{asset: asset, scope: scope}, nil
}

// compileBool compiles a boolean expression. A control of the built-in
// catalog whose static cost estimate (every string, list and map of its
// input at most maxInputSize) is within MaxCost runs without runtime cost
// tracking, which cost more than the evaluation itself (issue 29: 2.2 s
// per 100,000 assets with it); the project reviews and tests that
// catalog. Every other expression, and every one of a --controls
// directory, is tracked at run time and stopped at MaxCost.
func compileBool(env *cel.Env, expr string, builtIn bool) (*program, error) {
	ast, iss := env.Compile(expr)
	if iss != nil && iss.Err() != nil {
		return nil, errors.New(strings.ReplaceAll(iss.Err().Error(), "\n", " "))
	}
	if !ast.OutputType().IsExactType(cel.BoolType) && !ast.OutputType().IsExactType(cel.DynType) {
		return nil, fmt.Errorf("%q must be a boolean expression, not %s", expr, ast.OutputType())
	}
	if builtIn {
		if est, err := env.EstimateCost(ast, boundedInputs{}); err == nil && est.Max <= MaxCost {
			p, err := env.Program(ast, cel.EvalOptions(cel.OptOptimize))
			return &program{Program: p}, err
		}
	}
	p, err := env.Program(ast, cel.EvalOptions(cel.OptOptimize), cel.CostLimit(MaxCost), cel.InterruptCheckFrequency(64))
	return &program{Program: p, tracked: true}, err
}

// program is a compiled expression; tracked ones run with their cost
// tracked and the context's cancellation checked while they run.
type program struct {
	cel.Program
	tracked bool
}

// eval evaluates p for vars.
func (p *program) eval(ctx context.Context, vars map[string]any) (ref.Val, error) {
	if p.tracked {
		v, _, err := p.ContextEval(ctx, vars)
		return v, err
	}
	v, _, err := p.Eval(vars)
	return v, err
}

// maxInputSize bounds, for the static estimate, the size of every string,
// list and map an expression reads: the longest fact value or the most
// facts, tags or model fields an asset carries are far below it.
const maxInputSize = 1 << 16

// boundedInputs is the cost estimator of compileBool: CEL's own call
// costs, with every input's size at most maxInputSize.
type boundedInputs struct{}

func (boundedInputs) EstimateSize(cost.AstNode) *cost.SizeEstimate {
	return &cost.SizeEstimate{Min: 0, Max: maxInputSize}
}

func (boundedInputs) EstimateCallCost(string, string, *cost.AstNode, []cost.AstNode) *cost.CallEstimate {
	return nil
}

// MaxCost bounds one evaluation of a control's expression for one subject
// (CEL's cost units: roughly one per operation and per element a
// comprehension visits). Every built-in control costs a few hundred at
// most; a custom one that would run for minutes or fill memory (nested
// comprehensions, growing strings) stops here and is unknown, naming why.
const MaxCost = 1_000_000

// oneLine folds a multi-line error (yaml lists unmarshal errors on lines of
// their own) into one line for the CLI's one-line error contract.
func oneLine(err error) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(err.Error(), "\n", "; ")), " ")
}
