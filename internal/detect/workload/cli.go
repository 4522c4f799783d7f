package workload

import (
	"path"
	"strings"
)

// Serving command lines as images and charts write them: the model is often
// positional (vllm serve MODEL, ollama run MODEL), and the whole command is
// often one string behind sh -c.

// ShellWords splits every argument that holds a command line (sh -c "vllm
// serve org/m --port 8000") into its words, quotes removed; other
// arguments are kept as they are.
func ShellWords(args []string) []string {
	var out []string
	for _, a := range args {
		if !strings.ContainsAny(a, " \t\n") {
			out = append(out, a)
			continue
		}
		var cur strings.Builder
		var quote rune
		flush := func() {
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
		}
		for _, r := range a {
			switch {
			case quote != 0 && r == quote:
				quote = 0
			case quote == 0 && (r == '"' || r == '\''):
				quote = r
			case quote == 0 && (r == ' ' || r == '\t' || r == '\n' || r == ';' || r == '&' || r == '|'):
				flush()
			case r == '\\':
			default:
				cur.WriteRune(r)
			}
		}
		flush()
	}
	return out
}

// PositionalModel finds a model given as the positional argument of a
// serving command: "vllm serve MODEL" and "ollama run|pull MODEL" (as an
// ollama:// id). Flags before the model are skipped with their values.
func PositionalModel(args []string) string {
	for i := 0; i+1 < len(args); i++ {
		cmd := path.Base(args[i])
		switch {
		case cmd == "vllm" && args[i+1] == "serve":
			if v := firstPositional(args[i+2:]); ModelShaped(v) {
				return v
			}
		case cmd == "ollama" && (args[i+1] == "run" || args[i+1] == "pull"):
			if v := firstPositional(args[i+2:]); v != "" && OllamaModel.MatchString(v) {
				return "ollama://" + v
			}
		}
	}
	return ""
}

func firstPositional(args []string) string {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a, "-") {
			if !strings.Contains(a, "=") {
				i++ // its value
			}
			continue
		}
		return a
	}
	return ""
}
