package source

import (
	"flag"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/aisight/aisight/model"
)

var corpusTable = flag.Bool("corpus-table", false, "print the corpus figures as the markdown table of docs/detection.md")

// corpusFloor is the recall and precision each half must keep, per class,
// as docs/detection.md states them: a change that loses a finding or adds a
// false positive fails here. What detectors achieve on files nobody has
// read is each new batch's first measurement, recorded in
// docs/detection.md before anything it reveals is changed; a batch added
// with findings still missed lowers the floors here to its figures.
var corpusFloor = map[string]map[string][2]float64{ // class -> {recall, precision}
	"dev":  {"model": {1, 1}, "hosted_model": {1, 1}, "inference_workload": {1, 1}, "mcp_server": {1, 1}, "sdk_dependency": {1, 1}},
	"test": {"model": {1, 1}, "hosted_model": {1, 1}, "inference_workload": {1, 1}, "mcp_server": {1, 1}, "sdk_dependency": {1, 1}},
}

// TestCorpus scans each half of testdata/corpus (real public files; see its
// README.md) and compares what aisight reports with the half's truth.txt,
// written by reading the files. It reports recall and precision per class
// and requires no class under its floors (corpusFloor).
func TestCorpus(t *testing.T) {
	var rows []string
	for _, half := range []string{"dev", "test"} {
		dir := filepath.Join("testdata", "corpus", half)
		want := readTruth(t, filepath.Join(dir, "truth.txt"))
		got := corpusProject(scan(t, Options{Paths: []string{dir}, NoIgnore: true}))
		type tally struct{ want, got, hit int }
		per := map[string]*tally{}
		class := func(l string) *tally {
			c, _, _ := strings.Cut(l, " ")
			if per[c] == nil {
				per[c] = &tally{}
			}
			return per[c]
		}
		for _, w := range want {
			c := class(w)
			c.want++
			if slices.Contains(got, w) {
				c.hit++
			} else {
				t.Logf("%s: missed: %s", half, w)
			}
		}
		for _, g := range got {
			class(g).got++
			if !slices.Contains(want, g) {
				t.Logf("%s: false positive (not in truth.txt): %s", half, g)
			}
		}
		classes := make([]string, 0, len(per))
		for c := range per {
			classes = append(classes, c)
		}
		sort.Strings(classes)
		var all tally
		for _, c := range classes {
			p := per[c]
			all.want += p.want
			all.got += p.got
			all.hit += p.hit
			recall, precision := ratio(p.hit, p.want), ratio(p.hit, p.got)
			rows = append(rows, fmt.Sprintf("| %s | %s | %d | %d | %d | %.2f | %.2f |", half, c, p.want, p.got, p.hit, recall, precision))
			floor, ok := corpusFloor[half][c]
			switch {
			case !ok:
				t.Errorf("%s %s: no floor in corpusFloor", half, c)
			case recall < floor[0]:
				t.Errorf("%s %s: recall %.2f (%d of %d) under its floor %.2f", half, c, recall, p.hit, p.want, floor[0])
			case precision < floor[1]:
				t.Errorf("%s %s: precision %.2f (%d of %d) under its floor %.2f", half, c, precision, p.hit, p.got, floor[1])
			}
		}
		rows = append(rows, fmt.Sprintf("| %s | **all** | %d | %d | %d | %.2f | %.2f |", half, all.want, all.got, all.hit, ratio(all.hit, all.want), ratio(all.hit, all.got)))
	}
	table := "| half | class | expected | reported | found | recall | precision |\n|---|---|---|---|---|---|---|\n" + strings.Join(rows, "\n")
	if *corpusTable {
		fmt.Println(table)
	}
	t.Log("\n" + table)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// corpusProject reduces an inventory to the corpus truth's lines (the
// classes' projection without contexts and runtime names, which are
// aisight's vocabulary rather than what a reader of the file sees).
func corpusProject(inv model.Inventory) []string {
	var out []string
	for _, a := range inv.Assets {
		out = append(out, projectAsset(a, false))
	}
	slices.Sort(out)
	return out
}
