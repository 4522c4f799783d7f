package main

import (
	"io/fs"
	"testing"
)

func TestGCSettings(t *testing.T) {
	files := func(m map[string]string) func(string) ([]byte, error) {
		return func(p string) ([]byte, error) {
			if v, ok := m[p]; ok {
				return []byte(v), nil
			}
			return nil, fs.ErrNotExist
		}
	}
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for _, tc := range []struct {
		name       string
		env, files map[string]string
		percent    int
		limit      int64
	}{
		{"no cgroup", nil, nil, gcPercent, softMemoryLimit},
		{"cgroup v2 without a limit", nil, map[string]string{"/sys/fs/cgroup/memory.max": "max\n"}, gcPercent, softMemoryLimit},
		{"cgroup v2 limit below ours", nil, map[string]string{"/sys/fs/cgroup/memory.max": "268435456\n"}, gcPercent, 214748364},
		{"cgroup v2 limit above ours", nil, map[string]string{"/sys/fs/cgroup/memory.max": "4294967296\n"}, gcPercent, softMemoryLimit},
		{"cgroup v1 limit", nil, map[string]string{"/sys/fs/cgroup/memory/memory.limit_in_bytes": "134217728\n"}, gcPercent, 107374182},
		{"cgroup v1 without a limit", nil, map[string]string{"/sys/fs/cgroup/memory/memory.limit_in_bytes": "9223372036854771712\n"}, gcPercent, softMemoryLimit},
		{"garbage in memory.max", nil, map[string]string{"/sys/fs/cgroup/memory.max": "-5"}, gcPercent, softMemoryLimit},
		{"user's GOGC", map[string]string{"GOGC": "50"}, nil, -1, softMemoryLimit},
		{"user's GOMEMLIMIT", map[string]string{"GOMEMLIMIT": "1GiB"}, map[string]string{"/sys/fs/cgroup/memory.max": "268435456"}, gcPercent, -1},
		{"GOGC=off", map[string]string{"GOGC": "off", "GOMEMLIMIT": "2GiB"}, nil, -1, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, l := gcSettings(env(tc.env), files(tc.files))
			if p != tc.percent || l != tc.limit {
				t.Errorf("gcSettings = %d, %d; want %d, %d", p, l, tc.percent, tc.limit)
			}
		})
	}
}
