// Package bounded reads untrusted input within limits: configuration files
// only when they are regular files of bounded size (a FIFO would block, a
// device would never end), and structured text only when its nesting is
// bounded (a decoder recursing once per level would exhaust the stack).
// Scanned files and every config input (--config, --attestations,
// --registry, --controls) go through it.
package bounded

import (
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
)

// MaxDepth is the nesting depth structured files may reach: far beyond any
// real manifest, lockfile or notebook, far below what exhausts a stack.
const MaxDepth = 256

// ErrTooDeep is returned for text nested deeper than the limit.
var ErrTooDeep = errors.New("nested too deeply")

// Depth returns ErrTooDeep when the brackets and braces of b (outside
// quoted strings) nest deeper than limit. It reads b once.
func Depth(b []byte, limit int) error {
	depth := 0
	var quote byte
	for i := 0; i < len(b); i++ {
		c := b[i]
		if quote != 0 {
			switch {
			case c == '\\':
				i++
			case c == quote || c == '\n' && quote == '\'':
				quote = 0
			}
			continue
		}
		switch c {
		case '"', '\'':
			quote = c
		case '[', '{':
			depth++
			if depth > limit {
				return fmt.Errorf("%w (more than %d levels)", ErrTooDeep, limit)
			}
		case ']', '}':
			if depth > 0 {
				depth--
			}
		}
	}
	return nil
}

// ReadFile reads a configuration file: only a regular file (a FIFO, a
// device or a directory is refused at once, without blocking), and at most
// max bytes (larger is an error naming the limit).
func ReadFile(path string, max int64) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file (%s)", path, kind(fi.Mode()))
	}
	if fi.Size() > max {
		return nil, fmt.Errorf("%s is %d bytes, more than the %d a config input may have", path, fi.Size(), max)
	}
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s grew past the %d bytes a config input may have", path, max)
	}
	return b, nil
}

func kind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeNamedPipe != 0:
		return "a FIFO"
	case m&os.ModeDevice != 0, m&os.ModeCharDevice != 0:
		return "a device"
	case m&os.ModeSocket != 0:
		return "a socket"
	}
	return m.Type().String()
}
