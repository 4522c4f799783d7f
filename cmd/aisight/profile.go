package main

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
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
// at its end). Files are created before the scan starts, so a bad path
// fails at once.
func (p profiles) start() (stop func() error, err error) {
	var cpuFile, memFile *os.File
	if p.mem != "" {
		if memFile, err = os.Create(p.mem); err != nil {
			return nil, usagef("--mem-profile: %v", err)
		}
	}
	if p.cpu != "" {
		if cpuFile, err = os.Create(p.cpu); err != nil {
			closeAll(memFile)
			return nil, usagef("--cpu-profile: %v", err)
		}
		if err := pprof.StartCPUProfile(cpuFile); err != nil {
			closeAll(memFile, cpuFile)
			return nil, fmt.Errorf("--cpu-profile: %w", err)
		}
	}
	return func() error {
		var errs []error
		if cpuFile != nil {
			pprof.StopCPUProfile()
			errs = append(errs, cpuFile.Close())
		}
		if memFile != nil {
			runtime.GC() // the in-use figures of the end of the scan
			errs = append(errs, pprof.Lookup("allocs").WriteTo(memFile, 0), memFile.Close())
		}
		return errors.Join(errs...)
	}, nil
}

func closeAll(fs ...*os.File) {
	for _, f := range fs {
		if f != nil {
			_ = f.Close()
		}
	}
}
