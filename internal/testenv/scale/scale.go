// Package scale grows the demo's sample estate (internal/sim/demo) to an
// organisation's size for the scale benchmark: copies of its AWS accounts,
// GCP projects, Azure subscriptions and OpenAI/Anthropic keys, each copy
// with identities of its own (account id, project id and number,
// subscription id, project, workspace and key ids), every account with the
// same list of regions and every project with the same locations. It also
// says what a scan of the grown estate must find: each copy's assets are
// its original's, renamed as the copy was (Expected). Benchmarks only.
package scale

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	simaws "github.com/aisight/aisight/internal/sim/aws"
	simazure "github.com/aisight/aisight/internal/sim/azure"
	"github.com/aisight/aisight/internal/sim/demo"
	simgcp "github.com/aisight/aisight/internal/sim/gcp"
	simsaas "github.com/aisight/aisight/internal/sim/saas"
	"github.com/aisight/aisight/model"
)

// Size is what to grow the sample estate to. A count below the sample's
// own keeps the sample's (copies are added, never removed).
type Size struct {
	AWSAccounts int
	// AWSRegions are every account's enabled regions (the sample's regions
	// keep their resources; the others are empty but for AWSRegionCopies).
	AWSRegions []string
	// AWSRegionCopies copies each account's first region with resources
	// into that many more of AWSRegions (renamed to the region), for an
	// estate as dense as the scenario's.
	AWSRegionCopies    int
	GCPProjects        int
	GCPLocations       []string
	AzureSubscriptions int
	// SaaSKeys is the number of API keys over both organisations, added in
	// turn as copies of the OpenAI organisation's projects and of the
	// Anthropic organisation's workspaces, with their keys.
	SaaSKeys int
	// HFOrgs and CopilotOrgs are the number of Hugging Face organisations
	// and of GitHub organisations with Copilot: copies of the sample's
	// (with their endpoints, repositories and seats), named <org>-c<N>.
	HFOrgs, CopilotOrgs int
}

// Copy is one copy of a unit of the sample estate: the scope unit it copies
// ("aws:111111111111", "gcp:ml-prod", "azure:<id>", "openai:default") and
// how the copy renames what it holds.
type Copy struct {
	Unit   string
	Rename func(id string) string
}

// Grow returns the sample estates grown to size, with the copies made.
func Grow(base demo.Estates, size Size) (demo.Estates, []Copy, error) {
	aws, c1, err1 := growAWS(base.AWS, size)
	gcp, c2, err2 := growGCP(base.GCP, size)
	az, c3, err3 := growAzure(base.Azure, size)
	saas, c4, err4 := growSaaS(base.SaaS, size)
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		return demo.Estates{}, nil, err
	}
	c5 := growPlatforms(saas, size)
	return demo.Estates{AWS: aws, GCP: gcp, Azure: az, SaaS: saas}, slices.Concat(c1, c2, c3, c4, c5), nil
}

// Sample is the size of the sample a grown estate is checked against: the
// same regions and locations, no copies of accounts, projects,
// subscriptions or keys.
func (s Size) Sample() Size {
	return Size{AWSRegions: s.AWSRegions, AWSRegionCopies: s.AWSRegionCopies, GCPLocations: s.GCPLocations}
}

// Expected is what a scan of the grown estate must find, given the assets
// a scan of the sample (Grow to size.Sample()) found: every asset, and each
// copy's renaming of every asset of the unit it copies.
func Expected(sample []model.Asset, copies []Copy) map[string]bool {
	byUnit := map[string][]string{}
	want := map[string]bool{}
	for _, a := range sample {
		want[a.ID] = true
		u := unitOf(a.Scope)
		byUnit[u] = append(byUnit[u], a.ID)
	}
	for _, c := range copies {
		for _, id := range byUnit[c.Unit] {
			want[c.Rename(id)] = true
		}
	}
	return want
}

// unitOf is the unit of a scope: its collector and first component
// ("aws:111111111111:us-east-1" -> "aws:111111111111").
func unitOf(scope string) string {
	parts := strings.SplitN(scope, ":", 3)
	if len(parts) < 2 {
		return scope
	}
	return parts[0] + ":" + parts[1]
}

// viaYAML copies v through YAML text with rename applied.
func viaYAML[T any](v T, rename *strings.Replacer) (T, error) {
	var out T
	b, err := yaml.Marshal(v)
	if err != nil {
		return out, err
	}
	err = yaml.Unmarshal([]byte(rename.Replace(string(b))), &out)
	return out, err
}

