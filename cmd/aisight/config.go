package main

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/pflag"

	"github.com/aisight/aisight/internal/bounded"
	"github.com/aisight/aisight/internal/pipeline"
	"go.yaml.in/yaml/v3"
)

// Every setting is declared once, as a flag. Its config-file key is the flag
// name ("max-file-size") and its environment variable is AISIGHT_ plus the
// name in upper case with "_" for "-" (AISIGHT_MAX_FILE_SIZE). Precedence:
// flag, then environment, then config file, then the flag's default.

// envName is the environment variable bound to a flag.
func envName(flag string) string {
	return "AISIGHT_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// applySources fills every flag the command line did not set from the
// environment and then the config file. Unknown config keys are errors.
func applySources(fs *pflag.FlagSet, configPath string, getenv func(string) string) error {
	file := map[string]yaml.Node{}
	if configPath != "" {
		b, err := bounded.ReadFile(configPath, pipeline.MaxConfigBytes)
		if err != nil {
			return usagef("config: %v", err)
		}
		file, err = decodeConfig(b)
		if err != nil {
			return usagef("config %s: %v", configPath, err)
		}
		var unknown []string
		for k, n := range file {
			if f := fs.Lookup(k); f == nil || k == "config" || k == "help" {
				unknown = append(unknown, fmt.Sprintf("%q (line %d)", k, n.Line))
			}
		}
		if len(unknown) > 0 {
			sort.Strings(unknown)
			return usagef("config %s: unknown key %s; valid keys are the long flag names of the command (see --help)", configPath, strings.Join(unknown, ", "))
		}
	}
	var firstErr error
	fs.VisitAll(func(f *pflag.Flag) {
		if firstErr != nil || f.Changed || f.Name == "config" || f.Name == "help" {
			return
		}
		if v, ok := lookupEnv(getenv, envName(f.Name)); ok {
			if err := fs.Set(f.Name, v); err != nil {
				firstErr = usagef("%s=%q: %v", envName(f.Name), v, err)
			}
			return
		}
		n, ok := file[f.Name]
		if !ok {
			return
		}
		values, err := scalarValues(n)
		if err != nil {
			firstErr = usagef("config %s: key %q (line %d): %v", configPath, f.Name, n.Line, err)
			return
		}
		for _, v := range values {
			if err := fs.Set(f.Name, v); err != nil {
				firstErr = usagef("config %s: key %q (line %d): %v", configPath, f.Name, n.Line, err)
				return
			}
		}
	})
	return firstErr
}

func lookupEnv(getenv func(string) string, name string) (string, bool) {
	v := getenv(name)
	return v, v != ""
}

// decodeConfig reads a flat YAML mapping of flag names to values.
func decodeConfig(b []byte) (map[string]yaml.Node, error) {
	out := map[string]yaml.Node{}
	if len(bytes.TrimSpace(b)) == 0 {
		return out, nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 {
		return out, nil
	}
	m := doc.Content[0]
	if m.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("line %d: expected a mapping of setting names to values", m.Line)
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if _, dup := out[k.Value]; dup {
			return nil, fmt.Errorf("line %d: duplicate key %q", k.Line, k.Value)
		}
		out[k.Value] = *v
	}
	return out, nil
}

// scalarValues turns a config value into the strings fs.Set takes: one for a
// scalar, one per item for a list.
func scalarValues(n yaml.Node) ([]string, error) {
	switch n.Kind {
	case yaml.ScalarNode:
		return []string{n.Value}, nil
	case yaml.SequenceNode:
		var out []string
		for _, c := range n.Content {
			if c.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("list items must be scalars")
			}
			out = append(out, c.Value)
		}
		return out, nil
	}
	return nil, fmt.Errorf("expected a scalar or a list")
}
