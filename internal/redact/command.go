package redact

import "strings"

// sensitiveWords are the parts of a flag, parameter or variable name that
// say its value is a credential (compared in lower case, anywhere in the
// name: x-api-key, subscription-key, auth_token, hf_token, access-token,
// API_TOKEN, --client-secret, DB_PASSWORD).
var sensitiveWords = []string{"key", "token", "secret", "passw", "pwd", "auth", "credential", "signature", "session", "bearer", "cookie", "private", "sas"}

// SensitiveName reports whether a flag, parameter or variable name says
// its value is a credential: a name on the list of known parameters, or
// one holding any of the sensitive words.
func SensitiveName(name string) bool {
	n := strings.ToLower(strings.TrimLeft(name, "-"))
	if sensitiveParams[n] {
		return true
	}
	for _, w := range sensitiveWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// Args returns argv with every credential value masked: the value after a
// flag whose name is sensitive ("--api-key VALUE", "--token=VALUE"), the
// value of NAME=VALUE where NAME is sensitive ("env API_TOKEN=VALUE npx
// ..."), any argument shaped like a key, and the credentials in URLs.
// argv is not modified.
func Args(argv []string) []string {
	out := make([]string, len(argv))
	maskNext := false
	for i, a := range argv {
		switch {
		case maskNext && !strings.HasPrefix(a, "-"):
			out[i], maskNext = Mark, false
			continue
		case strings.HasPrefix(a, "-"):
			name, _, hasValue := strings.Cut(a, "=")
			maskNext = !hasValue && SensitiveName(name)
			if hasValue && SensitiveName(name) {
				out[i] = name + "=" + Mark
				continue
			}
		default:
			maskNext = false
			if name, _, ok := strings.Cut(a, "="); ok && isVarName(name) && SensitiveName(name) {
				out[i] = name + "=" + Mark
				continue
			}
		}
		if LooksSecret(a) {
			out[i] = Mark
			continue
		}
		out[i] = URLsIn(a)
	}
	return out
}

// CommandLine masks the credentials of a command written as one string
// (split on white space; quoting is not interpreted, so a quoted value is
// masked as a word like any other).
func CommandLine(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return s
	}
	return strings.Join(Args(f), " ")
}

func isVarName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
