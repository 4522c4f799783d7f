package source

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// Notebook cells: a Jupyter notebook (.ipynb) is JSON, and its code is in
// JSON strings, so `from_pretrained(\"org/model\")` arrives with escaped
// quotes. ParseNotebook decodes the cells so that each cell's source is
// scanned as code, with the notebook cell and the file line of each of its
// lines as the location.

// Cell is one notebook cell's source.
type Cell struct {
	Index int    // 1-based cell number, as Jupyter shows it
	Type  string // code, markdown, raw
	Text  []byte // the source, lines joined
	// Lines[i] is the file line of the cell's line i+1 (nbformat writes one
	// source string per line), or the line of "source" when it is one string.
	Lines []int
}

type notebookDoc struct {
	Cells []json.RawMessage `json:"cells"`
}

type notebookCell struct {
	CellType string          `json:"cell_type"`
	Source   json.RawMessage `json:"source"`
}

// ParseNotebook returns the cells of a notebook. lineOf maps a byte offset
// of b to its 1-based line.
func ParseNotebook(b []byte, lineOf func(int) int) ([]Cell, error) {
	var doc notebookDoc
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("notebook: %w", err)
	}
	if doc.Cells == nil {
		return nil, errors.New("notebook: no cells array")
	}
	var out []Cell
	search := 0 // cells appear in file order: search each after the previous
	for i, raw := range doc.Cells {
		var c notebookCell
		if err := json.Unmarshal(raw, &c); err != nil {
			continue
		}
		cell := Cell{Index: i + 1, Type: c.CellType}
		at := bytes.Index(b[search:], raw[:min(len(raw), 64)])
		cellOff := search
		if at >= 0 {
			cellOff = search + at
			search = cellOff + 1
		}
		srcOff := cellOff
		if j := bytes.Index(raw, []byte(`"source"`)); j >= 0 {
			srcOff = cellOff + j
		}
		first := lineOf(srcOff)
		var lines []string
		var one string
		switch {
		case json.Unmarshal(c.Source, &lines) == nil:
			multiline := bytes.Contains(c.Source, []byte("\n"))
			var text bytes.Buffer
			for k, l := range lines {
				text.WriteString(l)
				ln := first
				if multiline {
					ln = first + 1 + k
				}
				// A source string may itself hold several lines.
				for n := bytes.Count([]byte(l), []byte("\n")); n > 0; n-- {
					cell.Lines = append(cell.Lines, ln)
				}
				if len(l) == 0 || l[len(l)-1] != '\n' {
					if k < len(lines)-1 {
						text.WriteByte('\n') // nbformat strings end in \n; be lenient
					}
					cell.Lines = append(cell.Lines, ln)
				}
			}
			cell.Text = text.Bytes()
		case json.Unmarshal(c.Source, &one) == nil:
			cell.Text = []byte(one)
			for n := bytes.Count(cell.Text, []byte("\n")); n >= 0; n-- {
				cell.Lines = append(cell.Lines, first)
			}
		default:
			continue
		}
		out = append(out, cell)
	}
	return out, nil
}

// notebook scans each cell of a notebook as code: keys and model
// references, located by cell and file line. Markdown cells are
// documentation (source.context docs). The raw file was already searched
// for shaped keys (outputs can print a key); a key found in a cell
// replaces that finding, with the better location.
func (s *scanner) notebook(f *file) {
	cells, err := ParseNotebook(f.content, f.line)
	if err != nil {
		s.parseError(f, err)
		s.modelRefs(f)
		return
	}
	for _, c := range cells {
		if len(c.Text) == 0 {
			continue
		}
		cf := &file{rel: f.rel, base: f.base, content: c.Text, cell: c.Index, cellLines: c.Lines}
		if c.Type == "markdown" {
			cf.context = ctxDocs
		}
		s.keys(cf)
		if c.Type == "markdown" {
			continue // prose: model names in it are not references
		}
		s.modelRefs(cf)
		s.imports(cf)
		s.pipInstalls(cf)
	}
}
