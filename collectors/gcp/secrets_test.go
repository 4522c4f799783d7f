package gcp

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"golang.org/x/oauth2"
)

// The secrets of the Application Default Credentials file and every access
// token the collector obtains reach the output wall.
func TestCredentialsAreRegistered(t *testing.T) {
	adc := filepath.Join(t.TempDir(), "adc.json")
	if err := os.WriteFile(adc, []byte(`{"type": "authorized_user", "client_id": "123.apps.googleusercontent.com",
		"client_secret": "GOCSPX-synthetic-client-secret", "refresh_token": "1//synthetic-refresh-token-value"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOOGLE_APPLICATION_CREDENTIALS", adc)
	var got []string
	if _, err := New(context.Background(), Options{Secret: func(s string) { got = append(got, s) }}, nil); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"GOCSPX-synthetic-client-secret", "1//synthetic-refresh-token-value"} {
		if !slices.Contains(got, want) {
			t.Errorf("%q not registered (registered %q)", want, got)
		}
	}

	got = nil
	registerADC([]byte(`{"type": "service_account", "client_email": "sa@p.iam.gserviceaccount.com",
		"private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n"}`), func(s string) { got = append(got, s) })
	if !slices.Contains(got, "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC") || slices.Contains(got, "-----BEGIN PRIVATE KEY-----") || slices.Contains(got, "sa@p.iam.gserviceaccount.com") {
		t.Errorf("service account: registered %q; want the key's body lines only", got)
	}

	got = nil
	ts := secretTokens{oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "ya29.synthetic-access-token"}), func(s string) { got = append(got, s) }}
	if _, err := ts.Token(); err != nil || !slices.Contains(got, "ya29.synthetic-access-token") {
		t.Errorf("access token not registered: %q, %v", got, err)
	}
}
