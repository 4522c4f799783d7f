// Package apiserver starts a real etcd and kube-apiserver on loopback for
// `aisight demo --kube-apiserver`, the benchmarks and the tests (whose
// per-test harness is internal/testenv/kubeharness): RBAC on, token authentication, an audit log of every request, and
// free ports so test packages can run in parallel. The kube-apiserver binary
// is built once per machine by .ci/build-kube (make test runs it); etcd comes
// from Debian's etcd-server package. Nothing runs but the API server: no
// scheduler, kubelet or controllers, so tests create every object they need.
package apiserver

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// Version is the kube-apiserver version .ci/build-kube builds.
const Version = "v1.37.2"

// Server is a running etcd + kube-apiserver pair.
type Server struct {
	// URL is the API server's https address on 127.0.0.1.
	URL string
	// AdminToken authenticates as a member of system:masters.
	AdminToken string
	// CAFile is the API server's self-signed serving certificate.
	CAFile string
	// AuditLog is the path of the JSON-lines audit log.
	AuditLog string
	// Dir holds the servers' data, certificates and logs.
	Dir string

	procs []*exec.Cmd
	// apiserver is how the API server was started, for RestartAPIServer.
	apiserver     string
	apiserverArgs []string
}

// ErrMissing is returned by Start when a binary is not installed. Tests skip
// on it unless AISIGHT_E2E=1, when they must fail.
var ErrMissing = errors.New("apiserver: component missing")

// APIServerPath finds the kube-apiserver binary: $AISIGHT_KUBE_DIR, then the
// per-machine cache .ci/build-kube writes to.
func APIServerPath() (string, error) {
	if p := cached("kube-apiserver"); p != "" {
		return p, nil
	}
	return "", fmt.Errorf("%w: kube-apiserver not built (run .ci/build-kube or make test)", ErrMissing)
}

// KubectlPath finds kubectl: the one .ci/build-kube built beside the API
// server (same version), else the one on PATH.
func KubectlPath() (string, error) {
	if p := cached("kubectl"); p != "" {
		return p, nil
	}
	if p, err := exec.LookPath("kubectl"); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("%w: kubectl not built (run .ci/build-kube or make test)", ErrMissing)
}

