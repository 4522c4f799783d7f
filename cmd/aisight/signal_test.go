package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	sim "github.com/aisight/aisight/internal/sim/aws"
	"github.com/aisight/aisight/model"
)

// slowAWS serves the AWS estate answering every call after delay, and
// returns the environment that points the CLI at it.
func slowAWS(t *testing.T, delay time.Duration) []string {
	t.Helper()
	estate, err := sim.LoadEstate("../../collectors/aws/testdata/org.yaml")
	if err != nil {
		t.Fatal(err)
	}
	estate.Faults = sim.Faults{SlowMillis: int(delay / time.Millisecond)}
	srv := sim.Start(estate)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	return []string{"AISIGHT_TEST_AS_CLI=1", "AISIGHT_KUBE=off", "AISIGHT_AWS=on", "AWS_ENDPOINT_URL=" + srv.URL,
		"AWS_ACCESS_KEY_ID=" + sim.AccessKeyID("111111111111"), "AWS_SECRET_ACCESS_KEY=emulated", "AWS_REGION=us-east-1",
		"AWS_EC2_METADATA_DISABLED=true", "AWS_CONFIG_FILE=" + filepath.Join(dir, "c"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(dir, "k")}
}

// startCLI runs the test binary as the aisight CLI and collects its stderr.
func startCLI(t *testing.T, env []string, args ...string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), env...)
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	out := &syncBuffer{}
	go func() {
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			out.Write([]byte(sc.Text() + "\n"))
		}
	}()
	return cmd, out
}

// stopWithin sends SIGTERM and waits for the process to exit; it returns
// the exit code and how long the process took after the signal.
func stopWithin(t *testing.T, cmd *exec.Cmd, limit time.Duration) (int, time.Duration) {
	t.Helper()
	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err := <-waited:
		took := time.Since(start)
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode(), took
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0, took
	case <-time.After(limit):
		_ = cmd.Process.Kill()
		t.Fatalf("still running %s after SIGTERM", limit)
		return 0, 0
	}
}

// A scan interrupted by SIGTERM stops within 2s, writes the report of what
// finished (the source scope complete, the cloud scopes marked as cut
// short) and exits 4.
func TestScanStopsOnSIGTERMWithWhatFinished(t *testing.T) {
	env := slowAWS(t, 400*time.Millisecond)
	out := filepath.Join(t.TempDir(), "report.json")
	cmd, stderr := startCLI(t, env, "scan", "-o", "json", "--out", out, "--log-level", "info", "--aws-regions", "us-east-1,eu-west-1", fixture)
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(stderr.String(), "collector=source"); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the scan did not start: %s", stderr.String())
		}
	}
	time.Sleep(1500 * time.Millisecond) // the source scope finishes; AWS, at 400ms a call, is mid-scan
	code, took := stopWithin(t, cmd, 10*time.Second)
	t.Logf("exited %d, %s after SIGTERM", code, took.Round(time.Millisecond))
	if code != exitIncomplete || took > 2*time.Second || !strings.Contains(stderr.String(), "scan interrupted") {
		t.Errorf("exit %d after %s, want 4 within 2s:\n%s", code, took, stderr.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("no report after SIGTERM: %v", err)
	}
	var rep model.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	var source, cut int
	for _, r := range rep.Scan.CollectorRuns {
		switch {
		case r.Collector == "source" && r.Status == model.StatusOK:
			source++
		case r.Collector == "aws" && r.Status == model.StatusFailed && (strings.Contains(r.Error, "cancelled") || strings.Contains(r.Error, "not started")):
			cut++
		}
	}
	if source != 1 || cut == 0 || len(rep.Assets) == 0 {
		t.Errorf("report: source ok %d, aws scopes cut short %d, %d assets; runs %+v", source, cut, len(rep.Assets), rep.Scan.CollectorRuns)
	}
}

// serve, SIGTERM in the middle of a scan: it stops within 2s, cleanly.
func TestServeStopsOnSIGTERMMidScan(t *testing.T) {
	env := slowAWS(t, 400*time.Millisecond)
	cmd, stderr := startCLI(t, env, "serve", "--listen", "127.0.0.1:0", "--interval", "1h", "--source=off")
	waitAddr(t, stderr.String)
	time.Sleep(time.Second) // the first scan is under way
	code, took := stopWithin(t, cmd, 10*time.Second)
	t.Logf("exited %d, %s after SIGTERM", code, took.Round(time.Millisecond))
	if code != exitOK || took > 2*time.Second || !strings.Contains(stderr.String(), "aisight: stopped") {
		t.Errorf("exit %d after %s, want 0 within 2s:\n%s", code, took, stderr.String())
	}
}
