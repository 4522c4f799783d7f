package output

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/aisight/aisight/model"
)

func factString(a *model.Asset, key string) string {
	if f, ok := a.Fact(key); ok {
		if s, ok := f.Value.(string); ok {
			return s
		}
	}
	return ""
}

// factBool is a bool fact and whether it is known.
func factBool(a *model.Asset, key string) (bool, bool) {
	if f, ok := a.Fact(key); ok {
		b, ok := f.Value.(bool)
		return b, ok
	}
	return false, false
}

// valueString renders a fact value for a property or a table cell.
func valueString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []string:
		return strings.Join(x, ",")
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = fmt.Sprint(e)
		}
		return strings.Join(parts, ",")
	case nil:
		return ""
	}
	if b, err := json.Marshal(v); err == nil {
		return string(b)
	}
	return fmt.Sprint(v)
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// location renders an asset's file location as path:line.
func location(a *model.Asset) string {
	if a.Location == nil {
		return ""
	}
	if a.Location.Line > 0 {
		return fmt.Sprintf("%s:%d", a.Location.Path, a.Location.Line)
	}
	return a.Location.Path
}
