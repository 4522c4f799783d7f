package output

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aisight/aisight/internal/redact"
	"github.com/aisight/aisight/model"
)

// Table writes the human summary: collectors, inventory by kind and
// deployment type, and the assessment when there is one.
func Table(w io.Writer, r model.Report) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	// Values are escaped (redact.Text): a file, workload or MCP server name
	// cannot move the cursor, rewrite the screen or add a row.
	p := func(format string, a ...any) { fmt.Fprintf(tw, format, redact.TextArgs(a)...) }
	d := r.Scan.Finished.Sub(r.Scan.Started).Round(time.Millisecond)
	if len(r.Scan.Merged) > 0 {
		p("aisight merge: %s from %d shards\n\n", plural(len(r.Assets), "asset"), len(r.Scan.Merged))
	} else {
		p("aisight scan: %s in %s\n\n", plural(len(r.Assets), "asset"), d)
	}

	p("COLLECTOR\tSCOPE\tSTATUS\tASSETS\tDETAIL\n")
	for _, run := range r.Scan.CollectorRuns {
		detail := run.Reason
		switch {
		case len(run.Problems) > 1: // the first, and how many more the JSON lists
			detail = fmt.Sprintf("%s: %s (and %d more problems; -o json lists them)", run.ErrorClass, run.Problems[0], len(run.Problems)-1)
		case run.Error != "":
			detail = string(run.ErrorClass) + ": " + run.Error
		}
		if s := statsLine(run.Stats, run.Notes); s != "" {
			if detail != "" {
				detail += "; "
			}
			detail += s
		}
		p("%s\t%s\t%s\t%d\t%s\n", run.Collector, scopeLabel(run.Scope), run.Status, run.Assets, shorten(detail, maxDetail))
	}
	p("\n")

	counts := map[model.Kind]map[model.DeploymentType]int{}
	for _, a := range r.Assets {
		if counts[a.Kind] == nil {
			counts[a.Kind] = map[model.DeploymentType]int{}
		}
		counts[a.Kind][a.DeploymentType]++
	}
	kinds := make([]string, 0, len(counts))
	for k := range counts {
		kinds = append(kinds, string(k))
	}
	sort.Strings(kinds)
	p("KIND\tSELF_HOSTED\tPAAS\tAPI_SAAS\tTOTAL\n")
	var tot [3]int
	for _, k := range kinds {
		c := counts[model.Kind(k)]
		row := [3]int{c[model.SelfHosted], c[model.PaaS], c[model.APISaaS]}
		for i := range tot {
			tot[i] += row[i]
		}
		p("%s\t%d\t%d\t%d\t%d\n", k, row[0], row[1], row[2], row[0]+row[1]+row[2])
	}
	p("total\t%d\t%d\t%d\t%d\n", tot[0], tot[1], tot[2], tot[0]+tot[1]+tot[2])
	findingsTable(p, r.Assets)
	if r.Assessment != nil {
		p("\n")
		assessmentTable(p, r.Assessment, r.Assets)
	}
	return tw.Flush()
}

// maxFindingRows bounds the FINDINGS section; the JSON output has them all.
const maxFindingRows = 20

// findingsTable lists what a person acts on at a file and line: keys
// written in files, model files that run code when loaded, cloud AI
// declared in code but not live (production findings first; test, docs
// and example ones marked), and live cloud AI that no scanned code
// declares (context "live", with its region). Other kinds are summarised
// above.
func findingsTable(p func(string, ...any), assets []model.Asset) {
	type row struct {
		ctx, where, what string
	}
	var rows []row
	for i := range assets {
		a := &assets[i]
		if a.Kind == model.KindAPIKey && (a.Location == nil || a.Location.Path == "") && a.Secret != nil && a.Secret.Location != "" {
			// A literal key in a pod's or a cloud resource's environment:
			// scored like one in a file, so listed like one.
			if lit, ok := factBool(a, "key.literal_in_source"); ok && lit {
				what := "key " + firstNonEmpty(factString(a, "key.kind"), "credential") + " " + a.Secret.Prefix + "…" + a.Secret.Suffix
				rows = append(rows, row{firstNonEmpty(factString(a, "source.context"), "production"), a.Secret.Location, what})
			}
			continue
		}
		if a.Location == nil || a.Location.Path == "" {
			continue
		}
		var what string
		switch {
		case a.Kind == model.KindAPIKey:
			if lit, ok := factBool(a, "key.literal_in_source"); !ok || !lit {
				continue
			}
			what = "key " + firstNonEmpty(factString(a, "key.kind"), "credential")
			if a.Secret != nil {
				what += " " + a.Secret.Prefix + "…" + a.Secret.Suffix
			}
		case a.Kind == model.KindModelFile || a.Kind == model.KindSerializedData:
			if safe, ok := factBool(a, "model.serialization_safe"); !ok || safe {
				continue
			}
			what = string(a.Kind) + " " + factString(a, "model.format") + " (runs code when loaded)"
		default:
			continue
		}
		where := location(a)
		if a.Location.Cell > 0 {
			where += " (cell " + strconv.Itoa(a.Location.Cell) + ")"
		}
		ctx := factString(a, "source.context")
		if ctx == "" {
			ctx = "production"
		}
		rows = append(rows, row{ctx, scopeOf(a) + where, what})
	}
	notInCode, notLive := iacDrift(assets)
	for i, a := range notInCode {
		if i == maxFindingRows {
			break
		}
		rows = append(rows, row{"live", firstNonEmpty(a.Region, a.Scope), string(a.Kind) + " " + a.Name + " (" + a.Provider + ") is declared in no scanned code"})
	}
	for _, a := range notLive {
		rows = append(rows, row{"production", scopeOf(a) + location(a), string(a.Kind) + " " + a.Name + " is declared but not live"})
	}
	if len(rows) == 0 {
		return
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if (rows[i].ctx == "production") != (rows[j].ctx == "production") {
			return rows[i].ctx == "production"
		}
		return rows[i].where < rows[j].where
	})
	p("\nFINDINGS\tCONTEXT\tLOCATION\n")
	for i, r := range rows {
		if i == maxFindingRows {
			p("... %d more in the JSON output (--output json)\n", len(rows)-maxFindingRows)
			break
		}
		p("%s\t%s\t%s\n", r.what, r.ctx, r.where)
	}
}

