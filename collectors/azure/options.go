package azure

import (
	"context"
	"crypto/x509"
	"fmt"
	"math"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/spf13/pflag"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/internal/bounded"
	"github.com/aisight/aisight/internal/flagvalue"
	"github.com/aisight/aisight/model"
)

// Emulator settings: every call goes to AISIGHT_AZURE_EMULATOR_URL (an
// https URL on loopback) trusting only the certificate in
// AISIGHT_AZURE_EMULATOR_CA, with a fixed token: for tests and demos.
const (
	EmulatorURLEnv = "AISIGHT_AZURE_EMULATOR_URL"
	EmulatorCAEnv  = "AISIGHT_AZURE_EMULATOR_CA"
	// EmulatorToken is the bearer token sent to an emulator.
	EmulatorToken = "aisight-emulator-token"
)

var clouds = map[string]cloud.Configuration{"public": cloud.AzurePublic, "usgovernment": cloud.AzureGovernment, "china": cloud.AzureChina}

// Spec is the Azure collector's options and enablement.
type Spec struct {
	mode          *flagvalue.Enum
	cloud         *flagvalue.Enum
	subscriptions []string
	tenant        string
	ownerTags     []string
	rate          float64
}

// NewSpec returns the Azure collector's Spec with its defaults.
func NewSpec() *Spec {
	return &Spec{mode: collectors.NewMode(), cloud: flagvalue.NewEnum("public", "public", "usgovernment", "china"), rate: 10,
		ownerTags: []string{"owner", "team", "aisight-owner"}}
}

// Name implements collectors.Spec.
func (s *Spec) Name() string { return Name }

// Title implements collectors.Spec.
func (s *Spec) Title() string { return "Azure collector" }

// AddFlags implements collectors.Spec.
func (s *Spec) AddFlags(f *pflag.FlagSet) {
	f.Var(s.mode, "azure", "Azure collector: auto (when Azure credentials are explicitly present: AZURE_* environment or an Azure CLI login), on, off")
	f.StringSliceVar(&s.subscriptions, "azure-subscriptions", nil, "subscription ids to scan (default every enabled subscription the credential can see)")
	f.StringVar(&s.tenant, "azure-tenant", "", "Entra tenant id to sign in to (default the credential's)")
	f.Var(s.cloud, "azure-cloud", "Azure cloud: public, usgovernment, china")
	f.Float64Var(&s.rate, "azure-rate", s.rate, "most requests per second per subscription")
	f.StringSliceVar(&s.ownerTags, "azure-owner-tags", s.ownerTags, "tag keys read as the owner, in order")
}

var guid = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// Validate implements collectors.Spec.
func (s *Spec) Validate() error {
	for _, id := range s.subscriptions {
		if !guid.MatchString(id) {
			return fmt.Errorf("--azure-subscriptions %q: want a subscription id (a GUID), not a name", id)
		}
	}
	if s.tenant != "" && !guid.MatchString(s.tenant) {
		return fmt.Errorf("--azure-tenant %q: want a tenant id (a GUID)", s.tenant)
	}
	if math.IsNaN(s.rate) || math.IsInf(s.rate, 0) || s.rate <= 0 {
		return fmt.Errorf("--azure-rate must be a positive number of requests per second")
	}
	return nil
}

// Plan implements collectors.Spec: with --azure=auto the collector runs
// only when credentials are explicitly present (a service principal or
// workload identity in the AZURE_* environment, or an Azure CLI login),
// and then never asks the instance metadata service (managed identity);
// --azure=on uses the full DefaultAzureCredential chain, managed identity
// included.
func (s *Spec) Plan(ctx context.Context, env collectors.Env) (collectors.Collector, string, error) {
	if s.mode.Value == collectors.ModeOff {
		return nil, "disabled by --azure=off", nil
	}
	opts := Options{Subscriptions: s.subscriptions, Cloud: clouds[s.cloud.Value], OwnerTags: s.ownerTags,
		RatePerSubscription: s.rate, Logger: env.Logger}
	var why string
	if u := env.Getenv(EmulatorURLEnv); u != "" {
		roots, err := emulatorRoots(u, env.Getenv(EmulatorCAEnv))
		if err != nil {
			return nil, "", err
		}
		opts.RootCAs = roots
		opts.Cloud = cloud.Configuration{ActiveDirectoryAuthorityHost: u, Services: map[cloud.ServiceName]cloud.ServiceConfiguration{
			cloud.ResourceManager: {Endpoint: u, Audience: u}}}
		opts.Credential = staticToken(EmulatorToken)
		why = "emulator at $" + EmulatorURLEnv
	} else {
		cred, source, err := s.credential(env)
		if err != nil {
			return nil, "", err
		}
		if cred == nil {
			return nil, "no Azure credentials (AZURE_CLIENT_ID with a secret, certificate or federated token, or az login); set them or --azure=on", nil
		}
		if s.mode.Value == collectors.ModeOn {
			if err := s.checkToken(ctx, cred, env); err != nil {
				return nil, "", err
			}
		}
		opts.Credential, why = cred, source
	}
	for _, k := range []string{"AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PASSWORD", "AZURE_PASSWORD"} {
		env.RegisterSecret(env.Getenv(k))
	}
	if env.Getenv(EmulatorURLEnv) == "" {
		// Tokens handed out are masked in every output; the emulator's
		// fixed token is not a secret, and masking its fragments would
		// mask "aisight-" in every path (the demo's temporary folders).
		opts.Credential = secretToken{opts.Credential, env.RegisterSecret}
	}
	c, err := New(opts, env.Catalog)
	if err != nil {
		return nil, "", err
	}
	return c, why, nil
}

