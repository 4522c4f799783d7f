package aws

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/spf13/pflag"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/internal/flagvalue"
)

// Spec is the AWS collector's options and enablement.
type Spec struct {
	mode       *flagvalue.Enum
	org        bool
	roleName   string
	externalID string
	regions    []string
	rate       float64
	ownerTags  []string
}

// NewSpec returns the AWS collector's Spec with its defaults.
func NewSpec() *Spec {
	return &Spec{mode: collectors.NewMode(), rate: 20, ownerTags: []string{"owner", "team", "aisight:owner"}}
}

// Name implements collectors.Spec.
func (s *Spec) Name() string { return Name }

// Title implements collectors.Spec.
func (s *Spec) Title() string { return "AWS collector" }

// AddFlags implements collectors.Spec.
func (s *Spec) AddFlags(f *pflag.FlagSet) {
	f.Var(s.mode, "aws", "AWS collector: auto (when AWS credentials are explicitly present), on, off")
	f.BoolVar(&s.org, "aws-org", false, "scan every account of the organisation (run from the management account)")
	f.StringVar(&s.roleName, "aws-role-name", "", "role to assume in member accounts with --aws-org (deploy/aws/aisight-member-role.yaml)")
	f.StringVar(&s.externalID, "aws-external-id", "", "external id for assuming --aws-role-name")
	f.StringSliceVar(&s.regions, "aws-regions", nil, "regions to scan (default each account's enabled regions)")
	f.Float64Var(&s.rate, "aws-rate", s.rate, "most requests per second per account, region and service (AWS throttles each account per region and service)")
	f.StringSliceVar(&s.ownerTags, "aws-owner-tags", s.ownerTags, "tag keys read as the owner, in order")
}

// Validate implements collectors.Spec.
func (s *Spec) Validate() error {
	if s.org && s.roleName == "" {
		return fmt.Errorf("--aws-org needs --aws-role-name, the role to assume in member accounts")
	}
	if math.IsNaN(s.rate) || math.IsInf(s.rate, 0) || s.rate <= 0 {
		return fmt.Errorf("--aws-rate must be a positive number of requests per second")
	}
	return nil
}

// Plan implements collectors.Spec: with --aws=auto the collector runs only
// when credentials are explicitly present (environment keys, a profile or
// shared files, IRSA or a container credentials endpoint), and then it never
// probes the instance metadata service.
func (s *Spec) Plan(ctx context.Context, env collectors.Env) (collectors.Collector, string, error) {
	if s.mode.Value == collectors.ModeOff {
		return nil, "disabled by --aws=off", nil
	}
	opts := Options{Org: s.org, RoleName: s.roleName, ExternalID: s.externalID, Regions: s.regions,
		OwnerTags: s.ownerTags, RatePerAccount: s.rate, Logger: env.Logger, Secret: env.Secret}
	why := credentialSource(env)
	switch {
	case why != "":
		opts.ConfigOptions = append(opts.ConfigOptions, config.WithEC2IMDSClientEnableState(imds.ClientDisabled))
	case s.mode.Value == collectors.ModeOn:
		why = "enabled by --aws=on (default credential chain, instance metadata included)"
	default:
		return nil, "no AWS credentials in the environment, a profile or ~/.aws; set them or --aws=on", nil
	}
	opts.ConfigOptions = append(envConfigOptions(env), opts.ConfigOptions...)
	opts.RetryMode = env.Getenv("AWS_RETRY_MODE")
	c, err := New(ctx, opts)
	if err != nil {
		return nil, "", err
	}
	if s.mode.Value == collectors.ModeOn {
		if err := c.CheckCredentials(ctx); err != nil {
			return nil, "", err
		}
	}
	if s.org {
		why += "; organisation-wide with role " + s.roleName
	}
	return c, why, nil
}

// credentialSource names the explicit credentials present, or "".
func credentialSource(env collectors.Env) string {
	for _, v := range []string{"AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"} {
		if env.Getenv(v) != "" {
			return "credentials from $" + v
		}
	}
	files := []string{env.Getenv("AWS_SHARED_CREDENTIALS_FILE"), env.Getenv("AWS_CONFIG_FILE")}
	if env.HomeDir != "" {
		files = append(files, filepath.Join(env.HomeDir, ".aws", "credentials"), filepath.Join(env.HomeDir, ".aws", "config"))
	}
	for _, f := range files {
		if fi, err := os.Stat(f); f != "" && err == nil && !fi.IsDir() {
			return "credentials from " + f
		}
	}
	return ""
}

// envConfigOptions gives the SDK, explicitly, the settings it would
// otherwise read from the process environment itself (keys, profile, shared
// files, region, endpoint), taken from env: a caller that injects its own
// environment (aisight demo, tests) is obeyed whatever the process holds.
// With env read from the process the result is what the SDK would do.
func envConfigOptions(env collectors.Env) []func(*config.LoadOptions) error {
	var out []func(*config.LoadOptions) error
	get := env.Getenv
	if id, secret := get("AWS_ACCESS_KEY_ID"), get("AWS_SECRET_ACCESS_KEY"); id != "" && secret != "" {
		out = append(out, config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(id, secret, get("AWS_SESSION_TOKEN"))))
	}
	if p := get("AWS_PROFILE"); p != "" {
		out = append(out, config.WithSharedConfigProfile(p))
	}
	cfgFile, credFile := get("AWS_CONFIG_FILE"), get("AWS_SHARED_CREDENTIALS_FILE")
	if env.HomeDir != "" {
		if cfgFile == "" {
			cfgFile = filepath.Join(env.HomeDir, ".aws", "config")
		}
		if credFile == "" {
			credFile = filepath.Join(env.HomeDir, ".aws", "credentials")
		}
	}
	if cfgFile != "" {
		out = append(out, config.WithSharedConfigFiles([]string{cfgFile}))
	}
	if credFile != "" {
		out = append(out, config.WithSharedCredentialsFiles([]string{credFile}))
	}
	region := get("AWS_REGION")
	if region == "" {
		region = get("AWS_DEFAULT_REGION")
	}
	if region != "" {
		out = append(out, config.WithRegion(region))
	}
	if u := get("AWS_ENDPOINT_URL"); u != "" {
		out = append(out, config.WithBaseEndpoint(u))
	}
	return out
}
