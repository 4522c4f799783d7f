package gcp

import (
	"context"
	"strings"
	"sync"

	"cloud.google.com/go/iam/apiv1/iampb"
	resourcemanager "cloud.google.com/go/resourcemanager/apiv3"
	"cloud.google.com/go/resourcemanager/apiv3/resourcemanagerpb"
)

// A project inherits the IAM policies of the folders and organisation above
// it: a role granted at a folder holds in every project below. The
// hierarchy's nodes and policies are read once per scan, whatever number
// of projects share them.

// maxDepth bounds a walk up the hierarchy (Google allows ten folder levels
// under an organisation): a cycle or a hostile answer stops there.
const maxDepth = 12

// hierarchy caches the folders' parents and the nodes' policies.
type hierarchy struct {
	mu       sync.Mutex
	parents  map[string]*lookup[string]        // folders/N -> its parent
	policies map[string]*lookup[*iampb.Policy] // node -> its IAM policy
}

// lookup is one cached answer (or error), computed once.
type lookup[T any] struct {
	once sync.Once
	v    T
	err  error
}

func newHierarchy() *hierarchy {
	return &hierarchy{parents: map[string]*lookup[string]{}, policies: map[string]*lookup[*iampb.Policy]{}}
}

func cached[T any](mu *sync.Mutex, m map[string]*lookup[T], key string, get func() (T, error)) (T, error) {
	mu.Lock()
	l := m[key]
	if l == nil {
		l = &lookup[T]{}
		m[key] = l
	}
	mu.Unlock()
	l.once.Do(func() { l.v, l.err = get() })
	return l.v, l.err
}

// ancestors are the folders and organisation above parent (a project's
// parent), nearest first; on an error, the ones found before it.
func (c *Collector) ancestors(ctx context.Context, folders *resourcemanager.FoldersClient, parent string) ([]string, error) {
	var out []string
	node := parent
	for range maxDepth {
		if node == "" {
			return out, nil
		}
		out = append(out, node)
		if !strings.HasPrefix(node, "folders/") {
			return out, nil // an organisation is the top
		}
		next, err := cached(&c.tree.mu, c.tree.parents, node, func() (string, error) {
			f, err := folders.GetFolder(ctx, &resourcemanagerpb.GetFolderRequest{Name: node}, c.callOpts(ctx)...)
			if err != nil {
				return "", callErr(err, "resourcemanager get-folder %s", node)
			}
			return f.GetParent(), nil
		})
		if err != nil {
			return out, err
		}
		node = next
	}
	return out, nil
}

// nodePolicy is a folder's or organisation's IAM policy.
func (c *Collector) nodePolicy(ctx context.Context, folders *resourcemanager.FoldersClient, orgs *resourcemanager.OrganizationsClient, node string) (*iampb.Policy, error) {
	return cached(&c.tree.mu, c.tree.policies, node, func() (*iampb.Policy, error) {
		req := &iampb.GetIamPolicyRequest{Resource: node, Options: &iampb.GetPolicyOptions{RequestedPolicyVersion: 3}}
		var p *iampb.Policy
		var err error
		if strings.HasPrefix(node, "folders/") {
			p, err = folders.GetIamPolicy(ctx, req, c.callOpts(ctx)...)
		} else {
			p, err = orgs.GetIamPolicy(ctx, req, c.callOpts(ctx)...)
		}
		if err != nil {
			return nil, callErr(err, "resourcemanager get-iam-policy of %s", node)
		}
		return p, nil
	})
}
