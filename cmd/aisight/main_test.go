package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/aisight/aisight/internal/testenv/goldentest"
	"github.com/aisight/aisight/model"
)

const (
	fixture  = "../../testdata/repos/acme-assistant"
	negative = "../../testdata/repos/negative"
)

type result struct {
	code           int
	stdout, stderr string
}

func runCLI(t *testing.T, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return result{code, out.String(), errb.String()}
}

func TestScanJSONMatchesSchema(t *testing.T) {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	sch, err := c.Compile("../../docs/schema/aisight-output.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{fixture, negative} {
		r := runCLI(t, "scan", "-o", "json", dir)
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		doc, err := jsonschema.UnmarshalJSON(strings.NewReader(r.stdout))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(doc); err != nil {
			t.Errorf("%s: output does not match docs/schema: %v", dir, err)
		}
		var rep model.Report
		if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
			t.Fatal(err)
		}
		if rep.SchemaVersion != model.SchemaVersion {
			t.Errorf("schema_version %q", rep.SchemaVersion)
		}
		if dir == fixture && len(rep.Assets) < 30 {
			t.Errorf("fixture: only %d assets", len(rep.Assets))
		}
	}
	// The schema is strict: an unknown field is rejected, so it cannot drift silently.
	bad, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{"schema_version":"1.0","scan":{"started":"2026-01-01T00:00:00Z","finished":"2026-01-01T00:00:00Z","collector_runs":[]},"assets":[],"scope_facts":[],"extra":1}`))
	if sch.Validate(bad) == nil {
		t.Error("schema accepted an unknown top-level field")
	}
}

func TestUsageErrors(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "c.yaml")
	os.WriteFile(cfg, []byte("output: json\nmax-file-sise: 1MiB\n"), 0o644)
	badVal := filepath.Join(dir, "v.yaml")
	os.WriteFile(badVal, []byte("output: xml\n"), 0o644)
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.json")
	os.Symlink(filepath.Join(dir, "elsewhere.json"), link)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"scan", "--config", cfg, fixture}, `unknown key "max-file-sise" (line 2)`},
		{[]string{"scan", "--config", badVal, fixture}, `key "output" (line 1): invalid argument "xml"`},
		{[]string{"scan", "--config", filepath.Join(dir, "missing.yaml")}, "config:"},
		{[]string{"scan", "-o", "xml"}, "must be one of"},
		{[]string{"scan", "--bogus"}, "unknown flag: --bogus"},
		{[]string{"scan", "/no/such/dir"}, "scan path /no/such/dir: no such file or directory"},
		{[]string{"scan", "--max-file-size", "ten"}, "not a size"},
		{[]string{"scan", "--concurrency", "0", fixture}, "--concurrency"},
		// Hostile or mistaken inputs, refused at once with the flag named.
		{[]string{"scan", "--config", fifo, fixture}, "is not a regular file (a FIFO)"},
		{[]string{"scan", "--config", "/dev/zero", fixture}, "is not a regular file (a device)"},
		{[]string{"scan", "--attestations", "/dev/zero", fixture}, "attestations: /dev/zero is not a regular file"},
		{[]string{"scan", "--registry", fifo, fixture}, "is not a regular file (a FIFO)"},
		{[]string{"scan", "--out", "/dev/full", fixture}, "--out: /dev/full exists and is not a regular file"},
		{[]string{"scan", "--out", link, fixture}, "is a symbolic link"},
		{[]string{"scan", "--out", filepath.Join(dir, "no", "such", "dir", "r.json"), fixture}, "--out: directory of"},
		{[]string{"scan", "--metrics-file", "/dev/null", fixture}, "--metrics-file: /dev/null exists and is not a regular file"},
		{[]string{"scan", "--fail-under", "ORG=3,ORG=1", fixture}, "--fail-under gives ORG twice"},
		{[]string{"scan", "--max-hash-size", "9999999999GiB", fixture}, "size too large"},
		{[]string{"scan", "--aws-rate=NaN", fixture}, "--aws-rate must be a positive number"},
		{[]string{"scan", "--scope-timeout", "-1s", fixture}, "--scope-timeout must be positive"},
		// Every other command's usage errors: also exit 2, one line.
		{[]string{"scna"}, `unknown command "scna"`},
		{[]string{"diff", fixture}, "aisight diff takes 2 argument(s), got 1"},
		{[]string{"diff", filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")}, "read report"},
		{[]string{"diff", "-o", "xml", "a", "b"}, "must be one of"},
		{[]string{"merge"}, "aisight merge takes at least 1 argument(s), got 0"},
		{[]string{"demo", "extra"}, "aisight demo takes no arguments"},
		{[]string{"version", "extra"}, "aisight version takes no arguments"},
		{[]string{"controls", "list", "extra"}, "aisight controls list takes no arguments"},
		{[]string{"controls", "explain"}, "aisight controls explain takes 1 argument(s), got 0"},
		{[]string{"controls", "explain", "NOPE.1.none"}, `no control "NOPE.1.none"`},
		{[]string{"controls", "explain", "IAM.2.no-literal-keys", "--report", filepath.Join(dir, "missing.json")}, "read report"},
		{[]string{"controls", "--controls", filepath.Join(dir, "no-such-dir"), "list"}, "no-such-dir"},
		{[]string{"serve", "--bogus"}, "unknown flag: --bogus"},
	}
	for _, tt := range tests {
		r := runCLI(t, tt.args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 with %q", tt.args, r.code, r.stderr, tt.want)
		}
		if n := strings.Count(strings.TrimSpace(r.stderr), "\n"); n != 0 {
			t.Errorf("%v: want one line, got %d: %q", tt.args, n+1, r.stderr)
		}
	}
}

func TestConfigAndEnvPrecedence(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(cfg, []byte("output: json\nno-ignore: true\n"), 0o644)
	// config file alone: json, and --no-ignore finds the ignored files
	r := runCLI(t, "scan", "--config", cfg, fixture)
	if r.code != 0 || !strings.HasPrefix(r.stdout, "{") || !strings.Contains(r.stdout, "ignored/leak.env") {
		t.Fatalf("config not applied: exit %d %q", r.code, r.stderr)
	}
	// environment beats config
	t.Setenv("AISIGHT_OUTPUT", "table")
	if r := runCLI(t, "scan", "--config", cfg, fixture); !strings.Contains(r.stdout, "COLLECTOR") {
		t.Errorf("AISIGHT_OUTPUT did not win over the config file: %q", r.stdout[:min(40, len(r.stdout))])
	}
	// flag beats environment
	if r := runCLI(t, "scan", "-o", "json", fixture); !strings.HasPrefix(r.stdout, "{") {
		t.Error("flag did not win over AISIGHT_OUTPUT")
	}
	t.Setenv("AISIGHT_CONFIG", cfg)
	t.Setenv("AISIGHT_OUTPUT", "")
	if r := runCLI(t, "scan", fixture); !strings.Contains(r.stdout, "ignored/leak.env") {
		t.Error("AISIGHT_CONFIG was not read")
	}
}

func TestOutFileIsAtomicAndComplete(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "scan.json")
	os.WriteFile(out, []byte("old"), 0o644)
	r := runCLI(t, "scan", "-o", "json", "--out", out, fixture)
	if r.code != 0 || r.stdout != "" {
		t.Fatalf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	var rep model.Report
	b, _ := os.ReadFile(out)
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("--out holds no complete JSON: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
	// an unwritable destination is found before scanning (exit 2) and leaves nothing
	r = runCLI(t, "scan", "--out", filepath.Join(dir, "no", "such", "dir", "x.json"), fixture)
	if r.code != exitUsage || !strings.Contains(r.stderr, "--out: directory of") {
		t.Errorf("exit %d %q", r.code, r.stderr)
	}
}

func TestTableShowsCollectorsAndInventory(t *testing.T) {
	r := runCLI(t, "scan", fixture)
	for _, want := range []string{"source", "ok", "files scanned", "2 tracked files scanned although .gitignore names them", "inference_workload", "api_key", "total"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, r.stdout)
		}
	}
	if r.stderr != "" {
		t.Errorf("stderr not empty on a non-terminal: %q", r.stderr)
	}
}

// TestBinary builds the real command and runs it as a user would.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "aisight")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil || !strings.HasPrefix(string(out), "aisight ") {
		t.Errorf("version: %q %v", out, err)
	}
	cmd := exec.Command(bin, "scan", "/no/such/dir")
	err = cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 {
		t.Errorf("bad path: %v, want exit 2", err)
	}
	out, err = exec.Command(bin, "scan", "-o", "json", fixture).Output()
	if err != nil || !json.Valid(out) {
		t.Errorf("scan: %v", err)
	}
}

// TestEveryFactKeyIsDocumented fails when a collector emits a fact key that
// docs/facts.md does not list.
func TestEveryFactKeyIsDocumented(t *testing.T) {
	r := runCLI(t, "scan", "-o", "json", "--no-ignore", fixture)
	var rep model.Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if n := goldentest.FactsDocumented(t, "../../docs/facts.md", model.Inventory{Assets: rep.Assets, ScopeFacts: rep.ScopeFacts}, 30); n < 30 {
		t.Errorf("only %d distinct fact keys seen", n)
	}
}

func TestMaxHashSizeZeroNeverHashes(t *testing.T) {
	r := runCLI(t, "scan", "-o", "json", "--max-hash-size", "0", fixture)
	if r.code != 0 || strings.Contains(r.stdout, `"file.sha256"`) || !strings.Contains(r.stdout, `"file.hash_skipped"`) {
		t.Errorf("--max-hash-size 0 still hashed (exit %d)", r.code)
	}
}

// TestProgressOnlyOnATerminal runs the binary under a pseudo-terminal
// (util-linux script) and checks that the progress line appears there, while
// TestTableShowsCollectorsAndInventory checks that a pipe gets none.
func TestProgressOnlyOnATerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	script, err := exec.LookPath("script")
	if err != nil {
		t.Fatal("util-linux script is needed to give the binary a terminal")
	}
	bin := filepath.Join(t.TempDir(), "aisight")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	out, err := exec.Command(script, "-qec", bin+" scan -o json --out "+filepath.Join(t.TempDir(), "x.json")+" "+fixture, "/dev/null").CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if !strings.Contains(string(out), "scanning: 1/1 scopes done") {
		t.Errorf("no progress line on a terminal: %q", out)
	}
	out, err = exec.Command(script, "-qec", bin+" scan -q -o json --out "+filepath.Join(t.TempDir(), "y.json")+" "+fixture, "/dev/null").CombinedOutput()
	if err != nil || strings.Contains(string(out), "scanning:") {
		t.Errorf("--quiet still drew progress: %q %v", out, err)
	}
}
