package saas

import (
	"context"
	"net/http"
	"net/http/httptest"
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
			c := newClient("test", srv.URL, func(*http.Request) {})
			c.backoff = time.Millisecond
			var out struct {
				Data []struct{ ID string } `json:"data"`
			}
			err := c.get(context.Background(), "/organization/projects", nil, &out)
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

func (classifier) ClassifyError(err error) model.ErrorClass { return classify(err) }
