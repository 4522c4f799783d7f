package source

import (
	"bytes"
	"path"
	"strings"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/model"
)

// Contexts of a finding (fact source.context). The scorer counts only
// production findings: a key in a test fixture or a model id in a docs
// example is still listed, but it is not the organisation's posture.
const (
	ctxProduction = "production"
	ctxTest       = "test"
	ctxDocs       = "docs"
	ctxExample    = "example"
)

var contextDirs = map[string]string{
	"test": ctxTest, "tests": ctxTest, "testdata": ctxTest, "test_data": ctxTest, "__tests__": ctxTest,
	"fixtures": ctxTest, "__fixtures__": ctxTest, "spec": ctxTest, "e2e": ctxTest, "testing": ctxTest,
	"docs": ctxDocs, "doc": ctxDocs, "documentation": ctxDocs,
	"examples": ctxExample, "example": ctxExample, "samples": ctxExample, "sample": ctxExample,
}

// fileContext says whether a file below the root is production code, a
// test, documentation or an example, from its path alone.
func fileContext(rel string) string {
	dir, base := path.Split(rel)
	b := strings.ToLower(base)
	switch {
	case strings.HasSuffix(b, "_test.go"), strings.HasPrefix(b, "test_") && strings.HasSuffix(b, ".py"),
		strings.HasSuffix(b, "_test.py"), b == "conftest.py",
		strings.Contains(b, ".test.") || strings.Contains(b, ".spec."):
		return ctxTest
	case strings.HasSuffix(b, ".example"), strings.HasSuffix(b, ".sample"), strings.HasSuffix(b, ".template"),
		strings.HasSuffix(b, ".dist"), strings.Contains(b, ".example."), strings.Contains(b, ".sample."):
		return ctxExample
	}
	for _, seg := range strings.Split(strings.ToLower(strings.TrimSuffix(dir, "/")), "/") {
		if c, ok := contextDirs[seg]; ok {
			return c
		}
	}
	switch strings.ToLower(path.Ext(b)) {
	case ".md", ".rst", ".adoc":
		return ctxDocs
	case ".txt":
		// A .txt is documentation only when its name says so (README.txt,
		// CHANGELOG.txt): requirements.txt is a manifest and
		// openai_key.txt or prod-secrets.txt is what it says.
		for _, p := range docTxtPrefixes {
			if strings.HasPrefix(b, p) {
				return ctxDocs
			}
		}
	}
	return ctxProduction
}

// docTxtPrefixes start the names of .txt files that are documentation.
var docTxtPrefixes = []string{"readme", "changelog", "changes", "history", "news", "license", "licence", "copying", "notice", "authors", "contributing", "contributors", "credits", "thirdparty", "third_party", "third-party", "install", "release"}

// lineContext refines a file's context for one finding: a doctest line
// (">>> " or "... " after indentation) is documentation wherever it is.
func lineContext(f *file, off int, fileCtx string) string {
	start := bytes.LastIndexByte(f.content[:off], '\n') + 1
	l := bytes.TrimLeft(f.content[start:off], " \t")
	if bytes.HasPrefix(l, []byte(">>> ")) || bytes.HasPrefix(l, []byte("... ")) {
		return ctxDocs
	}
	return fileCtx
}

// contextSink adds source.context to every asset of the source collector
// that a detector did not already give one (from its path).
type contextSink struct{ collectors.Sink }

func (s contextSink) Asset(a model.Asset) {
	for _, f := range a.Facts {
		if f.Key == "source.context" {
			s.Sink.Asset(a)
			return
		}
	}
	ctx := ctxProduction
	if a.Location != nil {
		ctx = fileContext(a.Location.Path)
	}
	src := "path"
	if a.Location != nil {
		src = "file:" + a.Location.Path
	}
	a.Facts = append(a.Facts, model.String("source.context", ctx, model.Inferred, src))
	s.Sink.Asset(a)
}
