package scoring

import (
	"bytes"
	"fmt"
	"net/url"
	"time"

	"go.yaml.in/yaml/v3"
)

// Attestation is a person's statement about a manual control.
type Attestation struct {
	Control  string `yaml:"control"`
	Status   string `yaml:"status"`
	Attester string `yaml:"attester"`
	Date     Date   `yaml:"date"`
	Expires  Date   `yaml:"expires"`
	Evidence string `yaml:"evidence"`
}

// Date is a calendar date written YYYY-MM-DD.
type Date struct{ time.Time }

// UnmarshalYAML reads YYYY-MM-DD.
func (d *Date) UnmarshalYAML(n *yaml.Node) error {
	t, err := time.Parse(time.DateOnly, n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %q is not a date (YYYY-MM-DD)", n.Line, n.Value)
	}
	d.Time = t
	return nil
}

func (d Date) String() string { return d.Format(time.DateOnly) }

// ExpiredAt reports whether the attestation no longer counts at time t: it
// expires at the end of its expiry day.
func (a Attestation) ExpiredAt(t time.Time) bool {
	return !t.IsZero() && !t.Before(a.Expires.AddDate(0, 0, 1))
}

// ParseAttestations reads and validates an attestations file. Every error
// names the entry (index and control) and what is wrong with it.
func ParseAttestations(name string, b []byte, cat *Catalog) ([]Attestation, error) {
	var doc struct {
		Attestations []Attestation `yaml:"attestations"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("attestations %s: %s", name, oneLine(err))
	}
	seen := map[string]bool{}
	for i, a := range doc.Attestations {
		where := fmt.Sprintf("attestations %s: entry %d (control %q)", name, i+1, a.Control)
		c, ok := cat.Control(a.Control)
		switch {
		case !ok:
			return nil, fmt.Errorf("%s: no such control (see aisight controls list)", where)
		case c.Mode != Manual:
			return nil, fmt.Errorf("%s: the control is automated; its result comes from scan evidence, not attestation", where)
		case a.Status != "pass" && a.Status != "fail" && a.Status != "not_applicable":
			return nil, fmt.Errorf("%s: status must be pass, fail or not_applicable, not %q", where, a.Status)
		case a.Attester == "":
			return nil, fmt.Errorf("%s: attester is required", where)
		case a.Date.IsZero() || a.Expires.IsZero():
			return nil, fmt.Errorf("%s: date and expires are required", where)
		case !a.Expires.After(a.Date.Time):
			return nil, fmt.Errorf("%s: expires (%s) must be after date (%s)", where, a.Expires, a.Date)
		case seen[a.Control]:
			return nil, fmt.Errorf("%s: the control is attested twice", where)
		}
		if a.Evidence != "" {
			if u, err := url.Parse(a.Evidence); err != nil || u.Scheme == "" {
				return nil, fmt.Errorf("%s: evidence must be a link (URL), got %q", where, a.Evidence)
			}
		}
		seen[a.Control] = true
	}
	return doc.Attestations, nil
}

// Current splits attestations into those valid at t and a line for each
// expired one, naming it, for the caller to show.
func Current(atts []Attestation, t time.Time) ([]Attestation, []string) {
	var ok []Attestation
	var rejected []string
	for i, a := range atts {
		if a.ExpiredAt(t) {
			rejected = append(rejected, fmt.Sprintf("attestation %d (control %s, by %s) expired on %s and is ignored", i+1, a.Control, a.Attester, a.Expires))
			continue
		}
		ok = append(ok, a)
	}
	return ok, rejected
}
