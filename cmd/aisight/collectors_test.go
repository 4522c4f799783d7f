package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/spf13/pflag"

	"github.com/aisight/aisight/internal/detect/fingerprint"
	"github.com/aisight/aisight/internal/metrics"
	"github.com/aisight/aisight/internal/pipeline"
	"github.com/aisight/aisight/model"
	"github.com/aisight/aisight/scoring"
)

// sampleValue is a valid value of a flag other than its default, derived
// from the flag's type, so the test needs no per-flag table.
func sampleValue(t *testing.T, fl *pflag.Flag) string {
	t.Helper()
	switch typ := fl.Value.Type(); typ {
	case "bool":
		if fl.DefValue == "true" {
			return "false"
		}
		return "true"
	case "string":
		return "sample-value"
	case "stringSlice":
		return "one,two"
	case "int", "int64":
		return "7"
	case "float64":
		return "3.5"
	case "duration":
		return "3s"
	case "bytes":
		return "5242880"
	default:
		if strings.Contains(typ, "|") { // an enum: another allowed value
			for _, v := range strings.Split(typ, "|") {
				if v != fl.DefValue {
					return v
				}
			}
		}
		t.Fatalf("--%s: no sample for flag type %q", fl.Name, typ)
		return ""
	}
}

// Every collector of the CLI's list: its flags appear under its own group
// in scan --help, are documented in its docs/collectors page, and can be
// set from a config file and from AISIGHT_* environment variables.
func TestEveryCollectorOptionIsReachable(t *testing.T) {
	help := runCLI(t, "scan", "--help")
	if help.code != 0 {
		t.Fatalf("scan --help: exit %d %s", help.code, help.stderr)
	}
	for _, spec := range collectorSpecs() {
		fs := pflag.NewFlagSet(spec.Name(), pflag.ContinueOnError)
		spec.AddFlags(fs)
		if !fs.HasFlags() {
			t.Errorf("%s: declares no flags (at least its enablement)", spec.Name())
		}
		section := groupSection(help.stdout, spec.Title()+" flags:")
		if section == "" {
			t.Errorf("scan --help has no %q section", spec.Title()+" flags:")
		}
		page := spec.Name()
		if d, ok := spec.(interface{ Doc() string }); ok { // collectors sharing a page
			page = d.Doc()
		}
		doc, err := os.ReadFile("../../docs/collectors/" + page + ".md")
		if err != nil {
			t.Errorf("%s: %v", spec.Name(), err)
		}
		fs.VisitAll(func(fl *pflag.Flag) {
			if !strings.Contains(section, "--"+fl.Name+" ") && !strings.Contains(section, "--"+fl.Name+"[") {
				t.Errorf("--%s is not in the %q section of scan --help", fl.Name, spec.Title())
			}
			if !strings.Contains(string(doc), "`--"+fl.Name) {
				t.Errorf("--%s is not documented in docs/collectors/%s.md", fl.Name, page)
			}
			v := sampleValue(t, fl)
			for _, via := range []string{"config", "env"} {
				fresh := pflag.NewFlagSet("fresh", pflag.ContinueOnError)
				collectorSpecsByName(t, spec.Name()).AddFlags(fresh)
				cfg, env := "", map[string]string{}
				if via == "config" {
					cfg = writeFile(t, fl.Name+": "+v+"\n")
				} else {
					env[envName(fl.Name)] = v
				}
				if err := applySources(fresh, cfg, func(k string) string { return env[k] }); err != nil {
					t.Errorf("--%s from %s: %v", fl.Name, via, err)
					continue
				}
				val := fresh.Lookup(fl.Name).Value
				got := val.String()
				if sv, ok := val.(pflag.SliceValue); ok {
					got = strings.Join(sv.GetSlice(), ",")
				}
				if got != v {
					t.Errorf("--%s from %s: got %q, want %q", fl.Name, via, got, v)
				}
			}
		})
	}
}

func collectorSpecsByName(t *testing.T, name string) interface{ AddFlags(*pflag.FlagSet) } {
	t.Helper()
	for _, s := range collectorSpecs() {
		if s.Name() == name {
			return s
		}
	}
	t.Fatalf("no collector %s", name)
	return nil
}

