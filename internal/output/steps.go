package output

import (
	"fmt"
	"sort"

	"github.com/aisight/aisight/model"
)

// Step is one next step as every output shows it: the category, the
// step, and the state of its control (failing, not attested, no evidence).
type Step struct {
	Category string
	model.NextStep
	// Result is the step's control result (nil when the assessment does
	// not hold it).
	Result *model.ControlResult
}

// Status says why the step is open: "failing", "not attested" (a manual
// control nobody attested) or "no evidence" (unknown).
func (s Step) Status() string {
	switch {
	case s.Result != nil && s.Result.Result == model.Fail:
		return "failing"
	case s.Result != nil && s.Result.Mode == "manual":
		return "not attested"
	default:
		return "no evidence"
	}
}

// Failing reports whether the step's control fails.
func (s Step) Failing() bool { return s.Result != nil && s.Result.Result == model.Fail }

// Why is the status with the failing count: "failing on 62 of 77".
func (s Step) Why() string {
	if s.Failing() && s.Result.Applicable > 0 {
		return fmt.Sprintf("failing on %d of %d", FailingCount(s.Result), s.Result.Applicable)
	}
	return s.Status()
}

// Where says where a failing step fails: its first subjects (at most
// maxSubjectsPerStep), located by where, and how many more there are; nil
// and 0 for a step that is not failing.
func (s Step) Where(where func(id string) string) (at []string, more int) {
	if !s.Failing() {
		return nil, 0
	}
	for _, id := range s.Result.Failing[:min(len(s.Result.Failing), maxSubjectsPerStep)] {
		at = append(at, where(id))
	}
	return at, FailingCount(s.Result) - len(at)
}

// NextSteps lists an assessment's next steps in the one order every output
// uses: failing controls first, then those without evidence or
// attestation; within each, the catalog's order (category, then level).
func NextSteps(a *model.Assessment) []Step {
	if a == nil {
		return nil
	}
	var steps []Step
	for _, c := range a.Categories {
		for _, s := range c.NextSteps {
			st := Step{Category: c.ID, NextStep: s}
			for i := range c.Controls {
				if cr := &c.Controls[i]; cr.ID == s.Control {
					st.Result = cr
				}
			}
			steps = append(steps, st)
		}
	}
	sort.SliceStable(steps, func(i, j int) bool { return steps[i].Failing() && !steps[j].Failing() })
	return steps
}

// FailingCount is how many subjects a control judged failing (at least as
// many as it names).
func FailingCount(cr *model.ControlResult) int {
	n := cr.Applicable - cr.Passing - cr.Unknown
	if n < len(cr.Failing) {
		n = len(cr.Failing)
	}
	return n
}
