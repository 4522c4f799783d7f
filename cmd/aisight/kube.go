package main

import (
	"os"
	"path/filepath"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/collectors/kube"
)

// serviceAccountDir is where Kubernetes mounts a pod's service account token.
const serviceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount"

// kubeFactory decides whether the Kubernetes collector runs: with
// --kube=auto only when a kubeconfig or an in-cluster service account is
// present (so a laptop scan contacts no cluster it was not pointed at).
func kubeFactory(o *scanOptions, d deps) (collectors.Collector, string, error) {
	if o.kube.value == "off" {
		return nil, "disabled by --kube=off", nil
	}
	opts := kube.Options{Kubeconfig: o.kubeconfig, Contexts: o.kubeContexts, ClusterName: o.kubeCluster, PageSize: o.kubePageSize, Logger: d.log}
	reason := ""
	switch path := kubeconfigPath(o.kubeconfig); {
	case path != "":
		reason = "kubeconfig " + path
	case os.Getenv("KUBERNETES_SERVICE_HOST") != "" && fileExists(filepath.Join(serviceAccountDir, "token")):
		opts.InCluster = true
		reason = "in-cluster service account"
	case o.kube.value == "on":
		return nil, "", usagef("--kube=on but no kubeconfig (--kubeconfig, $KUBECONFIG, ~/.kube/config) and not running in a pod")
	default:
		return nil, "no kubeconfig ($KUBECONFIG, ~/.kube/config) and not in a cluster; set --kubeconfig or --kube=on", nil
	}
	c, err := kube.New(opts, d.catalog)
	if err != nil {
		if o.kube.value == "auto" && o.kubeconfig == "" {
			return nil, "kubeconfig unusable: " + err.Error(), nil
		}
		return nil, "", err
	}
	return c, reason, nil
}

// kubeconfigPath is the kubeconfig the collector would load: the flag, the
// first existing file of $KUBECONFIG, or ~/.kube/config; "" when none exists.
func kubeconfigPath(flag string) string {
	if flag != "" {
		return flag
	}
	for _, p := range filepath.SplitList(os.Getenv("KUBECONFIG")) {
		if fileExists(p) {
			return p
		}
	}
	if home, err := os.UserHomeDir(); err == nil {
		if p := filepath.Join(home, ".kube", "config"); fileExists(p) {
			return p
		}
	}
	return ""
}

func fileExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir()
}
