package kube

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/internal/detect/workload"
	"github.com/aisight/aisight/internal/kubeapi"
)

// pages lists page by page (Limit/Continue), calling each for every page.
// When a continue token expires (410 Gone) the list restarts once from the
// beginning; the handlers are idempotent per object.
func pages[L interface{ GetContinue() string }](ctx context.Context, size int64, list func(context.Context, metav1.ListOptions) (L, error), each func(L)) error {
	opts := metav1.ListOptions{Limit: size}
	restarted := false
	for {
		l, err := list(ctx, opts)
		if apierrors.IsResourceExpired(err) && !restarted {
			restarted, opts.Continue = true, ""
			continue
		}
		if err != nil {
			return err
		}
		each(l)
		if l.GetContinue() == "" {
			return nil
		}
		opts.Continue = l.GetContinue()
	}
}

// listControllers reads every workload controller. Objects owned by another
// controller are not top-level: ReplicaSets and Jobs map to their
// Deployment/CronJob for the pod pass, and anything a custom resource owns
// is folded into that resource.
func (p *pass) listControllers(ctx context.Context) error {
	size := p.c.opts.PageSize
	steps := []struct {
		what string
		run  func() error
	}{
		{"deployments", func() error {
			return pages(ctx, size, kubeapi.Lister[appsv1.DeploymentList](p.api, appsv1.SchemeGroupVersion.WithResource("deployments")), func(l *appsv1.DeploymentList) {
				for i := range l.Items {
					d := &l.Items[i]
					p.controller("Deployment", &d.ObjectMeta, &d.Spec.Template)
				}
			})
		}},
		{"statefulsets", func() error {
			return pages(ctx, size, kubeapi.Lister[appsv1.StatefulSetList](p.api, appsv1.SchemeGroupVersion.WithResource("statefulsets")), func(l *appsv1.StatefulSetList) {
				for i := range l.Items {
					d := &l.Items[i]
					p.controller("StatefulSet", &d.ObjectMeta, &d.Spec.Template)
				}
			})
		}},
		{"daemonsets", func() error {
			return pages(ctx, size, kubeapi.Lister[appsv1.DaemonSetList](p.api, appsv1.SchemeGroupVersion.WithResource("daemonsets")), func(l *appsv1.DaemonSetList) {
				for i := range l.Items {
					d := &l.Items[i]
					p.controller("DaemonSet", &d.ObjectMeta, &d.Spec.Template)
				}
			})
		}},
		{"replicasets", func() error {
			return pages(ctx, size, kubeapi.Lister[appsv1.ReplicaSetList](p.api, appsv1.SchemeGroupVersion.WithResource("replicasets")), func(l *appsv1.ReplicaSetList) {
				for i := range l.Items {
					rs := &l.Items[i]
					if o := metav1.GetControllerOf(rs); o != nil && o.Kind == "Deployment" {
						p.rsOwner[rs.Namespace+"/"+rs.Name] = workloadKey(rs.Namespace, "Deployment", o.Name)
						continue
					}
					p.controller("ReplicaSet", &rs.ObjectMeta, &rs.Spec.Template)
				}
			})
		}},
		{"cronjobs", func() error {
			return pages(ctx, size, kubeapi.Lister[batchv1.CronJobList](p.api, batchv1.SchemeGroupVersion.WithResource("cronjobs")), func(l *batchv1.CronJobList) {
				for i := range l.Items {
					cj := &l.Items[i]
					p.controller("CronJob", &cj.ObjectMeta, &cj.Spec.JobTemplate.Spec.Template)
				}
			})
		}},
		{"jobs", func() error {
			return pages(ctx, size, kubeapi.Lister[batchv1.JobList](p.api, batchv1.SchemeGroupVersion.WithResource("jobs")), func(l *batchv1.JobList) {
				for i := range l.Items {
					j := &l.Items[i]
					if o := metav1.GetControllerOf(j); o != nil && o.Kind == "CronJob" {
						p.jobOwner[j.Namespace+"/"+j.Name] = workloadKey(j.Namespace, "CronJob", o.Name)
						continue
					}
					p.controller("Job", &j.ObjectMeta, &j.Spec.Template)
				}
			})
		}},
	}
	for _, s := range steps {
		if err := s.run(); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			p.workloadListFailed(s.what, err)
			continue
		}
		p.workloadLists++
	}
	return nil
}

