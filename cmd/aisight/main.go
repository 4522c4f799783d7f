// Command aisight finds the AI assets an organisation runs and scores its AI
// security maturity. This package wires configuration into collectors,
// scoring and outputs explicitly: no global registries, no init() side effects.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/aisight/aisight/internal/detect/fingerprint"
	"github.com/aisight/aisight/internal/pipeline"
	"github.com/aisight/aisight/internal/redact"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// Exit codes of the CLI.
const (
	exitOK         = 0
	exitInternal   = 1
	exitUsage      = 2
	exitShort      = 3 // --fail-under not met, or a diff --fail-on gate tripped
	exitIncomplete = 4 // a scope failed, or the scan was interrupted: the report says which
	exitCrash      = 70
)

// usageError marks bad usage or configuration (exit 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// exitError carries a specific exit code with its message.
type exitError struct {
	code int
	err  error
}

func (e exitError) Error() string { return e.err.Error() }

func main() {
	tuneGC(os.Getenv, os.ReadFile)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes the CLI and returns its exit code. Everything it writes to
// stdout and stderr passes the output wall (internal/redact), and a panic
// anywhere on this goroutine ends in exit code 70 with the stack, scrubbed.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	scrub := newScrubber()
	out, errw := scrub.NewWriter(stdout), scrub.NewWriter(stderr)
	defer func() {
		if v := recover(); v != nil {
			fmt.Fprintf(errw, "aisight: internal error (a bug; please report it): %v\n%s\n", v, debug.Stack())
			code = exitCrash
		}
		out.Flush()
		errw.Flush()
	}()
	root := newRootCmd(out, errw, scrub)
	root.SetArgs(args)
	root.SetIn(stdin)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(errw, "aisight: "+redact.Text(err.Error()))
	var ue usageError
	var ee exitError
	var ce *pipeline.ConfigError
	var se *pipeline.ShortfallError
	var ie *pipeline.IncompleteError
	switch {
	case errors.As(err, &ee):
		return ee.code
	case errors.As(err, &se):
		return exitShort
	case errors.As(err, &ie):
		return exitIncomplete
	case errors.As(err, &ue), errors.As(err, &ce), isCobraUsage(err), isUnknownCommand(err):
		return exitUsage
	}
	return exitInternal
}

// isCobraUsage recognises cobra's own flag and argument errors.
func isCobraUsage(err error) bool {
	var fe flagError
	return errors.As(err, &fe)
}

type flagError struct{ error }

// newScrubber is the output wall, knowing every key shape of the detection
// catalog (and, should the embedded catalog not load, URL rules alone).
func newScrubber() *redact.Scrubber {
	cat, err := fingerprint.Load()
	if err != nil {
		return redact.New(nil)
	}
	return redact.New(cat.KeyRanges)
}

func newRootCmd(stdout, stderr io.Writer, scrub *redact.Scrubber) *cobra.Command {
	root := &cobra.Command{
		Use:   "aisight",
		Short: "Find every AI asset you run and score your AI security maturity (CSA AISMM)",
		Long: `aisight inventories AI assets (self-hosted models, PaaS model services, API/SaaS
usage, AI SDKs, keys, model files and MCP servers in code) and scores AI security
maturity per category of the CSA AI Security Maturity Model.

Run "aisight scan" in a repository to start; it needs no credentials.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return flagError{fmt.Errorf("%w (see %s --help)", err, c.CommandPath())}
	})
	root.AddCommand(newScanCmd(stdout, stderr, scrub), newServeCmd(stderr, scrub), newMergeCmd(stdout, stderr, scrub), newDemoCmd(stdout, stderr, scrub), newDiffCmd(stdout), newControlsCmd(stdout), newVersionCmd(stdout))
	return root
}

func newVersionCmd(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the aisight version",
		Args:  noArgs,
		RunE: func(*cobra.Command, []string) error {
			fmt.Fprintf(stdout, "aisight %s\n", version)
			return nil
		},
	}
}
