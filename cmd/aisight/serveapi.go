package main

import (
	"cmp"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"regexp"
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
// runs (without stats, notes or the files their errors name), every
// category's levels and control results (without evidence), and each
// asset's identity (no facts, tags, paths, relations or key fingerprints:
// an asset found in a file is named by its kind and an opaque id, since
// its ID and name hold the file's path).
func briefReport(r model.Report) model.Report {
	out := r
	out.Assets = make([]model.Asset, len(r.Assets))
	opaque := map[string]string{} // file-found asset IDs and what the brief calls them
	for i, a := range r.Assets {
		b := model.Asset{ID: a.ID, Provider: a.Provider, Scope: a.Scope, Region: a.Region, Kind: a.Kind,
			DeploymentType: a.DeploymentType, Name: a.Name, Owner: a.Owner}
		if a.Location != nil && a.Location.Path != "" {
			sum := sha256.Sum256([]byte(a.ID))
			b.ID, b.Name = "asset:"+hex.EncodeToString(sum[:8]), string(a.Kind)
			opaque[a.ID] = b.ID
		}
		out.Assets[i] = b
	}
	out.Scan.CollectorRuns = make([]model.CollectorRun, len(r.Scan.CollectorRuns))
	for i, run := range r.Scan.CollectorRuns {
		run.Stats, run.Notes, run.Problems = nil, nil, nil
		if run.Scope.Kind == "directory" {
			run.Error = fileList.ReplaceAllString(run.Error, "$1")
		}
		out.Scan.CollectorRuns[i] = run
	}
	out.ScopeFacts = []model.ScopeFacts{}
	if r.Assessment != nil {
		as := *r.Assessment
		as.Categories = make([]model.Category, len(r.Assessment.Categories))
		for i, c := range r.Assessment.Categories {
			c.Controls = append([]model.ControlResult(nil), c.Controls...)
			for j := range c.Controls {
				c.Controls[j].Evidence = nil
				failing := make([]string, len(c.Controls[j].Failing))
				for k, id := range c.Controls[j].Failing {
					failing[k] = cmp.Or(opaque[id], id)
				}
				c.Controls[j].Failing = failing
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

// fileList is the list of paths after a count in a file-tree run's error
// ("not parsed (...): 2 files: a.yaml, b.json, +3 more").
var fileList = regexp.MustCompile(`(\d+ files?): [^;]*`)
