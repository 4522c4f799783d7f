package model

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
)

// Confidence says how a fact was established.
type Confidence string

// Confidence levels, strongest first.
const (
	// Observed: read directly from an authoritative API response or file content
	// (a logging configuration, a file's magic bytes, a lockfile entry).
	Observed Confidence = "observed"
	// Declared: an owner wrote it down (a label, a tag, an annotation, a manifest field).
	Declared Confidence = "declared"
	// Inferred: matched from a pattern or heuristic (an image name, a key shape).
	Inferred Confidence = "inferred"
)

// Fact is one typed key/value about an asset or a scope. Keys are dotted and
// documented in docs/facts.md. Value is one of bool, int64, float64, string or
// []string; a fact never holds a secret value.
type Fact struct {
	Key        string     `json:"key"`
	Value      any        `json:"value"`
	Source     string     `json:"source,omitempty"`
	Confidence Confidence `json:"confidence"`
}

// Bool makes a boolean fact.
func Bool(key string, v bool, c Confidence, source string) Fact {
	return Fact{Key: key, Value: v, Confidence: c, Source: source}
}

// Int makes an integer fact.
func Int(key string, v int64, c Confidence, source string) Fact {
	return Fact{Key: key, Value: v, Confidence: c, Source: source}
}

// String makes a string fact.
func String(key, v string, c Confidence, source string) Fact {
	return Fact{Key: key, Value: v, Confidence: c, Source: source}
}

// Strings makes a string-list fact. A nil list is stored as an empty list.
func Strings(key string, v []string, c Confidence, source string) Fact {
	if v == nil {
		v = []string{}
	}
	return Fact{Key: key, Value: v, Confidence: c, Source: source}
}

// UnmarshalJSON decodes a fact keeping integral numbers as int64 and lists as []string.
func (f *Fact) UnmarshalJSON(b []byte) error {
	var raw struct {
		Key        string          `json:"key"`
		Value      json.RawMessage `json:"value"`
		Source     string          `json:"source"`
		Confidence Confidence      `json:"confidence"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	v, err := decodeValue(raw.Value)
	if err != nil {
		return fmt.Errorf("fact %q: %w", raw.Key, err)
	}
	*f = Fact{Key: raw.Key, Value: v, Source: raw.Source, Confidence: raw.Confidence}
	return nil
}

func decodeValue(b json.RawMessage) (any, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return nil, nil
	}
	switch b[0] {
	case '[':
		var s []string
		if err := json.Unmarshal(b, &s); err != nil {
			return nil, fmt.Errorf("list values must be strings: %w", err)
		}
		if s == nil {
			s = []string{}
		}
		return s, nil
	case '"':
		var s string
		err := json.Unmarshal(b, &s)
		return s, err
	case 't', 'f':
		var v bool
		err := json.Unmarshal(b, &v)
		return v, err
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return nil, fmt.Errorf("unsupported value %s", b)
		}
		if i, err := n.Int64(); err == nil {
			return i, nil
		}
		fl, err := n.Float64()
		if err != nil || math.IsInf(fl, 0) {
			return nil, fmt.Errorf("bad number %s", b)
		}
		return fl, nil
	}
}
