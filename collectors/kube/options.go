package kube

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/pflag"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/internal/flagvalue"
)

// serviceAccountDir is where Kubernetes mounts a pod's service account token.
const serviceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount"

// Spec is the Kubernetes collector's options and enablement.
type Spec struct {
	mode        *flagvalue.Enum
	kubeconfig  string
	contexts    []string
	clusterName string
	pageSize    int64
	timeout     time.Duration
}

// NewSpec returns the Kubernetes collector's Spec with its defaults.
func NewSpec() *Spec {
	return &Spec{mode: collectors.NewMode(), pageSize: DefaultPageSize, timeout: 30 * time.Second}
}

// Name implements collectors.Spec.
func (s *Spec) Name() string { return Name }

// Title implements collectors.Spec.
func (s *Spec) Title() string { return "Kubernetes collector" }

// AddFlags implements collectors.Spec.
func (s *Spec) AddFlags(f *pflag.FlagSet) {
	f.Var(s.mode, "kube", "Kubernetes collector: auto (when a kubeconfig or in-cluster config exists), on, off")
	f.StringVar(&s.kubeconfig, "kubeconfig", "", "kubeconfig file (default $KUBECONFIG or ~/.kube/config)")
	f.StringSliceVar(&s.contexts, "kube-contexts", nil, "contexts to scan (default every context)")
	f.StringVar(&s.clusterName, "kube-cluster-name", "", "scope name of the in-cluster cluster (default in-cluster)")
	f.Int64Var(&s.pageSize, "kube-page-size", DefaultPageSize, "objects per list request")
	f.DurationVar(&s.timeout, "kube-request-timeout", s.timeout, "time limit of one API request, connecting included")
}

// Validate implements collectors.Spec.
func (s *Spec) Validate() error {
	if s.pageSize < 1 {
		return fmt.Errorf("--kube-page-size must be at least 1")
	}
	if s.timeout <= 0 {
		return fmt.Errorf("--kube-request-timeout must be positive")
	}
	return nil
}

// Plan implements collectors.Spec: with --kube=auto the collector runs only
// when a kubeconfig or an in-cluster service account is present, so a
// laptop scan contacts no cluster it was not pointed at.
func (s *Spec) Plan(_ context.Context, env collectors.Env) (collectors.Collector, string, error) {
	if s.mode.Value == collectors.ModeOff {
		return nil, "disabled by --kube=off", nil
	}
	opts := Options{Kubeconfig: s.kubeconfig, Contexts: s.contexts, ClusterName: s.clusterName, PageSize: s.pageSize, RequestTimeout: s.timeout, Logger: env.Logger, Secret: env.RegisterSecret, IaC: env.IaC}
	opts.KubeconfigPaths = filepath.SplitList(env.Getenv("KUBECONFIG"))
	if len(opts.KubeconfigPaths) == 0 && env.HomeDir != "" {
		opts.KubeconfigPaths = []string{filepath.Join(env.HomeDir, ".kube", "config")}
	}
	reason := ""
	switch path := kubeconfigPath(s.kubeconfig, env); {
	case path != "":
		reason = "kubeconfig " + path
	case env.Getenv("KUBERNETES_SERVICE_HOST") != "" && fileExists(filepath.Join(serviceAccountDir, "token")):
		opts.InCluster = true
		reason = "in-cluster service account"
	case s.mode.Value == collectors.ModeOn:
		return nil, "", fmt.Errorf("--kube=on but no kubeconfig (--kubeconfig, $KUBECONFIG, ~/.kube/config) and not running in a pod")
	default:
		return nil, "no kubeconfig ($KUBECONFIG, ~/.kube/config) and not in a cluster; set --kubeconfig or --kube=on", nil
	}
	c, err := New(opts, env.Catalog)
	if err != nil {
		if s.mode.Value == collectors.ModeAuto && s.kubeconfig == "" {
			return nil, "kubeconfig unusable: " + err.Error(), nil
		}
		return nil, "", err
	}
	return c, reason, nil
}

// kubeconfigPath is the kubeconfig the collector would load: the flag, the
// first existing file of $KUBECONFIG, or ~/.kube/config; "" when none exists.
func kubeconfigPath(flag string, env collectors.Env) string {
	if flag != "" {
		return flag
	}
	for _, p := range filepath.SplitList(env.Getenv("KUBECONFIG")) {
		if fileExists(p) {
			return p
		}
	}
	if env.HomeDir != "" {
		if p := filepath.Join(env.HomeDir, ".kube", "config"); fileExists(p) {
			return p
		}
	}
	return ""
}

func fileExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir()
}
