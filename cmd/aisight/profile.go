package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"runtime/pprof"

	"github.com/aisight/aisight/internal/output"
)

// profiles are the Go profiles a scan writes when asked (--cpu-profile,
// --mem-profile): for a user whose scan is slower or larger than the
// benchmarks say, and for the benchmarks themselves. Read them with
// `go tool pprof`.
type profiles struct {
	cpu, mem string
}

// start begins the CPU profile; the returned stop ends it and writes the
// heap profile (allocations over the whole scan, and what was still in use
// at its end). The destinations are checked before the scan starts, by the
// rules of --out (output.CheckDestination: no symbolic link, FIFO, device
// or directory, a writable directory), so a bad path fails at once; the
// files are written atomically when the scan ends.
func (p profiles) start() (stop func() error, err error) {
	for _, d := range []struct{ flag, path string }{{"--mem-profile", p.mem}, {"--cpu-profile", p.cpu}} {
		if d.path != "" {
			if err := output.CheckDestination(d.path); err != nil {
				return nil, usagef("%s: %v", d.flag, err)
			}
		}
	}
	var cpu bytes.Buffer
	if p.cpu != "" {
		if err := pprof.StartCPUProfile(&cpu); err != nil {
			return nil, fmt.Errorf("--cpu-profile: %w", err)
		}
	}
	return func() error {
		var errs []error
		if p.cpu != "" {
			pprof.StopCPUProfile()
			errs = append(errs, output.WriteFileAtomic(p.cpu, func(w io.Writer) error { _, err := w.Write(cpu.Bytes()); return err }))
		}
		if p.mem != "" {
			runtime.GC() // the in-use figures of the end of the scan
			errs = append(errs, output.WriteFileAtomic(p.mem, func(w io.Writer) error { return pprof.Lookup("allocs").WriteTo(w, 0) }))
		}
		return errors.Join(errs...)
	}, nil
}
