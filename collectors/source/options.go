package source

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/internal/flagvalue"
)

// Spec is the source collector's options and enablement.
type Spec struct {
	mode        *flagvalue.Enum
	names       []string
	noIgnore    bool
	maxFileSize flagvalue.ByteSize
	maxHashSize flagvalue.ByteSize
}

// NewSpec returns the source collector's Spec with its defaults.
func NewSpec() *Spec {
	return &Spec{mode: flagvalue.NewEnum("on", "on", "off"), maxFileSize: 10 << 20, maxHashSize: 1 << 30}
}

// Name implements collectors.Spec.
func (s *Spec) Name() string { return Name }

// Title implements collectors.Spec.
func (s *Spec) Title() string { return "Source collector (files: PATH arguments, default .)" }

// AddFlags implements collectors.Spec.
func (s *Spec) AddFlags(f *pflag.FlagSet) {
	f.Var(s.mode, "source", "source collector: on (scan PATHs, default .) or off")
	f.BoolVar(&s.noIgnore, "no-ignore", false, "also scan files that .gitignore rules exclude")
	f.StringSliceVar(&s.names, "source-name", nil, "name each PATH in asset ids, in order (default: the repository's origin remote, host/path, for the top of a git checkout; else the folder's name), so scans of two checkouts of one repository diff cleanly")
	f.Var(&s.maxFileSize, "max-file-size", "largest text file read for findings (e.g. 10MiB)")
	f.Var(&s.maxHashSize, "max-hash-size", "largest model file hashed with SHA-256 (e.g. 4GiB; 0 never hashes)")
}

// Validate implements collectors.Spec.
func (s *Spec) Validate() error {
	if s.maxFileSize <= 0 {
		return fmt.Errorf("--max-file-size must be positive")
	}
	for _, n := range s.names {
		if n == "" || strings.ContainsAny(n, "#\x00") || strings.HasPrefix(n, "/") || strings.Contains("/"+n+"/", "/../") {
			return fmt.Errorf("--source-name %q: want a name such as github.com/acme/app (no '#', no leading '/', no '..')", n)
		}
	}
	return nil
}

// Plan implements collectors.Spec: the source collector runs unless turned
// off; it needs no credentials.
func (s *Spec) Plan(_ context.Context, env collectors.Env) (collectors.Collector, string, error) {
	if s.mode.Value == "off" {
		return nil, "disabled by --source=off", nil
	}
	reason := "scans the given paths"
	if len(env.Paths) == 0 {
		reason = "scans the current directory (no PATH given)"
	}
	maxHash := int64(s.maxHashSize)
	if maxHash == 0 {
		maxHash = -1 // the flag's 0 means never hash
	}
	return New(Options{Paths: env.Paths, Names: s.names, NoIgnore: s.noIgnore, MaxFileSize: int64(s.maxFileSize), MaxHashSize: maxHash, IaC: env.IaC}, env.Catalog), reason, nil
}
