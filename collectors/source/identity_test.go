package source

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/aisight/aisight/internal/detect/fingerprint"
)

func TestRemoteIdentity(t *testing.T) {
	for raw, want := range map[string]string{
		"https://github.com/acme/app.git":                       "github.com/acme/app",
		"https://x-access-token:ghp_secret@github.com/acme/app": "github.com/acme/app",
		"git@github.com:acme/app.git":                           "github.com/acme/app",
		"ssh://git@gitlab.example.com:2222/grp/sub/app.git":     "gitlab.example.com/grp/sub/app",
		"HTTPS://GitHub.com/Acme/App":                           "github.com/Acme/App",
		"https://dev.azure.com/org/proj/_git/repo?x=1":          "dev.azure.com/org/proj/_git/repo",
		"/work/main":                     "",
		"../upstream":                    "",
		"file:///srv/git/app.git":        "",
		"https://github.com/acme/../etc": "",
		"https://github.com/":            "",
		"https://github.com/acme/a%20b":  "",
	} {
		if got := remoteIdentity(raw); got != want {
			t.Errorf("remoteIdentity(%q) = %q, want %q", raw, got, want)
		}
	}
}

func TestOriginURL(t *testing.T) {
	cfg := `[core]
	bare = false
[remote "upstream"]
	url = https://github.com/up/app.git
[remote "origin"]
	url = git@github.com:acme/app.git
	fetch = +refs/heads/*:refs/remotes/origin/*
[branch "main"]
	remote = origin
`
	if got := originURL(cfg); got != "git@github.com:acme/app.git" {
		t.Errorf("origin: %q", got)
	}
	if got := originURL("[remote \"fork\"]\n\turl = https://github.com/me/app\n"); got != "https://github.com/me/app" {
		t.Errorf("first remote: %q", got)
	}
}

// Two checkouts of one repository in folders of different names (one a
// worktree-style .git file) scan to the same asset ids; without a network
// remote the folder's name stays the identity; --source-name wins.
func TestCheckoutsOfOneRepositoryShareIDs(t *testing.T) {
	dir := t.TempDir()
	write := func(p, s string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg := "[remote \"origin\"]\n\turl = https://token:x@github.com/acme/app.git\n"
	base, pr, plain := filepath.Join(dir, "base"), filepath.Join(dir, "pr-1234"), filepath.Join(dir, "plain")
	write(filepath.Join(base, ".git", "config"), cfg)
	write(filepath.Join(dir, "gitdirs", "pr", "config"), cfg)
	write(filepath.Join(pr, ".git"), "gitdir: ../gitdirs/pr\n")
	write(filepath.Join(plain, ".git", "config"), "[remote \"origin\"]\n\turl = /srv/git/app\n")
	for _, root := range []string{base, pr, plain} {
		write(filepath.Join(root, "requirements.txt"), "openai==1.0.0\n")
	}
	ids := func(names []string, paths ...string) []string {
		cat, err := fingerprint.Load()
		if err != nil {
			t.Fatal(err)
		}
		c := New(Options{Paths: paths, Names: names}, cat)
		scopes, err := c.Scopes(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, s := range scopes {
			out = append(out, s.Name)
		}
		return out
	}
	got := ids(nil, base, pr, plain)
	if got[0] != "github.com/acme/app" || got[1] != "github.com/acme/app~2" || got[2] != "plain" {
		t.Errorf("names %q", got)
	}
	if got := ids(nil, pr); got[0] != "github.com/acme/app" {
		t.Errorf("the worktree checkout alone is named %q", got[0])
	}
	if got := ids([]string{"svc"}, base); got[0] != "svc" {
		t.Errorf("--source-name: %q", got[0])
	}
	// A .git/config that is a FIFO (a hostile tree) is refused, not waited
	// on: the folder's name is the identity.
	fifo := filepath.Join(dir, "fifo")
	write(filepath.Join(fifo, ".git", "HEAD"), "ref: refs/heads/main\n")
	if err := syscall.Mkfifo(filepath.Join(fifo, ".git", "config"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := ids(nil, fifo); got[0] != "fifo" {
		t.Errorf("a FIFO config: %q", got[0])
	}
}
