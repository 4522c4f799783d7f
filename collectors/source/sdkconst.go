package source

import (
	"strings"
)

// Model names written as SDK constants. Typed SDKs name the providers'
// models with exported constants rather than strings (go-openai's
// openai.GPT3Dot5Turbo, openai-go's openai.ChatModelGPT4_1Mini,
// anthropic-sdk-go's anthropic.ModelClaude3_7SonnetLatest). Their names
// follow each SDK's spelling of the model name (words and numbers in
// CamelCase, "Dot" or "_" for the version's dot, a date at the end), so
// the name is spelt back from the constant and kept only when it is one
// of the provider's model names (plainHosted): a constant of another kind
// (openai.ChatMessageRoleUser) never reads as a model.

// sdkConstPackages are the package names the SDKs are imported under and
// the provider whose names their constants spell.
var sdkConstPackages = map[string]string{"openai": "openai", "shared": "openai", "anthropic": "anthropic"}

// sdkConstModel spells back the model name of a constant written
// "pkg.Ident" in a model context.
func sdkConstModel(v string) (provider, name string, ok bool) {
	pkg, ident, found := strings.Cut(v, ".")
	provider = sdkConstPackages[pkg]
	if !found || provider == "" || ident == "" || strings.ContainsAny(ident, ".()") {
		return "", "", false
	}
	// The type's name ends in Model and comes first (ChatModel, AudioModel,
	// ImageModel, FineTuningJobNewParamsModel, Model): the model's name
	// follows the last "Model" that a capital, digit or _ follows.
	for i := len(ident) - len("Model"); i >= 0; i-- {
		if strings.HasPrefix(ident[i:], "Model") {
			if rest := ident[i+len("Model"):]; rest != "" && (rest[0] < 'a' || rest[0] > 'z') {
				ident = rest
			}
			break
		}
	}
	toks := constTokens(ident)
	if provider == "openai" {
		toks = openAITokens(toks)
	}
	var sb strings.Builder
	for i, t := range toks {
		switch {
		case t == "." || i == 0:
		case toks[i-1] == ".":
		case provider == "openai" && t[0] >= 'a' && t[0] <= 'z' && len(t) == 1 && isDigits(toks[i-1]):
			// the "o" of gpt-4o
		default:
			sb.WriteByte('-')
		}
		sb.WriteString(t)
	}
	prov, n, ok := plainHosted(sb.String())
	if !ok || prov != provider {
		return "", "", false
	}
	return prov, n, true
}

// constTokens splits a CamelCase identifier into lower-case words and
// numbers: "_" separates, "Dot" becomes ".", a lower-case run glued to a
// number ("4o") is its own token, "32K" is "32k".
func constTokens(id string) []string {
	var toks []string
	for i := 0; i < len(id); {
		c := id[i]
		j := i + 1
		switch {
		case c == '_':
			i++
			continue
		case c >= '0' && c <= '9':
			for j < len(id) && id[j] >= '0' && id[j] <= '9' {
				j++
			}
			if j < len(id) && id[j] == 'K' && (j+1 == len(id) || id[j+1] < 'a' || id[j+1] > 'z') {
				toks = append(toks, id[i:j]+"k")
				i = j + 1
				continue
			}
		case c >= 'a' && c <= 'z':
			for j < len(id) && id[j] >= 'a' && id[j] <= 'z' {
				j++
			}
		case c >= 'A' && c <= 'Z':
			if j < len(id) && id[j] >= 'A' && id[j] <= 'Z' {
				// an acronym (GPT, TTS) up to the capital that starts a word
				for j < len(id) && id[j] >= 'A' && id[j] <= 'Z' && !(j+1 < len(id) && id[j+1] >= 'a' && id[j+1] <= 'z') {
					j++
				}
			} else {
				for j < len(id) && id[j] >= 'a' && id[j] <= 'z' {
					j++
				}
			}
		default:
			return nil
		}
		t := strings.ToLower(id[i:j])
		if t == "dot" {
			t = "."
		}
		toks = append(toks, t)
		i = j
	}
	return toks
}

// openAITokens applies OpenAI's spelling: "o" and a number are one word
// (o3), a one-digit version after gpt is followed by its minor number with
// a dot (gpt-4.1: GPT4_1), a context size after the version is its own
// word (GPT432K: gpt-4-32k), GPT3 before a word names a legacy completion
// model without it (GPT3Babbage002: babbage-002), and an eight-digit date
// is written yyyy-mm-dd.
func openAITokens(toks []string) []string {
	if len(toks) > 2 && toks[0] == "gpt" && toks[1] == "3" && toks[2] != "." && !isDigits(toks[2]) && toks[2] != "turbo" {
		toks = toks[2:]
	}
	var out []string
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch {
		case t == "o" && i+1 < len(toks) && isDigits(toks[i+1]) && (i == 0 || !isDigits(toks[i-1])):
			out = append(out, "o"+toks[i+1])
			i++
			continue
		case i > 0 && toks[i-1] == "gpt" && len(t) > 2 && strings.HasSuffix(t, "k") && isDigits(t[:len(t)-1]):
			out = append(out, t[:1], t[1:])
			continue
		case len(t) == 8 && strings.HasPrefix(t, "20") && isDigits(t):
			out = append(out, t[:4], t[4:6], t[6:])
			continue
		case i >= 2 && toks[i-2] == "gpt" && len(t) == 1 && isDigits(t) && len(toks[i-1]) == 1 && isDigits(toks[i-1]):
			out = append(out, ".")
		}
		out = append(out, t)
	}
	return out
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