// growAWS copies the organisation's accounts round-robin, each copy a
// member account with its own 12-digit id, and gives every account the
// same regions.
func growAWS(base *simaws.Estate, size Size) (*simaws.Estate, []Copy, error) {
	e, err := viaYAML(*base, strings.NewReplacer())
	if err != nil {
		return nil, nil, err
	}
	var copies []Copy
	if size.AWSRegionCopies > 0 {
		for i := range e.Accounts {
			c, err := copyRegions(&e.Accounts[i], size)
			if err != nil {
				return nil, nil, err
			}
			copies = append(copies, c...)
		}
	}
	// Every account is a template, the management account's resources
	// included (its copies are members: there is one organisation).
	members := slices.Clone(e.Accounts)
	for i := len(e.Accounts); i < size.AWSAccounts && len(members) > 0; i++ {
		src := members[i%len(members)]
		id := fmt.Sprintf("%012d", 500000000000+i)
		rename := strings.NewReplacer(src.ID, id)
		a, err := viaYAML(src, rename)
		if err != nil {
			return nil, nil, fmt.Errorf("copy of AWS account %s: %w", src.ID, err)
		}
		a.Name = fmt.Sprintf("%s-%d", src.Name, i)
		e.Accounts = append(e.Accounts, a)
		copies = append(copies, Copy{Unit: "aws:" + src.ID, Rename: rename.Replace})
	}
	for i := range e.Accounts {
		a := &e.Accounts[i]
		if a.Regions == nil {
			a.Regions = map[string]*simaws.Region{}
		}
		for _, r := range size.AWSRegions {
			if a.Regions[r] == nil {
				a.Regions[r] = &simaws.Region{}
			}
		}
	}
	return &e, copies, nil
}

// copyRegions copies the account's first region with resources (in the
// order of size.AWSRegions) into the next size.AWSRegionCopies regions it
// has no resources in.
func copyRegions(a *simaws.Account, size Size) ([]Copy, error) {
	src := ""
	for _, r := range size.AWSRegions {
		if reg := a.Regions[r]; reg != nil && !reflect.ValueOf(*reg).IsZero() {
			src = r
			break
		}
	}
	if src == "" {
		return nil, nil
	}
	var copies []Copy
	for _, r := range size.AWSRegions {
		if len(copies) == size.AWSRegionCopies {
			break
		}
		if reg := a.Regions[r]; reg != nil && !reflect.ValueOf(*reg).IsZero() {
			continue
		}
		rename := strings.NewReplacer(":"+src+":", ":"+r+":", src, r)
		reg, err := viaYAML(*a.Regions[src], rename)
		if err != nil {
			return nil, fmt.Errorf("copy of AWS account %s's %s: %w", a.ID, src, err)
		}
		a.Regions[r] = &reg
		copies = append(copies, Copy{Unit: "aws:" + a.ID, Rename: strings.NewReplacer(":"+src+":", ":"+r+":").Replace})
	}
	return copies, nil
}

