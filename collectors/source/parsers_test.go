package source

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aisight/aisight/internal/bounded"
)

// names returns name@version(spec) of each dependency, for compact comparisons.
func names(deps []Dep) []string {
	var out []string
	for _, d := range deps {
		s := d.Name + "@" + d.Version
		if d.Spec != "" {
			s += "(" + d.Spec + ")"
		}
		if d.Dev {
			s += "+dev"
		}
		if d.Indirect {
			s += "+indirect"
		}
		if len(d.ManagedBy) > 0 {
			s += "<" + strings.Join(d.ManagedBy, ", ") + ">"
		}
		out = append(out, s)
	}
	return out
}

var parserCases = []struct {
	name  string
	parse func([]byte) ([]Dep, error)
	in    string
	want  []string
}{
	{"requirements", parseRequirements, "# c\nopenai==1.2.3 ; python_version>'3.8'\nanthropic[bedrock] >=0.4\n-r other.txt\n-e .\nfoo==1.* \\\n  --hash=sha256:x\nbar @ git+https://x/y\n",
		[]string{"openai@1.2.3(==1.2.3)", "anthropic@(>=0.4)", "foo@(==1.*)", "bar@(@ git+https://x/y)"}},
	{"requirements, VCS lines without #egg=", parseRequirements, "git+https://github.com/openai/openai-python.git@v1.55.0\ngit+https://github.com/anthropics/anthropic-sdk-python\n",
		[]string{"openai@(git+https://github.com/openai/openai-python.git@v1.55.0)", "anthropic@(git+https://github.com/anthropics/anthropic-sdk-python)"}},
	{"pyproject", parsePyproject, "[project]\ndependencies=['openai==1.0']\n[project.optional-dependencies]\nx=['torch']\n[dependency-groups]\ndev=['pytest', {include-group='x'}]\n[tool.poetry.dependencies]\npython='^3.11'\nanthropic='0.40.0'\nvllm={version='^0.6'}\n[tool.poetry.group.dev.dependencies]\nruff='*'\n",
		[]string{"openai@1.0(==1.0)", "torch@", "pytest@+dev", "anthropic@0.40.0(0.40.0)", "vllm@(^0.6)", "ruff@(*)+dev"}},
	{"gradle version catalog", parseGradleCatalog, "[versions]\nlc4j = \"1.0.0\"\nspring-ai = { strictly = \"1.0.1\" }\n[libraries]\nlc4j-openai = { module = \"dev.langchain4j:langchain4j-open-ai\", version.ref = \"lc4j\" }\nsai = { group = \"org.springframework.ai\", name = \"spring-ai-openai\", version.ref = \"spring-ai\" }\nanthropic = \"com.anthropic:anthropic-java:2.1.0\"\nloose = { module = \"com.openai:openai-java\", version = \"2.+\" }\n",
		[]string{"com.anthropic:anthropic-java@2.1.0(2.1.0)", "dev.langchain4j:langchain4j-open-ai@1.0.0(1.0.0)", "com.openai:openai-java@(2.+)", "org.springframework.ai:spring-ai-openai@1.0.1(1.0.1)"}},
	{"pipfile", parsePipfile, "[packages]\nopenai = \"==1.3\"\ntorch = \"*\"\n[dev-packages]\nmcp = {version = \">=1\"}\n",
		[]string{"openai@1.3(==1.3)", "torch@", "mcp@(>=1)+dev"}},
	{"pipfile.lock", parsePipfileLock, `{"default":{"openai":{"version":"==1.3.0"}},"develop":{"mcp":{"version":"==1.0"}}}`,
		[]string{"openai@1.3.0", "mcp@1.0+dev"}},
	{"poetry.lock", parseTOMLLock, "[[package]]\nname = \"openai\"\nversion = \"1.3.0\"\n[[package]]\nname = \"x\"\nversion = \"1\"\n",
		[]string{"openai@1.3.0", "x@1"}},
	{"package.json", parsePackageJSON, `{"dependencies":{"openai":"^4.0.0","ai":"3.1.0"},"devDependencies":{"@langchain/core":"~0.3.0"}}`,
		[]string{"ai@3.1.0(3.1.0)", "openai@(^4.0.0)", "@langchain/core@(~0.3.0)+dev"}},
	{"package-lock v3", parsePackageLock, `{"packages":{"":{},"node_modules/openai":{"version":"4.1.0"},"node_modules/a/node_modules/@anthropic-ai/sdk":{"version":"0.3.0","dev":true}}}`,
		[]string{"@anthropic-ai/sdk@0.3.0+dev", "openai@4.1.0"}},
	{"package-lock v1", parsePackageLock, `{"dependencies":{"openai":{"version":"3.0.0"}}}`, []string{"openai@3.0.0"}},
	{"pnpm v9", parsePnpmLock, "lockfileVersion: '9.0'\npackages:\n  openai@4.2.0:\n    resolution: {integrity: x}\n  '@ai-sdk/openai@1.0.0(zod@3.0.0)':\n    resolution: {integrity: y}\n",
		[]string{"@ai-sdk/openai@1.0.0", "openai@4.2.0"}},
	{"pnpm v5", parsePnpmLock, "lockfileVersion: 5.4\npackages:\n  /openai/3.3.0:\n    resolution: {integrity: x}\n", []string{"openai@3.3.0"}},
	{"yarn v1", parseYarnLock, "# yarn lockfile v1\n\n\"openai@^4.0.0\", openai@^4.1.0:\n  version \"4.2.0\"\n  resolved \"x\"\n\n\"@anthropic-ai/sdk@0.3.0\":\n  version \"0.3.0\"\n",
		[]string{"openai@4.2.0", "@anthropic-ai/sdk@0.3.0"}},
	{"yarn berry", parseYarnLock, "__metadata:\n  version: 6\n\n\"openai@npm:^4.0.0\":\n  version: 4.5.0\n  resolution: \"openai@npm:4.5.0\"\n",
		[]string{"openai@4.5.0"}},
	{"go.mod", parseGoMod, "module x\n\nrequire github.com/a/b v1.0.0\nrequire (\n\tgithub.com/openai/openai-go v1.2.0\n\tgolang.org/x/y v0.1.0 // indirect\n)\n",
		[]string{"github.com/a/b@v1.0.0(v1.0.0)", "github.com/openai/openai-go@v1.2.0(v1.2.0)", "golang.org/x/y@v0.1.0(v0.1.0)+indirect"}},
	{"go.sum", parseGoSum, "github.com/a/b v1.0.0 h1:x=\ngithub.com/a/b v1.0.0/go.mod h1:y=\n", []string{"github.com/a/b@v1.0.0"}},
	{"pom", parsePom, "<project><properties><v>1.0</v></properties><dependencies><dependency><groupId>g</groupId><artifactId>a</artifactId><version>${v}</version></dependency><dependency><groupId>g</groupId><artifactId>t</artifactId><version>[1,2)</version><scope>test</scope></dependency></dependencies></project>",
		[]string{"g:a@1.0(1.0)", "g:t@([1,2))+dev"}},
	{"pom with managed versions", parsePom, `<project>
  <parent><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-parent</artifactId><version>3.4.0</version></parent>
  <properties><lc.version>1.0.0</lc.version></properties>
  <dependencyManagement><dependencies>
    <dependency><groupId>dev.langchain4j</groupId><artifactId>langchain4j-bom</artifactId><version>${lc.version}</version><type>pom</type><scope>import</scope></dependency>
    <dependency><groupId>com.openai</groupId><artifactId>openai-java</artifactId><version>2.1.0</version></dependency>
  </dependencies></dependencyManagement>
  <dependencies>
    <dependency><groupId>dev.langchain4j</groupId><artifactId>langchain4j-open-ai</artifactId></dependency>
    <dependency><groupId>com.openai</groupId><artifactId>openai-java</artifactId></dependency>
    <dependency><groupId>io.micrometer</groupId><artifactId>micrometer-core</artifactId></dependency>
  </dependencies></project>`,
		[]string{"dev.langchain4j:langchain4j-open-ai@<dev.langchain4j:langchain4j-bom:1.0.0>", "com.openai:openai-java@2.1.0(2.1.0)", "io.micrometer:micrometer-core@<dev.langchain4j:langchain4j-bom:1.0.0, org.springframework.boot:spring-boot-starter-parent:3.4.0>",
			"dev.langchain4j:langchain4j-bom@1.0.0(1.0.0)", "com.openai:openai-java@2.1.0(2.1.0)"}},
	{"pom managed by its parent", parsePom, `<project><parent><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-parent</artifactId><version>3.4.0</version></parent>
  <dependencies><dependency><groupId>org.springframework.ai</groupId><artifactId>spring-ai-openai</artifactId></dependency></dependencies></project>`,
		[]string{"org.springframework.ai:spring-ai-openai@<org.springframework.boot:spring-boot-starter-parent:3.4.0>"}},
	{"gradle platform", parseGradle, "dependencies {\n  implementation(platform(\"dev.langchain4j:langchain4j-bom:1.0.0\"))\n  implementation(\"dev.langchain4j:langchain4j-open-ai\")\n}\n",
		[]string{"dev.langchain4j:langchain4j-bom@1.0.0(1.0.0)", "dev.langchain4j:langchain4j-open-ai@<dev.langchain4j:langchain4j-bom:1.0.0>"}},
	{"gradle", parseGradle, "dependencies {\n  implementation(\"dev.langchain4j:langchain4j:1.0.0\")\n  testImplementation 'com.openai:openai-java:2.+'\n  api(platform(\"org.springframework.ai:spring-ai-bom:1.0.0\"))\n}\n",
		[]string{"dev.langchain4j:langchain4j@1.0.0(1.0.0)", "com.openai:openai-java@(2.+)+dev", "org.springframework.ai:spring-ai-bom@1.0.0(1.0.0)"}},
	{"gradle.lockfile", parseGradleLock, "# comment\ndev.langchain4j:langchain4j:1.0.0=runtimeClasspath\nempty=\n", []string{"dev.langchain4j:langchain4j@1.0.0"}},
}

