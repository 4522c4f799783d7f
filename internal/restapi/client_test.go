package restapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/model"
)

// An answer that is not JSON of the documented shape is asked for once:
// a second request would get the same answer. A 503 is retried.
func TestClientRetriesOnlyWhatCanSucceed(t *testing.T) {
	for _, tc := range []struct {
		name      string
		status    int
		body      string
		wantCalls int64
		wantClass model.ErrorClass
	}{
		{"not JSON", 200, "<html>maintenance</html>", 1, model.ErrUnparsed},
		{"wrong type", 200, `{"data": "not a list"}`, 1, model.ErrUnparsed},
		{"unavailable", 503, `{"error": {"message": "down"}}`, 5, model.ErrUnavailable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var calls atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				calls.Add(1)
				w.WriteHeader(tc.status)
				w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			c := New("test", srv.URL, "token", func(*http.Request) {})
			c.SetBackoff(time.Millisecond)
			var out struct {
				Data []struct{ ID string } `json:"data"`
			}
			err := c.Get(context.Background(), "/organization/projects", nil, &out)
			if err == nil {
				t.Fatal("no error")
			}
			if n := calls.Load(); n != tc.wantCalls {
				t.Errorf("%d requests, want %d", n, tc.wantCalls)
			}
			if got := collectors.Classify(err, classifier{}); got != tc.wantClass {
				t.Errorf("class %s, want %s (%v)", got, tc.wantClass, err)
			}
		})
	}
}

type classifier struct{}

func (classifier) ClassifyError(err error) model.ErrorClass { return Classify(err) }

// RFC 8288 Link headers as GitHub and the Hugging Face Hub send them.
func TestNextLink(t *testing.T) {
	for h, want := range map[string]string{
		`<https://api.github.com/orgs/o/copilot/billing/seats?page=2>; rel="next", <https://api.github.com/orgs/o/copilot/billing/seats?page=5>; rel="last"`: "https://api.github.com/orgs/o/copilot/billing/seats?page=2",
		`<https://huggingface.co/api/models?author=acme&cursor=eyJ9>; rel="next"`:                                                                            "https://huggingface.co/api/models?author=acme&cursor=eyJ9",
		`<https://api.github.com/x?page=1>; rel="prev"`:                                                                                                      "",
		`garbage; rel=next`: "",
		``:                  "",
		`<https://x/?p=2>; title="a;b"; rel="prev next"`: "https://x/?p=2",
	} {
		if got := NextLink(h); got != want {
			t.Errorf("NextLink(%q) = %q, want %q", h, got, want)
		}
	}
}

// A page link to another host is not followed: the credential goes only
// where it was given for, and the listing is reported unparsed, not done.
func TestPageLinkOffOriginRefused(t *testing.T) {
	var other atomic.Int64
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		other.Add(1)
		w.Write([]byte(`[]`))
	}))
	defer elsewhere.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Link", "<"+elsewhere.URL+"/api/models?page=2>; rel=\"next\"")
		w.Write([]byte(`[]`))
	}))
	defer srv.Close()
	c := New("test", srv.URL, "token", func(r *http.Request) { r.Header.Set("Authorization", "Bearer secret") })
	var out []any
	next, err := c.GetPage(context.Background(), "/api/models", nil, "", &out)
	if err == nil || next != "" {
		t.Fatalf("next %q, err %v: a link off the origin was accepted", next, err)
	}
	if got := collectors.Classify(err, classifier{}); got != model.ErrUnparsed {
		t.Errorf("class %s, want unparsed", got)
	}
	if _, err := c.GetPage(context.Background(), "/api/models", nil, elsewhere.URL+"/api/models?page=2", &out); err == nil {
		t.Error("a next URL off the origin was fetched")
	}
	if other.Load() != 0 {
		t.Errorf("%d requests reached the other host", other.Load())
	}
}

// A server whose page links come back (page 2 links to page 1) does not
// keep the listing paging for ever: the listing ends unparsed, naming the
// loop, after the pages it read.
func TestPagesStopOnALoop(t *testing.T) {
	var calls atomic.Int64
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		other := "1"
		if r.URL.Query().Get("page") != "2" {
			other = "2"
		}
		w.Header().Set("Link", "<"+srv.URL+"/api/models?page="+other+">; rel=\"next\"")
		w.Write([]byte(`[{"id":"x"}]`))
	}))
	defer srv.Close()
	c := New("test", srv.URL, "token", func(*http.Request) {})
	items := 0
	err := Pages(context.Background(), c, "/api/models", nil, func(page []map[string]any) error {
		items += len(page)
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "loops") {
		t.Fatalf("err %v: a looping listing was not stopped", err)
	}
	if got := collectors.Classify(err, classifier{}); got != model.ErrUnparsed {
		t.Errorf("class %s, want unparsed", got)
	}
	if n := calls.Load(); n > 4 || items != int(n) {
		t.Errorf("%d requests, %d items", n, items)
	}
}
