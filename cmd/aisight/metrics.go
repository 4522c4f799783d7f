package main

import (
	"net/url"
	"regexp"
	"strings"
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
