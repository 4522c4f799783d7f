package restapi

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/internal/bounded"
)

// Settings name one provider's credential and endpoint options as its
// collector's flags and environment spell them.
type Settings struct {
	Flag, Title     string // "openai", "OpenAI"
	Credential      string // "admin key", "token"
	FileFlag        string // "--openai-admin-key-file"
	KeyEnv, BaseEnv string // OPENAI_ADMIN_KEY, OPENAI_BASE_URL (BaseEnv may be empty)
	DefaultBase     string
}

// Plan is the enablement decision the REST collectors share: the mode,
// the credential from the file flag or its env var, and the base URL
// (flag, env var, default), checked. A non-empty skip is why the collector
// does not run; an error is bad configuration. The credential is
// registered with the output wall before anything else can see it.
func Plan(a Settings, mode, keyFile, baseURL string, env collectors.Env) (key, from, base, skip string, err error) {
	if mode == collectors.ModeOff {
		return "", "", "", "disabled by --" + a.Flag + "=off", nil
	}
	key, from, err = ReadCredential(keyFile, a.FileFlag, env.Getenv(a.KeyEnv), "$"+a.KeyEnv)
	env.RegisterSecret(key)
	switch {
	case err != nil:
		return "", "", "", "", err
	case key == "" && mode == collectors.ModeOn:
		return "", "", "", "", fmt.Errorf("--%s=on but no %s: set $%s or %s", a.Flag, a.Credential, a.KeyEnv, a.FileFlag)
	case key == "":
		return "", "", "", fmt.Sprintf("no %s %s ($%s, %s); set one or --%s=on", a.Title, a.Credential, a.KeyEnv, a.FileFlag, a.Flag), nil
	}
	envBase := ""
	if a.BaseEnv != "" {
		envBase = env.Getenv(a.BaseEnv)
	}
	base = firstOf(baseURL, envBase, a.DefaultBase)
	if err := CheckBaseURL(base); err != nil {
		return "", "", "", "", fmt.Errorf("%s base URL: %w", a.Title, err)
	}
	return key, from, base, "", nil
}

// ReadCredential reads a credential from a file (a mounted Secret) or the
// environment, and says where it came from (never what it is).
func ReadCredential(file, fileFlag, env, envName string) (key, from string, err error) {
	if file != "" {
		b, err := bounded.ReadFile(file, 4<<10)
		if err != nil {
			return "", "", fmt.Errorf("%s: %w", fileFlag, err)
		}
		k := strings.TrimSpace(string(b))
		if k == "" {
			return "", "", fmt.Errorf("%s: %s is empty", fileFlag, file)
		}
		return k, file, nil
	}
	if k := strings.TrimSpace(env); k != "" {
		return k, envName, nil
	}
	return "", "", nil
}

// CheckBaseURL accepts an http(s) URL without credentials in it.
func CheckBaseURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL", raw)
	}
	if u.User != nil {
		return fmt.Errorf("the base URL must not carry credentials")
	}
	return nil
}
