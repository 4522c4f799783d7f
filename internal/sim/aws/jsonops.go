package aws

import (
	"slices"
	"strings"
)

// jsonOps are the Organizations and SageMaker operations (JSON 1.1).
var jsonOps = map[string]func(*request) (any, error){
	"organizations:DescribeOrganization": describeOrganization,
	"organizations:ListAccounts":         listAccounts,
	"organizations:ListPolicies":         listPolicies,
	"organizations:DescribePolicy":       describePolicy,
	"sagemaker:ListEndpoints":            smList(func(r *Region) []string { return names(r.Endpoints, func(e Endpoint) string { return e.Name }) }, "Endpoints", "endpoint", "EndpointName", "EndpointArn", map[string]any{"EndpointStatus": "InService", "CreationTime": 1.7e9, "LastModifiedTime": 1.7e9}),
	"sagemaker:ListModels":               smList(func(r *Region) []string { return names(r.Models, func(m SMModel) string { return m.Name }) }, "Models", "model", "ModelName", "ModelArn", map[string]any{"CreationTime": 1.7e9}),
	"sagemaker:ListNotebookInstances":    smList(func(r *Region) []string { return names(r.Notebooks, func(n Notebook) string { return n.Name }) }, "NotebookInstances", "notebook-instance", "NotebookInstanceName", "NotebookInstanceArn", map[string]any{"NotebookInstanceStatus": "InService"}),
	"sagemaker:ListDomains":              smList(func(r *Region) []string { return names(r.Domains, func(n Named) string { return n.Name }) }, "Domains", "domain", "DomainName", "DomainArn", map[string]any{"Status": "InService"}),
	"sagemaker:ListModelPackageGroups":   smList(func(r *Region) []string { return names(r.ModelPackageGroups, func(n Named) string { return n.Name }) }, "ModelPackageGroupSummaryList", "model-package-group", "ModelPackageGroupName", "ModelPackageGroupArn", map[string]any{"ModelPackageGroupStatus": "Completed", "CreationTime": 1.7e9}),
	"sagemaker:DescribeEndpoint":         describeEndpoint,
	"sagemaker:DescribeEndpointConfig":   describeEndpointConfig,
	"sagemaker:DescribeModel":            describeModel,
	"sagemaker:DescribeNotebookInstance": describeNotebook,
	"sagemaker:ListTags":                 smListTags,
}

func names[T any](items []T, name func(T) string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = name(it)
	}
	return out
}

func describeOrganization(q *request) (any, error) {
	o := q.s.e.Organization
	if o.ID == "" || q.account != o.Management {
		return nil, &apiError{status: 400, code: "AWSOrganizationsNotInUseException", msg: "Your account is not a member of an organization."}
	}
	return map[string]any{"Organization": map[string]any{"Id": o.ID, "Arn": "arn:aws:organizations::" + o.Management + ":organization/" + o.ID, "MasterAccountId": o.Management}}, nil
}

func (q *request) requireManagement() error {
	if q.account != q.s.e.Organization.Management {
		return &apiError{status: 400, code: "AccessDeniedException", msg: "You don't have permissions to access this resource."}
	}
	return nil
}

func listAccounts(q *request) (any, error) {
	if err := q.requireManagement(); err != nil {
		return nil, err
	}
	items, next := pageOf(q, q.s.e.Accounts, "NextToken")
	var out []map[string]any
	for _, a := range items {
		out = append(out, map[string]any{"Id": a.ID, "Name": a.Name, "Arn": "arn:aws:organizations::" + q.s.e.Organization.Management + ":account/" + q.s.e.Organization.ID + "/" + a.ID, "Email": a.Name + "@example.com", "Status": "ACTIVE", "State": "ACTIVE"})
	}
	return withNext(map[string]any{"Accounts": out}, "NextToken", next), nil
}

func listPolicies(q *request) (any, error) {
	if err := q.requireManagement(); err != nil {
		return nil, err
	}
	filter, _ := q.input()["Filter"].(string)
	if en := q.s.e.Organization.EnabledPolicyTypes; len(en) > 0 && !slices.Contains(en, filter) {
		return nil, &apiError{status: 400, code: "PolicyTypeNotEnabledException", msg: "This operation can be performed only for enabled policy types."}
	}
	var match []OrgPolicy
	for _, p := range q.s.e.Organization.Policies {
		if p.Type == filter {
			match = append(match, p)
		}
	}
	items, next := pageOf(q, match, "NextToken")
	var out []map[string]any
	for _, p := range items {
		out = append(out, policySummary(q, p))
	}
	return withNext(map[string]any{"Policies": out}, "NextToken", next), nil
}

func policySummary(q *request, p OrgPolicy) map[string]any {
	return map[string]any{"Id": p.ID, "Name": p.Name, "Type": p.Type, "AwsManaged": false,
		"Arn": "arn:aws:organizations::" + q.s.e.Organization.Management + ":policy/" + q.s.e.Organization.ID + "/" + strings.ToLower(p.Type) + "/" + p.ID}
}

func describePolicy(q *request) (any, error) {
	if err := q.requireManagement(); err != nil {
		return nil, err
	}
	id, _ := q.input()["PolicyId"].(string)
	for _, p := range q.s.e.Organization.Policies {
		if p.ID == id {
			return map[string]any{"Policy": map[string]any{"PolicySummary": policySummary(q, p), "Content": p.Content}}, nil
		}
	}
	return nil, &apiError{status: 400, code: "PolicyNotFoundException", msg: "policy " + id + " not found"}
}

