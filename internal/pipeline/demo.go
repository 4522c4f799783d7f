package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/internal/detect/fingerprint"
	"github.com/aisight/aisight/internal/sim/apiserver"
	"github.com/aisight/aisight/internal/sim/demo"
)

// Demo is the embedded sample estate running on loopback (internal/sim),
// with what a scan of it needs: the collectors' environment, the flags the
// estate asks for and the repositories to scan.
type Demo struct {
	// Env is the only environment the collectors see: the estate's
	// endpoints and credentials, and a home directory of the demo's own, so
	// nothing of the machine (~/.aws, ~/.kube, gcloud, az, AISIGHT_*) is
	// read. The process environment is never changed.
	Env collectors.Env
	// Args are scan flags the estate needs ("--aws-org", "--kube", "on",
	// ...): a flag, then its value unless the next item is a flag.
	Args []string
	// Paths are the repositories to scan.
	Paths []string
	// Estate is the running estate (its emulators' call logs).
	Estate *demo.Estate

	stops []func()
}

// StartDemo writes the sample estate under dir (which must exist and be
// empty) and starts its emulators; withKube also starts a real etcd and
// kube-apiserver (built by make test), applies the serving CRDs of the
// catalog and the estate's manifests, and points the Kubernetes collector
// at it.
func StartDemo(ctx context.Context, dir string, withKube bool) (_ *Demo, err error) {
	est, err := demo.Start(dir)
	if err != nil {
		return nil, err
	}
	d := &Demo{Estate: est, Paths: est.Paths, stops: []func(){est.Close}}
	defer func() {
		if err != nil {
			d.Close()
		}
	}()
	env := map[string]string{"AZURE_CONFIG_DIR": dir, "CLOUDSDK_CONFIG": dir}
	for k, v := range est.Env {
		env[k] = v
	}
	d.Args = append(append([]string{}, est.Args...), "--kube", "off")
	if withKube {
		kubeconfig, err := d.startCluster(ctx, dir)
		if err != nil {
			return nil, err
		}
		env["KUBECONFIG"] = kubeconfig
		d.Args[len(d.Args)-1] = "on"
		d.Args = append(d.Args, "--kube-cluster-name", "demo")
	}
	d.Env = collectors.Env{Getenv: func(k string) string { return env[k] }, HomeDir: dir}
	return d, nil
}

// Close stops what StartDemo started (the directory is the caller's).
func (d *Demo) Close() {
	for i := len(d.stops) - 1; i >= 0; i-- {
		d.stops[i]()
	}
	d.stops = nil
}

func (d *Demo) startCluster(ctx context.Context, dir string) (kubeconfig string, err error) {
	kdir := filepath.Join(dir, "kube")
	if err := os.MkdirAll(kdir, 0o700); err != nil {
		return "", err
	}
	s, err := apiserver.Start(ctx, kdir)
	if err != nil {
		return "", fmt.Errorf("demo --kube-apiserver: %w (make test builds the kube-apiserver once; etcd comes from the etcd-server package)", err)
	}
	d.stops = append(d.stops, s.Stop)
	cat, err := fingerprint.Load()
	if err != nil {
		return "", err
	}
	var crds []apiserver.CRD
	for _, r := range cat.ServingResources {
		crds = append(crds, apiserver.CRD{Group: r.Group, Version: r.Version, Kind: r.Kind, Plural: r.Plural, ClusterScoped: r.ClusterScoped})
	}
	manifest := append(apiserver.CRDManifest(crds...), d.Estate.Manifests...)
	if err := s.Apply(ctx, manifest); err != nil {
		return "", fmt.Errorf("demo: apply the estate's manifests: %w", err)
	}
	kubeconfig = filepath.Join(dir, "kubeconfig")
	if err := s.WriteKubeconfig(kubeconfig, map[string]string{"demo": s.AdminToken}); err != nil {
		return "", err
	}
	return kubeconfig, nil
}
