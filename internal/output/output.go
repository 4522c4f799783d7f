// Package output renders a model.Report: the versioned JSON document and the
// human table. Renderers only render; they compute nothing the report lacks.
// WriteFileAtomic makes --out safe: a reader never sees a half-written file.
package output

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/aisight/aisight/model"
)

// Formats lists the output formats this build renders.
var Formats = []string{"table", "json"}

// Render writes the report in the named format.
func Render(w io.Writer, format string, r model.Report) error {
	switch format {
	case "json":
		return JSON(w, r)
	case "table":
		return Table(w, r)
	}
	return fmt.Errorf("unknown output format %q (valid: table, json)", format)
}

// JSON writes the report as one indented JSON object.
func JSON(w io.Writer, r model.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// WriteFileAtomic writes a file through a temporary file in the same
// directory, synced and renamed into place.
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
	return os.Rename(tmp.Name(), path)
}
