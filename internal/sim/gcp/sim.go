// Package gcp is a gRPC emulator of the Google Cloud services the GCP
// collector reads: Vertex AI (locations, endpoints, models and versions,
// reasoning engines, index endpoints, notebook runtimes, tuning jobs),
// Resource Manager v3 (projects, IAM policy), IAM admin v1 (service
// accounts, keys, custom roles) and Workbench (notebooks v2 instances). The
// real cloud.google.com/go clients talk to it over loopback.
//
// It serves an Estate file, paginates every list, denies projects, answers
// SERVICE_DISABLED for disabled APIs, injects RESOURCE_EXHAUSTED and
// UNAVAILABLE, checks the x-goog-request-params routing header the way the
// front end routes on it, and logs the IAM permission every call needs
// (Permissions), so a test can compare it with the custom role the project
// ships. Any method outside the read-only set is refused and recorded
// (Unexpected).
//
// Files: estate.go (the estate format), sim.go (server, faults, call log),
// vertex.go (Vertex AI services), cloud.go (Resource Manager, IAM,
// Workbench).
package gcp

import (
	"cloud.google.com/go/apikeys/apiv2/apikeyspb"
	"cloud.google.com/go/orgpolicy/apiv2/orgpolicypb"
	"context"
	"fmt"
	"math/rand"
	"net"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"cloud.google.com/go/aiplatform/apiv1/aiplatformpb"
	adminpb "cloud.google.com/go/iam/admin/apiv1/adminpb"
	"cloud.google.com/go/notebooks/apiv2/notebookspb"
	"cloud.google.com/go/resourcemanager/apiv3/resourcemanagerpb"
	"google.golang.org/genproto/googleapis/cloud/location"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/aisight/aisight/internal/sim/quota"
)

// method is what the emulator knows about one RPC: the API it belongs to
// and the IAM permission it needs.
type method struct {
	service    string
	permission string
	routed     bool // the client sends x-goog-request-params for it
}

// methods are the read-only RPCs served. Permissions are the ones Google
// documents for each method.
var methods = map[string]method{
	"/google.cloud.location.Locations/ListLocations":                                        {"aiplatform.googleapis.com", "aiplatform.locations.list", true},
	"/google.cloud.aiplatform.v1.EndpointService/ListEndpoints":                             {"aiplatform.googleapis.com", "aiplatform.endpoints.list", true},
	"/google.cloud.aiplatform.v1.DeploymentResourcePoolService/ListDeploymentResourcePools": {"aiplatform.googleapis.com", "aiplatform.deploymentResourcePools.list", true},
	"/google.cloud.aiplatform.v1.ModelService/ListModels":                                   {"aiplatform.googleapis.com", "aiplatform.models.list", true},
	"/google.cloud.aiplatform.v1.ModelService/ListModelVersions":                            {"aiplatform.googleapis.com", "aiplatform.models.list", true},
	"/google.cloud.aiplatform.v1.ReasoningEngineService/ListReasoningEngines":               {"aiplatform.googleapis.com", "aiplatform.reasoningEngines.list", true},
	"/google.cloud.aiplatform.v1.IndexEndpointService/ListIndexEndpoints":                   {"aiplatform.googleapis.com", "aiplatform.indexEndpoints.list", true},
	"/google.cloud.aiplatform.v1.NotebookService/ListNotebookRuntimes":                      {"aiplatform.googleapis.com", "aiplatform.notebookRuntimes.list", true},
	"/google.cloud.aiplatform.v1.GenAiTuningService/ListTuningJobs":                         {"aiplatform.googleapis.com", "aiplatform.tuningJobs.list", true},
	"/google.cloud.resourcemanager.v3.Projects/SearchProjects":                              {"cloudresourcemanager.googleapis.com", "resourcemanager.projects.get", false},
	"/google.cloud.resourcemanager.v3.Projects/GetProject":                                  {"cloudresourcemanager.googleapis.com", "resourcemanager.projects.get", true},
	"/google.cloud.resourcemanager.v3.Projects/GetIamPolicy":                                {"cloudresourcemanager.googleapis.com", "resourcemanager.projects.getIamPolicy", true},
	"/google.cloud.resourcemanager.v3.Folders/GetFolder":                                    {"cloudresourcemanager.googleapis.com", "resourcemanager.folders.get", true},
	"/google.cloud.resourcemanager.v3.Folders/GetIamPolicy":                                 {"cloudresourcemanager.googleapis.com", "resourcemanager.folders.getIamPolicy", true},
	"/google.cloud.resourcemanager.v3.Organizations/GetOrganization":                        {"cloudresourcemanager.googleapis.com", "resourcemanager.organizations.get", true},
	"/google.cloud.resourcemanager.v3.Organizations/GetIamPolicy":                           {"cloudresourcemanager.googleapis.com", "resourcemanager.organizations.getIamPolicy", true},
	"/google.cloud.orgpolicy.v2.OrgPolicy/GetEffectivePolicy":                               {"orgpolicy.googleapis.com", "orgpolicy.policy.get", true},
	"/google.iam.admin.v1.IAM/ListServiceAccounts":                                          {"iam.googleapis.com", "iam.serviceAccounts.list", true},
	"/google.iam.admin.v1.IAM/ListServiceAccountKeys":                                       {"iam.googleapis.com", "iam.serviceAccountKeys.list", true},
	"/google.iam.admin.v1.IAM/GetRole":                                                      {"iam.googleapis.com", "iam.roles.get", true},
	"/google.cloud.notebooks.v2.NotebookService/ListInstances":                              {"notebooks.googleapis.com", "notebooks.instances.list", true},
	"/google.api.apikeys.v2.ApiKeys/ListKeys":                                               {"apikeys.googleapis.com", "apikeys.keys.list", true},
}