func cached(name string) string {
	dirs := []string{os.Getenv("AISIGHT_KUBE_DIR"), os.Getenv("AISIGHT_KUBE_CACHE")}
	cache := os.Getenv("XDG_CACHE_HOME")
	if cache == "" {
		if home, err := os.UserHomeDir(); err == nil {
			cache = filepath.Join(home, ".cache")
		}
	}
	dirs = append(dirs, filepath.Join(cache, "aisight", "kube-"+Version))
	for _, d := range dirs {
		if d == "" {
			continue
		}
		p := filepath.Join(d, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	return ""
}

// Start runs etcd and kube-apiserver in dir and waits until /readyz answers.
func Start(ctx context.Context, dir string) (*Server, error) {
	apiserver, err := APIServerPath()
	if err != nil {
		return nil, err
	}
	etcd, err := exec.LookPath("etcd")
	if err != nil {
		return nil, fmt.Errorf("%w: etcd not installed (apt-get install etcd-server, or make test)", ErrMissing)
	}
	s := &Server{Dir: dir, AuditLog: filepath.Join(dir, "audit.log")}
	ports, err := freePorts(3)
	if err != nil {
		return nil, err
	}
	token, err := randomToken()
	if err != nil {
		return nil, err
	}
	s.AdminToken = token
	if err := s.writeFiles(); err != nil {
		return nil, err
	}
	etcdURL := "http://127.0.0.1:" + strconv.Itoa(ports[0])
	if err := s.run(etcd, "etcd",
		"--data-dir", filepath.Join(dir, "etcd"),
		"--listen-client-urls", etcdURL, "--advertise-client-urls", etcdURL,
		"--listen-peer-urls", "http://127.0.0.1:"+strconv.Itoa(ports[1]),
		"--initial-advertise-peer-urls", "http://127.0.0.1:"+strconv.Itoa(ports[1]),
		"--initial-cluster", "default=http://127.0.0.1:"+strconv.Itoa(ports[1]),
		"--quota-backend-bytes", strconv.Itoa(4<<30), "--log-level", "warn",
	); err != nil {
		return nil, err
	}
	s.URL = "https://127.0.0.1:" + strconv.Itoa(ports[2])
	s.apiserver = apiserver
	s.apiserverArgs = []string{
		"--etcd-servers=" + etcdURL, "--bind-address=127.0.0.1", "--advertise-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(ports[2]), "--cert-dir=" + filepath.Join(dir, "certs"),
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + filepath.Join(dir, "sa.pub"),
		"--service-account-signing-key-file=" + filepath.Join(dir, "sa.key"),
		"--token-auth-file=" + filepath.Join(dir, "tokens.csv"),
		"--authorization-mode=RBAC", "--service-cluster-ip-range=10.0.0.0/24",
		"--endpoint-reconciler-type=none",
		"--audit-policy-file=" + filepath.Join(dir, "audit-policy.yaml"), "--audit-log-path=" + s.AuditLog,
		"--audit-log-format=json", "--audit-log-mode=blocking",
		"--max-requests-inflight=800", "--max-mutating-requests-inflight=400",
	}
	if err := s.run(apiserver, "kube-apiserver", s.apiserverArgs...); err != nil {
		s.Stop()
		return nil, err
	}
	s.CAFile = filepath.Join(dir, "certs", "apiserver.crt")
	if err := s.waitReady(ctx); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

func (s *Server) writeFiles() error {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return err
	}
	files := map[string][]byte{
		"sa.key":     pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}),
		"sa.pub":     pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}),
		"tokens.csv": []byte(s.AdminToken + `,admin,admin-uid,"system:masters"` + "\n"),
		// Metadata for every request after it completes: who, verb, resource.
		"audit-policy.yaml": []byte("apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived, ResponseStarted]\nrules:\n- level: Metadata\n"),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(s.Dir, name), b, 0o600); err != nil {
			return err
		}
	}
	return nil
}

func (s *Server) run(bin, name string, args ...string) error {
	logf, err := os.Create(filepath.Join(s.Dir, name+".log"))
	if err != nil {
		return err
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("start %s: %w", name, err)
	}
	go func() { _ = cmd.Wait(); logf.Close() }()
	s.procs = append(s.procs, cmd)
	return nil
}

