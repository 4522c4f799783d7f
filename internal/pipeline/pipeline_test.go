package pipeline

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/aisight/aisight/collectors"
	awscol "github.com/aisight/aisight/collectors/aws"
	"github.com/aisight/aisight/model"
)

// fakeSpec plans a collector of one scope that finds one asset, or fails.
type fakeSpec struct{ fail bool }

func (fakeSpec) Name() string            { return "fake" }
func (fakeSpec) Title() string           { return "Fake collector" }
func (fakeSpec) AddFlags(*pflag.FlagSet) {}
func (fakeSpec) Validate() error         { return nil }
func (s fakeSpec) Plan(context.Context, collectors.Env) (collectors.Collector, string, error) {
	return fakeCollector(s), "always", nil
}

type fakeCollector struct{ fail bool }

func (fakeCollector) Name() string { return "fake" }
func (fakeCollector) Scopes(context.Context) ([]model.Scope, error) {
	return []model.Scope{{ID: "one", Kind: "account"}}, nil
}
func (c fakeCollector) Collect(_ context.Context, s model.Scope, sink collectors.Sink) error {
	if c.fail {
		return collectors.Classedf(model.ErrDenied, "denied")
	}
	sink.Asset(model.Asset{ID: "fake://one/a", Provider: "fake", Scope: s.ID, Kind: model.KindAPIKey, DeploymentType: model.APISaaS, Name: "a"})
	return nil
}

func config(specs ...collectors.Spec) Config {
	return Config{Specs: specs, Concurrency: 4, ScopeTimeout: time.Minute}
}

func TestRunScoresWhatWasCollected(t *testing.T) {
	p, err := New(config(fakeSpec{}))
	if err != nil {
		t.Fatal(err)
	}
	r, err := p.Run(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Assets) != 1 || r.Assessment == nil || len(r.Assessment.Categories) != 12 {
		t.Fatalf("report: %d assets, assessment %v", len(r.Assets), r.Assessment != nil)
	}
	var out bytes.Buffer
	if err := p.Finish(context.Background(), r, Outputs{Format: "json"}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"fake://one/a"`) {
		t.Errorf("the JSON report lacks the asset")
	}
}

func TestGates(t *testing.T) {
	p, err := New(config(fakeSpec{fail: true}))
	if err != nil {
		t.Fatal(err)
	}
	r, err := p.Run(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var ie *IncompleteError
	if err := p.Finish(context.Background(), r, Outputs{Format: "json"}, &bytes.Buffer{}); !errors.As(err, &ie) || !strings.Contains(err.Error(), "fake one failed (denied)") {
		t.Errorf("a failed scope: got %v, want an IncompleteError naming it", err)
	}
	var se *ShortfallError
	if err := CheckTargets(*r.Assessment, map[string]model.Level{"ORG": 5}); !errors.As(err, &se) {
		t.Errorf("ORG below L5: got %v, want a ShortfallError", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := p.Finish(ctx, r, Outputs{Format: "json"}, &bytes.Buffer{}); !errors.As(err, &ie) || !strings.Contains(err.Error(), "interrupted") {
		t.Errorf("an interrupted scan: got %v", err)
	}
}

func TestConfigErrors(t *testing.T) {
	var ce *ConfigError
	c := config()
	c.LevelTargets = map[string]model.Level{"NOPE": 2}
	if _, err := New(c); !errors.As(err, &ce) {
		t.Errorf("unknown category: got %v, want a ConfigError", err)
	}
	c = config()
	c.Registry = "/nonexistent/registry.yaml"
	if _, err := New(c); !errors.As(err, &ce) {
		t.Errorf("missing registry: got %v, want a ConfigError", err)
	}
}

// The demo reaches collectors through collectors.Env alone: with the
// process environment pointing AWS elsewhere (an endpoint nothing listens
// on, a profile no file has), the demo's accounts are still scanned, and
// the process environment is left as it was.
func TestDemoPassesEndpointsThroughEnv(t *testing.T) {
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
	t.Setenv("AWS_PROFILE", "no-such-profile")
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAPROCESSENVIRONMENT")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "process-secret")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	d, err := StartDemo(context.Background(), t.TempDir(), false)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	spec := awscol.NewSpec()
	fs := pflag.NewFlagSet("aws", pflag.ContinueOnError)
	spec.AddFlags(fs)
	if err := fs.Parse([]string{"--aws-org", "--aws-role-name", "aisight-readonly", "--aws-regions", "us-east-1"}); err != nil {
		t.Fatal(err)
	}
	p, err := New(Config{Specs: []collectors.Spec{spec}, Env: d.Env, Concurrency: 64, ScopeTimeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	r, err := p.Run(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ok := 0
	for _, run := range r.Scan.CollectorRuns {
		if run.Status == model.StatusOK {
			ok++
		} else {
			t.Errorf("%s %s: %s %s", run.Collector, run.Scope.ID, run.Status, run.Error)
		}
	}
	if ok == 0 || len(r.Assets) == 0 {
		t.Errorf("the demo's AWS estate: %d ok scopes, %d assets", ok, len(r.Assets))
	}
	if got := os.Getenv("AWS_ENDPOINT_URL"); got != "http://127.0.0.1:1" {
		t.Errorf("the process environment changed: AWS_ENDPOINT_URL=%q", got)
	}
}
