package replay

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// pick walks a dotted path ("examples.ListAccounts.0.output") into v.
func pick(v any, path []string) (any, error) {
	for _, p := range path {
		switch x := v.(type) {
		case map[string]any:
			next, ok := x[p]
			if !ok {
				return nil, fmt.Errorf("no %q", p)
			}
			v = next
		case []any:
			n, err := strconv.Atoi(p)
			if err != nil || n < 0 || n >= len(x) {
				return nil, fmt.Errorf("no item %q", p)
			}
			v = x[n]
		default:
			return nil, fmt.Errorf("cannot descend into %T at %q", v, p)
		}
	}
	return v, nil
}

// timestampLayouts are the forms botocore's examples write timestamps in:
// ISO 8601 basic ("20161215T193015Z", "20170228T1215Z") and RFC 3339.
var timestampLayouts = []string{"20060102T150405Z", "20060102T1504Z", time.RFC3339Nano}

// epochSeconds rewrites the members named in keys, anywhere in v, from a
// timestamp string to epoch seconds, as the AWS JSON protocols send
// timestamps. A named member that does not parse is an error.
func epochSeconds(v any, keys []string) (any, error) {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if s, ok := val.(string); ok && slices.Contains(keys, k) {
				t, err := parseTimestamp(s)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", k, err)
				}
				x[k] = float64(t.UnixMilli()) / 1000
				continue
			}
			nv, err := epochSeconds(val, keys)
			if err != nil {
				return nil, err
			}
			x[k] = nv
		}
	case []any:
		for i := range x {
			nv, err := epochSeconds(x[i], keys)
			if err != nil {
				return nil, err
			}
			x[i] = nv
		}
	}
	return v, nil
}

func parseTimestamp(s string) (time.Time, error) {
	for _, l := range timestampLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("timestamp %q in no known form", s)
}

// queryXML renders v as the AWS Query protocol's answer to action:
// <ActionResponse><ActionResult>members</ActionResult><ResponseMetadata/>,
// structures as elements, lists as <member> items (the non-flattened
// lists of STS and IAM), maps as <entry><key/><value/></entry>.
func queryXML(action string, v any) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "<%sResponse><%sResult>", action, action)
	if err := writeXML(&b, v); err != nil {
		return nil, fmt.Errorf("%s: %w", action, err)
	}
	fmt.Fprintf(&b, "</%sResult><ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata></%sResponse>", action, action)
	return b.Bytes(), nil
}

func writeXML(b *bytes.Buffer, v any) error {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if strings.ContainsAny(k, "<>&\"' ") {
				return fmt.Errorf("member name %q", k)
			}
			fmt.Fprintf(b, "<%s>", k)
			if err := writeXML(b, x[k]); err != nil {
				return err
			}
			fmt.Fprintf(b, "</%s>", k)
		}
	case []any:
		for _, item := range x {
			b.WriteString("<member>")
			if err := writeXML(b, item); err != nil {
				return err
			}
			b.WriteString("</member>")
		}
	case string:
		return xml.EscapeText(b, []byte(x))
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case float64:
		b.WriteString(strconv.FormatFloat(x, 'f', -1, 64))
	case nil:
	default:
		return fmt.Errorf("cannot render %T", v)
	}
	return nil
}