// growGCP copies projects round-robin with their own ids and numbers, and
// gives every project the same locations.
func growGCP(base *simgcp.Estate, size Size) (*simgcp.Estate, []Copy, error) {
	type estate struct {
		Locations []string          `json:"locations"`
		Projects  []json.RawMessage `json:"projects"`
		// The folders and organisations the projects sit in (their IAM
		// policies and organisation policies), kept as they are; a copy in
		// a folder gets its own copy of the folder (below).
		Folders       []*simgcp.Node `json:"folders"`
		Organizations []*simgcp.Node `json:"organizations"`
		PageSize      int            `json:"page_size"`
		Faults        simgcp.Faults  `json:"faults"`
	}
	out := estate{Locations: base.Locations, Folders: slices.Clone(base.Folders), Organizations: base.Organizations, PageSize: base.PageSize, Faults: base.Faults}
	if len(size.GCPLocations) > 0 {
		out.Locations = size.GCPLocations
	}
	var live []*simgcp.Project
	for _, p := range base.Projects {
		b, err := json.Marshal(p)
		if err != nil {
			return nil, nil, err
		}
		out.Projects = append(out.Projects, b)
		if p.State == "ACTIVE" && !p.Denied && len(p.DisabledServices) == 0 {
			live = append(live, p)
		}
	}
	var copies []Copy
	for i := len(base.Projects); i < size.GCPProjects && len(live) > 0; i++ {
		src := live[i%len(live)]
		id, number := fmt.Sprintf("%s-c%d", src.ID, i), fmt.Sprintf("%d", 300000000000+i)
		// The id is renamed where it stands alone (projects/ID followed by
		// /, a quote or the end; @ID.; "ID"), never inside a longer id.
		const end = "\x00"
		rename := strings.NewReplacer("projects/"+src.ID+"/", "projects/"+id+"/", "projects/"+src.ID+`"`, "projects/"+id+`"`,
			"projects/"+src.ID+end, "projects/"+id+end, "@"+src.ID+".", "@"+id+".", `"`+src.ID+`"`, `"`+id+`"`, src.Number, number)
		b, err := json.Marshal(src)
		if err != nil {
			return nil, nil, err
		}
		copied := rename.Replace(string(b))
		// A project in a folder gets its own copy of the folder, its
		// grants renamed as the project's are: the folder's grants to the
		// source project's service accounts are inherited by the copy as
		// grants to its own, as they are by the source.
		if f := base.Node(src.Parent); f != nil && strings.HasPrefix(src.Parent, "folders/") {
			fb, err := json.Marshal(f)
			if err != nil {
				return nil, nil, err
			}
			var nf simgcp.Node
			if err := json.Unmarshal([]byte(rename.Replace(string(fb))), &nf); err != nil {
				return nil, nil, err
			}
			nf.Name = fmt.Sprintf("folders/%d", 900000000+i)
			out.Folders = append(out.Folders, &nf)
			copied = strings.ReplaceAll(copied, `"parent":"`+src.Parent+`"`, `"parent":"`+nf.Name+`"`)
		}
		out.Projects = append(out.Projects, json.RawMessage(copied))
		copies = append(copies, Copy{Unit: "gcp:" + src.ID, Rename: func(id string) string {
			return strings.TrimSuffix(rename.Replace(id+end), end)
		}})
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, nil, err
	}
	e, err := simgcp.ParseEstate(b)
	return e, copies, err
}

// growAzure copies subscriptions round-robin with their own ids.
func growAzure(base *simazure.Estate, size Size) (*simazure.Estate, []Copy, error) {
	b, err := json.Marshal(base)
	if err != nil {
		return nil, nil, err
	}
	var out map[string]json.RawMessage
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, nil, err
	}
	var subs []json.RawMessage
	if err := json.Unmarshal(out["subscriptions"], &subs); err != nil {
		return nil, nil, err
	}
	var live []*simazure.Subscription
	for _, s := range base.Subscriptions {
		if !s.Denied && s.State == "Enabled" {
			live = append(live, s)
		}
	}
	var copies []Copy
	for i := len(base.Subscriptions); i < size.AzureSubscriptions && len(live) > 0; i++ {
		src := live[i%len(live)]
		id := fmt.Sprintf("00000000-5ca1-4000-8000-%012d", i)
		rename := strings.NewReplacer(src.ID, id, strings.ToLower(src.ID), id)
		sb, err := json.Marshal(src)
		if err != nil {
			return nil, nil, err
		}
		var copied map[string]any
		if err := json.Unmarshal([]byte(rename.Replace(string(sb))), &copied); err != nil {
			return nil, nil, err
		}
		copied["display_name"] = fmt.Sprintf("%s-%d", copied["display_name"], i)
		cb, err := json.Marshal(copied)
		if err != nil {
			return nil, nil, err
		}
		subs = append(subs, cb)
		copies = append(copies, Copy{Unit: "azure:" + src.ID, Rename: rename.Replace})
	}
	if out["subscriptions"], err = json.Marshal(subs); err != nil {
		return nil, nil, err
	}
	if b, err = json.Marshal(out); err != nil {
		return nil, nil, err
	}
	e, err := simazure.ParseEstate(b)
	return e, copies, err
}

