package kubeapi

import (
	"context"

	"k8s.io/client-go/rest"
)

// DiscoverLegacy asks for the per-group discovery documents only, as a
// server without aggregated discovery serves them.
func DiscoverLegacy(ctx context.Context, rc rest.Interface) (Served, error) {
	return discover(ctx, rc, "application/json")
}
