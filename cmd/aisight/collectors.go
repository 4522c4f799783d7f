package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/aisight/aisight/collectors"
	awscol "github.com/aisight/aisight/collectors/aws"
	"github.com/aisight/aisight/collectors/azure"
	"github.com/aisight/aisight/collectors/copilot"
	"github.com/aisight/aisight/collectors/gcp"
	"github.com/aisight/aisight/collectors/huggingface"
	"github.com/aisight/aisight/collectors/kube"
	"github.com/aisight/aisight/collectors/saas"
	"github.com/aisight/aisight/collectors/source"
)

// collectorSpecs is the explicit, ordered list of the collectors this build
// has. Adding a collector is one line here (plus its package and docs).
func collectorSpecs() []collectors.Spec {
	return []collectors.Spec{
		source.NewSpec(),
		kube.NewSpec(),
		awscol.NewSpec(),
		gcp.NewSpec(),
		azure.NewSpec(),
		saas.NewOpenAISpec(),
		saas.NewAnthropicSpec(),
		huggingface.NewSpec(),
		copilot.NewSpec(),
	}
}

// groupAnnotation marks a flag with the --help group it belongs to.
const groupAnnotation = "aisight_group"

// addSpecFlags declares each collector's options on f, annotated with the
// collector's group so --help lists them under its title.
func addSpecFlags(f *pflag.FlagSet, specs []collectors.Spec) {
	for _, s := range specs {
		fs := pflag.NewFlagSet(s.Name(), pflag.ContinueOnError)
		s.AddFlags(fs)
		fs.VisitAll(func(fl *pflag.Flag) {
			if fl.Annotations == nil {
				fl.Annotations = map[string][]string{}
			}
			fl.Annotations[groupAnnotation] = []string{s.Title()}
		})
		f.AddFlagSet(fs)
	}
}

// groupedHelp makes cmd's help list its flags by group: the command's own
// first, then one section per collector, in the collectors' order.
func groupedHelp(cmd *cobra.Command, specs []collectors.Spec) {
	print := func(c *cobra.Command, w io.Writer, long bool) {
		if long && c.Long != "" {
			fmt.Fprintf(w, "%s\n\n", strings.TrimRight(c.Long, "\n"))
		}
		fmt.Fprintf(w, "Usage:\n  %s\n", c.UseLine())
		if c.Example != "" {
			fmt.Fprintf(w, "\nExamples:\n%s\n", c.Example)
		}
		groups := []string{""}
		for _, s := range specs {
			groups = append(groups, s.Title())
		}
		for _, g := range groups {
			fs := pflag.NewFlagSet(g, pflag.ContinueOnError)
			c.LocalFlags().VisitAll(func(fl *pflag.Flag) {
				if flagGroup(fl) == g {
					fs.AddFlag(fl)
				}
			})
			if !fs.HasFlags() {
				continue
			}
			title := "Flags"
			if g != "" {
				title = g + " flags"
			}
			fmt.Fprintf(w, "\n%s:\n%s", title, fs.FlagUsages())
		}
	}
	cmd.SetHelpFunc(func(c *cobra.Command, _ []string) { print(c, c.OutOrStdout(), true) })
	cmd.SetUsageFunc(func(c *cobra.Command) error { print(c, c.OutOrStderr(), false); return nil })
}

func flagGroup(fl *pflag.Flag) string {
	if g := fl.Annotations[groupAnnotation]; len(g) > 0 {
		return g[0]
	}
	return ""
}

// specNames are the names of specs, in order.
func specNames(specs []collectors.Spec) []string {
	out := make([]string, len(specs))
	for i, s := range specs {
		out[i] = s.Name()
	}
	return out
}
