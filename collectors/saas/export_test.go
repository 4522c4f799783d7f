package saas

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/aisight/aisight/internal/restapi"
)

// RefusesWrites sends a POST through the collectors' client to a server
// that would accept it, and reports an error unless it was refused before
// any request reached the server.
func RefusesWrites() error {
	reached := 0
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { reached++ }))
	defer srv.Close()
	c := restapi.New("test", srv.URL, "admin key", func(*http.Request) {})
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, srv.URL+"/organization/projects", strings.NewReader("{}"))
	_, err := c.HTTP().Do(req)
	if err == nil || !strings.Contains(err.Error(), "read-only") || reached != 0 {
		return fmt.Errorf("POST: err %v, %d requests reached the server", err, reached)
	}
	return nil
}
