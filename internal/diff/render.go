package diff

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/aisight/aisight/internal/redact"
)

// Formats are the renderings of a diff.
var Formats = []string{"table", "json", "markdown"}

// Render writes the result in a format.
func Render(w io.Writer, format string, r Result) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(r)
	case "markdown":
		return markdown(w, r)
	case "table":
		return table(w, r)
	}
	return fmt.Errorf("unknown diff format %q (valid: %s)", format, strings.Join(Formats, ", "))
}

func value(v any) string {
	if v == nil {
		return "(absent)"
	}
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func table(w io.Writer, r Result) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	tf(tw, "aisight diff: %d assets (%s) → %d assets (%s)\n\n", r.Old.Assets, r.Old.Started.Format("2006-01-02 15:04"), r.New.Assets, r.New.Started.Format("2006-01-02 15:04"))
	for _, s := range incompleteSides(r) {
		tf(tw, "INCOMPLETE: the %s report missed something; what it does not show may be missing, not absent:\n", s.name)
		for _, line := range s.side.Incomplete {
			tf(tw, "  %s\n", line)
		}
		tf(tw, "\n")
	}
	if len(r.Levels) > 0 {
		fmt.Fprintln(tw, "CATEGORY\tLEVEL\tPOTENTIAL")
		for _, l := range r.Levels {
			tf(tw, "%s\tL%d → L%d\tL%d → L%d\n", l.Category, l.Old, l.New, l.OldPotential, l.NewPotential)
		}
		fmt.Fprintln(tw)
	}
	section := func(title string, as []Asset) {
		if len(as) == 0 {
			return
		}
		tf(tw, "%s\tKIND\tPROVIDER\tNAME\tWHERE\n", title)
		for _, a := range as {
			shadow := ""
			if a.Shadow {
				shadow = " (unregistered)"
			}
			tf(tw, "%s\t%s\t%s\t%s%s\t%s\n", a.ID, a.Kind, a.Provider, a.Name, shadow, a.Where)
		}
		fmt.Fprintln(tw)
	}
	section("ADDED", r.Added)
	section("REMOVED", r.Removed)
	if len(r.Changed) > 0 {
		fmt.Fprintln(tw, "CHANGED\tFACT\tOLD\tNEW")
		for _, c := range r.Changed {
			for _, f := range c.Facts {
				tf(tw, "%s\t%s\t%s\t%s\n", c.ID, f.Key, value(f.Old), value(f.New))
			}
		}
		fmt.Fprintln(tw)
	}
	for _, s := range []struct {
		title string
		cs    []Control
	}{{"NEWLY FAILING", r.NewFailing}, {"NO LONGER FAILING", r.Fixed}} {
		if len(s.cs) == 0 {
			continue
		}
		tf(tw, "%s\tCATEGORY\tTITLE\n", s.title)
		for _, c := range s.cs {
			tf(tw, "%s\t%s\t%s\n", c.ID, c.Category, c.Title)
		}
		fmt.Fprintln(tw)
	}
	if len(r.Added)+len(r.Removed)+len(r.Changed)+len(r.Levels)+len(r.NewFailing)+len(r.Fixed) == 0 {
		if r.Incomplete() {
			fmt.Fprintln(tw, "No changes seen, but a report is incomplete (above).")
		} else {
			fmt.Fprintln(tw, "No changes.")
		}
	}
	return tw.Flush()
}

// md escapes text for a Markdown table cell (redact.Markdown: control
// characters, HTML, links, mentions).
func md(s string) string { return redact.Markdown(s) }

func markdown(w io.Writer, r Result) error {
	var b strings.Builder
	fmt.Fprintf(&b, "### aisight: %d → %d AI assets\n\n", r.Old.Assets, r.New.Assets)
	for _, s := range incompleteSides(r) {
		fmt.Fprintf(&b, "> **Incomplete:** the %s report missed something; what it does not show may be missing, not absent.\n", s.name)
		for _, line := range s.side.Incomplete {
			fmt.Fprintf(&b, "> - %s\n", md(line))
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "%d added, %d removed, %d changed; %d categories moved; %d controls newly failing, %d fixed.\n\n",
		len(r.Added), len(r.Removed), len(r.Changed), len(r.Levels), len(r.NewFailing), len(r.Fixed))
	if len(r.Levels) > 0 {
		b.WriteString("| Category | Level | Potential |\n|---|---|---|\n")
		for _, l := range r.Levels {
			arrow := "→"
			if l.New < l.Old {
				arrow = "↓"
			} else if l.New > l.Old {
				arrow = "↑"
			}
			fmt.Fprintf(&b, "| %s | L%d %s L%d | L%d → L%d |\n", l.Category, l.Old, arrow, l.New, l.OldPotential, l.NewPotential)
		}
		b.WriteString("\n")
	}
	if len(r.NewFailing) > 0 {
		b.WriteString("**Newly failing controls**\n\n")
		for _, c := range r.NewFailing {
			fmt.Fprintf(&b, "- %s (%s): %s\n", md(c.ID), md(c.Category), md(c.Title))
		}
		b.WriteString("\n")
	}
	assets := func(title string, as []Asset) {
		if len(as) == 0 {
			return
		}
		fmt.Fprintf(&b, "<details><summary>%s (%d)</summary>\n\n| Kind | Provider | Name | Where |\n|---|---|---|---|\n", title, len(as))
		for _, a := range as {
			name := md(a.Name)
			if a.Shadow {
				name += " **(unregistered)**"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", md(string(a.Kind)), md(a.Provider), name, md(firstNonEmpty(a.Where, a.ID)))
		}
		b.WriteString("\n</details>\n\n")
	}
	assets("Added", r.Added)
	assets("Removed", r.Removed)
	if len(r.Changed) > 0 {
		fmt.Fprintf(&b, "<details><summary>Changed (%d)</summary>\n\n| Asset | Fact | Old | New |\n|---|---|---|---|\n", len(r.Changed))
		for _, c := range r.Changed {
			for _, f := range c.Facts {
				fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", md(firstNonEmpty(c.Name, c.ID)), md(f.Key), md(value(f.Old)), md(value(f.New)))
			}
		}
		b.WriteString("\n</details>\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// tf writes a table row whose values are escaped (redact.Text): a name or
// path cannot move the cursor, rewrite the screen or add a row.
func tf(w io.Writer, format string, a ...any) {
	fmt.Fprintf(w, format, redact.TextArgs(a)...)
}

type namedSide struct {
	name string
	side Side
}

// incompleteSides are the reports (old, new) that missed something.
func incompleteSides(r Result) []namedSide {
	var out []namedSide
	for _, s := range []namedSide{{"old", r.Old}, {"new", r.New}} {
		if len(s.side.Incomplete) > 0 {
			out = append(out, s)
		}
	}
	return out
}
