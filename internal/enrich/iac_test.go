package enrich

import (
	"testing"

	"github.com/aisight/aisight/model"
)

func declaredAsset(id string, kind model.Kind, name, region string) model.Asset {
	a := model.Asset{ID: id, Provider: "source", Kind: kind, DeploymentType: model.PaaS, Name: name, Region: region}
	a.SetFact(model.String("iac.cloud", "aws", model.Declared, "t"))
	if name != "" {
		a.SetFact(model.String("iac.cloud_name", name, model.Declared, "t"))
	}
	return a
}

func liveAsset(id string, kind model.Kind, name, region string) model.Asset {
	return model.Asset{ID: id, Provider: "aws", Kind: kind, DeploymentType: model.PaaS, Name: name, Region: region}
}

func TestReconcileDeclaredAndLive(t *testing.T) {
	inv := func(status model.Status) *model.Inventory {
		return &model.Inventory{
			Assets: []model.Asset{
				declaredAsset("file://r/infra#aws_bedrockagent_agent.a", model.KindAgent, "support", "eu-west-1"),
				declaredAsset("file://r/infra#aws_sagemaker_notebook_instance.n", model.KindNotebook, "nb", ""),
				declaredAsset("file://r/infra#aws_bedrockagent_agent.other_region", model.KindAgent, "support", "us-east-1"),
				liveAsset("arn:agent/1", model.KindAgent, "support", "eu-west-1"),
				liveAsset("arn:agent/2", model.KindAgent, "clickops", "eu-west-1"),
				{ID: "arn:role", Provider: "aws", Kind: model.KindIdentity, DeploymentType: model.PaaS, Name: "r"},
			},
			Scan: model.Scan{CollectorRuns: []model.CollectorRun{{Collector: "aws", Status: model.StatusOK}, {Collector: "aws", Status: status}, {Collector: "source", Status: model.StatusOK}}},
		}
	}
	full := inv(model.StatusOK)
	Apply(full, Options{})
	Apply(full, Options{}) // idempotent, as merge re-enriches
	by := map[string]*model.Asset{}
	for i := range full.Assets {
		by[full.Assets[i].ID] = &full.Assets[i]
	}
	check := func(id, key string, want any) {
		t.Helper()
		f, ok := by[id].Fact(key)
		switch {
		case want == nil && ok:
			t.Errorf("%s: %s = %v, want unknown", id, key, f.Value)
		case want != nil && (!ok || f.Value != want):
			t.Errorf("%s: %s = %v (set %v), want %v", id, key, f.Value, ok, want)
		}
	}
	check("file://r/infra#aws_bedrockagent_agent.a", "iac.live", true)
	check("file://r/infra#aws_sagemaker_notebook_instance.n", "iac.live", false)
	check("file://r/infra#aws_bedrockagent_agent.other_region", "iac.live", false)
	check("arn:agent/1", "iac.declared", true)
	check("arn:agent/2", "iac.declared", false)
	check("arn:role", "iac.declared", nil)
	if rel := by["arn:agent/1"].Relations; len(rel) != 1 || rel[0] != (model.Relation{Type: "declared_in", Target: "file://r/infra#aws_bedrockagent_agent.a"}) {
		t.Errorf("live agent relations %+v", rel)
	}
	if rel := by["file://r/infra#aws_bedrockagent_agent.a"].Relations; len(rel) != 1 || rel[0].Target != "arn:agent/1" {
		t.Errorf("declared agent relations %+v", rel)
	}

	// A partial listing cannot say a resource is missing, either way.
	partial := inv(model.StatusPartial)
	Apply(partial, Options{})
	by = map[string]*model.Asset{}
	for i := range partial.Assets {
		by[partial.Assets[i].ID] = &partial.Assets[i]
	}
	check("file://r/infra#aws_sagemaker_notebook_instance.n", "iac.live", nil)
	check("arn:agent/2", "iac.declared", nil)
	check("file://r/infra#aws_bedrockagent_agent.a", "iac.live", true) // a match is still a match
}

func TestReconcileComparesProjectAndResourceGroup(t *testing.T) {
	gcp := func(id, project string) model.Asset {
		a := model.Asset{ID: id, Provider: "source", Kind: model.KindEndpoint, DeploymentType: model.PaaS, Name: "chat"}
		a.SetFact(model.String("iac.cloud", "gcp", model.Declared, "t"))
		a.SetFact(model.String("iac.cloud_name", "chat", model.Declared, "t"))
		a.SetFact(model.String("iac.project", project, model.Declared, "t"))
		return a
	}
	az := model.Asset{ID: "file://r/infra#azurerm_cognitive_account.a", Provider: "source", Kind: model.KindProject, DeploymentType: model.PaaS, Name: "oai"}
	az.SetFact(model.String("iac.cloud", "azure", model.Declared, "t"))
	az.SetFact(model.String("iac.cloud_name", "oai", model.Declared, "t"))
	az.SetFact(model.String("iac.resource_group", "rg-ai", model.Declared, "t"))
	inv := &model.Inventory{
		Assets: []model.Asset{
			gcp("file://r#in-p1", "p1"), gcp("file://r#in-p2", "p2"), az,
			{ID: "//aiplatform.googleapis.com/projects/1/locations/us-central1/endpoints/9", Provider: "gcp", Scope: "gcp:p1:us-central1",
				Kind: model.KindEndpoint, DeploymentType: model.PaaS, Name: "chat"},
			{ID: "/subscriptions/s/resourceGroups/RG-AI/providers/Microsoft.CognitiveServices/accounts/oai", Provider: "azure", Scope: "azure:s",
				Kind: model.KindProject, DeploymentType: model.PaaS, Name: "oai"},
		},
		Scan: model.Scan{CollectorRuns: []model.CollectorRun{{Collector: "gcp", Status: model.StatusOK}, {Collector: "azure", Status: model.StatusOK}}},
	}
	Apply(inv, Options{})
	for id, want := range map[string]bool{"file://r#in-p1": true, "file://r#in-p2": false, "file://r/infra#azurerm_cognitive_account.a": true} {
		for _, a := range inv.Assets {
			if a.ID == id {
				if f, ok := a.Fact("iac.live"); !ok || f.Value != want {
					t.Errorf("%s: iac.live = %v (set %v), want %v", id, f.Value, ok, want)
				}
			}
		}
	}
}
