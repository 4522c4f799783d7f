package kube

import (
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/aisight/aisight/internal/detect/fingerprint"
	"github.com/aisight/aisight/internal/detect/workload"
)

// fromPodSpec reduces a typed pod template to a workload.Workload. Env values
// are dropped except model ids and revisions (workload.NewEnvVar); values
// from Secrets are noted as such, never read. draGPU maps a pod's resource
// claim template names to GPU device classes (nil when unknown).
func fromPodSpec(cat *fingerprint.Catalog, kind string, meta *metav1.ObjectMeta, spec *corev1.PodSpec, draGPU func(ns, template string) []string) workload.Workload {
	w := workload.Workload{
		Kind: kind, Namespace: meta.Namespace, Name: meta.Name, Labels: meta.Labels,
		ServiceAccount: spec.ServiceAccountName, AutomountToken: spec.AutomountServiceAccountToken,
	}
	add := func(c *corev1.Container) {
		wc := workload.Container{Name: c.Name, Image: c.Image}
		wc.Args = append(append(wc.Args, c.Command...), c.Args...)
		for _, e := range c.Env {
			fromSecret := e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil
			wc.Env = append(wc.Env, workload.NewEnvVar(cat, e.Name, e.Value, fromSecret))
		}
		for _, list := range []corev1.ResourceList{c.Resources.Limits, c.Resources.Requests} {
			for name, q := range list {
				if !cat.IsAccelerator(string(name)) {
					continue
				}
				if n := q.Value(); n > wc.GPU {
					wc.GPU = n
				}
				if !slices.Contains(wc.GPUKeys, string(name)) {
					wc.GPUKeys = append(wc.GPUKeys, string(name))
				}
			}
		}
		w.Containers = append(w.Containers, wc)
	}
	for i := range spec.Containers {
		add(&spec.Containers[i])
	}
	for i := range spec.InitContainers {
		add(&spec.InitContainers[i])
	}
	if draGPU != nil && len(w.Containers) > 0 {
		for _, rc := range spec.ResourceClaims {
			if rc.ResourceClaimTemplateName == nil {
				continue
			}
			for _, class := range draGPU(meta.Namespace, *rc.ResourceClaimTemplateName) {
				w.Containers[0].GPU++
				w.Containers[0].GPUKeys = append(w.Containers[0].GPUKeys, "dra:"+class)
			}
		}
	}
	return w
}

// setImageIDs copies running image IDs from pod status onto the workload's
// containers with the same name, once.
func setImageIDs(w *workload.Workload, statuses []corev1.ContainerStatus) {
	for i := range w.Containers {
		c := &w.Containers[i]
		if c.ImageID != "" {
			continue
		}
		for _, st := range statuses {
			if st.Name == c.Name && strings.Contains(st.ImageID, "sha256:") {
				c.ImageID = st.ImageID
			}
		}
	}
}
