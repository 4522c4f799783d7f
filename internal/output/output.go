// Package output renders a model.Report: the versioned JSON document, the
// human table, a CycloneDX ML-BOM, SPDX 3.0.1 JSON-LD with the AI profile,
// SARIF 2.1.0 findings and a self-contained HTML report. Renderers only
// render; they compute nothing the report lacks. WriteFileAtomic makes --out
// safe: a reader never sees a half-written file.
//
// Files: output.go (formats, options, atomic writes), table.go, facts.go
// (fact helpers), cyclonedx.go, spdx.go, sarif.go, html.go with html/ (the
// template, style and script it embeds).
package output

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/aisight/aisight/model"
)

// Formats lists the output formats this build renders.
var Formats = []string{"table", "json", "cyclonedx", "spdx", "sarif", "html"}

// Options tune the renderers that need more than the report.
type Options struct {
	// CycloneDXVersion is the CycloneDX spec version ("1.7" default, "1.6").
	CycloneDXVersion string
	// ToolVersion is aisight's version, recorded in BOMs and SARIF.
	ToolVersion string
	// Targets are the maturity targets per category (from --fail-under),
	// drawn on the HTML report's chart.
	Targets map[string]model.Level
	// SARIFRules are the SARIF rules the control catalog gives some
	// controls (by control ID); the others appear under their own ID.
	SARIFRules map[string]SARIFRule
}

func (o Options) cycloneDXVersion() string {
	if o.CycloneDXVersion == "" {
		return "1.7"
	}
	return o.CycloneDXVersion
}

func (o Options) toolVersion() string {
	if o.ToolVersion == "" {
		return "dev"
	}
	return o.ToolVersion
}

// Render writes the report in the named format with default options.
func Render(w io.Writer, format string, r model.Report) error {
	return RenderWith(w, format, r, Options{})
}

// RenderWith writes the report in the named format.
func RenderWith(w io.Writer, format string, r model.Report, o Options) error {
	switch format {
	case "json":
		return JSON(w, r)
	case "table":
		return Table(w, r)
	case "cyclonedx":
		return CycloneDX(w, r, o)
	case "spdx":
		return SPDX(w, r, o)
	case "sarif":
		return SARIF(w, r, o)
	case "html":
		return HTML(w, r, o)
	}
	return fmt.Errorf("unknown output format %q (valid: %s)", format, strings.Join(Formats, ", "))
}

// JSON writes the report as one indented JSON object. The assets, most of
// a large report, are encoded and written one at a time, so an
// organisation's report is never held whole in memory (at 100,000 assets
// it is over 100 MB, and encoding/json would hold it three times).
func JSON(w io.Writer, r model.Report) error {
	assets := r.Assets
	r.Assets = nil
	var head bytes.Buffer
	if err := indentedEncoder(&head, "").Encode(r); err != nil {
		return err
	}
	// "assets" is a key of the top-level object, the only place a key is
	// indented by exactly two spaces.
	marker := []byte("\n  \"assets\": null")
	i := bytes.Index(head.Bytes(), marker)
	if assets == nil || i < 0 {
		_, err := w.Write(head.Bytes())
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.Write(head.Bytes()[:i])
	bw.WriteString("\n  \"assets\": [")
	var one bytes.Buffer
	enc := indentedEncoder(&one, "    ")
	for n := range assets {
		one.Reset()
		if err := enc.Encode(&assets[n]); err != nil {
			return err
		}
		if n > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString("\n    ")
		bw.Write(bytes.TrimSuffix(one.Bytes(), []byte("\n")))
	}
	if len(assets) > 0 {
		bw.WriteString("\n  ")
	}
	bw.WriteByte(']')
	bw.Write(head.Bytes()[i+len(marker):])
	return bw.Flush()
}

// indentedEncoder encodes as JSON's indented form does at the depth prefix
// gives, with <, > and & as they are.
func indentedEncoder(w io.Writer, prefix string) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetIndent(prefix, "  ")
	enc.SetEscapeHTML(false)
	return enc
}

// CheckDestination says, before any work is done, whether path can take an
// output file: its directory exists and is writable, and path is absent or
// a regular file. A symbolic link is refused (it could send the report
// anywhere; give the target path), and so is a device, a FIFO or a
// directory (a rename would replace the node, a write to /dev/full fails).
func CheckDestination(path string) error {
	fi, err := os.Lstat(path)
	switch {
	case err == nil && fi.Mode()&os.ModeSymlink != 0:
		return fmt.Errorf("%s is a symbolic link; give the path it points to", path)
	case err == nil && !fi.Mode().IsRegular():
		return fmt.Errorf("%s exists and is not a regular file (%s)", path, fi.Mode().Type())
	case err != nil && !os.IsNotExist(err):
		return err
	}
	dir := filepath.Dir(path)
	di, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("directory of %s: %w", path, err)
	}
	if !di.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	probe, err := os.CreateTemp(dir, "."+filepath.Base(path)+".probe-*")
	if err != nil {
		return fmt.Errorf("cannot write in %s: %w", dir, err)
	}
	probe.Close()
	return os.Remove(probe.Name())
}

// WriteFileAtomic writes a file through a temporary file in the same
// directory, synced and renamed into place. The destination is checked
// again just before the rename (CheckDestination's rules), so a node that
// appeared meanwhile is not replaced.
func WriteFileAtomic(path string, write func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = write(tmp); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Chmod(0o644); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if fi, lerr := os.Lstat(path); lerr == nil && !fi.Mode().IsRegular() {
		err = fmt.Errorf("%s is no longer a regular file (%s); not replaced", path, fi.Mode().Type())
		return err
	}
	return os.Rename(tmp.Name(), path)
}
