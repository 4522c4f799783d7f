package aws

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/smithy-go/middleware"

	"github.com/aisight/aisight/collectors"
)

// The rate limiter waits before each attempt, not once per operation: it
// sits after the SDK's retry middleware, so a retried call (after a
// throttle) waits for a token of its own.
func TestRateLimitWaitsPerAttempt(t *testing.T) {
	st := middleware.NewStack("op", func() any { return nil })
	retry := middleware.FinalizeMiddlewareFunc("Retry", func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
		return next.HandleFinalize(ctx, in)
	})
	if err := st.Finalize.Add(retry, middleware.After); err != nil {
		t.Fatal(err)
	}
	if err := rateLimit(collectors.NewLimiters(10))(st); err != nil {
		t.Fatal(err)
	}
	ids := st.Finalize.List()
	r, l := slices.Index(ids, "Retry"), slices.Index(ids, "aisightRateLimit")
	if r < 0 || l != r+1 {
		t.Errorf("finalize step %v: the limiter must come right after Retry", ids)
	}
}

// Bedrock Agents signs as bedrock: its calls count against Bedrock's rate.
func TestThrottleUnit(t *testing.T) {
	for in, want := range map[string]string{"Bedrock Agent": "Bedrock", "Bedrock": "Bedrock", "SageMaker": "SageMaker", "Bedrock AgentCore Control": "Bedrock AgentCore Control"} {
		if got := throttleUnit(in); got != want {
			t.Errorf("throttleUnit(%q) = %q, want %q", in, got, want)
		}
	}
}
