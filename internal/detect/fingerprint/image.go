package fingerprint

import (
	"path"
	"strings"
)

// ImageRef is a parsed container image reference.
type ImageRef struct {
	// Registry is the host[:port], empty for Docker Hub short names.
	Registry string
	// Repository is the path below the registry ("vllm/vllm-openai").
	Repository string
	Tag        string
	// Digest is "sha256:..." when the reference pins one.
	Digest string
}

// ParseImage splits an image reference. It never fails: what it cannot
// parse lands in Repository.
func ParseImage(ref string) ImageRef {
	ref = strings.TrimSpace(ref)
	var r ImageRef
	if i := strings.Index(ref, "@"); i >= 0 {
		r.Digest = ref[i+1:]
		ref = ref[:i]
	}
	if i := strings.LastIndex(ref, ":"); i >= 0 && !strings.Contains(ref[i:], "/") {
		r.Tag = ref[i+1:]
		ref = ref[:i]
	}
	if i := strings.Index(ref, "/"); i >= 0 {
		first := ref[:i]
		if strings.ContainsAny(first, ".:") || first == "localhost" {
			r.Registry = first
			ref = ref[i+1:]
		}
	}
	r.Repository = ref
	return r
}

// PinnedByDigest reports whether the reference names an immutable digest.
func (r ImageRef) PinnedByDigest() bool {
	return strings.HasPrefix(r.Digest, "sha256:") && len(r.Digest) == len("sha256:")+64
}

// PublicRegistry reports whether the image comes from a well-known public
// registry (Docker Hub, ghcr.io, quay.io, nvcr.io, public ECR, ...).
func (r ImageRef) PublicRegistry() bool {
	switch strings.ToLower(r.Registry) {
	case "", "docker.io", "index.docker.io", "registry-1.docker.io", "ghcr.io", "quay.io", "nvcr.io",
		"public.ecr.aws", "gcr.io", "registry.k8s.io", "mcr.microsoft.com", "cr.weaviate.io", "registry.gitlab.com":
		return true
	}
	return false
}

// MatchImage returns the image family an image reference belongs to. It
// matches the catalog's path-segment patterns against the end of the
// repository path, so mirrors under any prefix still match.
func (c *Catalog) MatchImage(ref string) (*Image, bool) {
	r := ParseImage(ref)
	segs := strings.Split(strings.ToLower(r.Repository), "/")
	for i := range c.Images {
		im := &c.Images[i]
		for _, p := range im.segs {
			if suffixMatch(p, segs) {
				return im, true
			}
		}
	}
	return nil, false
}

func suffixMatch(pattern, segs []string) bool {
	if len(pattern) > len(segs) {
		return false
	}
	tail := segs[len(segs)-len(pattern):]
	for i, p := range pattern {
		if ok, _ := path.Match(p, tail[i]); !ok {
			return false
		}
	}
	return true
}