func withNext(m map[string]any, key, next string) map[string]any {
	if next != "" {
		m[key] = next
	}
	return m
}

// smList serves a SageMaker List operation over names of one resource type.
func smList(list func(*Region) []string, field, arnType, nameKey, arnKey string, extra map[string]any) func(*request) (any, error) {
	return func(q *request) (any, error) {
		var all []string
		if r := q.regionData(); r != nil {
			all = list(r)
		}
		items, next := pageOf(q, all, "NextToken")
		out := []map[string]any{}
		for _, n := range items {
			m := map[string]any{nameKey: n, arnKey: arn("sagemaker", q.region, q.account, arnType+"/"+strings.ToLower(n))}
			for k, v := range extra {
				m[k] = v
			}
			out = append(out, m)
		}
		return withNext(map[string]any{field: out}, "NextToken", next), nil
	}
}

func (q *request) endpoint() (*Endpoint, error) {
	name := q.str("EndpointName")
	if name == "" {
		name = strings.TrimSuffix(q.str("EndpointConfigName"), "-config")
	}
	if r := q.regionData(); r != nil {
		for i := range r.Endpoints {
			if r.Endpoints[i].Name == name {
				return &r.Endpoints[i], nil
			}
		}
	}
	return nil, &apiError{status: 400, code: "ValidationException", msg: "Could not find endpoint " + name}
}

func describeEndpoint(q *request) (any, error) {
	e, err := q.endpoint()
	if err != nil {
		return nil, err
	}
	return map[string]any{"EndpointName": e.Name, "EndpointArn": arn("sagemaker", q.region, q.account, "endpoint/"+strings.ToLower(e.Name)),
		"EndpointConfigName": e.Name + "-config", "EndpointStatus": "InService", "CreationTime": 1.7e9, "LastModifiedTime": 1.7e9}, nil
}

func describeEndpointConfig(q *request) (any, error) {
	e, err := q.endpoint()
	if err != nil {
		return nil, err
	}
	var variants []map[string]any
	for i, m := range e.Models {
		variants = append(variants, map[string]any{"VariantName": "variant-" + string(rune('a'+i)), "ModelName": m, "InitialInstanceCount": 1, "InstanceType": "ml.g5.xlarge"})
	}
	return map[string]any{"EndpointConfigName": e.Name + "-config", "EndpointConfigArn": arn("sagemaker", q.region, q.account, "endpoint-config/"+strings.ToLower(e.Name)+"-config"),
		"ProductionVariants": variants, "DataCaptureConfig": map[string]any{"EnableCapture": e.DataCapture, "InitialSamplingPercentage": 100, "DestinationS3Uri": "s3://capture", "CaptureOptions": []map[string]any{{"CaptureMode": "Input"}}}, "CreationTime": 1.7e9}, nil
}

func describeModel(q *request) (any, error) {
	name := q.str("ModelName")
	if r := q.regionData(); r != nil {
		for _, m := range r.Models {
			if m.Name != name {
				continue
			}
			out := map[string]any{"ModelName": m.Name, "ModelArn": arn("sagemaker", q.region, q.account, "model/"+strings.ToLower(m.Name)),
				"PrimaryContainer": map[string]any{"Image": m.Image, "ModelDataUrl": m.ModelData}, "ExecutionRoleArn": roleARN(q.account, m.Role),
				"EnableNetworkIsolation": m.NetworkIsolation, "CreationTime": 1.7e9}
			if m.VPC {
				out["VpcConfig"] = map[string]any{"Subnets": []string{"subnet-1"}, "SecurityGroupIds": []string{"sg-1"}}
			}
			return out, nil
		}
	}
	return nil, &apiError{status: 400, code: "ValidationException", msg: "Could not find model " + name}
}

func describeNotebook(q *request) (any, error) {
	name := q.str("NotebookInstanceName")
	if r := q.regionData(); r != nil {
		for _, n := range r.Notebooks {
			if n.Name != name {
				continue
			}
			onOff := map[bool]string{true: "Enabled", false: "Disabled"}
			return map[string]any{"NotebookInstanceName": n.Name, "NotebookInstanceArn": arn("sagemaker", q.region, q.account, "notebook-instance/"+strings.ToLower(n.Name)),
				"RoleArn": roleARN(q.account, n.Role), "RootAccess": onOff[n.RootAccess], "DirectInternetAccess": onOff[n.DirectInternet], "NotebookInstanceStatus": "InService"}, nil
		}
	}
	return nil, &apiError{status: 400, code: "ValidationException", msg: "RecordNotFound"}
}

func smListTags(q *request) (any, error) {
	target := q.str("ResourceArn")
	tags := []map[string]any{}
	if r := q.regionData(); r != nil {
		for _, e := range r.Endpoints {
			if arn("sagemaker", q.region, q.account, "endpoint/"+strings.ToLower(e.Name)) == target {
				for _, k := range sortedKeys(e.Tags) {
					tags = append(tags, map[string]any{"Key": k, "Value": e.Tags[k]})
				}
			}
		}
	}
	return map[string]any{"Tags": tags}, nil
}
