package saas

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aisight/aisight/internal/restapi"
)

// A server that answers has_more with the same cursor again does not keep
// a listing paging for ever.
func TestCursorLoopStops(t *testing.T) {
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		calls.Add(1)
		w.Write([]byte(`{"data":[{"id":"a"}],"has_more":true,"last_id":"a"}`))
	}))
	defer srv.Close()
	c := restapi.New("test", srv.URL, "admin key", func(*http.Request) {})
	type item struct {
		ID string `json:"id"`
	}
	for name, list := range map[string]func() error{
		"anthropic": func() error {
			return anthropicList(context.Background(), c, "/v1/organizations/users", nil, func(item) {})
		},
		"openai": func() error { return openAIList(context.Background(), c, "/organization/users", nil, func(item) {}) },
	} {
		calls.Store(0)
		if err := list(); err == nil || !strings.Contains(err.Error(), "loops") {
			t.Errorf("%s: err %v", name, err)
		}
		if n := calls.Load(); n > 3 {
			t.Errorf("%s: %d requests", name, n)
		}
	}
}