// scopeOf prefixes a location with its scan root when a scan has several.
func scopeOf(a *model.Asset) string {
	if root, ok := strings.CutPrefix(a.Scope, "source:"); ok && root != "." {
		return root + "/"
	}
	return ""
}

func scopeLabel(s model.Scope) string {
	if s.Name != "" && s.Kind == "directory" {
		return strings.TrimPrefix(s.ID, "source:")
	}
	return s.ID
}

// maxDetail bounds the DETAIL column (a service's error can be several
// hundred characters: GCP's SERVICE_DISABLED with its help links); the JSON
// output has it whole.
const maxDetail = 160

// shorten cuts s to at most n runes, saying where the rest is.
func shorten(s string, n int) string {
	const tail = " … (-o json)"
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-len([]rune(tail))]) + tail
}

// plural is "1 file", "2 files".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// statsLine summarises a run's counters: files scanned and skips by reason.
func statsLine(stats map[string]int64, notes []string) string {
	if len(stats) == 0 {
		return ""
	}
	var parts []string
	if n, ok := stats["files_scanned"]; ok {
		parts = append(parts, plural(int(n), "file")+" scanned")
	}
	var skips []string
	var total int64
	keys := make([]string, 0, len(stats))
	for k := range stats {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if reason, ok := strings.CutPrefix(k, "skipped_"); ok && stats[k] > 0 {
			skips = append(skips, fmt.Sprintf("%s %d", strings.ReplaceAll(reason, "_", " "), stats[k]))
			total += stats[k]
		}
	}
	if total > 0 {
		parts = append(parts, fmt.Sprintf("%d skipped (%s)", total, strings.Join(skips, ", ")))
	}
	if n := stats["tracked_ignored_scanned"]; n > 0 {
		parts = append(parts, fmt.Sprintf("%d tracked files scanned although .gitignore names them", n))
	}
	if n := stats["parse_errors"]; n > 0 {
		var files []string
		for _, note := range notes {
			if f, _, ok := strings.Cut(note, " not parsed"); ok && len(files) < 3 {
				files = append(files, f)
			}
		}
		line := fmt.Sprintf("%d unparsable files", n)
		if len(files) > 0 {
			more := ""
			if int(n) > len(files) {
				more = fmt.Sprintf(", +%d", int(n)-len(files))
			}
			line += " (" + strings.Join(files, ", ") + more + ")"
		}
		parts = append(parts, line)
	}
	return strings.Join(parts, ", ")
}

// maxNextSteps bounds the next-steps list of the table; the JSON has all.
const maxNextSteps = 10

// assessmentTable shows each category's level, coverage and potential level,
// then the top next steps: failing controls first, then missing evidence.
func assessmentTable(p func(string, ...any), a *model.Assessment, assets []model.Asset) {
	p("CATEGORY\tDOMAIN\tLEVEL\tCOVERAGE\tPOTENTIAL\n")
	for _, c := range a.Categories {
		p("%s %s\t%s\t%s\t%.0f%%\t%s\n", c.ID, c.Name, c.Domain, c.Level, c.Coverage*100, c.PotentialLevel)
	}
	steps := NextSteps(a)
	if len(steps) == 0 {
		return
	}
	where := Locator(assets)
	p("\nNEXT STEPS\tTO\tCONTROL\tWHY\tWHAT TO DO\n")
	for i, st := range steps {
		if i == maxNextSteps {
			p("... %d more in the JSON output (--output json)\n", len(steps)-maxNextSteps)
			break
		}
		p("%s\tL%d\t%s\t%s\t%s\n", st.Category, int(st.Level), st.Control, st.Why(), st.Remediation)
		at, more := st.Where(where)
		for _, w := range at {
			p("\t\t\t\t  at %s\n", w)
		}
		if more > 0 {
			p("\t\t\t\t  ... %d more: aisight controls explain %s --report REPORT.json\n", more, st.Control)
		}
	}
}

// maxSubjectsPerStep bounds the failing subjects named under a next step.
const maxSubjectsPerStep = 3

// Locator returns where each subject of a report's assessment is (as the
// table's next steps name it): file:line, the environment holding a key, or
// the asset's or scope's id.
func Locator(assets []model.Asset) func(id string) string {
	byID := make(map[string]*model.Asset, len(assets))
	for i := range assets {
		byID[assets[i].ID] = &assets[i]
	}
	return func(id string) string { return subjectWhere(id, byID) }
}

// subjectWhere says where a failing subject is: a file and line for what
// was found in files, the environment that holds a literal key, else the
// asset's or scope's id (an ARN, a resource id, a cluster's namespace/name).
func subjectWhere(id string, byID map[string]*model.Asset) string {
	a, ok := byID[id]
	if !ok {
		return id
	}
	if a.Location != nil && a.Location.Path != "" {
		return scopeOf(a) + location(a)
	}
	if a.Kind == model.KindAPIKey && a.Secret != nil && a.Secret.Location != "" {
		return a.Secret.Location
	}
	return a.ID
}
