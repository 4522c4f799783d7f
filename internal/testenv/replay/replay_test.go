package replay

import (
	"reflect"
	"strings"
	"testing"
)

func TestMatchPath(t *testing.T) {
	for _, c := range []struct {
		tmpl, path string
		ok         bool
	}{
		{"/subscriptions/{sub}/providers/X/accounts", "/subscriptions/abc/providers/x/ACCOUNTS", true},
		{"/subscriptions/{sub}/providers/X/accounts", "/subscriptions/abc/providers/X/accounts/a", false},
		{"/{resource...}/providers/Microsoft.Insights/diagnosticSettings", "/subscriptions/s/resourceGroups/r/providers/A/b/c/providers/Microsoft.Insights/diagnosticSettings", true},
		{"/{scope...}/providers/Microsoft.Authorization/roleDefinitions/{id}", "/providers/Microsoft.Authorization/roleDefinitions/abc", true},
		{"/{scope...}/providers/Microsoft.Authorization/roleDefinitions/{id}", "/providers/Microsoft.Authorization/roleDefinitions", false},
	} {
		if got := matchPath(split(c.tmpl), split(c.path)); got != c.ok {
			t.Errorf("%s ~ %s: %v, want %v", c.tmpl, c.path, got, c.ok)
		}
	}
}

func TestEdit(t *testing.T) {
	v := map[string]any{"value": []any{map[string]any{"kind": "Face", "id": "x"}}, "nextLink": "..."}
	var err error
	var got any = v
	for _, e := range []Edit{{At: "value.0.kind", Set: "OpenAI"}, {At: "nextLink", Delete: true}} {
		if got, err = edit(got, strings.Split(e.At, "."), e); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]any{"value": []any{map[string]any{"kind": "OpenAI", "id": "x"}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v", got)
	}
	if _, err := edit(got, []string{"value", "3", "kind"}, Edit{Set: "x"}); err == nil {
		t.Error("an edit out of range was applied")
	}
	if _, err := edit(got, []string{"missing"}, Edit{Delete: true}); err == nil {
		t.Error("deleting a missing key succeeded")
	}
}

func TestAWSWire(t *testing.T) {
	v := map[string]any{"Accounts": []any{map[string]any{"Id": "1", "JoinedTimestamp": "20161215T193015Z"}}, "When": "2016-12-01T22:19:58Z"}
	got, err := epochSeconds(v, []string{"JoinedTimestamp"})
	if err != nil {
		t.Fatal(err)
	}
	acct := got.(map[string]any)["Accounts"].([]any)[0].(map[string]any)
	if acct["JoinedTimestamp"] != float64(1481830215) || got.(map[string]any)["When"] != "2016-12-01T22:19:58Z" {
		t.Errorf("timestamps: %v", got)
	}
	if _, err := epochSeconds(map[string]any{"JoinedTimestamp": "yesterday"}, []string{"JoinedTimestamp"}); err == nil {
		t.Error("an unparsable timestamp was accepted")
	}
	x, err := queryXML("ListAccessKeys", map[string]any{"AccessKeyMetadata": []any{map[string]any{"UserName": "A&B", "Status": "Active"}}, "IsTruncated": false})
	if err != nil {
		t.Fatal(err)
	}
	want := "<ListAccessKeysResponse><ListAccessKeysResult><AccessKeyMetadata><member><Status>Active</Status><UserName>A&amp;B</UserName></member></AccessKeyMetadata><IsTruncated>false</IsTruncated></ListAccessKeysResult>"
	if !strings.HasPrefix(string(x), want) {
		t.Errorf("query XML:\n%s\nwant prefix\n%s", x, want)
	}
	if v, err := pick(map[string]any{"examples": map[string]any{"Op": []any{map[string]any{"output": "o"}}}}, strings.Split("examples.Op.0.output", ".")); err != nil || v != "o" {
		t.Errorf("pick: %v %v", v, err)
	}
}
