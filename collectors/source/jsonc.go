package source

// JSONC turns JSON with comments (// and /* */) and trailing commas, as
// VS Code, Cursor, Zed and Claude read their settings, into JSON: comments
// become spaces (newlines kept, so offsets and lines still match the file)
// and a comma before a closing bracket becomes a space. Strings are left
// as they are, escapes included. Plain JSON comes back unchanged (the same
// slice: no copy unless there is something to change).
func JSONC(b []byte) []byte {
	var out []byte // allocated on the first change
	set := func(i int, c byte) {
		if out == nil {
			out = append([]byte(nil), b...)
		}
		out[i] = c
	}
	inString := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inString {
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
			}
			continue
		}
		switch {
		case c == '"':
			inString = true
		case c == '/' && i+1 < len(b) && b[i+1] == '/':
			for ; i < len(b) && b[i] != '\n'; i++ {
				set(i, ' ')
			}
		case c == '/' && i+1 < len(b) && b[i+1] == '*':
			set(i, ' ')
			set(i+1, ' ')
			for i += 2; i < len(b) && !(b[i] == '*' && i+1 < len(b) && b[i+1] == '/'); i++ {
				if b[i] != '\n' {
					set(i, ' ')
				}
			}
			if i < len(b) {
				set(i, ' ')
				set(i+1, ' ')
				i++
			}
		case c == ',':
			if j := skipSpaceAndComments(b, i+1); j < len(b) && (b[j] == '}' || b[j] == ']') {
				set(i, ' ')
			}
		}
	}
	if out == nil {
		return b
	}
	return out
}

// skipSpaceAndComments returns the offset of the next byte at or after i
// that is neither white space nor inside a comment.
func skipSpaceAndComments(b []byte, i int) int {
	for i < len(b) {
		switch {
		case b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r':
			i++
		case b[i] == '/' && i+1 < len(b) && b[i+1] == '/':
			for i < len(b) && b[i] != '\n' {
				i++
			}
		case b[i] == '/' && i+1 < len(b) && b[i+1] == '*':
			i += 2
			for i+1 < len(b) && !(b[i] == '*' && b[i+1] == '/') {
				i++
			}
			i += 2
		default:
			return i
		}
	}
	return i
}
