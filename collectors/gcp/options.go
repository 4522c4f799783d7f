package gcp

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/spf13/pflag"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/internal/flagvalue"
)

// EmulatorEnv names a local emulator (host:port on loopback) every GCP
// call goes to, in plaintext and without credentials: for tests and demos.
const EmulatorEnv = "AISIGHT_GCP_EMULATOR_HOST"

// Spec is the GCP collector's options and enablement.
type Spec struct {
	mode        *flagvalue.Enum
	projects    []string
	locations   []string
	impersonate string
	ownerLabels []string
	rate        float64
}

// NewSpec returns the GCP collector's Spec with its defaults.
func NewSpec() *Spec {
	return &Spec{mode: collectors.NewMode(), rate: 10, ownerLabels: []string{"owner", "team", "aisight-owner"}}
}

// Name implements collectors.Spec.
func (s *Spec) Name() string { return Name }

// Title implements collectors.Spec.
func (s *Spec) Title() string { return "GCP collector" }

// AddFlags implements collectors.Spec.
func (s *Spec) AddFlags(f *pflag.FlagSet) {
	f.Var(s.mode, "gcp", "GCP collector: auto (when Application Default Credentials are explicitly present), on, off")
	f.StringSliceVar(&s.projects, "gcp-projects", nil, "project ids to scan (default every active project the credentials can see)")
	f.StringSliceVar(&s.locations, "gcp-locations", nil, "Vertex AI locations to scan (default the ones the Locations API lists)")
	f.StringVar(&s.impersonate, "gcp-impersonate", "", "service account to impersonate (needs roles/iam.serviceAccountTokenCreator on it)")
	f.Float64Var(&s.rate, "gcp-rate", s.rate, "most requests per second per project and location (Google meters Vertex AI reads per project and region), and of a project's global calls")
	f.StringSliceVar(&s.ownerLabels, "gcp-owner-labels", s.ownerLabels, "label keys read as the owner, in order")
}

var (
	projectID = regexp.MustCompile(`^(?:[a-z][a-z0-9.:-]{0,61}:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$`)
	locationR = regexp.MustCompile(`^[a-z]+(?:-[a-z0-9]+)*$`)
	saEmail   = regexp.MustCompile(`^[a-z0-9._-]+@[a-z0-9.-]+\.gserviceaccount\.com$`)
)

// Validate implements collectors.Spec.
func (s *Spec) Validate() error {
	for _, p := range s.projects {
		if !projectID.MatchString(p) {
			return fmt.Errorf("--gcp-projects %q: want a project id (6-30 lower-case letters, digits and hyphens), not a name or number", p)
		}
	}
	for _, l := range s.locations {
		if !locationR.MatchString(l) {
			return fmt.Errorf("--gcp-locations %q: want a location such as us-central1", l)
		}
	}
	if s.impersonate != "" && !saEmail.MatchString(strings.ToLower(s.impersonate)) {
		return fmt.Errorf("--gcp-impersonate %q: want a service account email (name@project.iam.gserviceaccount.com)", s.impersonate)
	}
	if math.IsNaN(s.rate) || math.IsInf(s.rate, 0) || s.rate <= 0 {
		return fmt.Errorf("--gcp-rate must be a positive number of requests per second")
	}
	return nil
}

// Plan implements collectors.Spec: with --gcp=auto the collector runs only
// when Application Default Credentials are explicitly present (a key or
// external account file in $GOOGLE_APPLICATION_CREDENTIALS, or the gcloud
// ADC file), so it never asks the metadata server on its own; --gcp=on
// also uses the metadata server (GKE workload identity, Compute Engine).
func (s *Spec) Plan(ctx context.Context, env collectors.Env) (collectors.Collector, string, error) {
	if s.mode.Value == collectors.ModeOff {
		return nil, "disabled by --gcp=off", nil
	}
	opts := Options{Projects: s.projects, Locations: s.locations, Impersonate: s.impersonate,
		OwnerLabels: s.ownerLabels, RatePerProject: s.rate, Logger: env.Logger, Secret: env.Secret}
	why := ""
	if emu := env.Getenv(EmulatorEnv); emu != "" {
		opts.Emulator = emu
		why = "emulator at $" + EmulatorEnv
	} else if why = credentialSource(env); why == "" {
		if s.mode.Value != collectors.ModeOn {
			return nil, "no Application Default Credentials ($GOOGLE_APPLICATION_CREDENTIALS or gcloud auth application-default login); set them or --gcp=on", nil
		}
		why = "enabled by --gcp=on (Application Default Credentials, the metadata server included)"
	}
	c, err := New(ctx, opts, env.Catalog)
	if err != nil {
		return nil, "", err
	}
	if s.mode.Value == collectors.ModeOn && opts.Emulator == "" {
		if err := c.CheckCredentials(ctx); err != nil {
			c.Close()
			return nil, "", err
		}
	}
	if s.impersonate != "" {
		why += "; impersonating " + s.impersonate
	}
	return c, why, nil
}

// credentialSource names the explicit ADC file present, or "".
func credentialSource(env collectors.Env) string {
	if f := env.Getenv("GOOGLE_APPLICATION_CREDENTIALS"); f != "" {
		return "credentials from $GOOGLE_APPLICATION_CREDENTIALS"
	}
	var dirs []string
	if d := env.Getenv("CLOUDSDK_CONFIG"); d != "" {
		dirs = append(dirs, d)
	} else if env.HomeDir != "" {
		dirs = append(dirs, filepath.Join(env.HomeDir, ".config", "gcloud"))
	}
	for _, d := range dirs {
		f := filepath.Join(d, "application_default_credentials.json")
		if fi, err := os.Stat(f); err == nil && !fi.IsDir() {
			return "credentials from " + f
		}
	}
	return ""
}
