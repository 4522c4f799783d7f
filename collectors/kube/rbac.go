package kube

import (
	"context"
	"slices"
	"sort"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/aisight/aisight/internal/kubeapi"
)

// rbacIndex holds the cluster's roles and bindings, to answer what a
// service account may do.
type rbacIndex struct {
	clusterRoles map[string][]rbacv1.PolicyRule
	roles        map[string][]rbacv1.PolicyRule // ns/name
	crbs         []rbacv1.ClusterRoleBinding
	rbs          []rbacv1.RoleBinding
	cache        map[string]perms
}

// perms is what RBAC grants one service account.
type perms struct {
	clusterAdmin  bool     // cluster-wide "*" on "*" in "*" (cluster-admin or equivalent)
	wildcardVerbs bool     // any bound rule with verb "*"
	secretsRead   bool     // get, list or watch on Secrets, anywhere it is bound
	roles         []string // "ClusterRole/name" or "Role/ns/name", via bindings
}

func (p *pass) loadRBAC(ctx context.Context) (*rbacIndex, error) {
	x := &rbacIndex{clusterRoles: map[string][]rbacv1.PolicyRule{}, roles: map[string][]rbacv1.PolicyRule{}, cache: map[string]perms{}}
	size := p.c.opts.PageSize
	if err := pages(ctx, size, kubeapi.Lister[rbacv1.ClusterRoleList](p.api, rbacv1.SchemeGroupVersion.WithResource("clusterroles")), func(l *rbacv1.ClusterRoleList) {
		for _, cr := range l.Items {
			x.clusterRoles[cr.Name] = cr.Rules
		}
	}); err != nil {
		return nil, err
	}
	if err := pages(ctx, size, kubeapi.Lister[rbacv1.RoleList](p.api, rbacv1.SchemeGroupVersion.WithResource("roles")), func(l *rbacv1.RoleList) {
		for _, ro := range l.Items {
			x.roles[ro.Namespace+"/"+ro.Name] = ro.Rules
		}
	}); err != nil {
		return nil, err
	}
	if err := pages(ctx, size, kubeapi.Lister[rbacv1.ClusterRoleBindingList](p.api, rbacv1.SchemeGroupVersion.WithResource("clusterrolebindings")), func(l *rbacv1.ClusterRoleBindingList) {
		x.crbs = append(x.crbs, l.Items...)
	}); err != nil {
		return nil, err
	}
	if err := pages(ctx, size, kubeapi.Lister[rbacv1.RoleBindingList](p.api, rbacv1.SchemeGroupVersion.WithResource("rolebindings")), func(l *rbacv1.RoleBindingList) {
		x.rbs = append(x.rbs, l.Items...)
	}); err != nil {
		return nil, err
	}
	return x, nil
}

// forServiceAccount evaluates the bindings whose subjects include the
// account directly or through its groups (system:serviceaccounts,
// system:serviceaccounts:NS, system:authenticated).
func (x *rbacIndex) forServiceAccount(ns, name string) perms {
	key := ns + "/" + name
	if p, ok := x.cache[key]; ok {
		return p
	}
	var out perms
	apply := func(rules []rbacv1.PolicyRule, clusterWide bool) {
		for _, r := range rules {
			if slices.Contains(r.Verbs, "*") {
				out.wildcardVerbs = true
				if clusterWide && slices.Contains(r.APIGroups, "*") && slices.Contains(r.Resources, "*") {
					out.clusterAdmin = true
				}
			}
			if grantsSecretsRead(r) {
				out.secretsRead = true
			}
		}
	}
	// The roles list leaves out the built-in system: roles every
	// authenticated user gets; their rules still count.
	list := func(role string) {
		if !strings.HasPrefix(role, "ClusterRole/system:") {
			out.roles = append(out.roles, role)
		}
	}
	for _, b := range x.crbs {
		if b.RoleRef.Kind == "ClusterRole" && subjectsMatch(b.Subjects, "", ns, name) {
			list("ClusterRole/" + b.RoleRef.Name)
			apply(x.clusterRoles[b.RoleRef.Name], true)
		}
	}
	for _, b := range x.rbs {
		if !subjectsMatch(b.Subjects, b.Namespace, ns, name) {
			continue
		}
		if b.RoleRef.Kind == "ClusterRole" {
			list("ClusterRole/" + b.RoleRef.Name + " in " + b.Namespace)
			apply(x.clusterRoles[b.RoleRef.Name], false)
		} else {
			list("Role/" + b.Namespace + "/" + b.RoleRef.Name)
			apply(x.roles[b.Namespace+"/"+b.RoleRef.Name], false)
		}
	}
	sort.Strings(out.roles)
	out.roles = slices.Compact(out.roles)
	x.cache[key] = out
	return out
}

func subjectsMatch(subjects []rbacv1.Subject, bindingNS, ns, name string) bool {
	for _, s := range subjects {
		switch s.Kind {
		case rbacv1.ServiceAccountKind:
			sns := s.Namespace
			if sns == "" {
				sns = bindingNS
			}
			if s.Name == name && sns == ns {
				return true
			}
		case rbacv1.GroupKind:
			if s.Name == "system:serviceaccounts" || s.Name == "system:serviceaccounts:"+ns || s.Name == "system:authenticated" {
				return true
			}
		}
	}
	return false
}

func grantsSecretsRead(r rbacv1.PolicyRule) bool {
	if !(slices.Contains(r.APIGroups, "") || slices.Contains(r.APIGroups, "*")) {
		return false
	}
	if !(slices.Contains(r.Resources, "secrets") || slices.Contains(r.Resources, "*")) {
		return false
	}
	for _, v := range r.Verbs {
		if v == "get" || v == "list" || v == "watch" || v == "*" {
			return true
		}
	}
	return false
}
