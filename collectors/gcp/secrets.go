package gcp

import (
	"encoding/json"
	"strings"

	"golang.org/x/oauth2"
)

// cloudPlatform is the OAuth scope every client of the collector uses.
const cloudPlatform = "https://www.googleapis.com/auth/cloud-platform"

// secretTokens registers every access token it hands out with the output
// wall (nil registers nothing), so a peer that quotes one cannot make
// aisight print it.
type secretTokens struct {
	oauth2.TokenSource
	secret func(string)
}

func (s secretTokens) Token() (*oauth2.Token, error) {
	t, err := s.TokenSource.Token()
	if err == nil && s.secret != nil {
		s.secret(t.AccessToken)
		s.secret(t.RefreshToken)
	}
	return t, err
}

// registerADC registers the secrets of an Application Default Credentials
// file: a service account's private key (each line of its body: a peer
// quoting it quotes lines), an authorized user's client secret and refresh
// token. The file's other fields (emails, ids) are not secrets.
func registerADC(b []byte, secret func(string)) {
	var f struct {
		PrivateKey   string `json:"private_key"`
		ClientSecret string `json:"client_secret"`
		RefreshToken string `json:"refresh_token"`
	}
	if len(b) == 0 || json.Unmarshal(b, &f) != nil {
		return
	}
	secret(f.ClientSecret)
	secret(f.RefreshToken)
	for _, line := range strings.Split(f.PrivateKey, "\n") {
		if !strings.HasPrefix(line, "-----") {
			secret(line)
		}
	}
}
