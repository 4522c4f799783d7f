package reliability

import (
	"bytes"
	"encoding/binary"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/aisight/aisight/internal/testenv/benchtest"
	"github.com/aisight/aisight/internal/testenv/treetest"
	"github.com/aisight/aisight/model"
)

// evasionKey is a synthetic OpenAI project key the evasions try to hide.
const evasionKey = "sk-proj-PtYgjmUhBel31iEl2hpChYgCfrL1spNxnyVmihA-T3BlbkFJ2O76UMFxFkM-R5Kjp1vRt_1fjORS-6ilI8ihN5KX"

// evasion is one way a pull-request author or a peer could try to make a
// scan read clean, and what the suite saw.
type evasion struct {
	name, variants, outcome string
}

// binRun runs the aisight binary and returns its exit code, stdout and
// stderr.
func binRun(t *testing.T, bin string, env []string, cred *syscall.Credential, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), append([]string{"AISIGHT_KUBE=off", "AISIGHT_AWS=off"}, env...)...)
	if cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	code := 0
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, out.String(), errb.String()
}

func reportKeys(t *testing.T, path string) (keys []string, runs []model.CollectorRun) {
	t.Helper()
	rep := benchtest.Report(t, path)
	for _, a := range rep.Assets {
		if a.Kind == model.KindAPIKey && a.Location != nil {
			keys = append(keys, a.Location.Path)
		}
	}
	return keys, rep.Scan.CollectorRuns
}

func utf16Of(s string, big, bom bool) []byte {
	units := utf16.Encode([]rune(s))
	if bom {
		units = append([]uint16{0xFEFF}, units...)
	}
	out := make([]byte, 2*len(units))
	for i, u := range units {
		if big {
			binary.BigEndian.PutUint16(out[2*i:], u)
		} else {
			binary.LittleEndian.PutUint16(out[2*i:], u)
		}
	}
	return out
}

