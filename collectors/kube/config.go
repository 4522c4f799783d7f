package kube

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync/atomic"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/internal/bounded"
)

// cluster is one scope's connection settings.
type cluster struct {
	name   string
	config *rest.Config
}

// loadClusters resolves the selected kubeconfig contexts, or the in-cluster config.
func loadClusters(o Options) ([]cluster, error) {
	if o.InCluster {
		cfg, err := rest.InClusterConfig()
		if err != nil {
			return nil, fmt.Errorf("in-cluster config: %w", err)
		}
		name := o.ClusterName
		if name == "" {
			name = "in-cluster"
		}
		registerCredentials(cfg, o.Secret)
		return []cluster{{name: name, config: tune(cfg, o)}}, nil
	}
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if len(o.KubeconfigPaths) > 0 {
		// The files the caller's environment names, not the process's
		// $KUBECONFIG and home directory (aisight demo, tests).
		rules.Precedence, rules.MigrationRules = o.KubeconfigPaths, nil
	}
	if o.Kubeconfig != "" {
		rules.ExplicitPath = o.Kubeconfig
	}
	raw, err := rules.Load()
	if err != nil {
		return nil, fmt.Errorf("kubeconfig: %w", err)
	}
	names := make([]string, 0, len(raw.Contexts))
	for n := range raw.Contexts {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) == 0 {
		return nil, fmt.Errorf("kubeconfig %s has no contexts", strings.Join(rules.GetLoadingPrecedence(), ":"))
	}
	selected := names
	if len(o.Contexts) > 0 {
		selected = nil
		for _, want := range o.Contexts {
			if !slices.Contains(names, want) {
				return nil, fmt.Errorf("kubeconfig has no context %q (it has %s)", want, strings.Join(names, ", "))
			}
			if !slices.Contains(selected, want) {
				selected = append(selected, want)
			}
		}
	}
	var out []cluster
	for _, name := range selected {
		cfg, err := clientcmd.NewNonInteractiveClientConfig(*raw, name, &clientcmd.ConfigOverrides{}, rules).ClientConfig()
		if err != nil {
			return nil, fmt.Errorf("kubeconfig context %q: %w", name, err)
		}
		registerCredentials(cfg, o.Secret)
		out = append(out, cluster{name: name, config: tune(cfg, o)})
	}
	return out, nil
}

func tune(cfg *rest.Config, o Options) *rest.Config {
	cfg = rest.CopyConfig(cfg)
	cfg.QPS, cfg.Burst = o.QPS, o.Burst
	cfg.UserAgent = "aisight"
	// Every request has a deadline (dial, TLS, headers and body included):
	// a server that accepts and never answers fails the request, not the scan.
	cfg.Timeout = o.RequestTimeout
	return cfg
}

// countingTransport counts every request sent to the API server.
type countingTransport struct {
	next http.RoundTripper
	n    *atomic.Int64
}

func (t countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.n.Add(1)
	collectors.MeterRequest(r.Context())
	return t.next.RoundTrip(r)
}

// withCounter returns a copy of cfg whose requests are counted in n.
func withCounter(cfg *rest.Config, n *atomic.Int64) *rest.Config {
	cfg = rest.CopyConfig(cfg)
	cfg.Wrap(func(rt http.RoundTripper) http.RoundTripper { return countingTransport{next: rt, n: n} })
	return cfg
}

// registerCredentials hands a context's credentials to the output wall:
// its bearer token (or the token file's content, as it is now) and
// password.
func registerCredentials(cfg *rest.Config, secret func(string)) {
	if secret == nil {
		return
	}
	secret(cfg.BearerToken)
	secret(cfg.Password)
	if cfg.BearerTokenFile != "" {
		if b, err := bounded.ReadFile(cfg.BearerTokenFile, 64<<10); err == nil {
			secret(string(b))
		}
	}
}
