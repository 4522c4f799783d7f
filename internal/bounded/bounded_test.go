package bounded

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestDepth(t *testing.T) {
	for _, tc := range []struct {
		in   string
		deep bool
	}{
		{strings.Repeat("[", 300), true},
		{strings.Repeat("{\"a\":", 300), true},
		{strings.Repeat("[", 200) + strings.Repeat("]", 200), false},
		{`x = "` + strings.Repeat("[", 1000) + `"`, false}, // brackets inside a string
		{"a = '" + strings.Repeat("{", 1000) + "'\n", false},
		{strings.Repeat("[]", 100000), false},
	} {
		err := Depth([]byte(tc.in), MaxDepth)
		if errors.Is(err, ErrTooDeep) != tc.deep {
			t.Errorf("Depth(%.20q...) = %v, want deep=%v", tc.in, err, tc.deep)
		}
	}
}

func TestReadFileRefusesWhatIsNotARegularFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := ReadFile(fifo, 1<<20); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "a FIFO") {
			t.Errorf("FIFO: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("reading a FIFO blocked")
	}
	for path, want := range map[string]string{"/dev/zero": "a device", dir: "a directory"} {
		if _, err := ReadFile(path, 1<<20); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %s", path, err, want)
		}
	}
	big := filepath.Join(dir, "big")
	os.WriteFile(big, bytes.Repeat([]byte("a"), 2000), 0o600)
	if _, err := ReadFile(big, 1000); err == nil || !strings.Contains(err.Error(), "more than the 1000") {
		t.Errorf("big: %v", err)
	}
	if b, err := ReadFile(big, 2000); err != nil || len(b) != 2000 {
		t.Errorf("at the limit: %d %v", len(b), err)
	}
}

func FuzzDepth(f *testing.F) {
	f.Add([]byte(`{"a": ["[", {"b": '}'}]}`))
	f.Add([]byte(strings.Repeat("[", 300)))
	f.Fuzz(func(t *testing.T, b []byte) {
		err := Depth(b, 8)
		open := 0
		for _, c := range b {
			if c == '[' || c == '{' {
				open++
			}
		}
		if err != nil && open <= 8 {
			t.Errorf("%q: %d brackets in all, yet too deep", b, open)
		}
	})
}