func TestParsers(t *testing.T) {
	for _, tc := range parserCases {
		t.Run(tc.name, func(t *testing.T) {
			deps, err := tc.parse([]byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, names(deps)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestParsersRejectGarbage(t *testing.T) {
	for _, p := range []func([]byte) ([]Dep, error){parsePyproject, parsePipfile, parsePipfileLock, parseTOMLLock, parsePackageJSON, parsePackageLock, parsePnpmLock, parsePom} {
		if _, err := p([]byte("\x00{[<not a manifest")); err == nil {
			t.Errorf("%T accepted garbage", p)
		}
	}
}

func TestFindModelRefs(t *testing.T) {
	tests := []struct {
		in   string
		want []string // id@revision via
	}{
		{`AutoModel.from_pretrained("org/m", revision="abc")`, []string{"org/m@abc from_pretrained"}},
		{`from_pretrained(model_id)`, nil},
		{`snapshot_download(repo_id="org/m")`, []string{"org/m@ hub_download"}},
		{`storageUri: hf://org/m@v1`, []string{"org/m@v1 hf_uri"}},
		{`vllm serve --model=org/m --revision main`, []string{"org/m@main cli_arg"}},
		{`["--model-id", "org/m", "--revision", "r1"]`, []string{"org/m@r1 cli_arg"}},
		{"args:\n  - --model\n  - org/m\n", []string{"org/m@ cli_arg"}},
		{`--model gpt-4o`, nil},
		{`--model $MODEL`, nil},
		{`--models-dir /x`, nil},
		{`--model /models/llama`, []string{"/models/llama@ cli_arg"}},
	}
	for _, tt := range tests {
		var got []string
		for _, r := range FindModelRefs([]byte(tt.in)) {
			got = append(got, r.ID+"@"+r.Revision+" "+r.Via)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestMCPPackage(t *testing.T) {
	tests := []struct {
		cmd    string
		args   []string
		pkg    string
		pinned bool
	}{
		{"npx", []string{"-y", "@modelcontextprotocol/server-github"}, "@modelcontextprotocol/server-github", false},
		{"npx", []string{"-y", "@modelcontextprotocol/server-github@latest"}, "@modelcontextprotocol/server-github@latest", false},
		{"npx", []string{"-y", "pkg@1.2.3"}, "pkg@1.2.3", true},
		{"/usr/bin/npx", []string{"@scope/pkg@0.1.0"}, "@scope/pkg@0.1.0", true},
		{"uvx", []string{"mcp-server-git==0.6.2"}, "mcp-server-git==0.6.2", true},
		{"uvx", []string{"--from", "x", "mcp-server-fetch"}, "mcp-server-fetch", false},
		{"docker", []string{"run", "-i", "--rm", "-e", "TOKEN", "mcp/github"}, "mcp/github", false},
		{"docker", []string{"run", "-i", "mcp/github@sha256:abc"}, "mcp/github@sha256:abc", true},
		{"node", []string{"server.js"}, "", false},
	}
	for _, tt := range tests {
		_, pkg, pinned := MCPPackage(tt.cmd, tt.args)
		if pkg != tt.pkg || pinned != tt.pinned {
			t.Errorf("%s %v: got %q pinned=%v, want %q %v", tt.cmd, tt.args, pkg, pinned, tt.pkg, tt.pinned)
		}
	}
}

// Fuzz targets: one per parser and detector. Each must return without
// panicking or hanging on any input.
func fuzzParser(f *testing.F, parse func([]byte) ([]Dep, error), seeds ...string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) { _, _ = parse(b) })
}

func seedsFor(name string) []string {
	var out []string
	for _, c := range parserCases {
		if strings.HasPrefix(c.name, name) {
			out = append(out, c.in)
		}
	}
	return out
}

func FuzzParseRequirements(f *testing.F) {
	fuzzParser(f, parseRequirements, seedsFor("requirements")...)
}
func FuzzParsePyproject(f *testing.F)   { fuzzParser(f, parsePyproject, seedsFor("pyproject")...) }
func FuzzParsePipfile(f *testing.F)     { fuzzParser(f, parsePipfile, seedsFor("pipfile")...) }
func FuzzParsePipfileLock(f *testing.F) { fuzzParser(f, parsePipfileLock, seedsFor("pipfile.lock")...) }
func FuzzParseTOMLLock(f *testing.F)    { fuzzParser(f, parseTOMLLock, seedsFor("poetry.lock")...) }
func FuzzParsePackageJSON(f *testing.F) { fuzzParser(f, parsePackageJSON, seedsFor("package.json")...) }
func FuzzParsePackageLock(f *testing.F) { fuzzParser(f, parsePackageLock, seedsFor("package-lock")...) }
func FuzzParsePnpmLock(f *testing.F)    { fuzzParser(f, parsePnpmLock, seedsFor("pnpm")...) }
func FuzzParseYarnLock(f *testing.F)    { fuzzParser(f, parseYarnLock, seedsFor("yarn")...) }
func FuzzParseGoMod(f *testing.F)       { fuzzParser(f, parseGoMod, seedsFor("go.mod")...) }
func FuzzParseGoSum(f *testing.F)       { fuzzParser(f, parseGoSum, seedsFor("go.sum")...) }
func FuzzParsePom(f *testing.F)         { fuzzParser(f, parsePom, seedsFor("pom")...) }
func FuzzParseGradle(f *testing.F)      { fuzzParser(f, parseGradle, seedsFor("gradle")...) }

func FuzzParseMCPConfig(f *testing.F) {
	f.Add([]byte(`{"mcpServers":{"a":{"command":"npx","args":["-y","x"]},"b":{"url":"https://h/p?t=1"}}}`))
	f.Fuzz(func(t *testing.T, b []byte) { _, _ = ParseMCPConfig(b) })
}

func FuzzFindModelRefs(f *testing.F) {
	f.Add([]byte(`from_pretrained("org/m", revision="abc") --model org/x hf://a/b@c`))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, r := range FindModelRefs(b) {
			if r.Offset < 0 || r.Offset >= len(b) {
				t.Fatalf("offset %d out of range", r.Offset)
			}
		}
	})
}

// ParseNotebook never panics and every cell line it reports maps to a line
// of the file (or is the line of its "source").
func FuzzParseNotebook(f *testing.F) {
	for _, p := range []string{"testdata/classes/notebooks/notebooks/finetune.ipynb", "testdata/classes/notebooks/notebooks/compact.ipynb"} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"cells":[{"cell_type":"code","source":"a\nb"}]}`))
	f.Add([]byte(`{"cells":[{"source":[1,2]},{"source":["x\n","y"]}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if bounded.Depth(b, bounded.MaxDepth) != nil {
			return
		}
		fl := &file{content: b}
		lines := 1 + bytes.Count(b, []byte("\n"))
		cells, err := ParseNotebook(b, fl.line)
		if err != nil {
			return
		}
		for _, c := range cells {
			if n := 1 + bytes.Count(c.Text, []byte("\n")); len(c.Lines) < n-1 {
				t.Fatalf("cell %d: %d lines of text, %d located", c.Index, n, len(c.Lines))
			}
			for _, l := range c.Lines {
				if l < 1 || l > lines {
					t.Fatalf("cell %d: line %d outside the file's %d", c.Index, l, lines)
				}
			}
		}
	})
}

func TestJSONC(t *testing.T) {
	in := "{\n  // a comment with \"quotes\" and a url https://x\n  \"a\": \"http://not/a//comment\", /* block\n  comment */\n  \"b\": [1, 2,],\n  \"c\": {\"d\": 1, // trailing\n  },\n}\n"
	var v map[string]any
	out := JSONC([]byte(in))
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(out) != len(in) || bytes.Count(out, []byte("\n")) != bytes.Count([]byte(in), []byte("\n")) {
		t.Errorf("offsets moved:\n%s", out)
	}
	if v["a"] != "http://not/a//comment" {
		t.Errorf("a string was changed: %v", v["a"])
	}
	plain := []byte(`{"a": [1, 2]}`)
	if got := JSONC(plain); &got[0] != &plain[0] {
		t.Error("plain JSON was copied")
	}
}

// JSONC never changes the length or the lines of its input, never touches
// a string, and what plain JSON accepted it still accepts unchanged.
func FuzzJSONC(f *testing.F) {
	f.Add([]byte("{\"a\": 1, // c\n}"))
	f.Add([]byte("/* x */ [1,2,]"))
	f.Add([]byte(`{"s": "a // b /* c */ ,]"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		out := JSONC(b)
		if len(out) != len(b) || bytes.Count(out, []byte("\n")) != bytes.Count(b, []byte("\n")) {
			t.Fatalf("length or lines changed: %q -> %q", b, out)
		}
		if json.Valid(b) && !bytes.Equal(out, b) {
			t.Fatalf("valid JSON changed: %q -> %q", b, out)
		}
	})
}

func FuzzParseCondaEnv(f *testing.F) {
	fuzzParser(f, parseCondaEnv, "dependencies:\n  - python=3.11\n  - pip:\n      - openai==1.0\n")
}
func FuzzParseSetupPy(f *testing.F) {
	fuzzParser(f, parseSetupPy, "setup(install_requires=['openai>=1', \"x\"], extras_require={'a': ['b']})")
}
func FuzzParseSetupCfg(f *testing.F) {
	fuzzParser(f, parseSetupCfg, "[options]\ninstall_requires =\n    openai>=1\n[options.extras_require]\nx =\n    vllm\n")
}
func FuzzParseCargoToml(f *testing.F) {
	fuzzParser(f, parseCargoToml, "[dependencies]\nasync-openai = \"0.24\"\nx = { package = \"y\", git = \"https://h/r\" }\n")
}

// A dependency whose version a BOM manages is pinned when the BOM is, and
// says which BOM; one under a BOM at a range is not.
func TestManagedVersionFacts(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"app/pom.xml": `<project><dependencyManagement><dependencies>
  <dependency><groupId>dev.langchain4j</groupId><artifactId>langchain4j-bom</artifactId><version>1.0.0</version><type>pom</type><scope>import</scope></dependency>
</dependencies></dependencyManagement>
<dependencies><dependency><groupId>dev.langchain4j</groupId><artifactId>langchain4j-open-ai</artifactId></dependency></dependencies></project>`,
		"lib/pom.xml": `<project><dependencyManagement><dependencies>
  <dependency><groupId>dev.langchain4j</groupId><artifactId>langchain4j-bom</artifactId><version>[1.0,2.0)</version><type>pom</type><scope>import</scope></dependency>
</dependencies></dependencyManagement>
<dependencies><dependency><groupId>dev.langchain4j</groupId><artifactId>langchain4j-open-ai</artifactId></dependency></dependencies></project>`,
	})
	found := 0
	for _, a := range scan(t, Options{Paths: []string{dir}, NoIgnore: true}).Assets {
		if a.Name != "dev.langchain4j:langchain4j-open-ai" {
			continue
		}
		found++
		wantPinned := a.Location.Path == "app/pom.xml"
		if got := factValue(a, "dependency.pinned"); got != wantPinned {
			t.Errorf("%s: pinned %v, want %v", a.Location.Path, got, wantPinned)
		}
		if got, _ := factValue(a, "dependency.managed_by").(string); !strings.HasPrefix(got, "dev.langchain4j:langchain4j-bom:") {
			t.Errorf("%s: managed_by %q", a.Location.Path, got)
		}
		if v := factValue(a, "dependency.version"); v != nil {
			t.Errorf("%s: version %v, want none (only the BOM knows it)", a.Location.Path, v)
		}
	}
	if found != 2 {
		t.Errorf("found %d langchain4j-open-ai dependencies, want 2", found)
	}
}
