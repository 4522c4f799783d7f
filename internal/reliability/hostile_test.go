package reliability

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aisight/aisight/internal/testenv/benchtest"
	"github.com/aisight/aisight/model"
)

// hostile is one reproduction of a hostile input or peer, run as the real
// binary under /usr/bin/time with a bound on wall time and peak RSS.
type hostile struct {
	name     string
	effect   string
	setup    func(t *testing.T, dir string) (args []string, env []string)
	exit     int    // expected exit code
	says     string // expected in stderr
	seconds  float64
	rssMB    float64
	outcome  string
	fullScan bool // the scan covers the example repository too: count its assets
	check    func(t *testing.T, rep model.Report)
}

// runBounded runs bin under /usr/bin/time and returns exit code, stderr,
// wall seconds and peak RSS in MB; it kills the process after 3x the bound.
func runBounded(t *testing.T, bin string, env, args []string, limit time.Duration) (int, string, float64, float64) {
	t.Helper()
	rss := filepath.Join(t.TempDir(), "rss")
	cmd := exec.Command("/usr/bin/time", append([]string{"-f", "%M", "-o", rss, bin}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(3 * limit):
		cmd.Process.Kill()
		<-done
		t.Fatalf("still running after %s", 3*limit)
	}
	secs := time.Since(start).Seconds()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, stderr.String(), secs, benchtest.PeakRSS(t, rss)
}

// repeated writes n bytes of unit repeated.
func repeated(t *testing.T, path, unit string, n int) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, bytes.Repeat([]byte(unit), n/len(unit)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// hang listens on loopback, accepts every connection and never answers.
func hang(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String()
}

func hostileCases() []hostile {
	scan := func(extra ...string) []string {
		return append([]string{"scan", "-q", "--kube=off", "--aws=off", "-o", "json"}, extra...)
	}
	return []hostile{
		{name: "pyproject.toml of 2,000,000 nested [", effect: "that file's manifest parse", exit: 0, says: "", seconds: 10, rssMB: 300, fullScan: true,
			outcome: "a named parse error (nested too deeply); every other finding of the tree reported",
			setup: func(t *testing.T, dir string) ([]string, []string) {
				repeated(t, filepath.Join(dir, "repo", "pyproject.toml"), "[", 2_000_000)
				return scan(), nil
			}},
		{name: "package.json of 1,000,000 nested {\"a\":", effect: "that file's manifest parse", exit: 0, seconds: 10, rssMB: 300, fullScan: true,
			outcome: "a named parse error; every other finding reported",
			setup: func(t *testing.T, dir string) ([]string, []string) {
				repeated(t, filepath.Join(dir, "repo", "web2", "package.json"), `{"a":`, 5_000_000)
				return scan(), nil
			}},
		{name: "YAML of 2,000,000 nested [", effect: "that file's workload parse", exit: 0, seconds: 10, rssMB: 300, fullScan: true,
			outcome: "a named parse error; every other finding reported",
			setup: func(t *testing.T, dir string) ([]string, []string) {
				repeated(t, filepath.Join(dir, "repo", "k8s", "bomb.yaml"), "[", 2_000_000)
				return scan(), nil
			}},
		{name: "one 1 MB line of `A_KEY` repeated (quadratic before: 59s at 400 KB)", effect: "none", exit: 0, seconds: 5, rssMB: 300, fullScan: true,
			outcome: "scanned in linear time; every finding reported",
			setup: func(t *testing.T, dir string) ([]string, []string) {
				repeated(t, filepath.Join(dir, "repo", "keys.txt"), "A_KEY", 1<<20)
				return scan("--scope-timeout", "5s"), nil
			}},
		{name: "one 1 MB line of `--model a/b` repeated", effect: "none", exit: 0, seconds: 5, rssMB: 300, fullScan: true,
			outcome: "scanned in linear time; every finding reported",
			setup: func(t *testing.T, dir string) ([]string, []string) {
				repeated(t, filepath.Join(dir, "repo", "serve.sh"), "--model a/b ", 1<<20)
				return scan("--scope-timeout", "5s"), nil
			}},
		{name: "1 MB of MCP clients given a name, and of `url = ...` lines (24 s before: each server searched for in the rest of the file)", effect: "none", exit: 0, seconds: 5, rssMB: 300, fullScan: true,
			outcome: "scanned in linear time; every finding reported",
			setup: func(t *testing.T, dir string) ([]string, []string) {
				repeated(t, filepath.Join(dir, "repo", "client.py"), "streamablehttp_client(url)\nurl = \"http://h/mcp\"\n", 1<<20)
				return scan("--scope-timeout", "5s"), nil
			}},
		{name: "1 MB of unclosed `mcp_servers=[{` and Go MCP transports", effect: "none", exit: 0, seconds: 5, rssMB: 300, fullScan: true,
			outcome: "scanned in bounded time (at most 4,096 occurrences of one call read per file); every finding reported",
			setup: func(t *testing.T, dir string) ([]string, []string) {
				repeated(t, filepath.Join(dir, "repo", "tools.py"), "mcp_servers=[{\"url\": \"https://h/mcp\", server_url: ", 1<<20)
				repeated(t, filepath.Join(dir, "repo", "main.go"), "&mcp.StreamableClientTransport{Endpoint: u, ", 1<<20)
				return scan("--scope-timeout", "5s"), nil
			}},
		{name: "1 MB of `kind: ModelAdapter` lines in one YAML document", effect: "none", exit: 0, seconds: 5, rssMB: 300, fullScan: true,
			outcome: "scanned in linear time; every finding reported",
			setup: func(t *testing.T, dir string) ([]string, []string) {
				repeated(t, filepath.Join(dir, "repo", "adapters.yaml"), "kind: ModelAdapter\nartifactURL: s3://b/k\n", 1<<20)
				return scan("--scope-timeout", "5s"), nil
			}},
		{name: "a 10 MB file of Hugging Face tokens (1.9 GB RSS before)", effect: "that file's findings beyond 1,000", exit: 0, seconds: 15, rssMB: 400, fullScan: true,
			outcome: "the first 1,000 keys reported, the rest counted and noted",
			check: func(t *testing.T, rep model.Report) {
				n := 0
				for _, a := range rep.Assets {
					if a.Location != nil && a.Location.Path == "tokens.txt" {
						n++
					}
				}
				var run model.CollectorRun
				for _, r := range rep.Scan.CollectorRuns {
					if r.Collector == "source" {
						run = r
					}
				}
				if n != 1000 || run.Stats["findings_capped"] == 0 || !strings.Contains(strings.Join(run.Notes, "\n"), "tokens.txt") {
					t.Errorf("%d keys from tokens.txt, capped %d, notes %q", n, run.Stats["findings_capped"], run.Notes)
				}
			},
			setup: func(t *testing.T, dir string) ([]string, []string) {
				var b bytes.Buffer
				const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
				raw := make([]byte, 34)
				for b.Len() < 10<<20-64 { // under --max-file-size (10 MiB): the file is read
					rand.Read(raw)
					b.WriteString("hf_")
					for _, c := range raw {
						b.WriteByte(alnum[int(c)%len(alnum)])
					}
					b.WriteByte('\n')
				}
				os.WriteFile(filepath.Join(dir, "repo", "tokens.txt"), b.Bytes(), 0o644)
				return scan(), nil
			}},
		{name: "--config naming a FIFO (blocked forever before)", effect: "the command", exit: 2, says: "is not a regular file (a FIFO)", seconds: 5, rssMB: 200,
			outcome: "refused at once, exit 2",
			setup: func(t *testing.T, dir string) ([]string, []string) {
				fifo := filepath.Join(dir, "fifo")
				if err := syscall.Mkfifo(fifo, 0o600); err != nil {
					t.Fatal(err)
				}
				return scan("--config", fifo), nil
			}},
		{name: "--config /dev/zero (0.5 GB/s growth before)", effect: "the command", exit: 2, says: "is not a regular file (a device)", seconds: 5, rssMB: 200,
			outcome: "refused at once, exit 2",
			setup:   func(t *testing.T, dir string) ([]string, []string) { return scan("--config", "/dev/zero"), nil }},
		{name: "an 88 MB config file (4.7 GB before)", effect: "the command", exit: 2, says: "more than the 4194304", seconds: 5, rssMB: 200,
			outcome: "refused by size before reading, exit 2",
			setup: func(t *testing.T, dir string) ([]string, []string) {
				cfg := filepath.Join(dir, "big.yaml")
				repeated(t, cfg, "aws-regions: [us-east-1]\n# padding\n", 88<<20)
				return scan("--config", cfg), nil
			}},
		{name: "a registry id of 1,700,000 `*` (panicked before)", effect: "the command", exit: 2, says: "more than the 2048", seconds: 5, rssMB: 200,
			outcome: "refused with the entry named, exit 2",
			setup: func(t *testing.T, dir string) ([]string, []string) {
				reg := filepath.Join(dir, "registry.yaml")
				os.WriteFile(reg, []byte("assets:\n  - id: \""+strings.Repeat("*", 1_700_000)+"\"\n"), 0o644)
				return scan("--registry", reg), nil
			}},
		{name: "custom controls: 8 nested comprehensions, strings grown by nested .map()", effect: "those controls", exit: 0, says: "was not fully evaluated", seconds: 20, rssMB: 400, fullScan: true,
			outcome: "both unknown (evaluation stopped at the cost limit), named in a warning; the others evaluated",
			setup: func(t *testing.T, dir string) ([]string, []string) {
				l, nested := "[0,1,2,3,4,5,6,7,8,9]", "true"
				for _, v := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
					nested = l + ".all(" + v + ", " + nested + ")"
				}
				grow := `"x" + name`
				for _, v := range []string{"i", "j", "k", "m", "n", "o", "p"} {
					grow = "[1,2,3,4,5,6,7,8,9,10].map(" + v + ", " + grow + " + " + grow + ")"
				}
				ctl := filepath.Join(dir, "controls")
				os.MkdirAll(ctl, 0o755)
				os.WriteFile(filepath.Join(ctl, "bomb.yaml"), []byte("controls:\n"+
					"  - {id: DEV.3.bomb-a, title: a, category: DEV, level: 3, kinds: [sdk_dependency], check: '"+nested+"', evidence_from: [source], aicm: [], remediation: none}\n"+
					"  - {id: DEV.3.bomb-b, title: b, category: DEV, level: 3, kinds: [sdk_dependency], check: '"+grow+".size() > 0', evidence_from: [source], aicm: [], remediation: none}\n"), 0o644)
				return append(scan("--controls", ctl), "--log-level", "warn"), nil
			}},
		{name: "--out /dev/full (reported success and replaced the device before)", effect: "the command", exit: 2, says: "exists and is not a regular file", seconds: 5, rssMB: 200,
			outcome: "refused before scanning, exit 2",
			setup:   func(t *testing.T, dir string) ([]string, []string) { return scan("--out", "/dev/full"), nil }},
		{name: "AWS_ENDPOINT_URL at a server that accepts and never answers (ran 300s+ before)", effect: "the AWS collector", exit: 4, says: "scan incomplete", seconds: 15, rssMB: 300,
			outcome: "AWS failed/unavailable within --scope-timeout (3s), exit 4",
			setup: func(t *testing.T, dir string) ([]string, []string) {
				return []string{"scan", "-q", "--source=off", "--kube=off", "--aws=on", "--scope-timeout", "3s", "-o", "json"},
					[]string{"AWS_ENDPOINT_URL=http://" + hang(t), "AWS_ACCESS_KEY_ID=AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY=x", "AWS_REGION=us-east-1",
						"AWS_EC2_METADATA_DISABLED=true", "AWS_CONFIG_FILE=" + filepath.Join(dir, "c"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(dir, "k")}
			}},
		{name: "AWS_ENDPOINT_URL at a server answering every call with an endless body", effect: "the AWS collector", exit: 4, says: "scan incomplete", seconds: 60, rssMB: 400,
			outcome: "each answer read to 16 MiB at most; AWS failed, exit 4",
			setup: func(t *testing.T, dir string) ([]string, []string) {
				srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "text/xml")
					w.Write([]byte("<GetCallerIdentityResponse><GetCallerIdentityResult><Account>"))
					chunk := bytes.Repeat([]byte("1"), 1<<20)
					for {
						if _, err := w.Write(chunk); err != nil {
							return
						}
					}
				})}
				ln, err := net.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					t.Fatal(err)
				}
				go srv.Serve(ln)
				t.Cleanup(func() { srv.Close() })
				return []string{"scan", "-q", "--source=off", "--kube=off", "--aws=on", "--scope-timeout", "20s", "-o", "json"},
					[]string{"AWS_ENDPOINT_URL=http://" + ln.Addr().String(), "AWS_ACCESS_KEY_ID=AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY=x", "AWS_REGION=us-east-1",
						"AWS_EC2_METADATA_DISABLED=true", "AWS_MAX_ATTEMPTS=1", "AWS_CONFIG_FILE=" + filepath.Join(dir, "c"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(dir, "k")}
			}},
		{name: "a kubeconfig at a server that accepts and never answers (610s, internal before)", effect: "that cluster", exit: 4, says: "unavailable", seconds: 15, rssMB: 300,
			outcome: "the cluster failed/unavailable after three attempts of --scope-timeout (3s), exit 4",
			setup: func(t *testing.T, dir string) ([]string, []string) {
				kc := filepath.Join(dir, "kubeconfig")
				os.WriteFile(kc, []byte("apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: \"http://"+hang(t)+"\"}}]\n"+
					"users: [{name: u, user: {token: x}}]\ncontexts: [{name: hung, context: {cluster: c, user: u}}]\ncurrent-context: hung\n"), 0o600)
				return []string{"scan", "-q", "--source=off", "--aws=off", "--kube=on", "--kubeconfig", kc, "--scope-timeout", "3s", "--log-level", "warn", "-o", "json"}, nil
			}},
		{name: "a Pushgateway answering an error with a 200 MB body (1.5 GB RSS before)", effect: "the push", exit: 1, says: "metrics not pushed", seconds: 15, rssMB: 300, fullScan: true,
			outcome: "report written, at most 4 KiB of the answer read, exit 1",
			setup: func(t *testing.T, dir string) ([]string, []string) {
				srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.WriteHeader(http.StatusBadRequest)
					chunk := bytes.Repeat([]byte("x"), 1<<20)
					for range 200 {
						if _, err := w.Write(chunk); err != nil {
							return
						}
					}
				})}
				ln, err := net.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					t.Fatal(err)
				}
				go srv.Serve(ln)
				t.Cleanup(func() { srv.Close() })
				return scan("--push-gateway", "http://"+ln.Addr().String(), "--push-timeout", "10s"), nil
			}},
	}
}

