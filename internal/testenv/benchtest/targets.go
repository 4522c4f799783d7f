package benchtest

import (
	"bytes"
	_ "embed"
	"fmt"
	"regexp"
	"sync"
	"testing"

	"go.yaml.in/yaml/v3"
)

//go:embed targets.yaml
var targetsYAML []byte

// Target is one figure a benchmark must reach (targets.yaml).
type Target struct {
	Benchmark string  `yaml:"benchmark"`
	Metric    string  `yaml:"metric"`
	Max       float64 `yaml:"max"`
	Why       string  `yaml:"why"`
}

var (
	targetsOnce sync.Once
	targets     []Target
	targetsErr  error
)

// Targets are the targets of targets.yaml.
func Targets() ([]Target, error) {
	targetsOnce.Do(func() {
		var doc struct {
			Targets []Target `yaml:"targets"`
		}
		dec := yaml.NewDecoder(bytes.NewReader(targetsYAML))
		dec.KnownFields(true)
		if targetsErr = dec.Decode(&doc); targetsErr != nil {
			return
		}
		seen := map[[2]string]bool{}
		for _, t := range doc.Targets {
			k := [2]string{t.Benchmark, t.Metric}
			if t.Benchmark == "" || t.Metric == "" || t.Max <= 0 || t.Why == "" || seen[k] {
				targetsErr = fmt.Errorf("targets.yaml: %+v: each target needs a benchmark, a metric, a positive max and why, once", t)
				return
			}
			seen[k] = true
		}
		targets = doc.Targets
	})
	return targets, targetsErr
}

var cpuSuffix = regexp.MustCompile(`-\d+$`)

// Metric reports value as b.ReportMetric does and fails the benchmark when
// targets.yaml gives this benchmark and unit a target it misses.
func Metric(b *testing.B, value float64, unit string) {
	b.Helper()
	b.ReportMetric(value, unit)
	ts, err := Targets()
	if err != nil {
		b.Fatal(err)
	}
	name := cpuSuffix.ReplaceAllString(b.Name(), "")
	for _, t := range ts {
		if t.Benchmark == name && t.Metric == unit && value > t.Max {
			b.Errorf("missed target: %s %s is %.3g, the target is at most %.3g (%s; internal/testenv/benchtest/targets.yaml)", name, unit, value, t.Max, t.Why)
		}
	}
}
