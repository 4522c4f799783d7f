package source

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"path"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"

	"github.com/aisight/aisight/internal/detect/fingerprint"
	"github.com/aisight/aisight/internal/redact"
	"github.com/aisight/aisight/model"
)

// Dep is one dependency read from a manifest or a lockfile.
type Dep struct {
	Name string
	// Spec is the version constraint as declared in a manifest ("^4.0.0", ">=1,<2").
	Spec string
	// Version is the exact resolved version (lockfiles, or exact manifest pins).
	Version string
	Line    int
	Dev     bool
	// Indirect marks a dependency a manifest lists as not direct (go.mod "// indirect").
	Indirect bool
	// ManagedBy names what fixes the version of a dependency declared
	// without one (Maven: the imported BOMs or the parent pom that may,
	// each g:a:v; Gradle: a platform).
	ManagedBy []string
}

// parser reads one manifest or lockfile format. lock is true for lockfiles.
type parser struct {
	parse func([]byte) ([]Dep, error)
	lock  bool
}

// manifestParser returns the parser and ecosystem for a file name.
func manifestParser(base string) (*parser, string) {
	b := strings.ToLower(base)
	switch {
	case b == "go.mod":
		return &parser{parse: parseGoMod}, "go"
	case b == "go.sum":
		return &parser{parse: parseGoSum, lock: true}, "go"
	case (strings.HasPrefix(b, "requirements") || strings.HasPrefix(b, "constraints")) && strings.HasSuffix(b, ".txt"), b == "requirements.in":
		return &parser{parse: parseRequirements}, "pypi"
	case b == "pyproject.toml":
		return &parser{parse: parsePyproject}, "pypi"
	case b == "pipfile":
		return &parser{parse: parsePipfile}, "pypi"
	case b == "pipfile.lock":
		return &parser{parse: parsePipfileLock, lock: true}, "pypi"
	case b == "poetry.lock", b == "uv.lock", b == "pdm.lock":
		return &parser{parse: parseTOMLLock, lock: true}, "pypi"
	case b == "package.json":
		return &parser{parse: parsePackageJSON}, "npm"
	case b == "package-lock.json", b == "npm-shrinkwrap.json":
		return &parser{parse: parsePackageLock, lock: true}, "npm"
	case b == "pnpm-lock.yaml":
		return &parser{parse: parsePnpmLock, lock: true}, "npm"
	case b == "yarn.lock":
		return &parser{parse: parseYarnLock, lock: true}, "npm"
	case b == "pom.xml":
		return &parser{parse: parsePom}, "maven"
	case b == "build.gradle", b == "build.gradle.kts":
		return &parser{parse: parseGradle}, "maven"
	case strings.HasSuffix(b, ".versions.toml"):
		return &parser{parse: parseGradleCatalog}, "maven"
	case b == "gradle.lockfile":
		return &parser{parse: parseGradleLock, lock: true}, "maven"
	case b == "environment.yml" || b == "environment.yaml" || b == "conda.yaml" || b == "conda.yml":
		return &parser{parse: parseCondaEnv}, "pypi"
	case b == "setup.py":
		return &parser{parse: parseSetupPy}, "pypi"
	case b == "setup.cfg":
		return &parser{parse: parseSetupCfg}, "pypi"
	case b == "fastmcp.json":
		return &parser{parse: parseFastMCPJSON}, "pypi"
	case b == "cargo.toml":
		return &parser{parse: parseCargoToml}, "cargo"
	case b == "cargo.lock":
		return &parser{parse: parseTOMLLock, lock: true}, "cargo" // [[package]] name/version, as poetry.lock
	}
	return nil, ""
}