// titles are the APIs' names in SERVICE_DISABLED messages.
var titles = map[string]string{
	"aiplatform.googleapis.com": "Vertex AI API", "notebooks.googleapis.com": "Notebooks API",
	"iam.googleapis.com": "Identity and Access Management (IAM) API", "cloudresourcemanager.googleapis.com": "Cloud Resource Manager API",
	"orgpolicy.googleapis.com": "Organization Policy API", "apikeys.googleapis.com": "API Keys API",
}

// Server is a running emulator.
type Server struct {
	// Addr is host:port of the gRPC listener (127.0.0.1).
	Addr string

	estate *Estate
	grpc   *grpc.Server

	mu          sync.Mutex
	rng         *rand.Rand
	permissions map[string]int
	unexpected  []string
	calls       int
	limits      *quota.Limits // project/location/service
}

// Throttled is how many calls were answered as over the rate limit.
func (s *Server) Throttled() int { return s.limits.Throttled() }

// LowerBound is the time the calls let through so far need at least under
// the rate limit: the busiest project/location/service's calls divided by the rate.
func (s *Server) LowerBound() (key string, seconds float64) { return s.limits.LowerBound() }

// Start serves the estate on a free loopback port.
func Start(e *Estate) (*Server, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{Addr: l.Addr().String(), estate: e, rng: rand.New(rand.NewSource(e.Faults.Seed)), permissions: map[string]int{},
		limits: quota.New(e.Faults.RatePerSecond)}
	s.grpc = grpc.NewServer(grpc.UnaryInterceptor(s.intercept))
	v := &vertex{s: s}
	location.RegisterLocationsServer(s.grpc, v)
	aiplatformpb.RegisterEndpointServiceServer(s.grpc, v)
	aiplatformpb.RegisterModelServiceServer(s.grpc, v)
	aiplatformpb.RegisterReasoningEngineServiceServer(s.grpc, v)
	aiplatformpb.RegisterIndexEndpointServiceServer(s.grpc, v)
	aiplatformpb.RegisterNotebookServiceServer(s.grpc, v)
	aiplatformpb.RegisterGenAiTuningServiceServer(s.grpc, v)
	aiplatformpb.RegisterDeploymentResourcePoolServiceServer(s.grpc, v)
	c := &cloud{s: s}
	resourcemanagerpb.RegisterProjectsServer(s.grpc, c)
	h := &hierarchy{s: s}
	resourcemanagerpb.RegisterFoldersServer(s.grpc, folderServer{hierarchy: h})
	resourcemanagerpb.RegisterOrganizationsServer(s.grpc, orgServer{hierarchy: h})
	orgpolicypb.RegisterOrgPolicyServer(s.grpc, &orgPolicies{s: s})
	adminpb.RegisterIAMServer(s.grpc, &iamAdmin{s: s})
	notebookspb.RegisterNotebookServiceServer(s.grpc, &workbench{s: s})
	apikeyspb.RegisterApiKeysServer(s.grpc, &apiKeys{s: s})
	go s.grpc.Serve(l) //nolint:errcheck // ends with Close
	return s, nil
}

// Close stops the server.
func (s *Server) Close() { s.grpc.Stop() }

// Permissions are the IAM permissions the calls so far needed, sorted.
func (s *Server) Permissions() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for p := range s.permissions {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Unexpected are the calls of methods outside the read-only set.
func (s *Server) Unexpected() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.unexpected)
}

