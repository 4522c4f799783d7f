package gcp

import (
	"cloud.google.com/go/apikeys/apiv2/apikeyspb"
	"cloud.google.com/go/orgpolicy/apiv2/orgpolicypb"
	"context"
	"strings"

	adminpb "cloud.google.com/go/iam/admin/apiv1/adminpb"
	"cloud.google.com/go/iam/apiv1/iampb"
	"cloud.google.com/go/notebooks/apiv2/notebookspb"
	"cloud.google.com/go/resourcemanager/apiv3/resourcemanagerpb"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

// cloud serves Resource Manager v3 projects.
type cloud struct {
	resourcemanagerpb.UnimplementedProjectsServer
	s *Server
}

// hierarchy is the estate's folders and organisations, served as
// Resource Manager v3 Folders (folderServer) and Organizations (orgServer).
type hierarchy struct{ s *Server }

type folderServer struct {
	resourcemanagerpb.UnimplementedFoldersServer
	*hierarchy
}

type orgServer struct {
	resourcemanagerpb.UnimplementedOrganizationsServer
	*hierarchy
}

func (f folderServer) GetIamPolicy(ctx context.Context, req *iampb.GetIamPolicyRequest) (*iampb.Policy, error) {
	return f.policy(ctx, req)
}

func (o orgServer) GetIamPolicy(ctx context.Context, req *iampb.GetIamPolicyRequest) (*iampb.Policy, error) {
	return o.policy(ctx, req)
}

func (h *hierarchy) node(name, perm string) (*Node, error) {
	n := h.s.estate.Node(name)
	if n == nil || n.Denied {
		return nil, status.Errorf(codes.PermissionDenied, "Permission '%s' denied on resource '//cloudresourcemanager.googleapis.com/%s' (or it may not exist).", perm, name)
	}
	return n, nil
}

func (f folderServer) GetFolder(_ context.Context, req *resourcemanagerpb.GetFolderRequest) (*resourcemanagerpb.Folder, error) {
	n, err := f.node(req.GetName(), "resourcemanager.folders.get")
	if err != nil || !strings.HasPrefix(n.Name, "folders/") {
		return nil, err
	}
	return &resourcemanagerpb.Folder{Name: n.Name, Parent: n.Parent, DisplayName: n.DisplayName, State: resourcemanagerpb.Folder_ACTIVE}, nil
}

func (o orgServer) GetOrganization(_ context.Context, req *resourcemanagerpb.GetOrganizationRequest) (*resourcemanagerpb.Organization, error) {
	n, err := o.node(req.GetName(), "resourcemanager.organizations.get")
	if err != nil {
		return nil, err
	}
	return &resourcemanagerpb.Organization{Name: n.Name, DisplayName: n.DisplayName, State: resourcemanagerpb.Organization_ACTIVE}, nil
}

// policy is a folder's or organisation's IAM policy.
func (h *hierarchy) policy(_ context.Context, req *iampb.GetIamPolicyRequest) (*iampb.Policy, error) {
	perm := "resourcemanager.organizations.getIamPolicy"
	if strings.HasPrefix(req.GetResource(), "folders/") {
		perm = "resourcemanager.folders.getIamPolicy"
	}
	n, err := h.node(req.GetResource(), perm)
	if err != nil {
		return nil, err
	}
	return proto.Clone(n.policy).(*iampb.Policy), nil
}

// iamAdmin serves IAM admin v1 (service accounts, keys, roles).
type iamAdmin struct {
	adminpb.UnimplementedIAMServer
	s *Server
}

func (c *cloud) project(p *Project) *resourcemanagerpb.Project {
	state := resourcemanagerpb.Project_State(resourcemanagerpb.Project_State_value[p.State])
	return &resourcemanagerpb.Project{Name: "projects/" + p.Number, ProjectId: p.ID, DisplayName: p.DisplayName,
		Parent: p.Parent, State: state, Labels: p.Labels}
}

func (c *cloud) SearchProjects(_ context.Context, req *resourcemanagerpb.SearchProjectsRequest) (*resourcemanagerpb.SearchProjectsResponse, error) {
	var out []*resourcemanagerpb.Project
	for _, p := range c.s.estate.Projects {
		if strings.Contains(req.GetQuery(), "state:ACTIVE") && p.State != "ACTIVE" {
			continue
		}
		out = append(out, c.project(p))
	}
	items, next, err := page(c.s, out, req.GetPageToken(), req.GetPageSize())
	if err != nil {
		return nil, err
	}
	return &resourcemanagerpb.SearchProjectsResponse{Projects: items, NextPageToken: next}, nil
}

func (c *cloud) GetProject(_ context.Context, req *resourcemanagerpb.GetProjectRequest) (*resourcemanagerpb.Project, error) {
	p := c.s.projectOf(req.GetName())
	if p == nil {
		return nil, status.Errorf(codes.PermissionDenied, "Permission 'resourcemanager.projects.get' denied on resource '//cloudresourcemanager.googleapis.com/%s' (or it may not exist).", req.GetName())
	}
	return c.project(p), nil
}

func (c *cloud) GetIamPolicy(_ context.Context, req *iampb.GetIamPolicyRequest) (*iampb.Policy, error) {
	p := c.s.projectOf(req.GetResource())
	if p == nil {
		return nil, status.Errorf(codes.PermissionDenied, "Permission 'resourcemanager.projects.getIamPolicy' denied on resource '//cloudresourcemanager.googleapis.com/%s' (or it may not exist).", req.GetResource())
	}
	return proto.Clone(p.policy).(*iampb.Policy), nil
}

func (c *iamAdmin) ListServiceAccounts(_ context.Context, req *adminpb.ListServiceAccountsRequest) (*adminpb.ListServiceAccountsResponse, error) {
	p := c.s.projectOf(req.GetName())
	if p == nil {
		return nil, status.Errorf(codes.NotFound, "project %s not found", req.GetName())
	}
	var out []*adminpb.ServiceAccount
	for i, sa := range p.ServiceAccounts {
		out = append(out, &adminpb.ServiceAccount{Name: "projects/" + p.ID + "/serviceAccounts/" + sa.Email, ProjectId: p.ID,
			UniqueId: p.Number + "0000" + string(rune('0'+i%10)), Email: sa.Email, DisplayName: sa.DisplayName, Disabled: sa.Disabled})
	}
	items, next, err := page(c.s, out, req.GetPageToken(), req.GetPageSize())
	if err != nil {
		return nil, err
	}
	return &adminpb.ListServiceAccountsResponse{Accounts: items, NextPageToken: next}, nil
}

func (c *iamAdmin) ListServiceAccountKeys(_ context.Context, req *adminpb.ListServiceAccountKeysRequest) (*adminpb.ListServiceAccountKeysResponse, error) {
	p := c.s.projectOf(req.GetName())
	_, email, _ := strings.Cut(req.GetName(), "/serviceAccounts/")
	if p == nil {
		return nil, status.Errorf(codes.NotFound, "service account %s not found", req.GetName())
	}
	for _, sa := range p.ServiceAccounts {
		if sa.Email != email {
			continue
		}
		var out []*adminpb.ServiceAccountKey
		for _, k := range sa.keys {
			typ := k.KeyType
			if typ == adminpb.ListServiceAccountKeysRequest_KEY_TYPE_UNSPECIFIED {
				typ = adminpb.ListServiceAccountKeysRequest_USER_MANAGED
			}
			if len(req.GetKeyTypes()) > 0 && !containsType(req.GetKeyTypes(), typ) {
				continue
			}
			k := proto.Clone(k).(*adminpb.ServiceAccountKey)
			k.KeyType = typ
			out = append(out, k)
		}
		return &adminpb.ListServiceAccountKeysResponse{Keys: out}, nil
	}
	return nil, status.Errorf(codes.NotFound, "Service account %s does not exist.", req.GetName())
}

func containsType(ts []adminpb.ListServiceAccountKeysRequest_KeyType, t adminpb.ListServiceAccountKeysRequest_KeyType) bool {
	for _, x := range ts {
		if x == t {
			return true
		}
	}
	return false
}

func (c *iamAdmin) GetRole(_ context.Context, req *adminpb.GetRoleRequest) (*adminpb.Role, error) {
	for _, p := range c.s.estate.Projects {
		for _, r := range p.roles {
			if r.Name == req.GetName() {
				return proto.Clone(r).(*adminpb.Role), nil
			}
		}
	}
	return nil, status.Errorf(codes.NotFound, "Role %s not found.", req.GetName())
}

// apiKeys serves the API Keys API v2's listing (never a key string).
type apiKeys struct {
	apikeyspb.UnimplementedApiKeysServer
	s *Server
}

func (a *apiKeys) ListKeys(_ context.Context, req *apikeyspb.ListKeysRequest) (*apikeyspb.ListKeysResponse, error) {
	parts := strings.Split(req.GetParent(), "/")
	if len(parts) != 4 || parts[0] != "projects" || parts[2] != "locations" || parts[3] != "global" {
		return nil, status.Errorf(codes.InvalidArgument, "invalid parent %q", req.GetParent())
	}
	p := a.s.estate.Find(parts[1])
	if p == nil {
		return nil, status.Errorf(codes.PermissionDenied, "Permission 'apikeys.keys.list' denied on %s", req.GetParent())
	}
	var out []*apikeyspb.Key
	for _, k := range p.apiKeys {
		if k.GetDeleteTime() != nil && !req.GetShowDeleted() {
			continue
		}
		c := proto.Clone(k).(*apikeyspb.Key)
		c.KeyString = ""
		out = append(out, c)
	}
	items, next, err := page(a.s, out, req.GetPageToken(), req.GetPageSize())
	if err != nil {
		return nil, err
	}
	return &apikeyspb.ListKeysResponse{Keys: items, NextPageToken: next}, nil
}

// workbench serves Workbench (notebooks v2) instances.
type workbench struct {
	notebookspb.UnimplementedNotebookServiceServer
	s *Server
}

func (w *workbench) ListInstances(_ context.Context, req *notebookspb.ListInstancesRequest) (*notebookspb.ListInstancesResponse, error) {
	parts := strings.Split(req.GetParent(), "/")
	if len(parts) != 4 || parts[0] != "projects" || parts[2] != "locations" {
		return nil, status.Errorf(codes.InvalidArgument, "invalid parent %q", req.GetParent())
	}
	p := w.s.estate.Find(parts[1])
	if p == nil {
		return nil, status.Errorf(codes.PermissionDenied, "Permission 'notebooks.instances.list' denied on %s", req.GetParent())
	}
	var out []*notebookspb.Instance
	for _, in := range p.workbench {
		if parts[3] == "-" || strings.Contains(in.Name, "/locations/"+parts[3]+"/") {
			out = append(out, proto.Clone(in).(*notebookspb.Instance))
		}
	}
	items, next, err := page(w.s, out, req.GetPageToken(), req.GetPageSize())
	if err != nil {
		return nil, err
	}
	return &notebookspb.ListInstancesResponse{Instances: items, NextPageToken: next}, nil
}

// orgPolicies serves the Organization Policy API v2: the policy in effect
// for a project (its own or the nearest ancestor's).
type orgPolicies struct {
	orgpolicypb.UnimplementedOrgPolicyServer
	s *Server
}

func (o *orgPolicies) GetEffectivePolicy(_ context.Context, req *orgpolicypb.GetEffectivePolicyRequest) (*orgpolicypb.Policy, error) {
	name := req.GetName()
	p := o.s.projectOf(name)
	_, constraint, ok := strings.Cut(name, "/policies/")
	if p == nil || !ok {
		return nil, status.Errorf(codes.PermissionDenied, "Permission 'orgpolicy.policy.get' denied on resource '//orgpolicy.googleapis.com/%s' (or it may not exist).", name)
	}
	out := &orgpolicypb.Policy{Name: "projects/" + p.Number + "/policies/" + constraint, Spec: &orgpolicypb.PolicySpec{}}
	if spec := o.s.estate.EffectivePolicy(p, constraint); spec != nil {
		out.Spec = proto.Clone(spec).(*orgpolicypb.PolicySpec)
	}
	return out, nil
}