// TestEvasion reproduces, with the real binary, each way issue 24 found
// to make the pull-request gate read clean, with variants, and requires
// that it no longer does. Its rows are docs/reliability.md's evasion
// table (-update rewrites it; a stale table fails).
func TestEvasion(t *testing.T) {
	bin := benchtest.Binary(t, "../..")
	var rows []evasion
	add := func(name, variants, outcome string) { rows = append(rows, evasion{name, variants, outcome}) }

	t.Run("committed gitignored key", func(t *testing.T) {
		repo := t.TempDir()
		treetest.Write(t, repo, map[string][]byte{"app.py": []byte("import os\n")})
		treetest.Git(t, repo, "init", "-q")
		treetest.Git(t, repo, "add", ".")
		treetest.Git(t, repo, "commit", "-qm", "base")
		base := filepath.Join(t.TempDir(), "base.json")
		if code, _, e := binRun(t, bin, nil, nil, "scan", "-q", "-o", "json", "--out", base, repo); code != 0 {
			t.Fatalf("base scan exit %d: %s", code, e)
		}
		treetest.Write(t, repo, map[string][]byte{
			".gitignore":        []byte("config.py\nsecrets/\n*.env\n"),
			"config.py":         []byte("OPENAI_API_KEY = \"" + evasionKey + "\"\n"),
			"secrets/prod.yaml": []byte("openai_key: " + evasionKey + "\n"),
			"deploy/.env":       []byte("OPENAI_API_KEY=" + evasionKey + "\n"),
		})
		treetest.Git(t, repo, "add", "-f", "config.py", "secrets/prod.yaml", "deploy/.env", ".gitignore")
		treetest.Git(t, repo, "commit", "-qm", "pr")
		pr := filepath.Join(t.TempDir(), "pr.json")
		if code, _, e := binRun(t, bin, nil, nil, "scan", "-q", "-o", "json", "--out", pr, repo); code != 0 {
			t.Fatalf("pr scan exit %d: %s", code, e)
		}
		if keys, _ := reportKeys(t, pr); len(keys) != 3 {
			t.Errorf("keys found in %v, want the three committed files", keys)
		}
		code, out, _ := binRun(t, bin, nil, nil, "diff", base, pr, "--fail-on", "new-key")
		if code != 3 || !strings.Contains(out, "config.py") {
			t.Errorf("diff --fail-on new-key exit %d, want 3 naming config.py:\n%s", code, out)
		}
		add("A key committed with `git add -f` beside a `.gitignore` that names it", "a file, a directory pattern, a glob (3 files)",
			"tracked files scanned whatever `.gitignore` says (git index); `diff --fail-on new-key` exits 3")
	})

	t.Run("nested YAML anchors", func(t *testing.T) {
		dir := t.TempDir()
		nest := "x-a: &a [{name: x, value: \"1\"}, {name: y, value: \"2\"}]\n" +
			"x-b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nx-c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n" +
			"x-d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
		treetest.Write(t, dir, map[string][]byte{
			"docker-compose.yml": []byte(nest + "services:\n  llm:\n    image: vllm/vllm-openai:v0.8.4\n    x-pad: *d\n"),
			"deploy/chat.yaml": []byte("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: chat, namespace: ml}\n" + nest +
				"spec:\n  template:\n    spec:\n      containers:\n      - name: vllm\n        image: vllm/vllm-openai:v0.8.4\n        x-pad: *d\n"),
		})
		out := filepath.Join(t.TempDir(), "r.json")
		if code, _, e := binRun(t, bin, nil, nil, "scan", "-q", "-o", "json", "--out", out, dir); code != 0 {
			t.Fatalf("exit %d: %s", code, e)
		}
		n := 0
		for _, a := range benchtest.Report(t, out).Assets {
			if a.Kind == model.KindInferenceWorkload {
				n++
			}
		}
		if n != 2 {
			t.Errorf("%d workloads found, want the compose service and the Deployment", n)
		}
		add("YAML anchors nested three deep in a compose file and a Deployment running vLLM", "compose, Kubernetes; past the budget: a billion-laughs file (source tests)",
			"both workloads found (aliases expanded under a budget of 200,000 nodes; past it the file is named, partial, and line-scanned)")
	})

	t.Run("encodings", func(t *testing.T) {
		dir := t.TempDir()
		text := "# caf\u00e9\nOPENAI_API_KEY=" + evasionKey + "\n"
		treetest.Write(t, dir, map[string][]byte{
			"latin1.py":   []byte("# caf\xe9\nOPENAI_API_KEY = \"" + evasionKey + "\"\n"),
			"utf16le.env": utf16Of(text, false, true),
			"utf16be.env": utf16Of(text, true, false),
			"binary.py":   append([]byte{0, 1, 2, 0}, []byte("\nOPENAI_API_KEY="+evasionKey+"\n")...),
		})
		out := filepath.Join(t.TempDir(), "r.json")
		code, _, _ := binRun(t, bin, nil, nil, "scan", "-q", "--fail-on-partial", "-o", "json", "--out", out, dir)
		keys, runs := reportKeys(t, out)
		if len(keys) != 4 {
			t.Errorf("keys found in %v, want all four files", keys)
		}
		if code != 4 || runs[len(runs)-1].Status != model.StatusPartial || !strings.Contains(runs[len(runs)-1].Error, "binary.py") {
			t.Errorf("--fail-on-partial exit %d, run %+v: binary data under a text name must be named and partial", code, runs[len(runs)-1])
		}
		add("A byte that is not UTF-8 in a `.py`; a UTF-16 `.env`; binary bytes in a `.py`", "Latin-1, UTF-16LE with BOM, UTF-16BE without, NULs in code (UTF-32 in source tests)",
			"every key found; binary data under a text name makes the scope partial (`unparsed`), `--fail-on-partial` exits 4")
	})

	t.Run("unreadable files", func(t *testing.T) {
		base := t.TempDir()
		// The unprivileged user must reach the tree: t.TempDir's own
		// directories are 0700.
		for d := base; d != filepath.Clean(os.TempDir()) && d != "/"; d = filepath.Dir(d) {
			if err := os.Chmod(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		dir := filepath.Join(base, "repo")
		treetest.Write(t, dir, map[string][]byte{"ok.py": []byte("import openai\n"), "secret.env": []byte("OPENAI_API_KEY=" + evasionKey + "\n"),
			"locked/a.py": []byte("x = 1\n")})
		os.Chmod(filepath.Join(dir, "secret.env"), 0)
		os.Chmod(filepath.Join(dir, "locked"), 0)
		var cred *syscall.Credential
		if os.Geteuid() == 0 {
			cred = &syscall.Credential{Uid: 65534, Gid: 65534} // nobody: root reads anything
		}
		// and run the binary: a copy of it where it may.
		ubin := filepath.Join(base, "aisight")
		b, err := os.ReadFile(bin)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(ubin, b, 0o755); err != nil {
			t.Fatal(err)
		}
		outDir := filepath.Join(base, "out")
		os.MkdirAll(outDir, 0o777)
		os.Chmod(outDir, 0o777)
		out := filepath.Join(outDir, "r.json")
		code, _, e := binRun(t, ubin, []string{"HOME=" + outDir}, cred, "scan", "-q", "--fail-on-partial", "-o", "json", "--out", out, dir)
		if code != 4 {
			t.Fatalf("exit %d, want 4: %s", code, e)
		}
		_, runs := reportKeys(t, out)
		r := runs[len(runs)-1]
		if r.Status != model.StatusPartial || r.ErrorClass != model.ErrDenied || !strings.Contains(r.Error, "secret.env") || !strings.Contains(r.Error, "locked/") {
			t.Errorf("run %+v: want partial/denied naming secret.env and locked/", r)
		}
		add("Files and directories the scanning user cannot read (`chmod 000`)", "a file, a directory",
			"scope `partial` (`denied`) with the count and the first paths; `--fail-on-partial` exits 4")
	})

	t.Run("diff of a failed scan", func(t *testing.T) {
		dir := t.TempDir()
		treetest.Write(t, dir, map[string][]byte{"app.py": []byte("import openai\n")})
		base, pr := filepath.Join(t.TempDir(), "base.json"), filepath.Join(t.TempDir(), "pr.json")
		if code, _, e := binRun(t, bin, nil, nil, "scan", "-q", "-o", "json", "--out", base, dir); code != 0 {
			t.Fatalf("exit %d: %s", code, e)
		}
		if code, _, _ := binRun(t, bin, nil, nil, "scan", "-q", "--scope-timeout", "1ns", "-o", "json", "--out", pr, dir); code != 4 {
			t.Fatalf("the timed-out scan exited %d, want 4", code)
		}
		for _, gate := range []string{"new-key", "new-shadow", "regression"} {
			code, out, _ := binRun(t, bin, nil, nil, "diff", base, pr, "--fail-on", gate, "-o", "markdown")
			if code != 3 || !strings.Contains(out, "Incomplete") {
				t.Errorf("--fail-on %s: exit %d, want 3 and the report named incomplete:\n%s", gate, code, out)
			}
		}
		if code, _, _ := binRun(t, bin, nil, nil, "diff", base, pr, "--fail-on", "new-key,no-incomplete"); code != 0 {
			t.Errorf("no-incomplete: exit %d, want 0", code)
		}
		add("`diff` of a scan that failed (`--scope-timeout 1ns`, exit 4) against a good base", "gates new-key, new-shadow, regression",
			"every gate exits 3 (gate `incomplete`, on with any gate); every output form names the incomplete side at its top")
	})

	t.Run("admin key across a redirect, and echoed back", func(t *testing.T) {
		stolen := &thief{}
		away := httptest.NewServer(stolen)
		defer away.Close()
		// Admin keys the collectors accept, in shapes the output wall does
		// not know.
		oddOpenAI, oddAnthropic := "sk-admin-zq9.unknown~shape_credential.7Hq2", "sk-ant-admin07-zq9.unknown~shape.cred.7Hq2"
		for _, code := range []int{301, 302, 307, 308} {
			redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, away.URL+r.URL.Path, code)
			}))
			env := []string{"AISIGHT_ANTHROPIC=on", "ANTHROPIC_ADMIN_KEY=" + oddAnthropic, "ANTHROPIC_BASE_URL=" + redirector.URL,
				"AISIGHT_OPENAI=on", "OPENAI_ADMIN_KEY=" + oddOpenAI, "OPENAI_BASE_URL=" + redirector.URL}
			_, out, e := binRun(t, bin, env, nil, "scan", "--source=off")
			redirector.Close()
			if leaks(out+e, oddOpenAI, oddAnthropic) {
				t.Errorf("%d: the admin key is in the output", code)
			}
			if !strings.Contains(e+out, "refused") {
				t.Errorf("%d: the refused redirect is not said:\n%s%s", code, out, e)
			}
		}
		echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, `{"error":{"type":"authentication_error","message":"invalid x-api-key %s (Authorization: %s)"}}`, r.Header.Get("X-Api-Key"), r.Header.Get("Authorization"))
		}))
		defer echo.Close()
		_, out, e := binRun(t, bin, []string{"AISIGHT_ANTHROPIC=on", "ANTHROPIC_ADMIN_KEY=" + oddAnthropic, "ANTHROPIC_BASE_URL=" + echo.URL,
			"AISIGHT_OPENAI=on", "OPENAI_ADMIN_KEY=" + oddOpenAI, "OPENAI_BASE_URL=" + echo.URL}, nil, "scan", "--source=off", "-o", "json")
		if leaks(out+e, oddOpenAI, oddAnthropic) {
			t.Errorf("an echoed admin key is in the output:\n%s\n%s", out, e)
		}
		if got := stolen.requests(); len(got) > 0 {
			t.Errorf("the other host received %d requests with credentials: %q", len(got), got)
		}
		add("OpenAI and Anthropic admin keys sent to a base URL that redirects to another host; a key of an unknown shape echoed in a 401", "301, 302, 307, 308; both providers; JSON, table and stderr",
			"no request reaches the other host (one redirect rule, same origin only); the echoed key is masked by value")
	})

	t.Run("every client's credentials across a redirect", func(t *testing.T) {
		// The thief is a TLS server too, trusted as the redirector is
		// (httptest servers share one certificate): only the redirect rule
		// stands between it and the credentials.
		stolen := &thief{}
		away := httptest.NewTLSServer(stolen)
		defer away.Close()
		plainThief := httptest.NewServer(stolen)
		defer plainThief.Close()
		redirect := func(to string) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, to+r.URL.Path, http.StatusTemporaryRedirect)
			})
		}
		plain := httptest.NewServer(redirect(plainThief.URL))
		defer plain.Close()
		tlsRedir := httptest.NewTLSServer(redirect(away.URL))
		defer tlsRedir.Close()
		dir := t.TempDir()
		ca := filepath.Join(dir, "ca.pem")
		os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: tlsRedir.Certificate().Raw}), 0o644)
		kc := filepath.Join(dir, "kubeconfig")
		const kubeToken = "kube-bearer-token-synthetic-0123456789"
		os.WriteFile(kc, []byte("apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: \""+plain.URL+"\"}}]\n"+
			"users: [{name: u, user: {token: "+kubeToken+"}}]\ncontexts: [{name: k, context: {cluster: c, user: u}}]\ncurrent-context: k\n"), 0o600)
		const awsSecret, awsToken = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYsynthetic", "FwoGZXIvYXdzEJr-synthetic-session-token-0123456789abcdef"
		u, _ := url.Parse(plain.URL)
		for _, c := range []struct {
			client string
			env    []string
			args   []string
			secret string
		}{
			{"AWS", []string{"AISIGHT_AWS=on", "AWS_ENDPOINT_URL=" + plain.URL, "AWS_ACCESS_KEY_ID=AKIAEXAMPLESYNTHETIC", "AWS_SECRET_ACCESS_KEY=" + awsSecret,
				"AWS_SESSION_TOKEN=" + awsToken, "AWS_REGION=us-east-1", "AWS_EC2_METADATA_DISABLED=true", "AWS_MAX_ATTEMPTS=1",
				"AWS_CONFIG_FILE=" + filepath.Join(dir, "c"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(dir, "k")},
				[]string{"scan", "--source=off", "--scope-timeout", "10s"}, awsToken},
			{"Azure", []string{"AISIGHT_AZURE=on", "AISIGHT_AZURE_EMULATOR_URL=" + tlsRedir.URL, "AISIGHT_AZURE_EMULATOR_CA=" + ca},
				[]string{"scan", "--source=off", "--scope-timeout", "10s"}, "aisight-emulator-token"},
			{"Kubernetes", nil, []string{"scan", "--source=off", "--kube=on", "--kubeconfig", kc, "--scope-timeout", "5s"}, kubeToken},
			{"Pushgateway", nil, []string{"scan", "--push-gateway", "http://aisight:push-password-synthetic@" + u.Host, "--push-timeout", "5s", dir}, "push-password-synthetic"},
		} {
			_, out, e := binRun(t, bin, c.env, nil, c.args...)
			// Said as refused, or (a POST, which Go's client does not
			// follow: AWS's STS) as the redirect answer itself.
			if !strings.Contains(out+e, "refused") && !strings.Contains(out+e, "StatusCode: 307") {
				t.Errorf("%s: the refused redirect is not said:\n%s%s", c.client, out, e)
			}
			if leaks(out+e, c.secret) {
				t.Errorf("%s: its credential is in the output", c.client)
			}
		}
		// An AWS session token quoted back in a 403 is masked by value.
		echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/xml")
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid: %s</Message></Error></ErrorResponse>`, r.Header.Get("X-Amz-Security-Token"))
		}))
		defer echo.Close()
		_, out, e := binRun(t, bin, []string{"AISIGHT_AWS=on", "AWS_ENDPOINT_URL=" + echo.URL, "AWS_ACCESS_KEY_ID=AKIAEXAMPLESYNTHETIC", "AWS_SECRET_ACCESS_KEY=" + awsSecret,
			"AWS_SESSION_TOKEN=" + awsToken, "AWS_REGION=us-east-1", "AWS_EC2_METADATA_DISABLED=true", "AWS_MAX_ATTEMPTS=1",
			"AWS_CONFIG_FILE=" + filepath.Join(dir, "c"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(dir, "k")}, nil, "scan", "--source=off", "-o", "json")
		if !strings.Contains(out+e, "security token included in the request is invalid") {
			t.Errorf("the 403 is not reported:\n%s%s", out, e)
		}
		if leaks(out+e, awsToken) {
			t.Errorf("the echoed session token is in the output:\n%s%s", out, e)
		}
		if got := stolen.requests(); len(got) > 0 {
			t.Errorf("the other host received %q", got)
		}
		add("AWS, Azure, Kubernetes and Pushgateway endpoints that redirect (307) to another host; an AWS session token echoed in a 403", "4 clients; JSON and table",
			"no request reaches the other host; each refusal is said; the echoed token is masked by value")
	})

	t.Run("control characters in names", func(t *testing.T) {
		hostile := []string{"\x1b]0;owned\x07", "\x1b[2J\x1b[H", "\r", "\b", "\u202e", "\u2066", "\x9b"}
		dir := t.TempDir()
		base := filepath.Join(t.TempDir(), "base.json")
		if code, _, e := binRun(t, bin, nil, nil, "scan", "-q", "-o", "json", "--out", base, dir); code != 0 {
			t.Fatalf("exit %d: %s", code, e)
		}
		treetest.Write(t, dir, map[string][]byte{
			"\x1b]0;owned\x07\u202eyp.env":  []byte("OPENAI_API_KEY=" + evasionKey + "\n"),
			"\x1b[2J\x1b[Hfake\rrow\b.yaml": []byte("services:\n  \"llm\\e[31m\\x9b\u2066\":\n    image: vllm/vllm-openai:v0.8.4\n"),
			"broken\x1b[5m.json":            []byte("{\"mcpServers\": {"),
			".cursor/mcp.json":              []byte(`{"mcpServers": {"\u001b]0;t\u0007\u202e": {"command": "npx", "args": ["@org/server"]}}}`),
		})
		pr := filepath.Join(t.TempDir(), "pr.json")
		var all strings.Builder
		_, out, e := binRun(t, bin, nil, nil, "scan", "--log-level", "info", "-o", "json", "--out", pr, dir)
		all.WriteString(out + e)
		_, out, e = binRun(t, bin, nil, nil, "scan", "--log-level", "info", dir)
		all.WriteString(out + e)
		for _, f := range []string{"table", "markdown"} {
			_, out, e := binRun(t, bin, nil, nil, "diff", base, pr, "-o", f)
			all.WriteString(out + e)
		}
		for _, h := range hostile {
			if strings.Contains(all.String(), h) {
				t.Errorf("%q reaches the terminal raw", h)
			}
		}
		if !strings.Contains(all.String(), `\x1b]0;owned\x07`) {
			t.Error("the hostile file name is not shown escaped")
		}
		add("Escape sequences, carriage returns, backspaces and bidi controls in file names and in compose and MCP server names", "window title, clear screen, CR, BS, C1 CSI, RLO, LRI; scan table, logs, diff table and Markdown",
			"shown escaped (`\\x1b`, `\\u202e`) in every text output; Markdown also escapes links, HTML and @mentions")
	})

	t.Run("serve held by keep-alive connections", func(t *testing.T) {
		addr := startServe(t, bin) // 64 file descriptors: 32 connection slots
		stop := make(chan struct{})
		var wg sync.WaitGroup
		defer func() { close(stop); wg.Wait() }()
		// 100 clients that keep their connection and send a request every
		// second (the 1,024 every 20 s, scaled to the slots), as
		// many as the listen queue takes.
		for range 100 {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				break
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				buf := make([]byte, 4096)
				for {
					if _, err := fmt.Fprintf(c, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
						return
					}
					c.SetReadDeadline(time.Now().Add(2 * time.Second))
					for {
						n, err := c.Read(buf)
						if err != nil || bytes.Contains(buf[:n], []byte("aisight_build_info")) || n < len(buf) {
							break
						}
					}
					select {
					case <-stop:
						return
					case <-time.After(time.Second):
					}
				}
			}()
		}
		time.Sleep(2 * time.Second) // every slot held
		probe := &http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
		answered := 0
		for range 5 {
			if resp, err := probe.Get("http://" + addr + "/healthz"); err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					answered++
				}
			}
		}
		if answered < 4 {
			t.Errorf("/healthz answered %d of 5 probes while clients held the connections", answered)
		}
		add("`serve` with every connection slot held by keep-alive clients that send a request every second", "100 clients for 32 slots; 5 probes",
			"/healthz answers at least 4 of 5 probes: idle connections are closed first when slots run low, one client holds at most a quarter of them, the API has at most 8 answers in flight")
	})

	writeGenerated(t, "<!-- evasion table: generated -->\n", "<!-- end of evasion table -->\n", evasionTable(rows), false)
}

func evasionTable(rows []evasion) string {
	var b strings.Builder
	b.WriteString("| evasion | variants | outcome |\n|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", r.name, r.variants, r.outcome)
	}
	return b.String()
}

// leaks reports whether out holds any 8-byte run of a secret's part after
// its provider prefix.
func leaks(out string, secrets ...string) bool {
	for _, s := range secrets {
		tail := s[strings.LastIndex(s[:16], "-")+1:]
		for i := 0; i+8 <= len(tail); i++ {
			if strings.Contains(out, tail[i:i+8]) {
				return true
			}
		}
	}
	return false
}

// thief records every request that reaches it: a host that no credential
// may reach.
type thief struct {
	mu  sync.Mutex
	got []string
}

func (th *thief) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	th.mu.Lock()
	defer th.mu.Unlock()
	creds := ""
	if r.Header.Get("X-Api-Key")+r.Header.Get("Authorization")+r.Header.Get("X-Amz-Security-Token") != "" {
		creds = " (with credentials)"
	}
	th.got = append(th.got, r.Method+" "+r.URL.Path+creds)
}

func (th *thief) requests() []string {
	th.mu.Lock()
	defer th.mu.Unlock()
	return append([]string(nil), th.got...)
}
