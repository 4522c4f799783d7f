package aws

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/bedrock"
)

// guardrailsPage is a ListGuardrails answer of a few items, the size of
// most of the collector's list pages.
const guardrailsPage = `{"guardrails":[` +
	`{"id":"gr1","arn":"arn:aws:bedrock:us-east-1:111122223333:guardrail/gr1","status":"READY","name":"pii","version":"DRAFT","createdAt":"2024-01-01T00:00:00Z","updatedAt":"2024-01-01T00:00:00Z"},` +
	`{"id":"gr2","arn":"arn:aws:bedrock:us-east-1:111122223333:guardrail/gr2","status":"READY","name":"toxicity","version":"1","createdAt":"2024-01-01T00:00:00Z","updatedAt":"2024-01-01T00:00:00Z"},` +
	`{"id":"gr3","arn":"arn:aws:bedrock:us-east-1:111122223333:guardrail/gr3","status":"READY","name":"topics","version":"2","createdAt":"2024-01-01T00:00:00Z","updatedAt":"2024-01-01T00:00:00Z"}]}`

// BenchmarkCallCPU is the cost of one SDK call as the collector makes it
// (its client, middlewares, rate limiter and HTTP client) against the SDK's
// defaults and a bare net/http GET of the same answer, over loopback to a
// server that answers at once (its cost is in every figure alike):
// `go test -run '^$' -bench CallCPU ./collectors/aws/`.
func BenchmarkCallCPU(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, guardrailsPage)
	}))
	defer srv.Close()
	b.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	static := config.WithCredentialsProvider(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: "AKIDBENCH", SecretAccessKey: "bench", Source: "bench"}, nil
	}))
	ctx := context.Background()
	b.Run("net-http", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			resp, err := srv.Client().Get(srv.URL + "/guardrails")
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
	b.Run("sdk-defaults", func(b *testing.B) {
		cfg, err := config.LoadDefaultConfig(ctx, static, config.WithRegion("us-east-1"), config.WithBaseEndpoint(srv.URL))
		if err != nil {
			b.Fatal(err)
		}
		client := bedrock.NewFromConfig(cfg)
		b.ReportAllocs()
		for range b.N {
			if _, err := client.ListGuardrails(ctx, &bedrock.ListGuardrailsInput{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("collector", func(b *testing.B) {
		c, err := New(ctx, Options{RatePerAccount: 1e9, ConfigOptions: []func(*config.LoadOptions) error{static, config.WithRegion("us-east-1"), config.WithBaseEndpoint(srv.URL)}})
		if err != nil {
			b.Fatal(err)
		}
		c.caller = "111122223333"
		cfg, err := c.config(c.caller)
		if err != nil {
			b.Fatal(err)
		}
		client := bedrock.NewFromConfig(cfg)
		cctx := withCounter(ctx, &callCounter{})
		b.ReportAllocs()
		for range b.N {
			if _, err := client.ListGuardrails(cctx, &bedrock.ListGuardrailsInput{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
