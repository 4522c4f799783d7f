package copilot_test

import (
	"github.com/spf13/pflag"

	"github.com/aisight/aisight/collectors/copilot"
)

func newFlags(s *copilot.Spec) *pflag.FlagSet {
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	s.AddFlags(fs)
	return fs
}