// testHostile runs every hostile case and records its row.
func testHostile(t *testing.T, bin string, baseIDs []string, add func(row)) {
	for _, h := range hostileCases() {
		t.Run(h.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := copyTree(repo, filepath.Join(dir, "repo")); err != nil {
				t.Fatal(err)
			}
			args, env := h.setup(t, dir)
			out := filepath.Join(dir, "report.json")
			if !slices.Contains(args, "--out") && h.exit != 2 {
				args = append(args, "--out", out)
			}
			args = append(args, filepath.Join(dir, "repo"))
			code, stderr, secs, rss := runBounded(t, bin, env, args, time.Duration(h.seconds*float64(time.Second)))
			t.Logf("exit %d in %.2fs, peak RSS %.0f MB", code, secs, rss)
			if code != h.exit || !strings.Contains(stderr, h.says) {
				t.Errorf("exit %d, stderr %.400q; want exit %d saying %q", code, stderr, h.exit, h.says)
			}
			if secs > h.seconds || rss > h.rssMB {
				t.Errorf("took %.2fs and %.0f MB, bound %.0fs and %.0f MB", secs, rss, h.seconds, h.rssMB)
			}
			if len(stderr) > 64<<10 {
				t.Errorf("stderr is %d bytes: a hostile peer's words reached it", len(stderr))
			}
			lost := "—"
			if h.fullScan {
				b, err := os.ReadFile(out)
				if err != nil {
					t.Fatalf("no report: %v", err)
				}
				var rep model.Report
				if err := json.Unmarshal(b, &rep); err != nil {
					t.Fatal(err)
				}
				have := map[string]bool{}
				for _, a := range rep.Assets {
					have[strings.Replace(a.ID, "file://repo/", "file://acme-assistant/", 1)] = true
				}
				n := 0
				for _, id := range baseIDs {
					if !have[id] {
						n++
						t.Errorf("lost %s", id)
					}
				}
				lost = fmt.Sprint(n)
				if h.check != nil {
					h.check(t, rep)
				}
			}
			add(row{"Hostile: " + h.name, h.effect, lost, h.outcome, fmt.Sprintf("< %.0f s, < %.0f MB RSS", h.seconds, h.rssMB),
				fmt.Sprintf("%.2f s, %.0f MB", secs, rss)})
		})
	}
}

