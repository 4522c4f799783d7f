// Package flagvalue holds the pflag.Value types aisight's options share: a
// closed set of strings (Enum) and a byte size with binary or decimal
// suffixes (ByteSize). Their Type() names what they accept, so --help shows
// it and tests can derive a valid value.
package flagvalue

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Enum is a string flag restricted to a closed set.
type Enum struct {
	Value   string
	Allowed []string
}

// NewEnum returns an Enum with a default value.
func NewEnum(def string, allowed ...string) *Enum { return &Enum{Value: def, Allowed: allowed} }

func (e *Enum) String() string { return e.Value }

// Type lists the allowed values ("auto|on|off"), shown by --help.
func (e *Enum) Type() string { return strings.Join(e.Allowed, "|") }

// Set accepts one of the allowed values.
func (e *Enum) Set(s string) error {
	if !slices.Contains(e.Allowed, s) {
		return fmt.Errorf("must be one of %s", strings.Join(e.Allowed, ", "))
	}
	e.Value = s
	return nil
}

// ByteSize is a size in bytes that accepts KiB/MiB/GiB (and KB/MB/GB)
// suffixes. A value that overflows int64 is an error, never a wrap-around.
type ByteSize int64

func (b *ByteSize) String() string { return strconv.FormatInt(int64(*b), 10) }

// Type is shown by --help.
func (b *ByteSize) Type() string { return "bytes" }

// Set parses "10MiB", "4GiB", "1000" and the like.
func (b *ByteSize) Set(s string) error {
	s = strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40}, {"KB", 1000}, {"MB", 1000 * 1000}, {"GB", 1000 * 1000 * 1000}, {"TB", 1000 * 1000 * 1000 * 1000}, {"B", 1}} {
		if v, ok := strings.CutSuffix(s, u.suffix); ok {
			s, mult = strings.TrimSpace(v), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("not a size: use bytes or a KiB/MiB/GiB/TiB suffix")
	}
	if n < 0 {
		return fmt.Errorf("a size cannot be negative")
	}
	if n > math.MaxInt64/mult {
		return fmt.Errorf("size too large (at most %d bytes)", int64(math.MaxInt64))
	}
	*b = ByteSize(n * mult)
	return nil
}
