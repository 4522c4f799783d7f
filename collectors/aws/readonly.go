package aws

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync/atomic"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/model"
)

// readOnlyPrefixes are the operation name prefixes the collector may call.
var readOnlyPrefixes = []string{"List", "Get", "Describe", "BatchGet"}

// Allowed reports whether an operation may be sent: a read (List*, Get*,
// Describe*, BatchGet*), or sts:AssumeRole, which only yields temporary
// credentials for the member-account role.
func Allowed(service, operation string) bool {
	if service == "STS" && operation == "AssumeRole" {
		return true
	}
	for _, p := range readOnlyPrefixes {
		if strings.HasPrefix(operation, p) {
			return true
		}
	}
	return false
}

// readOnlyGuard refuses, before anything is sent, every operation Allowed
// rejects. It is added to every client the collector builds.
func readOnlyGuard() func(*middleware.Stack) error {
	return func(st *middleware.Stack) error {
		return st.Initialize.Add(middleware.InitializeMiddlewareFunc("aisightReadOnly",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				svc, op := awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx)
				if !Allowed(svc, op) {
					return middleware.InitializeOutput{}, middleware.Metadata{},
						collectors.Classed(model.ErrInternal, fmt.Errorf("aisight is read-only: refused %s %s", svc, op))
				}
				return next.HandleInitialize(ctx, in)
			}), middleware.After) // after the SDK registered the service and operation names
	}
}

// rateLimit waits for the account's limiter (ls: one account's, keyed by
// region and service, as AWS throttles each account per region and
// service) of the operation's region and service before each attempt (it sits after the retry middleware, so a
// retried call waits for a token too instead of only for its backoff).
func rateLimit(ls *collectors.Limiters) func(*middleware.Stack) error {
	return func(st *middleware.Stack) error {
		mw := middleware.FinalizeMiddlewareFunc("aisightRateLimit",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				if err := ls.Get(awsmiddleware.GetRegion(ctx) + "/" + throttleUnit(awsmiddleware.GetServiceID(ctx))).Wait(ctx); err != nil {
					return middleware.FinalizeOutput{}, middleware.Metadata{}, err
				}
				return next.HandleFinalize(ctx, in)
			})
		if _, ok := st.Finalize.Get("Retry"); ok {
			return st.Finalize.Insert(mw, "Retry", middleware.After)
		}
		return st.Finalize.Add(mw, middleware.Before)
	}
}

// throttleUnit is the service whose rate a call counts against: its signing
// name's service. Bedrock Agents signs as bedrock, so its calls are paced
// with Bedrock's (the conservative reading of AWS's per-service quotas,
// and the unit the emulator throttles).
func throttleUnit(serviceID string) string {
	if serviceID == "Bedrock Agent" {
		return "Bedrock"
	}
	return serviceID
}

// callCounter counts HTTP requests (retries included) of one scope.
type callCounter struct{ n atomic.Int64 }

type counterKey struct{}

func withCounter(ctx context.Context, c *callCounter) context.Context {
	return context.WithValue(ctx, counterKey{}, c)
}

// countAttempts counts every attempt (retries included) against the scope
// in the context; it sits after the retry middleware, so it runs per attempt.
func countAttempts() func(*middleware.Stack) error {
	return func(st *middleware.Stack) error {
		return st.Finalize.Add(middleware.FinalizeMiddlewareFunc("aisightCountCalls",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				if n, ok := ctx.Value(counterKey{}).(*callCounter); ok {
					n.n.Add(1)
				}
				collectors.MeterRequest(ctx)
				return next.HandleFinalize(ctx, in)
			}), middleware.After)
	}
}

// limitBody reads every raw response body through a size limit before the
// operation's deserializer does: an endless answer ends in a decode error
// of one call, not in memory exhaustion. It sits innermost in the
// deserialize step, so it sees the response first.
func limitBody(max int64) func(*middleware.Stack) error {
	return func(st *middleware.Stack) error {
		return st.Deserialize.Add(middleware.DeserializeMiddlewareFunc("aisightLimitBody",
			func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
				out, md, err := next.HandleDeserialize(ctx, in)
				if resp, ok := out.RawResponse.(*smithyhttp.Response); ok && resp.Body != nil {
					resp.Body = struct {
						io.Reader
						io.Closer
					}{io.LimitReader(resp.Body, max), resp.Body}
				}
				return out, md, err
			}), middleware.After)
	}
}
