package iac

import "testing"

// FuzzReaders feeds every reader the same bytes under each form's file
// name: whatever a pull-request author commits, a reader returns (with an
// error or not) and never panics or runs away.
func FuzzReaders(f *testing.F) {
	for _, s := range []string{
		"resource \"aws_bedrockagent_agent\" \"a\" {\n  agent_name = \"x\"\n  guardrail_configuration {\n    guardrail_identifier = \"g\"\n  }\n}\n",
		"module \"m\" {\n  source = \"./\"\n}\n",
		"Resources:\n  A:\n    Type: AWS::Bedrock::Agent\n    Properties: {AgentName: !Ref X, GuardrailConfiguration: {GuardrailIdentifier: !GetAtt [G, Id]}}\n",
		`{"$schema":"deploymentTemplate.json","resources":[{"type":"Microsoft.CognitiveServices/accounts","name":"[parameters('n')]","resources":[{"type":"deployments"}]}]}`,
		"resource a 'Microsoft.CognitiveServices/accounts@x' = [for x in y: if (z) {\n  name: 'a${b}'\n  resource d 'deployments' = { parent: a }\n}]\nmodule m './main.bicep' = { params: { p: a.id } }\n",
		"name: p\nruntime: yaml\nresources:\n  nb:\n    type: aws:sagemaker/notebookInstance:NotebookInstance\n    properties: {rootAccess: ${x.y}}\n",
		"import * as aws from \"@pulumi/aws\";\nnew aws.sagemaker.NotebookInstance(\"n\", { a: [1, {b: `x${y}`}], ...rest });\n",
		"import pulumi_gcp as gcp\ngcp.vertex.AiEndpoint(\"e\", spec=gcp.vertex.XArgs(a=f\"{x}\", b=[1,2,{'c': None}]))\n",
	} {
		f.Add([]byte(s))
	}
	c, err := Load()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if tf, err := ParseTerraform("m/main.tf", b); err == nil {
			for _, u := range TerraformUnits([]*TFFile{tf}).Units {
				c.Resources(&u)
			}
		}
		res, _ := BicepUnits([]*BicepFile{NewBicepFile("main.bicep", b)})
		for _, u := range res.Units {
			c.Resources(&u)
		}
		for _, name := range []string{"template.yaml", "azuredeploy.json", "Pulumi.yaml", "index.ts", "__main__.py", "plan.json"} {
			units, _ := c.ReadFile(name, b)
			for i := range units {
				c.Resources(&units[i])
			}
		}
	})
}
