package rules

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestStrictConfigAnswersMistakesWithPositionAndHint(t *testing.T) {
	registerTestComponents(t)
	for _, tc := range []struct {
		name, yaml string
		want       []string // substrings of the error, in order
	}{
		{"unknown top-level field with did-you-mean",
			"clustr:\n  kubernetesVersion: \"1.30\"\n",
			[]string{"line 1, column 1", `unknown field "clustr"`, `did you mean "cluster"?`}},
		{"unknown nested field",
			"targets:\n  zz:\n    namespace: [kube-system]\n",
			[]string{"line 3, column 5", `unknown field "targets.zz.namespace"`, `did you mean "namespaces"?`}},
		{"unknown component section",
			"mutations:\n  zzz:\n    inject: true\n",
			[]string{"line 2, column 3", `unknown field "mutations.zzz"`, `did you mean "zz"?`}},
		{"inline fields count as known, an unrelated name lists the known ones",
			"targets:\n  zz:\n    names: [zz]\n    bogus: 1\n",
			[]string{"line 4, column 5", "known fields here: names, namespaces, overrides"}},
		{"unquoted version is a float",
			"cluster:\n  kubernetesVersion: 1.30\n",
			[]string{"line 2, column 22", "1.30 is the number 1.3 in YAML", `quote it: kubernetesVersion: "1.30"`}},
		{"unquoted off is a YAML 1.1 boolean",
			"rules:\n  ZZ001: off\n",
			[]string{"line 2, column 10", "off is the boolean false", "severities are strings", `quote it: ZZ001: "off"`}},
		{"a number in a list of strings",
			"cluster:\n  serviceCIDRs: [10]\n",
			[]string{"cluster.serviceCIDRs[0]: 10 is a number"}},
		{"unknown rule ID located",
			"rules:\n  ZZ002: warn\n",
			[]string{"line 2, column 3", "rules.ZZ002: unknown rule ID (did you mean ZZ001?)"}},
		{"lower-case rule ID",
			"rules:\n  zz001: warn\n",
			[]string{"did you mean ZZ001?"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tc.yaml))
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("err %v (%T), want a *ConfigError", err, err)
			}
			msg := err.Error()
			at := 0
			for _, w := range tc.want {
				i := strings.Index(msg[at:], w)
				if i < 0 {
					t.Fatalf("error %q lacks %q (after offset %d)", msg, w, at)
				}
				at += i
			}
		})
	}
}

func TestStrictConfigAcceptsQuotedAndTypedValues(t *testing.T) {
	registerTestComponents(t)
	for _, y := range []string{
		"cluster:\n  kubernetesVersion: \"1.30\"\nrules:\n  ZZ001: \"off\"\n",
		"cluster:\n  kubernetesVersion: v1.30.2\nrules:\n  ZZ001: warn\n",
		"targets:\n  zzServices:\n    enabled: false\n",
		"cluster:\n  kubernetesVersion:\n",
		"",
	} {
		if _, err := ParseConfig([]byte(y)); err != nil {
			t.Errorf("%q: %v", y, err)
		}
	}
}

func TestLoadConfigPrefixesEveryProblemWithTheFile(t *testing.T) {
	f := filepath.Join(t.TempDir(), "netguard.yaml")
	if err := os.WriteFile(f, []byte("clustr: {}\nrules:\n  ZZ001: off\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := LoadConfig(f)
	if err == nil {
		t.Fatal("no error")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], f+":1:1: ") || !strings.HasPrefix(lines[1], f+":3:10: ") {
		t.Errorf("error:\n%s", err)
	}
}
