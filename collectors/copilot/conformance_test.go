package copilot_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/collectors/copilot"
	"github.com/aisight/aisight/internal/testenv/replay"
)

// The collector against GitHub's published examples
// (testdata/conformance/calls.yaml), on 2021-10-20.
func TestConformance(t *testing.T) {
	now := time.Date(2021, 10, 20, 0, 0, 0, 0, time.UTC)
	inv, _ := replay.Collect(t, "testdata/conformance", copilot.Name, func(base string) collectors.Collector {
		return copilot.New(copilot.Options{Token: "ghp_" + strings.Repeat("x", 36), APIURL: base, Orgs: []string{"ORG"}, Now: func() time.Time { return now }, Backoff: time.Millisecond})
	})
	replay.ExpectOK(t, inv)
	// seats: octocat active 6 days before now, assigned by justice-league;
	// octokitten's seat ends with the cycle (pending_cancellation_date).
	replay.ExpectAssets(t, inv, map[string]map[string]any{
		"github://orgs/ORG/copilot/seats/octocat":    {"seat.last_activity_days": int64(5), "seat.assigning_team": "justice-league", "seat.pending_cancellation": false, "seat.last_editor": "vscode/1.77.3/copilot/1.86.82", "seat.age_days": int64(77)},
		"github://orgs/ORG/copilot/seats/octokitten": {"seat.pending_cancellation": true, "seat.last_activity_days": int64(6)},
	})
	sf := replay.ScopeFacts(inv)
	for k, v := range map[string]any{
		"copilot.plan_type": "business", "copilot.seat_management": "assign_selected", "copilot.public_code_suggestions": "block", "copilot.public_code_blocked": true,
		"copilot.ide_chat": "enabled", "copilot.cli": "enabled", "copilot.seats_total": int64(12), "copilot.seats_inactive_cycle": int64(11),
		"copilot.seats_listed": int64(2), "copilot.seats_unused_90d": int64(0),
		"copilot.coding_agent_repositories": "selected", "copilot.coding_agent_repository_count": int64(1),
		"copilot.content_exclusion_configured": true, "copilot.content_exclusion_repositories": int64(2), "copilot.content_exclusion_paths": int64(3),
	} {
		if !reflect.DeepEqual(sf[k], v) {
			t.Errorf("scope fact %s = %#v, want %#v", k, sf[k], v)
		}
	}
}
