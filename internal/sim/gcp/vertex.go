package gcp

import (
	"context"
	"slices"
	"strings"

	"cloud.google.com/go/aiplatform/apiv1/aiplatformpb"
	"google.golang.org/genproto/googleapis/cloud/location"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// vertex serves the Vertex AI services.
type vertex struct {
	location.UnimplementedLocationsServer
	aiplatformpb.UnimplementedEndpointServiceServer
	aiplatformpb.UnimplementedModelServiceServer
	aiplatformpb.UnimplementedReasoningEngineServiceServer
	aiplatformpb.UnimplementedIndexEndpointServiceServer
	aiplatformpb.UnimplementedNotebookServiceServer
	aiplatformpb.UnimplementedGenAiTuningServiceServer
	aiplatformpb.UnimplementedDeploymentResourcePoolServiceServer
	s *Server
}

func (v *vertex) ListLocations(_ context.Context, req *location.ListLocationsRequest) (*location.ListLocationsResponse, error) {
	p := v.s.projectOf(req.GetName())
	if p == nil {
		return nil, status.Errorf(codes.NotFound, "project %s not found", req.GetName())
	}
	var locs []*location.Location
	for _, l := range v.s.estate.Locations {
		locs = append(locs, &location.Location{Name: "projects/" + p.ID + "/locations/" + l, LocationId: l, DisplayName: l})
	}
	items, next, err := page(v.s, locs, req.GetPageToken(), req.GetPageSize())
	if err != nil {
		return nil, err
	}
	return &location.ListLocationsResponse{Locations: items, NextPageToken: next}, nil
}

// at resolves a list's parent to the location's data; a service the
// location does not offer answers UNIMPLEMENTED, a project or location
// the estate does not hold lists nothing.
func (v *vertex) at(parent, service string) (*VertexLocation, error) {
	p, loc, data := v.s.locationOf(parent)
	if p == nil {
		return nil, status.Errorf(codes.PermissionDenied, "Permission denied on resource project %s (or it may not exist).", parent)
	}
	if !slices.Contains(v.s.estate.Locations, loc) {
		return nil, status.Errorf(codes.InvalidArgument, "Location %s is not supported.", loc)
	}
	if data == nil {
		return &VertexLocation{}, nil
	}
	if slices.Contains(data.NotOffered, service) {
		return nil, status.Errorf(codes.Unimplemented, "%s is not supported in location %s.", service, loc)
	}
	return data, nil
}

func (v *vertex) ListEndpoints(_ context.Context, req *aiplatformpb.ListEndpointsRequest) (*aiplatformpb.ListEndpointsResponse, error) {
	d, err := v.at(req.GetParent(), "endpoints")
	if err != nil {
		return nil, err
	}
	items, next, err := page(v.s, clone(d.endpoints), req.GetPageToken(), req.GetPageSize())
	if err != nil {
		return nil, err
	}
	return &aiplatformpb.ListEndpointsResponse{Endpoints: items, NextPageToken: next}, nil
}

// defaultVersions are the models as ListModels shows them: one entry per
// model, its version aliased "default" (else its first).
func defaultVersions(all []*aiplatformpb.Model) []*aiplatformpb.Model {
	var out []*aiplatformpb.Model
	idx := map[string]int{}
	for _, m := range all {
		i, seen := idx[m.Name]
		switch {
		case !seen:
			idx[m.Name] = len(out)
			out = append(out, m)
		case slices.Contains(m.VersionAliases, "default"):
			out[i] = m
		}
	}
	return out
}

func (v *vertex) ListModels(_ context.Context, req *aiplatformpb.ListModelsRequest) (*aiplatformpb.ListModelsResponse, error) {
	d, err := v.at(req.GetParent(), "models")
	if err != nil {
		return nil, err
	}
	items, next, err := page(v.s, clone(defaultVersions(d.models)), req.GetPageToken(), req.GetPageSize())
	if err != nil {
		return nil, err
	}
	return &aiplatformpb.ListModelsResponse{Models: items, NextPageToken: next}, nil
}

func (v *vertex) ListModelVersions(_ context.Context, req *aiplatformpb.ListModelVersionsRequest) (*aiplatformpb.ListModelVersionsResponse, error) {
	name := req.GetName()
	parent, _, _ := strings.Cut(name, "/models/")
	d, err := v.at(parent, "models")
	if err != nil {
		return nil, err
	}
	var versions []*aiplatformpb.Model
	for _, m := range d.models {
		if m.Name == name {
			versions = append(versions, m)
		}
	}
	if len(versions) == 0 {
		return nil, status.Errorf(codes.NotFound, "Model %s not found.", name)
	}
	items, next, err := page(v.s, clone(versions), req.GetPageToken(), req.GetPageSize())
	if err != nil {
		return nil, err
	}
	return &aiplatformpb.ListModelVersionsResponse{Models: items, NextPageToken: next}, nil
}

func (v *vertex) ListReasoningEngines(_ context.Context, req *aiplatformpb.ListReasoningEnginesRequest) (*aiplatformpb.ListReasoningEnginesResponse, error) {
	d, err := v.at(req.GetParent(), "reasoning_engines")
	if err != nil {
		return nil, err
	}
	items, next, err := page(v.s, clone(d.engines), req.GetPageToken(), req.GetPageSize())
	if err != nil {
		return nil, err
	}
	return &aiplatformpb.ListReasoningEnginesResponse{ReasoningEngines: items, NextPageToken: next}, nil
}

func (v *vertex) ListIndexEndpoints(_ context.Context, req *aiplatformpb.ListIndexEndpointsRequest) (*aiplatformpb.ListIndexEndpointsResponse, error) {
	d, err := v.at(req.GetParent(), "index_endpoints")
	if err != nil {
		return nil, err
	}
	items, next, err := page(v.s, clone(d.indexEPs), req.GetPageToken(), req.GetPageSize())
	if err != nil {
		return nil, err
	}
	return &aiplatformpb.ListIndexEndpointsResponse{IndexEndpoints: items, NextPageToken: next}, nil
}

func (v *vertex) ListNotebookRuntimes(_ context.Context, req *aiplatformpb.ListNotebookRuntimesRequest) (*aiplatformpb.ListNotebookRuntimesResponse, error) {
	d, err := v.at(req.GetParent(), "notebook_runtimes")
	if err != nil {
		return nil, err
	}
	items, next, err := page(v.s, clone(d.runtimes), req.GetPageToken(), req.GetPageSize())
	if err != nil {
		return nil, err
	}
	return &aiplatformpb.ListNotebookRuntimesResponse{NotebookRuntimes: items, NextPageToken: next}, nil
}

func (v *vertex) ListTuningJobs(_ context.Context, req *aiplatformpb.ListTuningJobsRequest) (*aiplatformpb.ListTuningJobsResponse, error) {
	d, err := v.at(req.GetParent(), "tuning_jobs")
	if err != nil {
		return nil, err
	}
	items, next, err := page(v.s, clone(d.tuning), req.GetPageToken(), req.GetPageSize())
	if err != nil {
		return nil, err
	}
	return &aiplatformpb.ListTuningJobsResponse{TuningJobs: items, NextPageToken: next}, nil
}

func (v *vertex) ListDeploymentResourcePools(_ context.Context, req *aiplatformpb.ListDeploymentResourcePoolsRequest) (*aiplatformpb.ListDeploymentResourcePoolsResponse, error) {
	d, err := v.at(req.GetParent(), "deployment_resource_pools")
	if err != nil {
		return nil, err
	}
	items, next, err := page(v.s, clone(d.pools), req.GetPageToken(), req.GetPageSize())
	if err != nil {
		return nil, err
	}
	return &aiplatformpb.ListDeploymentResourcePoolsResponse{DeploymentResourcePools: items, NextPageToken: next}, nil
}
