package main

import (
	"crypto/subtle"
	"net/http"
	"strings"
	"syscall"

	"github.com/aisight/aisight/internal/bounded"
	"github.com/aisight/aisight/model"
)

// apiAuth is who may read /api/v1/assessment and how much of it.
type apiAuth struct {
	detail bool   // the whole report, not the brief one
	token  []byte // required bearer token; nil: none required
}

func newAPIAuth(detail bool, tokenFile string) (apiAuth, error) {
	a := apiAuth{detail: detail}
	if tokenFile == "" {
		return a, nil
	}
	b, err := bounded.ReadFile(tokenFile, 4<<10)
	if err != nil {
		return a, usagef("--api-token-file: %v", err)
	}
	tok := strings.TrimSpace(string(b))
	if len(tok) < 16 {
		return a, usagef("--api-token-file: the token must be at least 16 characters")
	}
	a.token = []byte(tok)
	return a, nil
}

// allowed checks the bearer token in constant time.
func (a apiAuth) allowed(r *http.Request) bool {
	if a.token == nil {
		return true
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(got), a.token) == 1
}

// briefReport is what the API serves without --api-detail: the scan's
// runs (without stats), every category's levels and control results
// (without evidence), and each asset's identity (no facts, tags, paths,
// relations or key fingerprints).
func briefReport(r model.Report) model.Report {
	out := r
	out.Assets = make([]model.Asset, len(r.Assets))
	for i, a := range r.Assets {
		out.Assets[i] = model.Asset{ID: a.ID, Provider: a.Provider, Scope: a.Scope, Region: a.Region, Kind: a.Kind,
			DeploymentType: a.DeploymentType, Name: a.Name, Owner: a.Owner}
	}
	out.ScopeFacts = []model.ScopeFacts{}
	if r.Assessment != nil {
		as := *r.Assessment
		as.Categories = make([]model.Category, len(r.Assessment.Categories))
		for i, c := range r.Assessment.Categories {
			c.Controls = append([]model.ControlResult(nil), c.Controls...)
			for j := range c.Controls {
				c.Controls[j].Evidence = nil
			}
			as.Categories[i] = c
		}
		out.Assessment = &as
	}
	return out
}

// maxConnections caps serve's open connections below the process's
// file-descriptor limit, so idle or slow clients can never take every
// descriptor (the header timeout then frees their slots).
func maxConnections() int {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil || lim.Cur == 0 {
		return 256
	}
	return int(min(1024, max(8, lim.Cur/2)))
}
