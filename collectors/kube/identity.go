package kube

import (
	"context"
	"sort"

	corev1 "k8s.io/api/core/v1"

	"github.com/aisight/aisight/internal/kubeapi"
)

// saInfo is what a ServiceAccount object adds to a workload's identity.
type saInfo struct {
	automount *bool
	// cloud lists workload identity bindings: "aws:<role-arn>",
	// "gcp:<service-account-email>", "azure:<client-id>".
	cloud []string
}

// Annotations and labels that bind a Kubernetes service account to a cloud identity.
const (
	annIRSA         = "eks.amazonaws.com/role-arn"
	annGKE          = "iam.gke.io/gcp-service-account"
	annAzureClient  = "azure.workload.identity/client-id"
	labelPSAEnforce = "pod-security.kubernetes.io/enforce"
)

func (p *pass) loadServiceAccounts(ctx context.Context) (map[string]saInfo, error) {
	out := map[string]saInfo{}
	err := pages(ctx, p.c.opts.PageSize, kubeapi.Lister[corev1.ServiceAccountList](p.api, corev1.SchemeGroupVersion.WithResource("serviceaccounts")), func(l *corev1.ServiceAccountList) {
		for _, sa := range l.Items {
			info := saInfo{automount: sa.AutomountServiceAccountToken}
			if v := sa.Annotations[annIRSA]; v != "" {
				info.cloud = append(info.cloud, "aws:"+v)
			}
			if v := sa.Annotations[annGKE]; v != "" {
				info.cloud = append(info.cloud, "gcp:"+v)
			}
			if v := sa.Annotations[annAzureClient]; v != "" {
				info.cloud = append(info.cloud, "azure:"+v)
			}
			sort.Strings(info.cloud)
			out[sa.Namespace+"/"+sa.Name] = info
		}
	})
	return out, err
}

// loadNamespaces reads each namespace's enforced Pod Security level.
func (p *pass) loadNamespaces(ctx context.Context) (map[string]string, error) {
	out := map[string]string{}
	err := pages(ctx, p.c.opts.PageSize, kubeapi.Lister[corev1.NamespaceList](p.api, corev1.SchemeGroupVersion.WithResource("namespaces")), func(l *corev1.NamespaceList) {
		for _, ns := range l.Items {
			level := ns.Labels[labelPSAEnforce]
			if level == "" {
				level = "none"
			}
			out[ns.Name] = level
		}
	})
	return out, err
}