// manifest parses a manifest or lockfile and records its AI SDK dependencies.
func (s *scanner) manifest(f *file, p *parser, eco string) {
	deps, err := p.parse(f.content)
	if err != nil {
		s.parseError(f, err) // what parsed is still used
	}
	dir := path.Dir(f.rel)
	if own := ownName(path.Base(f.rel), f.content); own != "" {
		s.deps.addOwn(dir, eco, own)
	}
	for _, d := range deps {
		sdk, ok := s.c.cat.MatchSDK(eco, d.Name)
		if !ok {
			continue
		}
		s.deps.add(depRecord{dir: dir, eco: eco, file: f.rel, lock: p.lock, dep: d, sdk: sdkInfo{sdk.Provider, sdk.Category, sdk.DeploymentType}})
	}
}

type sdkInfo struct {
	provider, category string
	dt                 model.DeploymentType
}

type depRecord struct {
	dir, eco, file string
	lock           bool
	dep            Dep
	sdk            sdkInfo
}

// depSet merges what manifests declare and lockfiles resolve, per directory,
// ecosystem and package, so each dependency is one asset.
type depSet struct {
	mu   sync.Mutex
	recs map[string][]depRecord
	// own holds the packages the scanned projects are (dir, ecosystem,
	// normalised name): a project importing itself (an SDK's own
	// repository) imports no dependency.
	own map[string]bool
}

func newDepSet() *depSet { return &depSet{recs: map[string][]depRecord{}, own: map[string]bool{}} }

func (d *depSet) addOwn(dir, eco, name string) {
	d.mu.Lock()
	d.own[dir+"\x00"+eco+"\x00"+fingerprint.NormalizePackage(eco, name)] = true
	d.mu.Unlock()
}

var goModuleLine = regexp.MustCompile(`(?m)^module\s+"?([^\s"]+)"?`)

// ownName is the package a manifest's project is itself: go.mod's module,
// pyproject's [project] or [tool.poetry] name, package.json's name; "" for
// other manifests or when it names none.
func ownName(base string, b []byte) string {
	switch strings.ToLower(base) {
	case "go.mod":
		if m := goModuleLine.FindSubmatch(b); m != nil {
			return string(m[1])
		}
	case "pyproject.toml":
		var doc struct {
			Project struct{ Name string } `toml:"project"`
			Tool    struct {
				Poetry struct{ Name string } `toml:"poetry"`
			} `toml:"tool"`
		}
		if _, err := toml.Decode(string(b), &doc); err == nil {
			return cmp.Or(doc.Project.Name, doc.Tool.Poetry.Name)
		}
	case "package.json":
		var doc struct{ Name string }
		if json.Unmarshal(b, &doc) == nil {
			return doc.Name
		}
	}
	return ""
}

func (d *depSet) add(r depRecord) {
	k := r.dir + "\x00" + r.eco + "\x00" + fingerprint.NormalizePackage(r.eco, r.dep.Name)
	d.mu.Lock()
	d.recs[k] = append(d.recs[k], r)
	d.mu.Unlock()
}

