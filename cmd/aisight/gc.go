package main

import (
	"math"
	"runtime/debug"
	"strconv"
	"strings"
)

// GC defaults of the process (docs/benchmarks.md, "Garbage collection"). A
// scan of many cloud API calls allocates about 38 KB per call in the SDKs'
// middleware and decoders; at Go's default (GOGC=100) the collector spent
// 15-16% of the scanner's CPU in garbage collection, and on a machine the
// scan saturates that CPU is wall time.
const (
	// gcPercent halves the collections of Go's default.
	gcPercent = 200
	// softMemoryLimit keeps the heap that extra growth allows within what
	// the project's targets give a scan (512 MB peak RSS at organisation
	// scale): near it the runtime collects as often as it must, whatever
	// gcPercent says.
	softMemoryLimit = 400 << 20
	// cgroupShare is the part of a container's memory limit the soft limit
	// may take (the rest: the binary's pages, goroutine stacks, buffers).
	cgroupShare = 0.8
)

// gcSettings are the GC percent and soft memory limit (bytes) to set, or -1
// for "leave the runtime's own": a user's GOGC or GOMEMLIMIT always wins.
// readFile reads the cgroup's memory limit (v2 memory.max, else v1
// memory.limit_in_bytes), so a CronJob's container limit lowers the soft
// limit instead of the extra growth costing an OOM kill.
func gcSettings(getenv func(string) string, readFile func(string) ([]byte, error)) (percent int, limit int64) {
	percent, limit = -1, -1
	if getenv("GOGC") == "" {
		percent = gcPercent
	}
	if getenv("GOMEMLIMIT") != "" {
		return percent, -1
	}
	limit = softMemoryLimit
	for _, p := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		b, err := readFile(p)
		if err != nil {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
		if err != nil || n <= 0 || n >= math.MaxInt64/2 { // "max", or v1's "no limit" (a page-rounded MaxInt64)
			break
		}
		limit = min(limit, int64(float64(n)*cgroupShare))
		break
	}
	return percent, limit
}

// tuneGC applies gcSettings to this process.
func tuneGC(getenv func(string) string, readFile func(string) ([]byte, error)) {
	percent, limit := gcSettings(getenv, readFile)
	if percent > 0 {
		debug.SetGCPercent(percent)
	}
	if limit > 0 {
		debug.SetMemoryLimit(limit)
	}
}
