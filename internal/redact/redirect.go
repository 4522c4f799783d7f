package redact

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// maxRedirects bounds the redirects one request follows.
const maxRedirects = 10

// RedirectError is a redirect CheckRedirect refused.
type RedirectError struct{ From, To string }

// NonRetriable marks the refusal as final for clients whose retry policy
// asks (azcore's errorinfo.NonRetriable): trying again is refused again.
func (*RedirectError) NonRetriable() {}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("redirect from %s to %s refused: aisight never follows a redirect to another host with credentials", e.From, e.To)
}

// CheckRedirect is the one redirect rule of every HTTP client aisight
// makes (the AWS, Azure, OpenAI and Anthropic collectors, the Kubernetes
// client, the Pushgateway push), set as http.Client.CheckRedirect: a
// redirect is followed only within the same origin (scheme, host and
// port, a default port written or not). Go drops Authorization across
// hosts but keeps X-Api-Key, X-Amz-Security-Token and any header a round
// tripper sets again (a kubeconfig bearer token), so a redirect elsewhere
// is refused: no credential ever crosses to another host.
func CheckRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return fmt.Errorf("stopped after %d redirects", maxRedirects)
	}
	if from := via[0].URL; !SameOrigin(from, req.URL) {
		return &RedirectError{From: URL(origin(from)), To: URL(origin(req.URL))}
	}
	return nil
}

// SameOrigin reports whether two URLs have the same scheme, host and port
// (":443" for https and ":80" for http are the defaults, written or not;
// scheme and host names compare without case).
func SameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(hostPort(a), hostPort(b))
}

func hostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		switch u.Scheme {
		case "https":
			port = "443"
		case "http":
			port = "80"
		}
	}
	return u.Hostname() + ":" + port
}

func origin(u *url.URL) string { return u.Scheme + "://" + u.Host }
