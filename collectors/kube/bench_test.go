package kube_test

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/collectors/kube"
	"github.com/aisight/aisight/internal/detect/fingerprint"
	"github.com/aisight/aisight/internal/sim/apiserver"
	"github.com/aisight/aisight/internal/testenv/benchtest"
)

const (
	scaleNamespaces = 200
	podsPerNS       = 100 // 20,000 pods
	aiPodsPerNS     = 10
)

// BenchmarkClusterScale creates 20,000 pods in 200 namespaces (each with an
// nginx and a vLLM Deployment and ReplicaSet owning 90 and 10 of them) on
// the real API server, then per iteration times, on the same server:
// the collector, a raw client-go paginated pod list (Limit 500, results
// discarded: the floor the server sets), and kubectl get pods -A -o json
// --chunk-size=500. It reports the ratios and the peak RSS of the aisight
// binary scanning the cluster.
func BenchmarkClusterScale(b *testing.B) {
	srv := cluster.Get(b)
	ctx := context.Background()
	admin := srv.AdminConfig()
	admin.ContentType = "application/vnd.kubernetes.protobuf"
	cs, err := kubernetes.NewForConfig(admin)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if err := createScaleEstate(ctx, cs); err != nil {
		b.Fatal(err)
	}
	b.Logf("created %d pods in %s", scaleNamespaces*podsPerNS, time.Since(start).Round(time.Second))
	kc := filepath.Join(b.TempDir(), "kubeconfig")
	if err := srv.WriteKubeconfig(kc, map[string]string{"scale": srv.AdminToken}); err != nil {
		b.Fatal(err)
	}
	cat, err := fingerprint.Load()
	if err != nil {
		b.Fatal(err)
	}
	c, err := kube.New(kube.Options{Kubeconfig: kc, QPS: 1000, Burst: 1000}, cat)
	if err != nil {
		b.Fatal(err)
	}
	kubectl, kubectlErr := apiserver.KubectlPath()
	var tCollect, tRaw, tKubectl time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		inv := collectors.NewRunner(collectors.Options{}).Run(ctx, []collectors.Plan{{Name: kube.Name, Collector: c}})
		tCollect += time.Since(t0)
		if n := len(inv.Assets); n != scaleNamespaces || inv.Scan.CollectorRuns[0].Status != "ok" {
			b.Fatalf("collector found %d AI workloads (%s), want %d", n, inv.Scan.CollectorRuns[0].Error, scaleNamespaces)
		}
		t0 = time.Now()
		if n, err := rawList(ctx, cs); err != nil || n != scaleNamespaces*podsPerNS {
			b.Fatalf("raw list: %d pods, %v", n, err)
		}
		tRaw += time.Since(t0)
		if kubectlErr == nil {
			t0 = time.Now()
			cmd := exec.Command(kubectl, "--kubeconfig", kc, "get", "pods", "-A", "-o", "json", "--chunk-size=500")
			if out, err := cmd.Output(); err != nil || len(out) == 0 {
				b.Fatalf("kubectl: %v", err)
			}
			tKubectl += time.Since(t0)
		}
	}
	b.StopTimer()
	n := float64(b.N)
	benchtest.Metric(b, tCollect.Seconds()/n, "collector_s/op")
	benchtest.Metric(b, tRaw.Seconds()/n, "rawlist_s/op")
	benchtest.Metric(b, tCollect.Seconds()/tRaw.Seconds(), "x_rawlist")
	if kubectlErr == nil {
		benchtest.Metric(b, tKubectl.Seconds()/n, "kubectl_s/op")
		benchtest.Metric(b, tCollect.Seconds()/tKubectl.Seconds(), "x_kubectl")
	}
	rss, secs := benchtest.Run(b, []string{"AISIGHT_KUBE=on"}, benchtest.Binary(b, "../.."),
		"scan", "-q", "--source=off", "--kubeconfig", kc, "-o", "json", "--out", filepath.Join(b.TempDir(), "scan.json"))
	benchtest.Metric(b, rss, "binary_peak_RSS_MB")
	benchtest.Metric(b, secs, "binary_s")
}

// rawList is the floor: every pod, page by page, decoded and discarded.
func rawList(ctx context.Context, cs kubernetes.Interface) (int, error) {
	n := 0
	opts := metav1.ListOptions{Limit: 500}
	for {
		l, err := cs.CoreV1().Pods("").List(ctx, opts)
		if err != nil {
			return n, err
		}
		n += len(l.Items)
		if l.Continue == "" {
			return n, nil
		}
		opts.Continue = l.Continue
	}
}

var scaleOnce sync.Once

func createScaleEstate(ctx context.Context, cs kubernetes.Interface) error {
	var err error
	scaleOnce.Do(func() { err = createScale(ctx, cs) })
	return err
}

func createScale(ctx context.Context, cs kubernetes.Interface) error {
	type job struct {
		ns  string
		pod *corev1.Pod
	}
	jobs := make(chan job, 256)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	for range 4 * runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				if _, err := cs.CoreV1().Pods(j.ns).Create(ctx, j.pod, metav1.CreateOptions{}); err != nil {
					select {
					case errs <- err:
					default:
					}
				}
			}
		}()
	}
	finish := func() error {
		close(jobs)
		wg.Wait()
		select {
		case err := <-errs:
			return err
		default:
			return nil
		}
	}
	for i := range scaleNamespaces {
		ns := fmt.Sprintf("scale-%03d", i)
		if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
			return err
		}
		if _, err := cs.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default"}}, metav1.CreateOptions{}); err != nil {
			return err
		}
		for _, app := range []struct {
			name, image string
			args        []string
			pods        int
		}{
			{"web", "nginx:1.27", nil, podsPerNS - aiPodsPerNS},
			{"llm", "vllm/vllm-openai:v0.6.3", []string{"--model", "meta-llama/Llama-3.1-8B-Instruct"}, aiPodsPerNS},
		} {
			labels := map[string]string{"app": app.name}
			tmpl := corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: app.name, Image: app.image, Args: app.args}}}}
			d, err := cs.AppsV1().Deployments(ns).Create(ctx, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: app.name},
				Spec: appsv1.DeploymentSpec{Selector: &metav1.LabelSelector{MatchLabels: labels}, Template: tmpl}}, metav1.CreateOptions{})
			if err != nil {
				return err
			}
			rs, err := cs.AppsV1().ReplicaSets(ns).Create(ctx, &appsv1.ReplicaSet{
				ObjectMeta: metav1.ObjectMeta{Name: app.name + "-1", OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(d, appsv1.SchemeGroupVersion.WithKind("Deployment"))}},
				Spec:       appsv1.ReplicaSetSpec{Selector: &metav1.LabelSelector{MatchLabels: labels}, Template: tmpl}}, metav1.CreateOptions{})
			if err != nil {
				return err
			}
			for p := range app.pods {
				pod := &corev1.Pod{
					ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("%s-%d", app.name, p), Labels: labels,
						OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(rs, appsv1.SchemeGroupVersion.WithKind("ReplicaSet"))}},
					Spec: tmpl.Spec,
				}
				jobs <- job{ns, pod}
			}
		}
	}
	return finish()
}
