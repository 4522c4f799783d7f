package kube

import (
	"errors"
	"net/url"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/aisight/aisight/model"
)

func TestRBACForServiceAccount(t *testing.T) {
	all := rbacv1.PolicyRule{APIGroups: []string{"*"}, Resources: []string{"*"}, Verbs: []string{"*"}}
	secrets := rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"list"}}
	pods := rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"get"}}
	sa := func(ns, name string) rbacv1.Subject {
		return rbacv1.Subject{Kind: "ServiceAccount", Namespace: ns, Name: name}
	}
	x := &rbacIndex{
		clusterRoles: map[string][]rbacv1.PolicyRule{"cluster-admin": {all}, "secret-reader": {secrets}, "system:basic-user": {pods}},
		roles:        map[string][]rbacv1.PolicyRule{"ml/admin": {all}},
		crbs: []rbacv1.ClusterRoleBinding{
			{RoleRef: rbacv1.RoleRef{Kind: "ClusterRole", Name: "cluster-admin"}, Subjects: []rbacv1.Subject{sa("ops", "root")}},
			{RoleRef: rbacv1.RoleRef{Kind: "ClusterRole", Name: "system:basic-user"}, Subjects: []rbacv1.Subject{{Kind: "Group", Name: "system:authenticated"}}},
			{RoleRef: rbacv1.RoleRef{Kind: "ClusterRole", Name: "secret-reader"}, Subjects: []rbacv1.Subject{{Kind: "Group", Name: "system:serviceaccounts:etl"}}},
		},
		rbs: []rbacv1.RoleBinding{
			// A namespaced binding of cluster-admin is namespace admin, not cluster admin.
			{ObjectMeta: objMeta("ml"), RoleRef: rbacv1.RoleRef{Kind: "ClusterRole", Name: "cluster-admin"}, Subjects: []rbacv1.Subject{{Kind: "ServiceAccount", Name: "trainer"}}},
			{ObjectMeta: objMeta("ml"), RoleRef: rbacv1.RoleRef{Kind: "Role", Name: "admin"}, Subjects: []rbacv1.Subject{sa("other", "trainer")}},
		},
		cache: map[string]perms{},
	}
	for _, c := range []struct {
		ns, name                        string
		clusterAdmin, wildcard, secrets bool
		roles                           int
	}{
		{"ops", "root", true, true, true, 1},
		{"ml", "trainer", false, true, true, 1}, // subject namespace defaults to the binding's
		{"other", "trainer", false, true, true, 1},
		{"etl", "loader", false, false, true, 1},
		{"web", "default", false, false, false, 0}, // system:basic-user applies but is not listed
	} {
		p := x.forServiceAccount(c.ns, c.name)
		if p.clusterAdmin != c.clusterAdmin || p.wildcardVerbs != c.wildcard || p.secretsRead != c.secrets || len(p.roles) != c.roles {
			t.Errorf("%s/%s: %+v", c.ns, c.name, p)
		}
	}
}

func TestEgressRestricted(t *testing.T) {
	sel := func(s string) labels.Selector { l, _ := labels.Parse(s); return l }
	x := &netpolIndex{byNS: map[string][]egressPolicy{
		"a": {{name: "vllm", selector: sel("app=vllm")}},
		"b": {{name: "all", selector: labels.Everything(), selectAll: true}},
		"c": {{name: "deny", selector: labels.Everything(), selectAll: true}, {name: "open", selector: sel("app=x"), allowsAll: true}},
	}}
	for _, c := range []struct {
		ns                string
		podLabels         map[string]string
		restricted, known bool
	}{
		{"a", map[string]string{"app": "vllm"}, true, true},
		{"a", map[string]string{"app": "web"}, false, true},
		{"a", nil, false, false}, // pods unknown and no namespace-wide policy: unknown
		{"b", nil, true, true},
		{"c", map[string]string{"app": "x"}, false, true}, // one selecting policy allows everything
		{"none", map[string]string{"app": "x"}, false, true},
	} {
		r, k := x.egressRestricted(c.ns, c.podLabels)
		if r != c.restricted || k != c.known {
			t.Errorf("%s %v: restricted %v known %v", c.ns, c.podLabels, r, k)
		}
	}
}

func TestClassify(t *testing.T) {
	gr := schema.GroupResource{Resource: "pods"}
	for _, c := range []struct {
		err  error
		want model.ErrorClass
	}{
		{apierrors.NewForbidden(gr, "", errors.New("no")), model.ErrDenied},
		{apierrors.NewUnauthorized("bad token"), model.ErrDenied},
		{apierrors.NewTooManyRequests("slow down", 1), model.ErrThrottled},
		{apierrors.NewNotFound(gr, "x"), model.ErrNotEnabled},
		{apierrors.NewServiceUnavailable("down"), model.ErrUnavailable},
		{&url.Error{Op: "Get", URL: "https://x", Err: errors.New("connection refused")}, model.ErrUnavailable},
		{errors.New("something else"), model.ErrNone},
	} {
		if got := classify(c.err); got != c.want {
			t.Errorf("classify(%v) = %s, want %s", c.err, got, c.want)
		}
	}
}

func TestAdmissionTextClassification(t *testing.T) {
	p := &pass{}
	var a admission
	if !p.classify(&a, "has(object.metadata.labels) && 'owner' in object.metadata.labels", false) || !a.labels || a.pinned {
		t.Errorf("labels policy: %+v", a)
	}
	a = admission{}
	if !p.classify(&a, `object.spec.containers.all(c, c.image.contains("@sha256:"))`, false) || !a.pinned || a.labels {
		t.Errorf("digest policy: %+v", a)
	}
	a = admission{}
	if p.classify(&a, `object.spec.replicas <= 5`, false) {
		t.Errorf("unrelated policy matched: %+v", a)
	}
}

func objMeta(ns string) metav1.ObjectMeta { return metav1.ObjectMeta{Namespace: ns} }
