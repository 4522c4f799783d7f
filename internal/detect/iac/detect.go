package iac

import (
	"bytes"
	"fmt"
	"path"
	"slices"
	"strings"
)

// Hints are literals one of which a file of a per-file form holds; the
// source collector finds them in its one anchor pass over each file, so
// telling a candidate costs nothing more. They are chosen for rare first
// bytes: CloudFormation types (AWS::), ARM types (Microsoft.), plan and
// state JSON (root_module), cloud controllers' API groups, Pulumi SDKs.
var Hints = append(slices.Clone(structHints), "@pulumi/", "pulumi_")

// structHints are the hints of the JSON and YAML forms.
var structHints = []string{"AWS::", "Microsoft.", "root_module", "cnrm.cloud", "k8s.aws", "upbound.io", "azure.com/v"}

// Candidate reports whether a file may declare cloud resources in one of
// the per-file forms (everything but Terraform HCL and Bicep, which are
// read per module: TerraformFile, IsBicep).
func Candidate(name string, src []byte) bool {
	return CandidateHits(name, func(h string) bool { return bytes.Contains(src, []byte(h)) })
}

// CandidateHits is Candidate with has telling whether the file holds a
// hint (an anchor pass already made).
func CandidateHits(name string, has func(hint string) bool) bool {
	b := strings.ToLower(path.Base(name))
	switch path.Ext(b) {
	case ".py":
		return has("pulumi_")
	case ".ts", ".js", ".mjs", ".cjs":
		return has("@pulumi/")
	case ".json", ".yaml", ".yml", ".template":
	default:
		return false
	}
	if pulumiProgram(b) {
		return true
	}
	for _, h := range structHints {
		if has(h) {
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
			d, ok, kerr := c.kubeController(name, root)
			if ok {
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