// checkToken gets one Resource Manager token (for --azure=on, where the
// default chain, managed identity included, may find no credential), so a
// scan without usable credentials stops with one line saying what to set;
// the chain's own account of each attempt goes to the debug log.
func (s *Spec) checkToken(ctx context.Context, cred azcore.TokenCredential, env collectors.Env) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	aud := clouds[s.cloud.Value].Services[cloud.ResourceManager].Audience
	if _, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{strings.TrimSuffix(aud, "/") + "/.default"}}); err != nil {
		if env.Logger != nil {
			env.Logger.Debug("azure credentials", "err", err)
		}
		return collectors.Classedf(model.ErrInvalidConfig, "--azure=on but no usable Azure credentials: sign in with az login, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or a certificate or federated token file), or run with a managed identity (--log-level debug shows each attempt)")
	}
	return nil
}

// credential is the credential for the mode, or nil with --azure=auto
// when none is explicitly present.
func (s *Spec) credential(env collectors.Env) (azcore.TokenCredential, string, error) {
	co := policy.ClientOptions{Cloud: clouds[s.cloud.Value]}
	if s.mode.Value == collectors.ModeOn {
		c, err := azidentity.NewDefaultAzureCredential(&azidentity.DefaultAzureCredentialOptions{ClientOptions: co, TenantID: s.tenant})
		if err != nil {
			return nil, "", fmt.Errorf("azure credentials: %w", err)
		}
		return c, "enabled by --azure=on (DefaultAzureCredential, managed identity included)", nil
	}
	var chain []azcore.TokenCredential
	var from []string
	has := func(k string) bool { return env.Getenv(k) != "" }
	if has("AZURE_CLIENT_ID") && has("AZURE_TENANT_ID") && (has("AZURE_CLIENT_SECRET") || has("AZURE_CLIENT_CERTIFICATE_PATH")) {
		c, err := azidentity.NewEnvironmentCredential(&azidentity.EnvironmentCredentialOptions{ClientOptions: co})
		if err != nil {
			return nil, "", fmt.Errorf("azure credentials from the environment: %w", err)
		}
		chain, from = append(chain, c), append(from, "$AZURE_CLIENT_ID")
	}
	if has("AZURE_FEDERATED_TOKEN_FILE") && has("AZURE_CLIENT_ID") && has("AZURE_TENANT_ID") {
		c, err := azidentity.NewWorkloadIdentityCredential(&azidentity.WorkloadIdentityCredentialOptions{ClientOptions: co})
		if err != nil {
			return nil, "", fmt.Errorf("azure workload identity: %w", err)
		}
		chain, from = append(chain, c), append(from, "workload identity ($AZURE_FEDERATED_TOKEN_FILE)")
	}
	if f := cliProfile(env); f != "" {
		c, err := azidentity.NewAzureCLICredential(&azidentity.AzureCLICredentialOptions{TenantID: s.tenant})
		if err != nil {
			return nil, "", fmt.Errorf("azure cli credential: %w", err)
		}
		chain, from = append(chain, c), append(from, "Azure CLI login ("+f+")")
	}
	if len(chain) == 0 {
		return nil, "", nil
	}
	c, err := azidentity.NewChainedTokenCredential(chain, nil)
	if err != nil {
		return nil, "", err
	}
	return c, "credentials from " + strings.Join(from, ", then "), nil
}

// cliProfile is the Azure CLI's profile file when one exists.
func cliProfile(env collectors.Env) string {
	dir := env.Getenv("AZURE_CONFIG_DIR")
	if dir == "" && env.HomeDir != "" {
		dir = filepath.Join(env.HomeDir, ".azure")
	}
	if dir == "" {
		return ""
	}
	f := filepath.Join(dir, "azureProfile.json")
	if fi, err := os.Stat(f); err == nil && !fi.IsDir() && fi.Size() > 0 {
		return f
	}
	return ""
}

// emulatorRoots checks the emulator URL is https on loopback and loads the
// certificate it is trusted by.
func emulatorRoots(raw, caFile string) (*x509.CertPool, error) {
	u, err := url.Parse(raw)
	host := ""
	if err == nil {
		host = u.Hostname()
	}
	if ip := net.ParseIP(host); err != nil || u.Scheme != "https" || (host != "localhost" && (ip == nil || !ip.IsLoopback())) {
		return nil, fmt.Errorf("$%s %q: want an https URL on a loopback address", EmulatorURLEnv, raw)
	}
	if caFile == "" {
		return nil, fmt.Errorf("$%s is set but $%s (the emulator's certificate) is not", EmulatorURLEnv, EmulatorCAEnv)
	}
	pem, err := bounded.ReadFile(caFile, 1<<20)
	if err != nil {
		return nil, fmt.Errorf("$%s: %w", EmulatorCAEnv, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("$%s %s: no PEM certificate", EmulatorCAEnv, caFile)
	}
	return pool, nil
}

// staticToken is a fixed bearer token (emulators only).
type staticToken string

func (t staticToken) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: string(t), ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// StaticToken is a credential that always presents token (emulators and
// tests; never a real tenant).
func StaticToken(token string) azcore.TokenCredential { return staticToken(token) }

// secretToken registers every access token it hands out with the output
// wall, so a peer that quotes one cannot make aisight print it.
type secretToken struct {
	azcore.TokenCredential
	secret func(string)
}

func (s secretToken) GetToken(ctx context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	t, err := s.TokenCredential.GetToken(ctx, o)
	if err == nil {
		s.secret(t.Token)
	}
	return t, err
}
