package enrich

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aisight/aisight/internal/registry"
	"github.com/aisight/aisight/model"
)

func workload(id, identity string, isDefault *bool, kind model.Kind, rel ...model.Relation) model.Asset {
	a := model.Asset{ID: id, Kind: kind, Identity: identity, Relations: rel}
	if isDefault != nil {
		a.SetFact(model.Bool("identity.default", *isDefault, model.Declared, "test"))
	}
	return a
}

func ptr(b bool) *bool { return &b }

func TestIdentityFactsHaveOneMeaning(t *testing.T) {
	sa := "k8s://prod/chat/serviceaccount/bots"
	role := "arn:aws:iam::1:role/agents"
	inv := model.Inventory{Assets: []model.Asset{
		// A non-default service account shared by two workloads: not dedicated.
		workload("k8s://prod/chat/deployment/a", sa, ptr(false), model.KindInferenceWorkload),
		workload("k8s://prod/chat/deployment/b", sa, ptr(false), model.KindInferenceWorkload),
		// A default service account used once: not dedicated either.
		workload("k8s://prod/x/deployment/c", "k8s://prod/x/serviceaccount/default", ptr(true), model.KindInferenceWorkload),
		// Its own account: dedicated.
		workload("k8s://prod/y/deployment/d", "k8s://prod/y/serviceaccount/d", ptr(false), model.KindInferenceWorkload),
		// Two agents and a knowledge base on one role (across regions).
		workload("arn:agent/1", role, ptr(false), model.KindAgent),
		workload("arn:agent/2", role, ptr(false), model.KindAgent),
		workload("arn:kb/1", role, ptr(false), model.KindKnowledgeBase),
		// An endpoint runs as its model's role by design: one application.
		workload("arn:model/m", "arn:aws:iam::1:role/sm", ptr(false), model.KindModel),
		workload("arn:endpoint/e", "arn:aws:iam::1:role/sm", ptr(false), model.KindEndpoint, model.Relation{Type: "serves", Target: "arn:model/m"}),
		// Whether the identity is a default one is unknown: dedicated is unknown.
		workload("file://r/x#w", "k8s-sa:ns/sa", nil, model.KindInferenceWorkload),
		// A user's key does not share the user's identity.
		workload("arn:aws:iam::1:user/u#key", "arn:aws:iam::1:user/u", nil, model.KindAPIKey),
	}}
	Apply(&inv, Options{})
	type want struct {
		shared    any
		dedicated any
		agents    any
	}
	for id, w := range map[string]want{
		"k8s://prod/chat/deployment/a": {int64(1), false, nil},
		"k8s://prod/x/deployment/c":    {int64(0), false, nil},
		"k8s://prod/y/deployment/d":    {int64(0), true, nil},
		"arn:agent/1":                  {int64(2), false, int64(1)},
		"arn:kb/1":                     {int64(2), false, nil},
		"arn:endpoint/e":               {int64(0), true, nil},
		"arn:model/m":                  {int64(0), true, nil},
		"file://r/x#w":                 {int64(0), nil, nil},
		"arn:aws:iam::1:user/u#key":    {nil, nil, nil},
	} {
		var a model.Asset
		for _, x := range inv.Assets {
			if x.ID == id {
				a = x
			}
		}
		got := want{}
		if f, ok := a.Fact("identity.shared_with_ai_assets"); ok {
			got.shared = f.Value
		}
		if f, ok := a.Fact("identity.dedicated"); ok {
			got.dedicated = f.Value
		}
		if f, ok := a.Fact("identity.shared_with_agents"); ok {
			got.agents = f.Value
		}
		if d := cmp.Diff(w, got, cmp.AllowUnexported(want{})); d != "" {
			t.Errorf("%s (-want +got):\n%s", id, d)
		}
	}
}

func TestRegistryMarking(t *testing.T) {
	reg, err := registry.Parse("r.yaml", []byte("assets:\n  - id: k8s://prod/*\n"))
	if err != nil {
		t.Fatal(err)
	}
	inv := model.Inventory{Assets: []model.Asset{
		{ID: "k8s://prod/ml/deployment/a", Kind: model.KindInferenceWorkload},
		{ID: "k8s://dev/ml/deployment/b", Kind: model.KindInferenceWorkload},
		{ID: "file://r/x#key", Kind: model.KindAPIKey},
	}}
	Apply(&inv, Options{Registry: reg})
	for i, want := range []any{true, false, nil} {
		f, ok := inv.Assets[i].Fact("registry.registered")
		if (want == nil) == ok || (ok && f.Value != want) {
			t.Errorf("%s: registry.registered %v (present %v), want %v", inv.Assets[i].ID, f.Value, ok, want)
		}
	}
}

func TestKeysInCodeLinkToLiveKeys(t *testing.T) {
	live := func(id, provider, prefix, suffix, status string) model.Asset {
		a := model.Asset{ID: id, Provider: provider, Kind: model.KindAPIKey, DeploymentType: model.APISaaS,
			Secret: &model.Fingerprint{Kind: provider + "_key", Prefix: prefix, Suffix: suffix}}
		a.SetFact(model.String("key.status", status, model.Observed, "t"))
		return a
	}
	code := func(id, provider, prefix, suffix string) model.Asset {
		return model.Asset{ID: id, Provider: provider, Kind: model.KindAPIKey, DeploymentType: model.APISaaS,
			Secret: &model.Fingerprint{Kind: provider + "_key", Prefix: prefix, Suffix: suffix, SHA256: "0123456789ab"}}
	}
	inv := model.Inventory{
		Scan: model.Scan{CollectorRuns: []model.CollectorRun{{Collector: "openai", Status: model.StatusOK}, {Collector: "anthropic", Status: model.StatusFailed}}},
		Assets: []model.Asset{
			live("openai://projects/p/api_keys/k1", "openai", "sk-p", "WXYZ", "active"),
			live("openai://projects/p/api_keys/k2", "openai", "sk-p", "AAAA", "active"),
			code("file://repo/.env#key-1", "openai", "sk-p", "WXYZ"),    // the same key
			code("file://repo/old.py#key-2", "openai", "sk-p", "QQQQ"),  // revoked or another organisation
			code("file://repo/a.py#key-3", "anthropic", "sk-a", "ZZZZ"), // its organisation was not read: unknown
		}}
	Apply(&inv, Options{})
	get := func(id, key string) any {
		for _, a := range inv.Assets {
			if a.ID == id {
				f, ok := a.Fact(key)
				if !ok {
					return nil
				}
				return f.Value
			}
		}
		t.Fatalf("no %s", id)
		return nil
	}
	for _, c := range []struct {
		id, key string
		want    any
	}{
		{"file://repo/.env#key-1", "key.matches_live_key", true},
		{"file://repo/.env#key-1", "key.live_status", "active"},
		{"openai://projects/p/api_keys/k1", "key.found_in_code", true},
		{"openai://projects/p/api_keys/k2", "key.found_in_code", false},
		{"file://repo/old.py#key-2", "key.matches_live_key", false},
		{"file://repo/a.py#key-3", "key.matches_live_key", nil},
	} {
		if got := get(c.id, c.key); got != c.want {
			t.Errorf("%s %s = %v, want %v", c.id, c.key, got, c.want)
		}
	}
	if r := inv.Assets[0].Relations; len(r) != 1 || r[0] != (model.Relation{Type: "used_in", Target: "file://repo/.env#key-1"}) {
		t.Errorf("live key relations %+v", r)
	}
}