// groupSection returns the lines of a --help section up to the next blank line.
func groupSection(help, title string) string {
	i := strings.Index(help, "\n"+title+"\n")
	if i < 0 {
		return ""
	}
	rest := help[i+len(title)+2:]
	if j := strings.Index(rest, "\n\n"); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	p := t.TempDir() + "/config.yaml"
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// A provider the catalog or a collector names is a metric label value of
// its own, never folded into "other".
func TestMetricsKeepEveryKnownProvider(t *testing.T) {
	cat, err := fingerprint.Load()
	if err != nil {
		t.Fatal(err)
	}
	pl, err := pipeline.New(pipeline.Config{Specs: collectorSpecs()})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	var assets []model.Asset
	for _, p := range append(cat.Providers(), specNames(collectorSpecs())...) {
		if p == "other" { // the catalog's own name for a provider of no family
			continue
		}
		want = append(want, p)
		assets = append(assets, model.Asset{ID: "x://" + p, Provider: p, Scope: "s", Kind: model.KindAPIKey, DeploymentType: model.APISaaS})
	}
	snap := pl.Snapshot(model.Report{Assets: assets})
	got := map[string]bool{}
	for _, m := range metrics.Render(snap) {
		var pb dto.Metric
		if err := m.Write(&pb); err != nil {
			t.Fatal(err)
		}
		for _, l := range pb.GetLabel() {
			if l.GetName() == "provider" {
				got[l.GetValue()] = true
			}
		}
	}
	for _, p := range want {
		if !got[p] {
			t.Errorf("provider %q is not a label value of its own", p)
		}
	}
	if got["other"] {
		t.Error("a known provider was rendered as other")
	}
}

// The embedded control catalog names only collectors of this build (the
// scorer takes the list from collectorSpecs, not a hand list of its own),
// and a scan refuses custom controls that name another.
func TestControlsNameOnlyThisBuildsCollectors(t *testing.T) {
	cat, err := scoring.Load("")
	if err != nil {
		t.Fatal(err)
	}
	if err := cat.CheckCollectors(specNames(collectorSpecs())); err != nil {
		t.Error(err)
	}
	dir := t.TempDir()
	body := "controls:\n  - id: ORG.3.x\n    title: t\n    category: ORG\n    level: 3\n    kinds: [model]\n    check: 'true'\n    evidence_from: [databricks]\n    remediation: r\n"
	if err := os.WriteFile(dir+"/c.yaml", []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, "scan", "-q", "--controls", dir, t.TempDir())
	if r.code != exitUsage || !strings.Contains(r.stderr, `unknown collector "databricks"`) {
		t.Errorf("exit %d: %s", r.code, r.stderr)
	}
}

// TestForcedOnWithoutCredentials: every collector forced on where it has no
// usable credentials stops the scan with exit 2 and one line naming what to
// set; no SDK line reaches the terminal raw. The clouds' metadata services
// are pointed at a closed loopback port (the SDKs' own settings), so the
// test reaches nothing beyond this machine.
func TestForcedOnWithoutCredentials(t *testing.T) {
	home := t.TempDir()
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_ENDPOINT_URL",
		"GOOGLE_APPLICATION_CREDENTIALS", "CLOUDSDK_CONFIG", "AISIGHT_GCP_EMULATOR",
		"AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_CLIENT_SECRET", "AZURE_FEDERATED_TOKEN_FILE", "AISIGHT_AZURE_EMULATOR_URL",
		"KUBECONFIG", "KUBERNETES_SERVICE_HOST", "OPENAI_ADMIN_KEY", "ANTHROPIC_ADMIN_KEY"} {
		t.Setenv(k, "")
	}
	for k, v := range map[string]string{
		"HOME": home, "AWS_CONFIG_FILE": filepath.Join(home, "none"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(home, "none"),
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_REGION": "us-east-1",
		"GCE_METADATA_HOST": "127.0.0.1:1", "GCE_METADATA_IP": "127.0.0.1:1",
		"IDENTITY_ENDPOINT": "http://127.0.0.1:1/msi/token", "IDENTITY_HEADER": "x", "AZURE_CONFIG_DIR": filepath.Join(home, "azure"),
		"PATH": home, // no az, azd or gcloud to ask
	} {
		t.Setenv(k, v)
	}
	for _, c := range []struct{ flag, want string }{
		{"--aws=on", "--aws=on but no usable AWS credentials: set AWS_ACCESS_KEY_ID"},
		{"--gcp=on", "no usable Google credentials: set GOOGLE_APPLICATION_CREDENTIALS"},
		{"--azure=on", "--azure=on but no usable Azure credentials: sign in with az login"},
		{"--kube=on", "--kube=on but no kubeconfig"},
		{"--openai=on", "no admin key"},
		{"--anthropic=on", "no admin key"},
	} {
		args := []string{"scan", "--source=off", "--aws=off", "--gcp=off", "--azure=off", "--kube=off", "--openai=off", "--anthropic=off", c.flag}
		r := runCLI(t, args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%s: exit %d, stderr %q; want exit 2 with %q", c.flag, r.code, r.stderr, c.want)
		}
		if n := strings.Count(strings.TrimSpace(r.stderr), "\n"); n != 0 {
			t.Errorf("%s: want one line, got %d: %q", c.flag, n+1, r.stderr)
		}
	}
}
