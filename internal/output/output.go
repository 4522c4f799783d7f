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
