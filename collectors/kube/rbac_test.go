package kube_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/aisight/aisight/model"
	"github.com/aisight/aisight/scoring"
)

// clusterRoleResources reads the shipped ClusterRole: "group/resource" for
// every resource it grants, with the Gatekeeper wildcard expanded to the
// constraint kinds installed in the test cluster. It fails on any verb but
// get/list/watch and on Secrets.
func clusterRoleResources(t *testing.T) map[string]bool {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "deploy", "kubernetes", "base", "clusterrole.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var role struct {
		Rules []struct {
			APIGroups []string `yaml:"apiGroups"`
			Resources []string `yaml:"resources"`
			Verbs     []string `yaml:"verbs"`
		} `yaml:"rules"`
	}
	if err := yaml.Unmarshal(b, &role); err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, r := range role.Rules {
		for _, v := range r.Verbs {
			if v != "get" && v != "list" && v != "watch" {
				t.Errorf("ClusterRole grants %q", v)
			}
		}
		for _, g := range r.APIGroups {
			for _, res := range r.Resources {
				if res == "secrets" || (res == "*" && g != "constraints.gatekeeper.sh") {
					t.Errorf("ClusterRole grants %s in %q", res, g)
				}
				if res == "*" {
					for _, c := range thirdPartyCRDs(t) {
						if c.Group == g {
							out[g+"/"+c.Plural] = true
						}
					}
					continue
				}
				out[g+"/"+res] = true
			}
		}
	}
	return out
}

// A role without RBAC and NetworkPolicy read: the run is partial (denied),
// the facts that need them are absent, and the control that reads them is
// unknown, never pass.
func TestDeniedResourcesLeaveFactsUnknown(t *testing.T) {
	s := server(t)
	applyEstate(t, s)
	b, err := os.ReadFile(filepath.Join("..", "..", "deploy", "kubernetes", "base", "clusterrole.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var role map[string]any
	if err := yaml.Unmarshal(b, &role); err != nil {
		t.Fatal(err)
	}
	var rules []any
	for _, r := range role["rules"].([]any) {
		groups := r.(map[string]any)["apiGroups"].([]any)
		if groups[0] == "rbac.authorization.k8s.io" || groups[0] == "networking.k8s.io" {
			continue
		}
		rules = append(rules, r)
	}
	role["rules"] = rules
	role["metadata"] = map[string]any{"name": "aisight-reader-partial"}
	out, err := yaml.Marshal(role)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Apply(context.Background(), out); err != nil {
		t.Fatal(err)
	}
	inv := collectorAs(t, s, "aisight-partial", "aisight-reader-partial", 50)
	run := inv.Scan.CollectorRuns[0]
	if run.Status != model.StatusPartial || run.ErrorClass != model.ErrDenied {
		t.Fatalf("run status %s class %s (%s), want partial/denied", run.Status, run.ErrorClass, run.Error)
	}
	if want := expectedAssets(t, "test"); len(inv.Assets) != want {
		t.Errorf("%d assets, want the %d AI workloads and cloud AI resources still found", len(inv.Assets), want)
	}
	for _, a := range inv.Assets {
		for _, k := range []string{"rbac.cluster_admin", "rbac.wildcard_verbs", "network.egress_restricted", "exposure.ingresses"} {
			if _, ok := a.Fact(k); ok {
				t.Errorf("%s has %s although it could not be read", a.ID, k)
			}
		}
	}
	cat, err := scoring.Load("")
	if err != nil {
		t.Fatal(err)
	}
	as := scoring.Assess(inv, cat, nil)
	for _, c := range as.Categories {
		for _, cr := range c.Controls {
			if (cr.ID == "IAM.3.no-cluster-admin" || cr.ID == "ORG.4.egress-controlled") && cr.Result != model.Unknown {
				t.Errorf("%s = %s, want unknown when RBAC/NetworkPolicies are unreadable", cr.ID, cr.Result)
			}
		}
	}
}

// A token the API server does not accept fails the scope as denied, and a
// second, good context in the same kubeconfig is still collected.
func TestBadCredentialsFailOneClusterOnly(t *testing.T) {
	s := server(t)
	applyEstate(t, s)
	token, err := s.ServiceAccountToken(context.Background(), "aisight", "aisight")
	if err != nil {
		t.Fatal(err)
	}
	inv := runCollector(t, s, map[string]string{"good": token, "stale": "not-a-valid-token"}, 100)
	status := map[string]model.CollectorRun{}
	for _, r := range inv.Scan.CollectorRuns {
		status[r.Scope.Name] = r
	}
	if r := status["stale"]; r.Status != model.StatusFailed || r.ErrorClass != model.ErrDenied {
		t.Errorf("stale context: %s/%s %q, want failed/denied", r.Status, r.ErrorClass, r.Error)
	}
	if r := status["good"]; r.Status != model.StatusOK || r.Assets != expectedAssets(t, "good") {
		t.Errorf("good context: %s with %d assets (%s)", r.Status, r.Assets, r.Error)
	}
	ids := map[string]bool{}
	for _, a := range inv.Assets {
		ids[a.Scope] = true
	}
	if !ids["kubernetes:good"] || ids["kubernetes:stale"] || !slices.Contains([]string{"kubernetes:good"}, inv.Assets[0].Scope) {
		t.Errorf("asset scopes %v", ids)
	}
}
