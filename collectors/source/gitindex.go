package source

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/format/index"
)

// Which rule decided what an ignore file may hide (scope fact
// source.ignore_rule).
const (
	// ruleGitIndex: the root is in a git work tree whose index was read:
	// tracked files are scanned whatever .gitignore says (git's own rule:
	// ignore patterns apply to untracked files only); untracked ignored
	// files are skipped.
	ruleGitIndex = "git_index"
	// ruleGitignore: no git work tree; .gitignore rules skip files.
	ruleGitignore = "gitignore"
	// ruleNone: --no-ignore, or a git work tree whose index could not be
	// read (then nothing is skipped: a rule that cannot be checked never hides).
	ruleNone = "none"
)

// maxIndexSize bounds the git index read (a 100,000-file repository's is
// about 10 MB).
const maxIndexSize = 256 << 20

// tracked is the set of paths a git index holds, relative to the scan root,
// and every directory above them.
type tracked struct {
	files map[string]bool
	dirs  map[string]bool
}

func (t *tracked) file(rel string) bool { return t != nil && t.files[rel] }
func (t *tracked) dir(rel string) bool  { return t != nil && t.dirs[rel] }

// gitTracked finds the git work tree holding root (root itself or a parent
// with a .git) and reads its index with go-git's index decoder. It returns
// nil, "" when root is in no work tree, and an error when it is but the
// index could not be read (the caller then applies no ignore rule at all).
func gitTracked(root string) (*tracked, string, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, "", err
	}
	top := abs
	var gitPath string
	for {
		p := filepath.Join(top, ".git")
		if _, err := os.Lstat(p); err == nil {
			gitPath = p
			break
		}
		parent := filepath.Dir(top)
		if parent == top {
			return nil, "", nil
		}
		top = parent
	}
	gitDir, err := resolveGitDir(gitPath)
	if err != nil {
		return nil, top, err
	}
	f, err := os.Open(filepath.Join(gitDir, "index"))
	if errors.Is(err, os.ErrNotExist) {
		// A repository with nothing staged yet tracks nothing.
		return &tracked{files: map[string]bool{}, dirs: map[string]bool{}}, top, nil
	}
	if err != nil {
		return nil, top, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, top, err
	}
	if !fi.Mode().IsRegular() || fi.Size() > maxIndexSize {
		return nil, top, fmt.Errorf("git index %s: not a regular file of at most %d bytes", f.Name(), maxIndexSize)
	}
	var idx index.Index
	if err := index.NewDecoder(bufio.NewReader(io.LimitReader(f, maxIndexSize))).Decode(&idx); err != nil {
		return nil, top, fmt.Errorf("git index %s: %w", f.Name(), err)
	}
	prefix, err := filepath.Rel(top, abs)
	if err != nil {
		return nil, top, err
	}
	prefix = filepath.ToSlash(prefix)
	if prefix == "." {
		prefix = ""
	} else {
		prefix += "/"
	}
	t := &tracked{files: map[string]bool{}, dirs: map[string]bool{}}
	for _, e := range idx.Entries {
		rel, ok := strings.CutPrefix(e.Name, prefix)
		if !ok || rel == "" {
			continue
		}
		t.files[rel] = true
		for d := rel; ; {
			i := strings.LastIndexByte(d, '/')
			if i < 0 {
				break
			}
			d = d[:i]
			if t.dirs[d] {
				break
			}
			t.dirs[d] = true
		}
	}
	return t, top, nil
}

// resolveGitDir returns the git directory a .git entry stands for: the
// directory itself, or the one a "gitdir: PATH" file names (worktrees,
// submodules).
func resolveGitDir(gitPath string) (string, error) {
	fi, err := os.Stat(gitPath)
	if err != nil {
		return "", err
	}
	if fi.IsDir() {
		return gitPath, nil
	}
	if fi.Size() > 4096 {
		return "", fmt.Errorf("%s: not a gitdir file", gitPath)
	}
	b, err := os.ReadFile(gitPath)
	if err != nil {
		return "", err
	}
	dir, ok := strings.CutPrefix(strings.TrimSpace(string(b)), "gitdir:")
	if !ok {
		return "", fmt.Errorf("%s: not a gitdir file", gitPath)
	}
	dir = strings.TrimSpace(dir)
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(filepath.Dir(gitPath), dir)
	}
	return dir, nil
}
