package source

import (
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/aisight/aisight/internal/bounded"
)

// repoIdentity names a scan root that is the top of a git work tree by its
// repository: the origin remote's host and path ("github.com/acme/app"),
// so two checkouts of one repository, in folders of any name, give the same
// asset ids and `aisight diff` compares them. It is "" for a root that is
// not a work tree's top, or whose repository has no network remote (a
// folder's name is then the identity, as for any directory; a sub-folder of
// two checkouts already has one name).
//
// Only the host and path of the URL are kept (default-deny): user names,
// tokens, ports and queries in a remote URL never reach an asset id.
func repoIdentity(root string) string {
	gitDir := filepath.Join(root, ".git")
	fi, err := os.Lstat(gitDir)
	if err != nil {
		return ""
	}
	if fi.Mode().IsRegular() { // a worktree or submodule: "gitdir: PATH"
		b, err := readSmall(gitDir)
		if err != nil {
			return ""
		}
		dir, ok := strings.CutPrefix(strings.TrimSpace(string(b)), "gitdir:")
		if !ok {
			return ""
		}
		dir = strings.TrimSpace(dir)
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(root, dir)
		}
		gitDir = dir
		if c, err := readSmall(filepath.Join(gitDir, "commondir")); err == nil {
			common := strings.TrimSpace(string(c))
			if !filepath.IsAbs(common) {
				common = filepath.Join(gitDir, common)
			}
			gitDir = common
		}
	} else if !fi.IsDir() {
		return ""
	}
	b, err := readSmall(filepath.Join(gitDir, "config"))
	if err != nil {
		return ""
	}
	return remoteIdentity(originURL(string(b)))
}

// readSmall reads a git metadata file: a regular file of at most 1 MiB
// (a FIFO or device in a scanned tree's .git is refused, never waited on).
func readSmall(path string) ([]byte, error) { return bounded.ReadFile(path, 1<<20) }

var (
	sectionRE = regexp.MustCompile(`^\s*\[\s*remote\s+"([^"]*)"\s*\]\s*$`)
	urlRE     = regexp.MustCompile(`^\s*url\s*=\s*(.+?)\s*$`)
)

// originURL is the url of remote "origin" in a git config, or of the first
// remote when there is no origin.
func originURL(config string) string {
	var first, origin, remote string
	for _, line := range strings.Split(config, "\n") {
		if m := sectionRE.FindStringSubmatch(line); m != nil {
			remote = m[1]
			continue
		}
		if strings.HasPrefix(strings.TrimSpace(line), "[") {
			remote = ""
			continue
		}
		if m := urlRE.FindStringSubmatch(line); m != nil && remote != "" {
			u := strings.Trim(m[1], `"`)
			if first == "" {
				first = u
			}
			if remote == "origin" && origin == "" {
				origin = u
			}
		}
	}
	if origin != "" {
		return origin
	}
	return first
}

// scpLike is git's user@host:path form.
var scpLike = regexp.MustCompile(`^(?:[A-Za-z0-9._-]+@)?([A-Za-z0-9.-]+):([^/][^:]*)$`)

// segment is what a host or path segment may hold in an identity.
var segment = regexp.MustCompile(`^[A-Za-z0-9._~-]+$`)

// remoteIdentity is "host/path" of a network remote URL (no user, token,
// port, query or ".git"), or "" for a local path or anything unreadable.
func remoteIdentity(raw string) string {
	var host, path string
	if m := scpLike.FindStringSubmatch(raw); m != nil && !strings.Contains(raw, "://") {
		host, path = m[1], m[2]
	} else {
		u, err := url.Parse(raw)
		if err != nil {
			return ""
		}
		switch u.Scheme {
		case "https", "http", "ssh", "git", "git+ssh", "ssh+git":
		default:
			return "" // file://, a local path, or an unknown transport
		}
		host, path = u.Hostname(), u.Path
	}
	host = strings.ToLower(host)
	path = strings.TrimSuffix(strings.Trim(path, "/"), ".git")
	if !segment.MatchString(host) || path == "" {
		return ""
	}
	parts := strings.Split(path, "/")
	for _, p := range parts {
		if !segment.MatchString(p) || p == "." || p == ".." {
			return ""
		}
	}
	return host + "/" + strings.Join(parts, "/")
}
