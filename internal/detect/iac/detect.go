package iac

import (
	"bytes"
	"fmt"
	"path"
	"strings"
)

// hints are byte strings one of which a file of a per-file form holds:
// a cheap test before any parse (most JSON and YAML files are none).
var hints = [][]byte{
	[]byte("AWS::"),                   // CloudFormation, SAM, CDK output
	[]byte("deploymentTemplate.json"), // ARM
	[]byte("format_version"),          // terraform show -json
	[]byte("cnrm.cloud.google.com"),   // Config Connector
	[]byte("services.k8s.aws"),        // AWS Controllers for Kubernetes
	[]byte(".upbound.io"),             // Crossplane providers
	[]byte(".azure.com/"),             // Azure Service Operator
}

// Candidate reports whether a file may declare cloud resources in one of
// the per-file forms (everything but Terraform HCL and Bicep, which are
// read per module: TerraformFile, BicepFile).
func Candidate(name string, src []byte) bool {
	b := strings.ToLower(path.Base(name))
	switch path.Ext(b) {
	case ".py", ".ts", ".js", ".mjs", ".cjs":
		return PulumiProgram(name, src)
	case ".json", ".yaml", ".yml", ".template":
	default:
		return false
	}
	if pulumiProgram(b) {
		return bytes.Contains(src, []byte("resources:"))
	}
	for _, h := range hints {
		if bytes.Contains(src, h) {
			return true
		}
	}
	return false
}

func pulumiProgram(base string) bool {
	return base == "pulumi.yaml" || base == "pulumi.yml" || base == "main.yaml" || base == "main.yml"
}

// ReadFile reads the declarations of one file of a per-file form:
// CloudFormation/SAM templates, ARM templates, Pulumi YAML and the plain
// resources of Pulumi programs in Python and TypeScript/JavaScript,
// programs, Terraform plan or state JSON, and cloud controllers'
// Kubernetes objects (only those of types the catalog knows).
func (c *Catalog) ReadFile(name string, src []byte) ([]Unit, error) {
	b := strings.ToLower(path.Base(name))
	if PulumiProgram(name, src) {
		if u := pulumiCode(name, src); len(u.Declared) > 0 {
			return []Unit{u}, nil
		}
		return nil, nil
	}
	docs, err := yamlDocs(src)
	var out []Unit
	var kube Unit
	for _, root := range docs {
		var u Unit
		var rerr error
		switch {
		case pulumiProgram(b) && mapping(root, "resources") != nil:
			u, rerr = pulumiYAML(name, root)
		case mapping(root, "AWSTemplateFormatVersion") != nil || mapping(root, "Resources") != nil && bytes.Contains(src, []byte("AWS::")):
			u, rerr = cloudFormation(name, root)
		case isARM(root):
			u, rerr = arm(name, root)
			gen := mapping(mapping(mapping(root, "metadata"), "_generator"), "name")
			u.FromBicep = gen != nil && gen.Value == "bicep"
		case mapping(root, "format_version") != nil && (mapping(root, "planned_values") != nil || mapping(root, "values") != nil):
			u, rerr = terraformPlan(name, root)
		default:
			d, ok, kerr := kubeController(name, root)
			if ok && c.Lookup(FormKubernetes, d.Type) != nil {
				kube.Declared = append(kube.Declared, d)
			}
			rerr = kerr
		}
		if rerr != nil && err == nil {
			err = rerr
		}
		if len(u.Declared) > 0 {
			u.Root = name
			out = append(out, u)
		}
	}
	if len(kube.Declared) > 0 {
		kube.Root = name
		out = append(out, kube)
	}
	if err != nil {
		err = fmt.Errorf("%w", err)
	}
	return out, err
}

// IsBicep reports whether a file is read as Bicep.
func IsBicep(name string) bool { return strings.EqualFold(path.Ext(name), ".bicep") }
