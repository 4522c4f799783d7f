package huggingface_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/collectors/huggingface"
	"github.com/aisight/aisight/internal/testenv/replay"
	"github.com/aisight/aisight/model"
)

// The collector against huggingface_hub's own fixtures
// (testdata/conformance/calls.yaml), on 2026-12-01.
func TestConformance(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	inv, _ := replay.Collect(t, "testdata/conformance", huggingface.Name, func(base string) collectors.Collector {
		return huggingface.New(huggingface.Options{Token: "hf_" + strings.Repeat("x", 34), HubURL: base, EndpointsURL: base + "/v2",
			Orgs: []string{"gpt2-org"}, Now: func() time.Time { return now }, Backoff: time.Millisecond})
	})
	replay.ExpectOK(t, inv)
	replay.ExpectAssets(t, inv, map[string]map[string]any{
		// MOCK_RUNNING: protected, gpt2 at a commit, intel-icl x2 on AWS us-east-1, by Wauplin.
		"huggingface://endpoints/gpt2-org/my-endpoint-name": {"endpoint.access": "protected", "network.public_access": true, "auth.required": true,
			"model.id": "gpt2", "model.revision_pinned": true, "endpoint.state": "running", "compute.accelerator": "cpu", "compute.instance_type": "intel-icl",
			"compute.instance_size": "x2", "scaling.min_replicas": int64(0), "scaling.max_replicas": int64(1), "cloud.vendor": "aws", "model.task": "text-generation"},
		"huggingface://endpoints/gpt2-org/my-endpoint-initializing": {"endpoint.state": "pending", "model.revision_pinned": true},
		"huggingface://models/gpt2-org/tiny-private":                {"repo.visibility": "private", "repo.gated": "none", "model.library": "transformers"},
		"huggingface://models/gpt2-org/gated-manual":                {"repo.visibility": "public", "repo.gated": "manual"},
		"huggingface://datasets/gpt2-org/eval-set":                  {"repo.visibility": "private", "repo.gated": "auto"},
		"huggingface://spaces/gpt2-org/demo":                        {"repo.visibility": "public", "app.sdk": "gradio", "compute.instance_type": "cpu-basic"},
	})
	for _, a := range inv.Assets {
		if a.ID == "huggingface://endpoints/gpt2-org/my-endpoint-name" {
			if a.Owner != "huggingface-user:Wauplin" || a.Region != "us-east-1" || a.DeploymentType != model.PaaS || a.Model == nil || a.Model.Revision != "11c5a3d5811f50298f278a704980280950aedb10" {
				t.Errorf("endpoint: owner %q region %q type %q model %+v", a.Owner, a.Region, a.DeploymentType, a.Model)
			}
		}
	}
	// The whoami fixture's token is a write token: reported; the
	// organisation without resource groups (402) has none, not unknown.
	sf := replay.ScopeFacts(inv)
	for k, v := range map[string]any{"collector.token_role": "write", "collector.token_can_write": true, "org.members": int64(2), "org.resource_groups": int64(0)} {
		if !reflect.DeepEqual(sf[k], v) {
			t.Errorf("scope fact %s = %#v, want %#v", k, sf[k], v)
		}
	}
	// The fixtures' model token ("my-token") is nowhere in the inventory.
	b, _ := json.Marshal(inv)
	if strings.Contains(string(b), "my-token") {
		t.Error("an endpoint's model secret reached the inventory")
	}
}