// growSaaS copies the OpenAI organisation's live projects and the Anthropic
// organisation's workspaces (with their keys), in turn, until the two hold
// size.SaaSKeys keys; copied ids get a suffix and key values a tag of their
// own.
func growSaaS(base *simsaas.Estate, size Size) (*simsaas.Estate, []Copy, error) {
	e, err := viaYAML(*base, strings.NewReplacer())
	if err != nil {
		return nil, nil, err
	}
	var copies []Copy
	keys := func() (n int) {
		for _, p := range e.OpenAI.Projects {
			n += len(p.Keys)
		}
		return n + len(e.Anthropic.Keys)
	}
	if keys() >= size.SaaSKeys {
		return &e, nil, nil
	}
	openaiUnit := "openai:default"
	anthropicUnit := "anthropic:" + base.Anthropic.ID
	for i := 1; keys() < size.SaaSKeys; i++ {
		suffix := fmt.Sprintf("_c%d", i)
		ids := map[string]string{} // a copied id -> the copy's
		if i%2 == 1 || len(base.Anthropic.Workspaces) == 0 {
			for _, src := range base.OpenAI.Projects {
				if len(src.Keys) == 0 || src.Archived {
					continue
				}
				p := src
				p.Keys = nil
				ids[p.ID] = p.ID + suffix
				p.ID += suffix
				p.Name += suffix
				for _, k := range src.Keys {
					ids[k.ID] = k.ID + suffix
					k.ID += suffix
					k.Value = renameValue(k.Value, i)
					p.Keys = append(p.Keys, k)
				}
				e.OpenAI.Projects = append(e.OpenAI.Projects, p)
			}
			copies = append(copies, Copy{Unit: openaiUnit, Rename: renameSegments(ids)})
			continue
		}
		for _, w := range base.Anthropic.Workspaces {
			if w.Archived {
				continue
			}
			ids[w.ID] = w.ID + suffix
			w.ID += suffix
			w.Name += suffix
			e.Anthropic.Workspaces = append(e.Anthropic.Workspaces, w)
		}
		for _, k := range base.Anthropic.Keys {
			ids[k.ID] = k.ID + suffix
			k.ID += suffix
			k.Value = renameValue(k.Value, i)
			k.Workspace += suffix
			e.Anthropic.Keys = append(e.Anthropic.Keys, k)
		}
		copies = append(copies, Copy{Unit: anthropicUnit, Rename: renameSegments(ids)})
	}
	return &e, copies, nil
}

// renameSegments renames the path segments of an id that are copied ids
// ("openai://projects/proj_chat/api_keys/key_1").
func renameSegments(ids map[string]string) func(string) string {
	return func(id string) string {
		parts := strings.Split(id, "/")
		for i, p := range parts {
			if n, ok := ids[p]; ok {
				parts[i] = n
			}
		}
		return strings.Join(parts, "/")
	}
}

// renameValue gives a copied key a value of its own, keeping its shape
// (prefix, length, alphabet).
func renameValue(v string, i int) string {
	tag := fmt.Sprintf("%08d", i)
	if len(v) < 24 {
		return v
	}
	mid := len(v) / 2
	return v[:mid] + tag + v[mid+len(tag):]
}

// growPlatforms copies the sample's Hugging Face organisations (the token
// belongs to every copy) and its GitHub organisations with Copilot until
// there are size.HFOrgs and size.CopilotOrgs of each.
func growPlatforms(e *simsaas.Estate, size Size) []Copy {
	var copies []Copy
	if hf := e.HuggingFace; hf != nil && len(hf.Orgs) > 0 {
		base := slices.Clone(hf.Orgs)
		for i := 1; len(hf.Orgs) < size.HFOrgs; i++ {
			for _, o := range base {
				if len(hf.Orgs) >= size.HFOrgs {
					break
				}
				name := fmt.Sprintf("%s-c%d", o.Name, i)
				c := o
				c.Endpoints = slices.Clone(o.Endpoints)
				for j := range c.Endpoints {
					c.Endpoints[j].Repository = strings.Replace(c.Endpoints[j].Repository, o.Name+"/", name+"/", 1)
				}
				c.Name = name
				hf.Orgs = append(hf.Orgs, c)
				copies = append(copies, Copy{Unit: "huggingface:" + o.Name, Rename: renameSegments(map[string]string{o.Name: name})})
			}
		}
	}
	if gh := e.GitHub; gh != nil {
		var base []simsaas.GitHubOrg
		for _, o := range gh.Orgs {
			if o.Copilot {
				base = append(base, o)
			}
		}
		n := len(base)
		for i := 1; len(base) > 0 && n < size.CopilotOrgs; i++ {
			for _, o := range base {
				if n >= size.CopilotOrgs {
					break
				}
				login := fmt.Sprintf("%s-c%d", o.Login, i)
				c := o
				c.Login = login
				gh.Orgs = append(gh.Orgs, c)
				n++
				copies = append(copies, Copy{Unit: "github:" + o.Login, Rename: renameSegments(map[string]string{o.Login: login})})
			}
		}
	}
	return copies
}