func (s *Server) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	var client *http.Client
	for {
		if client == nil {
			if _, err := os.Stat(s.CAFile); err == nil { // written once the server starts
				c, err := rest.HTTPClientFor(s.AdminConfig())
				if err != nil {
					return err
				}
				client = c
			}
		}
		if client == nil {
			select {
			case <-ctx.Done():
				return fmt.Errorf("kube-apiserver wrote no serving certificate: %w", ctx.Err())
			case <-time.After(100 * time.Millisecond):
			}
			continue
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/readyz", nil)
		req.Header.Set("Authorization", "Bearer "+s.AdminToken)
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			tail, _ := os.ReadFile(filepath.Join(s.Dir, "kube-apiserver.log"))
			if len(tail) > 2000 {
				tail = tail[len(tail)-2000:]
			}
			return fmt.Errorf("kube-apiserver not ready: %w\n%s", ctx.Err(), tail)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// RestartAPIServer kills the API server (etcd and the data stay) and
// starts it again on the same address, returning once it is ready.
func (s *Server) RestartAPIServer(ctx context.Context) error {
	for i, p := range s.procs {
		if filepath.Base(p.Path) == filepath.Base(s.apiserver) && p.Process != nil {
			_ = p.Process.Kill()
			_, _ = p.Process.Wait()
			s.procs = append(s.procs[:i], s.procs[i+1:]...)
			break
		}
	}
	if err := s.run(s.apiserver, "kube-apiserver-restarted", s.apiserverArgs...); err != nil {
		return err
	}
	return s.waitReady(ctx)
}

// Stop kills both servers (the data directory is left for the caller).
func (s *Server) Stop() {
	for i := len(s.procs) - 1; i >= 0; i-- {
		if p := s.procs[i].Process; p != nil {
			_ = p.Kill()
		}
	}
	s.procs = nil
}

// AdminConfig is a rest.Config with system:masters rights.
func (s *Server) AdminConfig() *rest.Config { return s.ConfigFor(s.AdminToken) }

// ConfigFor is a rest.Config authenticating with a bearer token.
func (s *Server) ConfigFor(token string) *rest.Config {
	return &rest.Config{Host: s.URL, BearerToken: token, TLSClientConfig: rest.TLSClientConfig{CAFile: s.CAFile}, QPS: 500, Burst: 1000}
}

// ServiceAccountToken creates namespace and service account when missing and
// returns a token for the account from the TokenRequest API.
func (s *Server) ServiceAccountToken(ctx context.Context, ns, name string) (string, error) {
	dyn, err := dynamic.NewForConfig(s.AdminConfig())
	if err != nil {
		return "", err
	}
	namespaces := dyn.Resource(GVR("", "v1", "namespaces"))
	accounts := dyn.Resource(GVR("", "v1", "serviceaccounts")).Namespace(ns)
	object := func(kind, ns, name string) *unstructured.Unstructured {
		o := &unstructured.Unstructured{}
		o.SetAPIVersion("v1")
		o.SetKind(kind)
		o.SetNamespace(ns)
		o.SetName(name)
		return o
	}
	if _, err := namespaces.Create(ctx, object("Namespace", "", ns), metav1.CreateOptions{}); err != nil && !isExists(err) {
		return "", err
	}
	if _, err := accounts.Create(ctx, object("ServiceAccount", ns, name), metav1.CreateOptions{}); err != nil && !isExists(err) {
		return "", err
	}
	req := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest",
		"metadata": map[string]any{"name": name, "namespace": ns},
		"spec":     map[string]any{"expirationSeconds": int64(3600)},
	}}
	tr, err := accounts.Create(ctx, req, metav1.CreateOptions{}, "token")
	if err != nil {
		return "", err
	}
	token, _, _ := unstructured.NestedString(tr.Object, "status", "token")
	if token == "" {
		return "", fmt.Errorf("token request for %s/%s returned no token", ns, name)
	}
	return token, nil
}

// WriteKubeconfig writes a kubeconfig with one context per name, each
// authenticating with the given token.
func (s *Server) WriteKubeconfig(path string, tokens map[string]string) error {
	cfg := clientcmdapi.NewConfig()
	for name, tok := range tokens {
		cfg.Clusters[name] = &clientcmdapi.Cluster{Server: s.URL, CertificateAuthority: s.CAFile}
		cfg.AuthInfos[name] = &clientcmdapi.AuthInfo{Token: tok}
		cfg.Contexts[name] = &clientcmdapi.Context{Cluster: name, AuthInfo: name}
		cfg.CurrentContext = name
	}
	return clientcmd.WriteToFile(*cfg, path)
}

// AuditEvent is the part of an audit event the tests read.
type AuditEvent struct {
	Verb           string    `json:"verb"`
	StageTimestamp time.Time `json:"stageTimestamp"`
	RequestURI     string    `json:"requestURI"`
	User           struct {
		Username string `json:"username"`
	} `json:"user"`
	ObjectRef *struct {
		Resource    string `json:"resource"`
		APIGroup    string `json:"apiGroup"`
		Subresource string `json:"subresource"`
	} `json:"objectRef"`
	ResponseStatus *struct {
		Code int `json:"code"`
	} `json:"responseStatus"`
}

// Audit reads the audit log's events of a user completed at or after since.
func (s *Server) Audit(user string, since time.Time) ([]AuditEvent, error) {
	f, err := os.Open(s.AuditLog)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []AuditEvent
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	for sc.Scan() {
		var e AuditEvent
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return nil, fmt.Errorf("audit log: %w", err)
		}
		if e.User.Username == user && !e.StageTimestamp.Before(since) {
			out = append(out, e)
		}
	}
	return out, sc.Err()
}

func freePorts(n int) ([]int, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func randomToken() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return fmt.Sprintf("%x", b), nil
}

func isExists(err error) bool { return err != nil && strings.Contains(err.Error(), "already exists") }

func typesUID(s string) types.UID { return types.UID(s) }
