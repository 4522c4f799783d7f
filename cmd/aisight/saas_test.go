package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	simsaas "github.com/aisight/aisight/internal/sim/saas"
	"github.com/aisight/aisight/model"
)

// The CLI scans both organisations through the emulators, reached through
// the providers' own base-URL settings, and a repository holding keys: the
// key planted in the repository is linked to its live key, the one the
// provider archived says so, and the one of no scanned organisation is
// flagged. No admin key or key value appears in any output.
func TestScanSaaSOrganisationsAndLinkKeys(t *testing.T) {
	e := saasEmulators(t)
	keyFile := filepath.Join(t.TempDir(), "anthropic-admin-key")
	os.WriteFile(keyFile, []byte(e.Anthropic.AdminKey+"\n"), 0o600)
	repo := "../../collectors/saas/testdata/repo"
	r := runCLI(t, "scan", "-o", "json", "--log-level", "debug", "--anthropic-admin-key-file", keyFile, repo)
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var rep model.Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	byID := map[string]model.Asset{}
	for _, a := range rep.Assets {
		byID[a.ID] = a
	}
	fact := func(id, key string) any {
		a := byID[id]
		f, ok := a.Fact(key)
		if !ok {
			return nil
		}
		return f.Value
	}
	var envKeys, legacyKeys []model.Asset
	for _, a := range rep.Assets {
		if a.Kind == model.KindAPIKey && a.Location != nil {
			switch a.Location.Path {
			case ".env":
				envKeys = append(envKeys, a)
			case "legacy.py":
				legacyKeys = append(legacyKeys, a)
			}
		}
	}
	if len(envKeys) != 2 || len(legacyKeys) != 2 {
		t.Fatalf("keys found in the repo: .env %d, legacy.py %d", len(envKeys), len(legacyKeys))
	}
	linked := map[string]string{}
	for _, a := range append(envKeys, legacyKeys...) {
		for _, rel := range a.Relations {
			if rel.Type == "live_key" {
				linked[a.Provider+" "+a.Location.Path] = rel.Target
			}
		}
	}
	want := map[string]string{
		"openai .env":         "openai://projects/proj_chat/api_keys/key_chat_carol",
		"anthropic .env":      "anthropic://api_keys/apikey_01LIVE",
		"anthropic legacy.py": "anthropic://api_keys/apikey_02REVOKED",
	}
	for k, v := range want {
		if linked[k] != v {
			t.Errorf("%s linked to %q, want %s", k, linked[k], v)
		}
	}
	for _, a := range legacyKeys {
		switch a.Provider {
		case "openai":
			if fact(a.ID, "key.matches_live_key") != false {
				t.Errorf("the key of no scanned organisation: matches_live_key %v", fact(a.ID, "key.matches_live_key"))
			}
		case "anthropic":
			if fact(a.ID, "key.live_status") != "archived" {
				t.Errorf("the revoked key's live status %v", fact(a.ID, "key.live_status"))
			}
		}
	}
	if !slices.ContainsFunc(byID["openai://projects/proj_chat/api_keys/key_chat_carol"].Relations, func(r model.Relation) bool { return r.Type == "used_in" }) {
		t.Error("the live key has no used_in relation")
	}
	for _, run := range rep.Scan.CollectorRuns {
		if (run.Collector == "openai" || run.Collector == "anthropic") && run.Status != model.StatusOK {
			t.Errorf("%s: %s %s", run.Collector, run.Status, run.Error)
		}
	}
	secrets, _ := os.ReadFile("../../collectors/saas/testdata/planted.txt")
	for _, s := range strings.Split(string(secrets), "\n") {
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		if l := leaks(r.stdout+r.stderr, []string{s}); len(l) > 0 {
			t.Errorf("key material leaked: %v", l)
		}
	}
	// --openai=on without a key is a usage error naming what is missing.
	t.Setenv("OPENAI_ADMIN_KEY", "")
	if r := runCLI(t, "scan", "--openai=on", "--anthropic=off", repo); r.code != exitUsage || !strings.Contains(r.stderr, "no admin key") {
		t.Errorf("--openai=on without a key: exit %d %s", r.code, r.stderr)
	}
}

// saasEmulators starts the OpenAI and Anthropic emulators on the SaaS
// collectors' test estate for this test, and points the CLI at them with
// the OpenAI admin key in the environment (the Anthropic one is the test's
// choice: an env var or a key file).
func saasEmulators(t *testing.T) *simsaas.Estate {
	t.Helper()
	e, err := simsaas.LoadEstate("../../collectors/saas/testdata/orgs.yaml")
	if err != nil {
		t.Fatal(err)
	}
	srv := simsaas.Start(e)
	t.Cleanup(srv.Close)
	for k, v := range map[string]string{"AISIGHT_OPENAI": "", "AISIGHT_ANTHROPIC": "", "OPENAI_BASE_URL": srv.OpenAIURL,
		"ANTHROPIC_BASE_URL": srv.AnthropicURL, "OPENAI_ADMIN_KEY": e.OpenAI.AdminKey} {
		t.Setenv(k, v)
	}
	return e
}
