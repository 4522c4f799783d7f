package redact

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Text escapes what could turn a value against the terminal or the reader
// of a text output: C0 and C1 control characters (ESC sequences that set a
// window title or clear the screen, carriage return, backspace, newline
// and tab inside a value), DEL, invalid UTF-8 and the bidirectional
// controls that reorder what is shown (Trojan Source). Each becomes a
// visible escape (\x1b, \n, \u202e); everything else is unchanged.
func Text(s string) string {
	clean := true
	for _, r := range s {
		if unsafeRune(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func unsafeRune(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f, r == utf8.RuneError:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// TextArgs returns a with every string (and error and Stringer) escaped
// with Text, for a format whose own text is trusted and whose arguments
// are not.
func TextArgs(a []any) []any {
	out := make([]any, len(a))
	for i, v := range a {
		switch x := v.(type) {
		case string:
			out[i] = Text(x)
		case error:
			out[i] = Text(x.Error())
		case fmt.Stringer:
			out[i] = Text(x.String())
		default:
			out[i] = v
		}
	}
	return out
}

// Markdown escapes a value for a Markdown table cell or list item: table
// pipes, code, emphasis, links and images, HTML, and @mentions (a zero
// width space after the @), after Text.
func Markdown(s string) string {
	return mdReplacer.Replace(Text(s))
}

var mdReplacer = strings.NewReplacer("|", `\|`, "`", "'", "<", "&lt;", ">", "&gt;", "&", "&amp;", "*", `\*`, "_", `\_`,
	"[", `\[`, "]", `\]`, "(", `\(`, ")", `\)`, "!", `\!`, "#", `\#`, "~", `\~`, "@", "@\u200b", "\\", `\\`)
