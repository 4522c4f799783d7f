// Package source is the collector for file trees: code repositories, GitOps
// repositories and model directories. It needs no credentials. It reports AI
// SDK dependencies (manifests and lockfiles), model files (format sniffed from
// content, SHA-256), model references in code and config, provider keys (as
// fingerprints only), MCP server configurations, and AI inference workloads
// declared in Kubernetes manifests, Helm values, compose files and Dockerfiles.
//
// Each file is opened and read at most once. Symlinks are never followed,
// .git is always skipped and .gitignore rules are honoured unless disabled,
// as git applies them: in a git work tree, to untracked files only (the
// index, read with go-git, says what is tracked). What could not be read
// or understood (gaps.go) makes the scope partial and is named.
//
// Files: options.go (flags, validation, enablement), source.go (scopes),
// walk.go (the walker, workers, model files), gitignore.go, gitindex.go
// (tracked files), encoding.go (UTF-16/32, invalid UTF-8, text names),
// gaps.go (what was not read, reported as problems), analyze.go (the
// detectors a text file goes through, keys), deps.go (manifests and
// lockfiles merged per directory) with python.go, npm.go, golang.go and
// maven.go, modelref.go (model references in code), mcp.go (MCP server
// configurations), workloads.go (declared workloads via internal/detect/workload).
package source

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/internal/detect/anchors"
	"github.com/aisight/aisight/internal/detect/fingerprint"
	"github.com/aisight/aisight/internal/detect/iac"
	"github.com/aisight/aisight/model"
)

// Name is the collector's name.
const Name = "source"

// Options configure the source collector.
type Options struct {
	// Paths are the roots to scan (default ".").
	Paths []string
	// Names name the roots, in order, in asset ids (--source-name); a root
	// without one is named by its repository (the origin remote's host and
	// path, when the root is the top of a git work tree) or its folder.
	Names []string
	// NoIgnore scans files that .gitignore rules would skip.
	NoIgnore bool
	// MaxFileSize is the largest text file read for findings (default 10 MiB).
	// Larger files are still sniffed for a model format.
	MaxFileSize int64
	// MaxHashSize is the largest model file hashed (default 1 GiB; negative: never hash).
	MaxHashSize int64
	// Workers is the number of files processed at once (default GOMAXPROCS).
	Workers int
	// IaC is the infrastructure-as-code catalog (default: the embedded one).
	IaC *iac.Catalog
}

// Collector scans file trees.
type Collector struct {
	opts Options
	cat  *fingerprint.Catalog
	iac  *iac.Catalog
	// Every detector's literal anchors, searched in one pass per file:
	// code, text and config files need the keys' and model references'
	// anchors, YAML files also the workload hints (common words such as
	// "image" and "storage", which would slow every other file's pass).
	anchors, yamlAnchors *anchors.Set
}

// New returns a source collector over the given catalog.
func New(o Options, cat *fingerprint.Catalog) *Collector {
	if len(o.Paths) == 0 {
		o.Paths = []string{"."}
	}
	if o.MaxFileSize <= 0 {
		o.MaxFileSize = 10 << 20
	}
	if o.MaxHashSize == 0 {
		o.MaxHashSize = 1 << 30
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.IaC == nil {
		c, err := iac.Load()
		if err != nil { // the embedded catalog is checked by its tests
			panic(fmt.Sprintf("source: embedded IaC catalog: %v", err))
		}
		o.IaC = c
	}
	lits := slices.Concat(cat.AnchorLiterals(), modelRefAnchors, iac.Hints, mcpShapeAnchors, mcpCodeAnchors, importAnchors)
	return &Collector{opts: o, cat: cat, iac: o.IaC, anchors: anchors.New(lits...),
		yamlAnchors: anchors.New(append(slices.Clone(lits), workloadHints...)...)}
}

// Name implements collectors.Collector.
func (c *Collector) Name() string { return Name }

// Scopes returns one directory scope per root. A root that does not exist or
// is not a directory is an invalid_config error naming it.
func (c *Collector) Scopes(ctx context.Context) ([]model.Scope, error) {
	labels := map[string]int{}
	var out []model.Scope
	for i, p := range c.opts.Paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, collectors.Classedf(model.ErrInvalidConfig, "scan path %s: %w", p, err)
		}
		if !fi.IsDir() {
			return nil, collectors.Classedf(model.ErrInvalidConfig, "scan path %s is not a directory", p)
		}
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil, collectors.Classedf(model.ErrInvalidConfig, "scan path %s: %w", p, err)
		}
		label := filepath.Base(abs)
		if i < len(c.opts.Names) && c.opts.Names[i] != "" {
			label = c.opts.Names[i]
		} else if id := repoIdentity(abs); id != "" {
			label = id
		}
		if labels[label]++; labels[label] > 1 {
			label = fmt.Sprintf("%s~%d", label, labels[label])
		}
		out = append(out, model.Scope{ID: "source:" + filepath.ToSlash(filepath.Clean(p)), Provider: Name, Kind: "directory", Name: label})
	}
	return out, nil
}

// Collect scans one root.
func (c *Collector) Collect(ctx context.Context, sc model.Scope, sink collectors.Sink) error {
	root := strings.TrimPrefix(sc.ID, "source:")
	r, err := os.OpenRoot(root)
	if err != nil {
		return collectors.Classed(model.ErrInvalidConfig, fmt.Errorf("open %s: %w", root, err))
	}
	defer r.Close()
	sink = contextSink{sink}
	s := &scanner{c: c, root: r, label: sc.Name, scope: sc.ID, sink: sink, deps: newDepSet(), importSet: &importSet{}}
	s.rule = ruleNone
	if !c.opts.NoIgnore {
		s.rule, s.tracked = c.ignoreRule(root, sink)
	}
	sink.ScopeFact(model.String("source.ignore_rule", s.rule, model.Observed, "scan of "+root))
	if err := s.run(ctx); err != nil {
		return err
	}
	s.iacTerraform()
	s.gaps.report(sink)
	for _, a := range s.deps.assets(s) {
		sink.Asset(a)
	}
	for _, a := range s.importSet.assets(s) {
		sink.Asset(a)
	}
	return nil
}

// fileURI is the stable ID of a file below a root.
func fileURI(label, rel string) string { return "file://" + label + "/" + rel }

// ignoreRule decides which rule .gitignore files are applied by (see
// gitindex.go): git's own in a work tree, the files alone outside one.
func (c *Collector) ignoreRule(root string, sink collectors.Sink) (string, *tracked) {
	t, top, err := gitTracked(root)
	switch {
	case err != nil:
		// In a work tree whose index cannot be read, .gitignore could hide
		// tracked files: apply no ignore rule rather than trust it.
		sink.Note(fmt.Errorf("git work tree %s: index not read, so .gitignore is not applied (every file is scanned): %w", top, err))
		return ruleNone, nil
	case t != nil:
		return ruleGitIndex, t
	}
	return ruleGitignore, nil
}
