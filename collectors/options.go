package collectors

import (
	"context"
	"log/slog"

	"github.com/spf13/pflag"

	"github.com/aisight/aisight/internal/detect/fingerprint"
	"github.com/aisight/aisight/internal/detect/iac"
	"github.com/aisight/aisight/internal/flagvalue"
)

// Enablement modes of a collector (--<collector>=auto|on|off).
const (
	// ModeAuto runs the collector only when its credentials are explicitly
	// present (environment, a credentials file, a kubeconfig); it never
	// probes instance-metadata endpoints to find out.
	ModeAuto = "auto"
	// ModeOn runs it, and makes missing credentials a configuration error.
	ModeOn = "on"
	// ModeOff never runs it.
	ModeOff = "off"
)

// NewMode returns the auto|on|off flag value of a collector, set to auto.
func NewMode() *flagvalue.Enum { return flagvalue.NewEnum(ModeAuto, ModeAuto, ModeOn, ModeOff) }

// Env is what a collector's enablement decision and constructor may use
// besides its own options. Nothing in it is global: tests build their own.
type Env struct {
	// Catalog is the loaded detection catalog.
	Catalog *fingerprint.Catalog
	// IaC is the loaded infrastructure-as-code catalog (nil: the source
	// and Kubernetes collectors load the embedded one themselves).
	IaC *iac.Catalog
	// Logger receives the collector's logs.
	Logger *slog.Logger
	// Getenv reads the process environment (credential detection).
	Getenv func(string) string
	// HomeDir is the user's home directory ("" when unknown).
	HomeDir string
	// Paths are the command's PATH arguments (the source collector's roots).
	Paths []string
	// Secret registers a credential value the collector was given or
	// obtained (an admin key, a cloud secret or session token, a bearer
	// token) with the output wall, which then masks it, and any 8-byte
	// run of it, wherever it would appear. Nil in tests that need no wall.
	Secret func(value string)
}

// RegisterSecret calls env.Secret when it is set.
func (e Env) RegisterSecret(v string) {
	if e.Secret != nil {
		e.Secret(v)
	}
}

// Spec is one collector as the CLI sees it: its options (declared once as
// flags, which the CLI also binds to config-file keys and AISIGHT_*
// environment variables), their validation, and the decision whether it
// runs. A collector package exports a constructor of its Spec; the CLI keeps
// an explicit, ordered list of them.
type Spec interface {
	// Name is the collector's name ("aws"), as in Collector.Name.
	Name() string
	// Title names the collector's flag group in --help ("AWS collector").
	Title() string
	// AddFlags declares the collector's options on fs.
	AddFlags(fs *pflag.FlagSet)
	// Validate checks the options once they are set; an error names the flag.
	Validate() error
	// Plan decides whether the collector runs and builds it. When it does
	// not run, Collector is nil and the reason says why and how to enable
	// it. An error is bad configuration (the scan stops with exit 2).
	Plan(ctx context.Context, env Env) (c Collector, reason string, err error)
}
