package main

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/aisight/aisight/internal/metrics"
	"github.com/aisight/aisight/model"
)

var labelName = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

// validatePush checks the push and metrics-file flags before anything runs.
func (o *scanOptions) validatePush() error {
	if o.pushGateway != "" {
		u, err := url.Parse(o.pushGateway)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return usagef("--push-gateway %q: want an http(s) URL such as http://pushgateway:9091", o.pushGateway)
		}
		if pw, ok := u.User.Password(); ok {
			o.scrub.Register(pw) // masked by value wherever it would appear, not only inside this URL
		}
		if strings.TrimSpace(o.pushJob) == "" {
			return usagef("--push-job must not be empty")
		}
		if o.pushTimeout <= 0 {
			return usagef("--push-timeout must be positive")
		}
	}
	o.grouping = map[string]string{}
	for _, g := range o.pushGrouping {
		k, v, ok := strings.Cut(g, "=")
		if !ok || !labelName.MatchString(k) || v == "" || k == "job" || strings.HasPrefix(k, "__") {
			return usagef("--push-grouping %q: want label=value with a Prometheus label name other than job", g)
		}
		o.grouping[k] = v
	}
	if len(o.grouping) > 0 && o.pushGateway == "" {
		return usagef("--push-grouping needs --push-gateway")
	}
	return nil
}

// snapshot is the metrics view of a report.
func (sc *scanner) snapshot(r model.Report) *metrics.Snapshot {
	return &metrics.Snapshot{Report: r, Targets: sc.o.levelTargets, RegistryLoaded: sc.registry != nil, Providers: sc.providers()}
}

// providers are the provider label values metrics keep: every collector's
// name and every provider of the detection catalog.
func (sc *scanner) providers() []string {
	out := sc.catalog.Providers()
	for _, s := range sc.o.specs {
		out = append(out, s.Name())
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// exportMetrics writes --metrics-file and pushes to --push-gateway. A failed
// push is an error (non-zero exit) saying where it went wrong.
func (sc *scanner) exportMetrics(ctx context.Context, r model.Report) error {
	if sc.o.metricsFile == "" && sc.o.pushGateway == "" {
		return nil
	}
	c := metrics.New(version)
	c.Set(sc.snapshot(r))
	reg := metrics.Scrubbed(metrics.Registry(c), sc.o.scrub.String)
	if sc.o.metricsFile != "" {
		if err := metrics.WriteTextfile(sc.o.metricsFile, reg); err != nil {
			return err
		}
	}
	if sc.o.pushGateway != "" {
		grouping := sc.o.grouping
		if len(grouping) == 0 {
			grouping = map[string]string{"scopeset": metrics.ScopeSetKey(r)}
		}
		if err := metrics.Push(ctx, sc.o.pushGateway, sc.o.pushJob, grouping, reg, sc.o.pushTimeout); err != nil {
			return fmt.Errorf("metrics not pushed: %w", err)
		}
	}
	return nil
}
