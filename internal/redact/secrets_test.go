package redact

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// A credential aisight was given is masked by value, whatever its shape,
// and so is any 8-byte run of it (a peer quoting part of it).
func TestRegisteredSecretsAreMaskedByValue(t *testing.T) {
	s := New(nil)
	token := "FwoGZXIvYXdzEJr//////////wEaDNotAKnownShape0123456789abcdefXYZ"
	admin := "xq7-unusual-shape-admin-key-9Z2KQ"
	s.Register(token)
	s.Register(admin)
	s.Register("abc")    // too short to be a credential: ignored
	s.Register("pa55w0") // short: masked whole
	for _, tc := range []struct{ in, leak string }{
		{"403: The security token included in the request is invalid: " + token, token},
		{`{"error":{"message":"invalid x-api-key: ` + admin + `"}}`, admin},
		{"quoted in part: ..." + token[10:30] + "...", token[10:30]},
		{"an 8-byte run: " + admin[4:12] + ".", admin[4:12]},
		{"password pa55w0 here", "pa55w0"},
	} {
		got := s.String(tc.in)
		if strings.Contains(got, tc.leak) {
			t.Errorf("%q leaks %q: %q", tc.in, tc.leak, got)
		}
		if !strings.Contains(got, Mark) {
			t.Errorf("%q: nothing masked: %q", tc.in, got)
		}
	}
	for _, clean := range []string{"abc and abcdef", "nothing here", "unusual shape", "0123456"} {
		if got := s.String(clean); got != clean {
			t.Errorf("%q changed to %q", clean, got)
		}
	}
}

func TestRegisterIsSafeForConcurrentUse(t *testing.T) {
	s := New(nil)
	done := make(chan bool)
	for i := range 4 {
		go func() {
			for j := range 200 {
				s.Register(strings.Repeat(string(rune('a'+i)), 8) + string(rune('A'+j%26)) + "secretvalue")
				_ = s.String("some output line")
			}
			done <- true
		}()
	}
	for range 4 {
		<-done
	}
	if got := s.String("x aaaaaaaaBsecretvalue y"); strings.Contains(got, "aaaaaaaaB") {
		t.Errorf("not masked: %q", got)
	}
}

// The one redirect rule: same origin only; a default port written or not
// is the same origin; any other host, port or scheme is refused.
func TestCheckRedirect(t *testing.T) {
	var got []string
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Header.Get("X-Api-Key")+r.Header.Get("Authorization"))
	}))
	defer target.Close()
	var self *httptest.Server
	self = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/away":
			http.Redirect(w, r, target.URL+"/steal", http.StatusTemporaryRedirect)
		case "/here":
			http.Redirect(w, r, self.URL+"/ok", http.StatusFound)
		}
	}))
	defer self.Close()
	c := &http.Client{CheckRedirect: CheckRedirect}
	for _, code := range []string{"/away"} {
		req, _ := http.NewRequest(http.MethodGet, self.URL+code, nil)
		req.Header.Set("X-Api-Key", "secret-admin-key")
		_, err := c.Do(req)
		var re *RedirectError
		if err == nil || !errors.As(err, &re) {
			t.Errorf("redirect to another host: err %v, want a RedirectError", err)
		}
	}
	if len(got) != 0 {
		t.Errorf("the other host received %q", got)
	}
	if resp, err := c.Get(self.URL + "/here"); err != nil || resp.StatusCode != 200 {
		t.Errorf("same-origin redirect: %v", err)
	}
	for _, tc := range []struct {
		a, b string
		same bool
	}{
		{"https://management.azure.com/x", "https://management.azure.com:443/y", true},
		{"http://h/x", "http://h:80/y", true},
		{"https://h/x", "http://h/x", false},
		{"https://h/x", "https://h:8443/x", false},
		{"https://h/x", "https://evil/x", false},
		{"HTTPS://Management.Azure.com/x", "https://management.azure.com:443/y", true},
	} {
		a, _ := url.Parse(tc.a)
		b, _ := url.Parse(tc.b)
		if SameOrigin(a, b) != tc.same {
			t.Errorf("SameOrigin(%s, %s) = %v", tc.a, tc.b, !tc.same)
		}
	}
}