// workloadListFailed records a workload listing that failed: a problem of
// the scope, kept so that a cluster where no workload could be listed at
// all fails with every error rather than looking partly collected.
func (p *pass) workloadListFailed(what string, err error) {
	err = fmt.Errorf("list %s: %w", what, err)
	p.workloadErrs = append(p.workloadErrs, err)
	p.sink.Problem(collectors.Classed(classify(err), err))
}

// controller records a top-level workload when it is AI, or folds it into
// the custom resource that owns it.
func (p *pass) controller(kind string, meta *metav1.ObjectMeta, tmpl *corev1.PodTemplateSpec) {
	if o := metav1.GetControllerOf(meta); o != nil && !builtinOwner(o.Kind) {
		w := fromPodSpec(p.c.cat, kind, meta, &tmpl.Spec, p.draClasses)
		p.children[o.UID] = append(p.children[o.UID], w.Containers...)
		if p.childPods[o.UID] == nil {
			p.childPods[o.UID] = tmpl.Labels
		}
		return
	}
	w := fromPodSpec(p.c.cat, kind, meta, &tmpl.Spec, p.draClasses)
	if !workload.Analyze(w, p.c.cat).AI {
		return
	}
	key := workloadKey(meta.Namespace, kind, meta.Name)
	p.found[key] = &found{key: key, w: w, podLabels: tmpl.Labels, uid: meta.UID}
}

// builtinOwner reports whether an owner kind is a built-in workload
// controller (as opposed to an operator's custom resource).
func builtinOwner(kind string) bool {
	switch kind {
	case "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicationController", "Node":
		return true
	}
	return false
}

// listPods streams every pod once: bare pods are workloads of their own;
// pods of a known AI workload contribute their running image digests; pods
// of a custom resource contribute their containers to it.
func (p *pass) listPods(ctx context.Context) error {
	err := pages(ctx, p.c.opts.PageSize, kubeapi.Lister[corev1.PodList](p.api, corev1.SchemeGroupVersion.WithResource("pods")), func(l *corev1.PodList) {
		for i := range l.Items {
			p.pod(&l.Items[i])
		}
	})
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		p.workloadListFailed("pods", err)
		return nil
	}
	p.workloadLists++
	return nil
}

func (p *pass) pod(pod *corev1.Pod) {
	statuses := pod.Status.ContainerStatuses
	if len(pod.Status.InitContainerStatuses) > 0 {
		statuses = append(append([]corev1.ContainerStatus(nil), statuses...), pod.Status.InitContainerStatuses...)
	}
	o := metav1.GetControllerOf(pod)
	var key string
	switch {
	case o == nil:
		w := fromPodSpec(p.c.cat, "Pod", &pod.ObjectMeta, &pod.Spec, p.draClasses)
		if !workload.Analyze(w, p.c.cat).AI {
			return
		}
		setImageIDs(&w, statuses)
		key = workloadKey(pod.Namespace, "Pod", pod.Name)
		p.found[key] = &found{key: key, w: w, podLabels: pod.Labels, uid: pod.UID, seenPod: true}
		return
	case o.Kind == "ReplicaSet":
		if key = p.rsOwner[pod.Namespace+"/"+o.Name]; key == "" {
			key = workloadKey(pod.Namespace, "ReplicaSet", o.Name)
		}
	case o.Kind == "Job":
		if key = p.jobOwner[pod.Namespace+"/"+o.Name]; key == "" {
			key = workloadKey(pod.Namespace, "Job", o.Name)
		}
	case builtinOwner(o.Kind):
		key = workloadKey(pod.Namespace, o.Kind, o.Name)
	default: // a custom resource's pod (Ray, operators): one pod per owner is enough
		if _, seen := p.childPods[o.UID]; !seen {
			w := fromPodSpec(p.c.cat, "Pod", &pod.ObjectMeta, &pod.Spec, p.draClasses)
			setImageIDs(&w, statuses)
			p.children[o.UID] = append(p.children[o.UID], w.Containers...)
			p.childPods[o.UID] = pod.Labels
		}
		return
	}
	if f := p.found[key]; f != nil && !f.seenPod {
		setImageIDs(&f.w, statuses)
		f.seenPod = true
	}
}
