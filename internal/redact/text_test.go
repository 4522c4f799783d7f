package redact

import (
	"strings"
	"testing"
)

func TestTextEscapesControlAndBidi(t *testing.T) {
	for in, want := range map[string]string{
		"\x1b]0;pwned\x07":      `\x1b]0;pwned\x07`,
		"\x1b[2J\x1b[H":         `\x1b[2J\x1b[H`,
		"ok\rFAKE":              `ok\rFAKE`,
		"a\bb":                  `a\x08b`,
		"x\ny\tz":               `x\ny\tz`,
		"\u202eevil\u2066":      `\u202eevil\u2066`,
		"caf\xe9":               `caf\xe9`,
		"\u009b31m":             `\u009b31m`,
		"plain/path.py café 日本": "plain/path.py café 日本",
	} {
		if got := Text(in); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMarkdownEscapesMentionsLinksAndHTML(t *testing.T) {
	got := Markdown("@octocat [click](https://evil) <img src=x onerror=alert(1)> ![i](u) | `x`\n")
	for _, bad := range []string{"@octocat", "[click](", "<img", "![", "\n"} {
		if strings.Contains(got, bad) {
			t.Errorf("Markdown kept %q: %q", bad, got)
		}
	}
}
