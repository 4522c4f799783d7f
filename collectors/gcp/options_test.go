package gcp

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/internal/detect/fingerprint"
)

func plan(t *testing.T, args []string, env map[string]string, home string) (collectors.Collector, string, error) {
	t.Helper()
	s := NewSpec()
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	s.AddFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(); err != nil {
		return nil, "", err
	}
	cat, _ := fingerprint.Load()
	return s.Plan(context.Background(), collectors.Env{Catalog: cat, Getenv: func(k string) string { return env[k] }, HomeDir: home})
}

// --gcp=auto runs only on explicit Application Default Credentials or an
// emulator; it never falls back to the metadata server on its own.
func TestPlan(t *testing.T) {
	home := t.TempDir()
	if c, why, err := plan(t, nil, nil, home); c != nil || err != nil || !strings.Contains(why, "no Application Default Credentials") {
		t.Errorf("auto without ADC: %v %q %v", c, why, err)
	}
	if c, why, err := plan(t, []string{"--gcp=off"}, map[string]string{"GOOGLE_APPLICATION_CREDENTIALS": "/x"}, home); c != nil || err != nil || why != "disabled by --gcp=off" {
		t.Errorf("off: %v %q %v", c, why, err)
	}
	adc := filepath.Join(home, ".config", "gcloud", "application_default_credentials.json")
	os.MkdirAll(filepath.Dir(adc), 0o700)
	os.WriteFile(adc, []byte("{}"), 0o600)
	if c, why, err := plan(t, nil, nil, home); c == nil || err != nil || !strings.Contains(why, adc) {
		t.Errorf("auto with the gcloud ADC file: %v %q %v", c, why, err)
	}
	if c, why, err := plan(t, []string{"--gcp=on"}, nil, t.TempDir()); c == nil || err != nil || !strings.Contains(why, "metadata server") {
		t.Errorf("on without ADC: %v %q %v", c, why, err)
	}
	if _, _, err := plan(t, nil, map[string]string{EmulatorEnv: "10.0.0.1:9000"}, home); err == nil {
		t.Error("a non-loopback emulator was accepted")
	}
	for _, bad := range [][]string{{"--gcp-projects=My Project"}, {"--gcp-projects=123456"}, {"--gcp-locations=US Central"},
		{"--gcp-impersonate=alice@example.com"}, {"--gcp-rate=0"}} {
		if _, _, err := plan(t, bad, nil, home); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	if _, _, err := plan(t, []string{"--gcp-projects=ml-prod,example.com:legacy-app", "--gcp-locations=us-central1,europe-west4",
		"--gcp-impersonate=aisight@scanner.iam.gserviceaccount.com"}, map[string]string{EmulatorEnv: "127.0.0.1:1"}, home); err != nil {
		t.Errorf("valid options refused: %v", err)
	}
}