// Calls is how many calls were made.
func (s *Server) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// intercept logs the call's permission, checks routing, denial and disabled
// APIs, and injects faults before the handler answers.
func (s *Server) intercept(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	m, ok := methods[info.FullMethod]
	s.mu.Lock()
	s.calls++
	if !ok {
		s.unexpected = append(s.unexpected, info.FullMethod)
	} else {
		s.permissions[m.permission]++
	}
	roll := s.rng.Float64()
	s.mu.Unlock()
	if !ok {
		return nil, status.Errorf(codes.PermissionDenied, "aisight emulator: %s is not a read-only method", info.FullMethod)
	}
	if err := quota.Delay(ctx, s.estate.Faults.DelayMillis); err != nil {
		return nil, status.FromContextError(err).Err()
	}
	msg, _ := req.(proto.Message)
	resource := resourceOf(msg)
	if m.routed {
		if err := checkRouting(ctx, resource); err != nil {
			return nil, err
		}
	}
	if p := s.projectOf(resource); p != nil {
		if p.Denied && !strings.HasSuffix(info.FullMethod, "/GetProject") {
			return nil, status.Errorf(codes.PermissionDenied, "Permission '%s' denied on resource '//%s/%s' (or it may not exist).", m.permission, m.service, resource)
		}
		if slices.Contains(p.DisabledServices, m.service) {
			return nil, serviceDisabled(m.service, p)
		}
	}
	f := s.estate.Faults
	switch {
	case roll < f.ResourceExhaustedRate || !s.limits.Allow(quotaKey(resource, m.service)):
		st, _ := status.New(codes.ResourceExhausted, "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per region'.").
			WithDetails(&errdetails.ErrorInfo{Reason: "RATE_LIMIT_EXCEEDED", Domain: "googleapis.com", Metadata: map[string]string{"service": m.service}})
		return nil, st.Err()
	case roll < f.ResourceExhaustedRate+f.UnavailableRate:
		return nil, status.Error(codes.Unavailable, "The service is currently unavailable.")
	}
	return handler(ctx, req)
}

// quotaKey is what a call is metered under: its project, its location
// (or zone; "global" when the resource names none) and its service.
func quotaKey(resource, service string) string {
	parts := strings.Split(resource, "/")
	project, loc := "", "global"
	if len(parts) >= 2 && parts[0] == "projects" {
		project = parts[1]
	}
	if len(parts) >= 4 && (parts[2] == "locations" || parts[2] == "zones") {
		loc = parts[3]
	}
	return project + "/" + loc + "/" + service
}

// serviceDisabled is the error Google answers for a call to an API the
// project has not enabled.
func serviceDisabled(service string, p *Project) error {
	st, _ := status.New(codes.PermissionDenied, fmt.Sprintf("%s has not been used in project %s before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/%s/overview?project=%s then retry.",
		titles[service], p.Number, service, p.Number)).
		WithDetails(&errdetails.ErrorInfo{Reason: "SERVICE_DISABLED", Domain: "googleapis.com",
			Metadata: map[string]string{"service": service, "consumer": "projects/" + p.Number}})
	return st.Err()
}

// resourceOf is the resource a request names (parent, name or resource).
func resourceOf(m proto.Message) string {
	if m == nil {
		return ""
	}
	r := m.ProtoReflect()
	for _, f := range []protoreflect.Name{"parent", "name", "resource"} {
		if fd := r.Descriptor().Fields().ByName(f); fd != nil && fd.Kind() == protoreflect.StringKind {
			if v := r.Get(fd).String(); v != "" {
				return v
			}
		}
	}
	return ""
}

// checkRouting wants the routing header to name the request's resource, as
// Google's front end routes regional calls on it.
func checkRouting(ctx context.Context, resource string) error {
	if resource == "" {
		return nil
	}
	md, _ := metadata.FromIncomingContext(ctx)
	for _, h := range md.Get("x-goog-request-params") {
		for _, kv := range strings.Split(h, "&") {
			_, v, _ := strings.Cut(kv, "=")
			if u, err := url.QueryUnescape(v); err == nil && u == resource {
				return nil
			}
		}
	}
	return status.Errorf(codes.InvalidArgument, "missing or wrong x-goog-request-params routing header for %s", resource)
}

// projectOf is the project a resource name is under (by id or number).
func (s *Server) projectOf(resource string) *Project {
	rest, ok := strings.CutPrefix(resource, "projects/")
	if !ok {
		return nil
	}
	id, _, _ := strings.Cut(rest, "/")
	return s.estate.Find(id)
}

// locationOf splits projects/P/locations/L[/...] into the project and its
// Vertex location data (nil when it holds nothing there).
func (s *Server) locationOf(parent string) (*Project, string, *VertexLocation) {
	parts := strings.Split(parent, "/")
	if len(parts) < 4 || parts[0] != "projects" || parts[2] != "locations" {
		return nil, "", nil
	}
	p := s.estate.Find(parts[1])
	if p == nil {
		return nil, parts[3], nil
	}
	return p, parts[3], p.Vertex[parts[3]]
}

// page slices items by the page token and size; the next token is empty
// on the last page.
func page[T any](s *Server, items []T, token string, size int32) ([]T, string, error) {
	n := s.estate.PageSize
	if size > 0 && int(size) < n {
		n = int(size)
	}
	off := 0
	if token != "" {
		v, ok := strings.CutPrefix(token, "o:")
		i, err := strconv.Atoi(v)
		if !ok || err != nil || i < 0 || i > len(items) {
			return nil, "", status.Errorf(codes.InvalidArgument, "invalid page token %q", token)
		}
		off = i
	}
	end := min(off+n, len(items))
	next := ""
	if end < len(items) {
		next = "o:" + strconv.Itoa(end)
	}
	return items[off:end], next, nil
}

// clone deep-copies estate messages, so a client never shares them.
func clone[M proto.Message](in []M) []M {
	out := make([]M, len(in))
	for i, m := range in {
		out[i] = proto.Clone(m).(M)
	}
	return out
}