// copyTree copies the example repository (regular files only).
func copyTree(src, dst string) error {
	return filepath.Walk(src, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if fi.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !fi.Mode().IsRegular() {
			return nil
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.Create(target)
		if err != nil {
			return err
		}
		defer out.Close()
		_, err = io.Copy(out, in)
		return err
	})
}

// testServeUnderSiege runs serve with 64 file descriptors, holds 55 idle
// connections and one that dribbles its headers, and checks that /healthz
// still answers and the dribbler is cut off.
// startServe runs `aisight serve` of the example repository with 64 file
// descriptors and returns its address; the process is killed when the
// test ends.
func startServe(t *testing.T, bin string) string {
	t.Helper()
	cmd := exec.Command("sh", "-c", `ulimit -n 64 && exec "$0" serve --listen 127.0.0.1:0 --interval 1h --kube=off --aws=off "$1"`, bin, repo)
	var stderr syncBuf
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, after, ok := strings.Cut(stderr.String(), "serving on "); ok {
			return strings.Fields(after)[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start: %s", stderr.String())
		}
	}
}

func testServeUnderSiege(t *testing.T, bin string) row {
	addr := startServe(t, bin)
	var idle []net.Conn
	defer func() {
		for _, c := range idle {
			c.Close()
		}
	}()
	for range 55 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			break // the listen queue may refuse: that is the attacker's problem
		}
		idle = append(idle, c)
	}
	dribble, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer dribble.Close()
	cut := make(chan time.Duration, 1)
	go func() {
		start := time.Now()
		for _, b := range []byte("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ") {
			if _, err := dribble.Write([]byte{b}); err != nil {
				break
			}
			time.Sleep(400 * time.Millisecond)
		}
		buf := make([]byte, 1)
		dribble.SetReadDeadline(time.Now().Add(30 * time.Second))
		dribble.Read(buf) // returns when the server closes the connection
		cut <- time.Since(start)
	}()
	start := time.Now()
	client := &http.Client{Timeout: 15 * time.Second}
	var answered time.Duration
	for time.Since(start) < 15*time.Second {
		resp, err := client.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				answered = time.Since(start)
				break
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	if answered == 0 {
		t.Fatalf("/healthz never answered with %d idle connections held and 64 descriptors", len(idle))
	}
	var dribbled time.Duration
	select {
	case dribbled = <-cut:
		if dribbled > 12*time.Second {
			t.Errorf("a client dribbling its headers was served for %s", dribbled)
		}
	case <-time.After(20 * time.Second):
		t.Error("a client dribbling its headers was never cut off")
	}
	t.Logf("/healthz answered after %s with %d idle connections held; the dribbler was cut after %s", answered.Round(time.Millisecond), len(idle), dribbled.Round(time.Millisecond))
	return row{"Hostile: serve with 64 file descriptors, 55 idle connections and one dribbling its headers (/healthz unreachable before)", "those connections", "—",
		"/healthz answers; idle and dribbling connections are cut after the 5s header timeout", "< 15 s to answer, dribbler cut < 12 s",
		fmt.Sprintf("answered after %.1f s, dribbler cut after %.1f s", answered.Seconds(), dribbled.Seconds())}
}

// syncBuf is a bytes.Buffer safe for a writer and a concurrent reader.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }
