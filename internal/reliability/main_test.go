package reliability

import (
	"os"
	"testing"
)

// TestMain keeps the suite hermetic: the binaries it runs must not reach a
// cloud, cluster or SaaS organisation from the developer's environment.
func TestMain(m *testing.M) {
	for _, k := range []string{"AISIGHT_OPENAI", "AISIGHT_ANTHROPIC", "AISIGHT_GCP", "AISIGHT_AZURE"} {
		os.Setenv(k, "off")
	}
	os.Exit(m.Run())
}
