package rules

import (
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

func TestChildPathQuotesAmbiguousKeys(t *testing.T) {
	var root *field.Path
	for _, c := range []struct {
		p    *field.Path
		want string
	}{
		{nil, ""},
		{Child(root, "delegate"), "delegate"},
		{Child(Child(root, "delegate"), "hairpinMode"), "delegate.hairpinMode"},
		{Child(field.NewPath("data"), "cni-conf.json"), `data["cni-conf.json"]`},
		{Child(root, "a.b"), `["a.b"]`},
		{Child(Child(root, "a.b"), "c"), `["a.b"].c`},
		{Child(root, ""), `[""]`},
		{Child(root, "plugins").Index(2), "plugins[2]"},
		{root.Index(0), "[0]"},
		{Child(root.Index(1), "type"), "[1].type"},
	} {
		if got := PathString(c.p); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
}

func TestKeyStringIsRootPathString(t *testing.T) {
	for _, k := range []string{"a", "max_pool_size", "", "a.b", "a b", `a"b`, "x[0]", "10-terway.conf", "ключ"} {
		if got, want := KeyString(k), PathString(Root(k)); got != want {
			t.Errorf("KeyString(%q) = %q, PathString(Root) = %q", k, got, want)
		}
	}
}
