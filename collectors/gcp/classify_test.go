package gcp

import (
	"context"
	"fmt"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/aisight/aisight/model"
)

func TestClassify(t *testing.T) {
	disabled, _ := status.New(codes.PermissionDenied, "Vertex AI API has not been used in project 1 before or it is disabled.").
		WithDetails(&errdetails.ErrorInfo{Reason: "SERVICE_DISABLED", Domain: "googleapis.com"})
	for _, c := range []struct {
		err        error
		class      model.ErrorClass
		notOffered bool
	}{
		{fmt.Errorf("vertex list-endpoints: %w", disabled.Err()), model.ErrNotEnabled, false},
		{status.Error(codes.PermissionDenied, "Permission 'aiplatform.endpoints.list' denied"), model.ErrDenied, false},
		{status.Error(codes.Unauthenticated, "no token"), model.ErrDenied, false},
		{status.Error(codes.ResourceExhausted, "Quota exceeded"), model.ErrThrottled, false},
		{status.Error(codes.Unavailable, "down"), model.ErrUnavailable, false},
		{status.Error(codes.DeadlineExceeded, "slow"), model.ErrUnavailable, false},
		{status.Error(codes.Unimplemented, "reasoning_engines is not supported in location x"), model.ErrNotEnabled, true},
		{status.Error(codes.InvalidArgument, "Location me-central2 is not supported."), model.ErrNotEnabled, true},
		{status.Error(codes.InvalidArgument, "bad page token"), model.ErrNone, false},
		{fmt.Errorf("plain"), model.ErrNone, false},
	} {
		if got := classify(c.err); got != c.class {
			t.Errorf("classify(%v) = %q, want %q", c.err, got, c.class)
		}
		if got := notOffered(c.err); got != c.notOffered {
			t.Errorf("notOffered(%v) = %v", c.err, got)
		}
	}
}

// The read-only guard lets lists, gets and searches through and refuses
// anything else before it leaves the process.
func TestReadOnlyGuard(t *testing.T) {
	called := 0
	invoker := func(context.Context, string, any, any, *grpc.ClientConn, ...grpc.CallOption) error {
		called++
		return nil
	}
	for _, m := range []string{"/google.cloud.aiplatform.v1.EndpointService/ListEndpoints", "/google.cloud.resourcemanager.v3.Projects/GetIamPolicy",
		"/google.cloud.resourcemanager.v3.Projects/SearchProjects"} {
		if err := readOnlyGuard(context.Background(), m, nil, nil, nil, invoker); err != nil {
			t.Errorf("%s refused: %v", m, err)
		}
	}
	for _, m := range []string{"/google.cloud.aiplatform.v1.EndpointService/DeleteEndpoint", "/google.cloud.aiplatform.v1.EndpointService/DeployModel",
		"/google.cloud.resourcemanager.v3.Projects/SetIamPolicy", "/google.iam.admin.v1.IAM/CreateServiceAccountKey"} {
		if err := readOnlyGuard(context.Background(), m, nil, nil, nil, invoker); err == nil {
			t.Errorf("%s allowed", m)
		}
	}
	if called != 3 {
		t.Errorf("invoker called %d times, want 3", called)
	}
}
