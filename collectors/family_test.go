package collectors

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aisight/aisight/model"
)

var (
	errDenied  = Classedf(model.ErrDenied, "list a: access denied")
	errDown    = Classedf(model.ErrUnavailable, "list b: 503")
	errMissing = errors.New("no such operation here")
)

func fam(name string, err error) Family {
	return Family{Name: name, Collect: func(context.Context) error { return err }}
}

func TestFamiliesKeepEveryError(t *testing.T) {
	for _, tc := range []struct {
		name         string
		fams         []Family
		wantErr      string // "" when the scope succeeds
		wantClass    model.ErrorClass
		wantProblems int
		notOffered   int64
	}{
		{"all succeed", []Family{fam("a", nil), fam("b", nil)}, "", "", 0, 0},
		{"one fails: a problem, the rest run", []Family{fam("a", errDenied), fam("b", nil)}, "", "", 1, 0},
		{"all fail: every error joined, transient class wins", []Family{fam("a", errDenied), fam("b", errDown)}, "list a: access denied; list b: 503", model.ErrUnavailable, 0, 0},
		{"all fail with one class", []Family{fam("a", errDenied), fam("b", Classedf(model.ErrDenied, "list c: denied"))}, "list a: access denied; list c: denied", model.ErrDenied, 0, 0},
		{"not offered is counted, not a problem", []Family{fam("a", errMissing), fam("b", nil)}, "", "", 0, 1},
		{"not offered and failed: the scope fails", []Family{fam("a", errMissing), fam("b", errDenied)}, "list a: access denied", model.ErrDenied, 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sink := newScopeSink(func() {})
			err := Families{Sink: sink, Backoff: time.Millisecond, NotOffered: func(e error) bool { return e == errMissing }}.Run(context.Background(), tc.fams...)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("err = %v, want nil", err)
				}
			} else {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				if c := Classify(err, nil); c != tc.wantClass {
					t.Errorf("class %s, want %s", c, tc.wantClass)
				}
			}
			_, _, problems, stats := sink.drain()
			if len(problems) != tc.wantProblems || stats["operations_not_offered"] != tc.notOffered {
				t.Errorf("problems %v, not offered %d", problems, stats["operations_not_offered"])
			}
		})
	}
}

func TestFamiliesStopOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	ran := 0
	err := Families{Sink: newScopeSink(func() {})}.Run(ctx,
		Family{Name: "a", Collect: func(context.Context) error { cancel(); return context.Canceled }},
		Family{Name: "b", Collect: func(context.Context) error { ran++; return nil }})
	if !errors.Is(err, context.Canceled) || ran != 0 {
		t.Errorf("err %v, later families ran %d times", err, ran)
	}
}

// Groups run at once (the second group's family runs while the first
// group's waits for it), a group's families in order, and the problems
// keep the families' order whichever group ends first.
func TestFamilyGroupsRunAtOnce(t *testing.T) {
	second := make(chan struct{})
	var order []string
	sink := newScopeSink(func() {})
	err := Families{Sink: sink, Retries: -1}.RunGroups(context.Background(),
		[]Family{
			{Name: "a1", Collect: func(context.Context) error {
				select {
				case <-second:
				case <-time.After(10 * time.Second):
					return errors.New("a1: the second group never ran while the first waited")
				}
				order = append(order, "a1")
				return Classedf(model.ErrDenied, "list a1: denied")
			}},
			{Name: "a2", Collect: func(context.Context) error { order = append(order, "a2"); return nil }},
		},
		[]Family{{Name: "b1", Collect: func(context.Context) error { close(second); return Classedf(model.ErrDenied, "list b1: denied") }}},
	)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(order, ",") != "a1,a2" {
		t.Errorf("first group ran %v, want a1,a2 in order", order)
	}
	_, _, problems, _ := sink.drain()
	var got []string
	for _, p := range problems {
		got = append(got, p.Error())
	}
	if strings.Join(got, "; ") != "list a1: denied; list b1: denied" {
		t.Errorf("problems %q, want a1's then b1's", got)
	}
}

// A partial run lists every distinct problem, and its class is the
// dominant one, not the first problem's.
func TestRunKeepsEveryProblem(t *testing.T) {
	c := &fakeCollector{name: "x", scopes: []model.Scope{{ID: "x:1"}}, collect: func(_ context.Context, _ model.Scope, s Sink, _ int) error {
		s.Asset(model.Asset{ID: "a"})
		s.Problem(errDenied)
		s.Problem(errDown)
		s.Problem(errDenied)
		return nil
	}}
	inv := NewRunner(Options{}).Run(context.Background(), []Plan{{Name: "x", Collector: c}})
	r := inv.Scan.CollectorRuns[0]
	if r.Status != model.StatusPartial || r.ErrorClass != model.ErrUnavailable || len(r.Problems) != 2 || !strings.Contains(r.Error, "503") {
		t.Errorf("run %+v", r)
	}
}
