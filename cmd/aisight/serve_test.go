package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aisight/aisight/model"
)

// syncBuffer is a bytes buffer safe for one writer and concurrent readers.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var servingOn = regexp.MustCompile(`serving on (\S+)`)

func waitAddr(t *testing.T, out func() string) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if m := servingOn.FindStringSubmatch(out()); m != nil {
			return "http://" + m[1]
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("serve did not start: %s", out())
	return ""
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestServeScansOnAnIntervalAndStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--listen", "127.0.0.1:0", "--interval", "1s", fixture}, strings.NewReader(""), io.Discard, &stderr)
	}()
	base := waitAddr(t, stderr.String)
	if code, _ := get(t, base+"/healthz"); code != http.StatusOK {
		t.Errorf("/healthz = %d", code)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		code, _ := get(t, base+"/readyz")
		if code == http.StatusOK {
			break
		}
		if code != http.StatusServiceUnavailable || time.Now().After(deadline) {
			t.Fatalf("/readyz = %d", code)
		}
		time.Sleep(50 * time.Millisecond)
	}
	code, body := get(t, base+"/api/v1/assessment")
	var rep model.Report
	if code != http.StatusOK || json.Unmarshal([]byte(body), &rep) != nil || len(rep.Assets) != 42 || rep.Assessment == nil {
		t.Fatalf("/api/v1/assessment: %d, %d assets", code, len(rep.Assets))
	}
	// Rescans: the scans counter grows, and each scan replaces the last.
	scans := regexp.MustCompile(`aisight_serve_scans_total\{result="ok"\} (\d+)`)
	var first string
	for i := 0; ; i++ {
		_, m := get(t, base+"/metrics")
		got := scans.FindStringSubmatch(m)
		if got == nil || !strings.Contains(m, `aisight_assets{deployment_type="self_hosted",kind="inference_workload",provider="source"} `) || !strings.Contains(m, "go_goroutines") {
			t.Fatalf("/metrics lacks the scan metrics:\n%.2000s", m)
		}
		if first == "" {
			first = got[1]
		} else if got[1] != first {
			break
		}
		if i > 100 {
			t.Fatal("no second scan within 10s at a 1s interval")
		}
		time.Sleep(100 * time.Millisecond)
	}
	cancel()
	select {
	case code := <-done:
		if code != exitOK || !strings.Contains(stderr.String(), "aisight: stopped") {
			t.Errorf("exit %d: %s", code, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop after cancel")
	}
}

// SIGTERM to a real process: it stops cleanly with exit 0.
func TestServeDrainsOnSIGTERM(t *testing.T) {
	cmd := exec.Command(os.Args[0], "serve", "--listen", "127.0.0.1:0", "--interval", "1h", negative)
	cmd.Env = append(os.Environ(), "AISIGHT_TEST_AS_CLI=1", "AISIGHT_KUBE=off")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var out syncBuffer
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			out.Write([]byte(sc.Text() + "\n"))
		}
	}()
	base := waitAddr(t, out.String)
	for deadline := time.Now().Add(20 * time.Second); ; {
		if code, _ := get(t, base+"/readyz"); code == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("never ready")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err := <-waited:
		if err != nil {
			t.Errorf("serve exited with %v after SIGTERM: %s", err, out.String())
		}
	case <-time.After(15 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("serve did not exit within 15s of SIGTERM")
	}
}

func TestServeRefusesBadFlags(t *testing.T) {
	if r := runCLI(t, "serve", "--interval", "10ms", negative); r.code != exitUsage {
		t.Errorf("--interval 10ms: exit %d", r.code)
	}
	if r := runCLI(t, "serve", "--listen", "256.0.0.1:99999", negative); r.code != exitUsage || !strings.Contains(r.stderr, "--listen") {
		t.Errorf("bad --listen: exit %d %s", r.code, r.stderr)
	}
}

// The config files shipped in deploy/kubernetes parse for their command.
func TestShippedConfigsAreValid(t *testing.T) {
	noEnv := func(string) string { return "" }
	if err := applySources(newScanCmd(io.Discard, io.Discard, newScrubber()).Flags(), "../../deploy/kubernetes/base/config.yaml", noEnv); err != nil {
		t.Errorf("base config for scan: %v", err)
	}
	if err := applySources(newServeCmd(io.Discard, newScrubber()).Flags(), "../../deploy/kubernetes/overlays/serve/config.yaml", noEnv); err != nil {
		t.Errorf("serve overlay config for serve: %v", err)
	}
	// And they are not interchangeable: serve has no push settings.
	if err := applySources(newServeCmd(io.Discard, newScrubber()).Flags(), "../../deploy/kubernetes/base/config.yaml", noEnv); err == nil || !strings.Contains(err.Error(), "push-gateway") {
		t.Errorf("serve accepted the CronJob config: %v", err)
	}
}

// serve listens on loopback unless told otherwise, serves a brief
// assessment (no facts, evidence, paths or fingerprints) unless
// --api-detail, and with --api-token-file refuses the API without the
// token while /metrics and /healthz stay open.
func TestServeAPIIsBriefAndGuarded(t *testing.T) {
	if def := newServeCmd(io.Discard, newScrubber()).Flags().Lookup("listen").DefValue; def != "127.0.0.1:9812" {
		t.Errorf("--listen defaults to %q, want loopback", def)
	}
	tokenFile := filepath.Join(t.TempDir(), "token")
	const token = "s3rve-t0ken-for-the-api-0123456789"
	os.WriteFile(tokenFile, []byte(token+"\n"), 0o600)
	for _, detail := range []bool{false, true} {
		ctx, cancel := context.WithCancel(context.Background())
		var stderr syncBuffer
		args := []string{"serve", "--listen", "127.0.0.1:0", "--interval", "1h", "--api-token-file", tokenFile}
		if detail {
			args = append(args, "--api-detail")
		}
		done := make(chan int, 1)
		go func() { done <- run(ctx, append(args, fixture), strings.NewReader(""), io.Discard, &stderr) }()
		base := waitAddr(t, stderr.String)
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			if code, _ := get(t, base+"/readyz"); code == http.StatusOK {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("never ready")
			}
		}
		if code, _ := get(t, base+"/api/v1/assessment"); code != http.StatusUnauthorized {
			t.Errorf("no token: %d, want 401", code)
		}
		req, _ := http.NewRequest("GET", base+"/api/v1/assessment", nil)
		req.Header.Set("Authorization", "Bearer wrong-token-wrong-token")
		if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("wrong token: %v %v", resp.StatusCode, err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("token: %v %v", resp, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var rep model.Report
		if err := json.Unmarshal(body, &rep); err != nil || len(rep.Assets) == 0 || rep.Assessment == nil {
			t.Fatalf("report: %v (%d assets)", err, len(rep.Assets))
		}
		for _, marker := range []string{`"facts"`, `"sha256_prefix"`, `"location"`, `"evidence"`, "settings.py", "train.py", `"stats"`} {
			if strings.Contains(string(body), marker) != detail {
				t.Errorf("detail=%v: body has %s = %v", detail, marker, !detail)
			}
		}
		for _, open := range []string{"/metrics", "/healthz"} {
			if code, _ := get(t, base+open); code != http.StatusOK {
				t.Errorf("%s without a token: %d", open, code)
			}
		}
		cancel()
		<-done
	}
	if r := runCLI(t, "serve", "--api-token-file", "/dev/zero", fixture); r.code != exitUsage || !strings.Contains(r.stderr, "--api-token-file") {
		t.Errorf("token from a device: exit %d %s", r.code, r.stderr)
	}
}