// assets turns the merged records into sdk_dependency assets.
func (d *depSet) assets(s *scanner) []model.Asset {
	d.mu.Lock()
	defer d.mu.Unlock()
	keys := make([]string, 0, len(d.recs))
	for k := range d.recs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	// Each key's declaration and lockfile entry, decided once.
	type declLock struct{ decl, lock *depRecord }
	parts := make(map[string]declLock, len(keys))
	for _, k := range keys {
		recs := d.recs[k]
		sort.Slice(recs, func(i, j int) bool { return recs[i].file < recs[j].file })
		var p declLock
		for i := range recs {
			switch {
			case recs[i].lock && p.lock == nil:
				p.lock = &recs[i]
			case !recs[i].lock && (p.decl == nil || declRank(recs[i].dep) > declRank(p.decl.dep)):
				// an exact pin (requirements.txt torch==2.5.1) says more than
				// a range beside it (pyproject torch>=2.0), which says more
				// than a bare name
				p.decl = &recs[i]
			}
		}
		parts[k] = p
	}
	// A workspace member's manifest is resolved by the lockfile of the
	// nearest directory above it that has one for the package (Cargo, pnpm,
	// uv, npm workspaces); that lockfile's entry is then not an asset of
	// its own.
	resolvedBy := map[string]*depRecord{}
	consumed := map[string]bool{}
	for _, k := range keys {
		p := parts[k]
		if p.decl == nil || p.lock != nil {
			continue
		}
		rest := strings.TrimPrefix(k, p.decl.dir+"\x00")
		for dir := p.decl.dir; dir != "." && dir != "/" && dir != ""; {
			dir = path.Dir(dir)
			up := dir + "\x00" + rest
			if u, ok := parts[up]; ok && u.lock != nil {
				resolvedBy[k] = u.lock
				if u.decl == nil {
					consumed[up] = true
				}
				break
			}
		}
	}
	var out []model.Asset
	for _, k := range keys {
		if consumed[k] {
			continue
		}
		decl, lock := parts[k].decl, parts[k].lock
		if lock == nil {
			lock = resolvedBy[k]
		}
		primary := decl
		if primary == nil {
			primary = lock
		}
		name := primary.dep.Name
		if decl != nil {
			name = decl.dep.Name
		}
		src := "file:" + primary.file
		a := model.Asset{
			ID:       fileURI(s.label, primary.file) + "#" + primary.eco + ":" + fingerprint.NormalizePackage(primary.eco, name),
			Provider: primary.sdk.provider, Scope: s.scope, Kind: model.KindSDKDependency,
			DeploymentType: primary.sdk.dt, Name: name,
			Location: &model.Location{Path: primary.file, Line: primary.dep.Line},
			Facts: []model.Fact{
				model.String("dependency.ecosystem", primary.eco, model.Observed, src),
				model.String("dependency.package", name, model.Observed, src),
				model.String("sdk.category", primary.sdk.category, model.Inferred, "fingerprint catalog"),
				model.String("sdk.provider", primary.sdk.provider, model.Inferred, "fingerprint catalog"),
				model.Bool("dependency.direct", decl != nil && !decl.dep.Indirect, model.Observed, src),
				model.Bool("dependency.locked", lock != nil, model.Observed, lockSource(lock)),
			},
		}
		version := ""
		pinned := false
		if decl != nil {
			a.Facts = append(a.Facts, model.String("dependency.manifest", decl.file, model.Observed, src))
			if decl.dep.Spec != "" {
				a.Facts = append(a.Facts, model.String("dependency.version_spec", redact.URLsIn(decl.dep.Spec), model.Declared, "file:"+decl.file))
			}
			if decl.dep.Version != "" {
				version, pinned = decl.dep.Version, true
			}
			if by := decl.dep.ManagedBy; len(by) > 0 {
				// The BOM's version fixes this one: pinned when the BOM is,
				// the version itself only the BOM knows.
				a.Facts = append(a.Facts, model.String("dependency.managed_by", strings.Join(by, ", "), model.Declared, "file:"+decl.file))
				pinned = managedPinned(by)
			}
			if decl.dep.Dev {
				a.Facts = append(a.Facts, model.Bool("dependency.dev", true, model.Declared, "file:"+decl.file))
			}
		}
		if lock != nil {
			a.Facts = append(a.Facts, model.String("dependency.lockfile", lock.file, model.Observed, "file:"+lock.file))
			if lock.dep.Version != "" {
				version, pinned = lock.dep.Version, true
			}
		}
		if version != "" {
			a.Facts = append(a.Facts, model.String("dependency.version", version, model.Observed, src))
		}
		a.Facts = append(a.Facts, model.Bool("dependency.pinned", pinned, model.Observed, src))
		out = append(out, a)
	}
	return out
}

// declRank orders declarations of one package in one directory: an exact
// version, then a constraint, then a bare name.
func declRank(d Dep) int {
	switch {
	case d.Version != "":
		return 2
	case d.Spec != "", len(d.ManagedBy) > 0:
		return 1
	}
	return 0
}

func lockSource(r *depRecord) string {
	if r == nil {
		return "no lockfile in the manifest's directory or a workspace root above it"
	}
	return "file:" + r.file
}

// lineScanner scans b by lines, allowing lines up to 1 MiB.
func lineScanner(b []byte) *bufio.Scanner {
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	return sc
}
