package dashboard

import (
	"encoding/json"
	"fmt"
)

// Queries returns every PromQL expression of the dashboard's panels, read
// back from its JSON (what Grafana would run).
func Queries() ([]string, error) {
	b, err := JSON()
	if err != nil {
		return nil, err
	}
	return QueriesOf(b)
}

// QueriesOf reads the PromQL expressions of a dashboard JSON document.
func QueriesOf(b []byte) ([]string, error) {
	var d struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, err
	}
	var out []string
	for _, p := range d.Panels {
		for _, t := range p.Targets {
			if t.Expr == "" {
				return nil, fmt.Errorf("panel %q has a target without an expression", p.Title)
			}
			out = append(out, t.Expr)
		}
	}
	return out, nil
}
