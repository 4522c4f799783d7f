package dashboard

import (
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const committed = "../../deploy/grafana/aisight-dashboard.json"

func TestCommittedDashboardIsCurrent(t *testing.T) {
	got, err := JSON()
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(committed)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s is stale; run make generate (-committed +generated):\n%s", committed, d)
	}
}

func TestEveryPanelQueriesPrometheus(t *testing.T) {
	exprs, err := Queries()
	if err != nil {
		t.Fatal(err)
	}
	if len(exprs) < 15 {
		t.Errorf("only %d queries", len(exprs))
	}
}
