package azure

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

func lower(s string) string { return strings.ToLower(s) }

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// runtimeRequest wraps an http.Request in a pipeline request whose next
// policy would send it (the guard must stop it first).
func runtimeRequest(r *http.Request) (*policy.Request, error) {
	req, err := runtime.NewRequest(r.Context(), r.Method, r.URL.String())
	if err != nil {
		return nil, err
	}
	return req, nil
}
