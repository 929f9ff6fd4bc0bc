package corpus

import (
	"encoding/json"
	"regexp"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
)

var maxPerCoreValue = regexp.MustCompile(`maxPerCore: (\S+)`)

// decodeUpdate returns the maxPerCore of the new and the old config.conf
// of a generated review, and its UID.
func decodeUpdate(t *testing.T, body []byte) (newV, oldV, uid string) {
	t.Helper()
	var rev admissionv1.AdmissionReview
	if err := json.Unmarshal(body, &rev); err != nil {
		t.Fatalf("not an AdmissionReview: %v", err)
	}
	if rev.Request.Operation != admissionv1.Update || rev.Request.Kind.Kind != "ConfigMap" {
		t.Fatalf("got %s of %s, want an UPDATE of a ConfigMap", rev.Request.Operation, rev.Request.Kind.Kind)
	}
	value := func(raw []byte) string {
		var cm corev1.ConfigMap
		if err := json.Unmarshal(raw, &cm); err != nil {
			t.Fatal(err)
		}
		m := maxPerCoreValue.FindStringSubmatch(cm.Data["config.conf"])
		if m == nil {
			t.Fatalf("no maxPerCore in %q", cm.Data["config.conf"])
		}
		return m[1]
	}
	return value(rev.Request.Object.Raw), value(rev.Request.OldObject.Raw), string(rev.Request.UID)
}

func kubeProxyUpdates(t *testing.T, denyEvery int) *Updates {
	t.Helper()
	u, err := KubeProxyUpdates(ConfigMap("kube-system", "kube-proxy-worker", map[string]string{"config.conf": KubeProxyBase}), denyEvery)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestUpdatesNeverRepeatAConfigOrUID(t *testing.T) {
	u := kubeProxyUpdates(t, 4)
	seenConf, seenUID := map[string]int{}, map[string]int{}
	for i := range 400 {
		_, _, body := u.Next(i%7, i)
		newV, _, uid := decodeUpdate(t, body)
		if j, ok := seenConf[newV]; ok {
			t.Fatalf("requests %d and %d carry the same config.conf (maxPerCore %s)", j, i, newV)
		}
		if j, ok := seenUID[uid]; ok {
			t.Fatalf("requests %d and %d carry the same UID %s", j, i, uid)
		}
		seenConf[newV], seenUID[uid] = i, i
	}
	if u.Sent() != 400 {
		t.Errorf("Sent() = %d, want 400", u.Sent())
	}
}

func TestUpdatesOldObjectIsTheLastAdmittedEdit(t *testing.T) {
	for _, tc := range []struct {
		name      string
		denyEvery int
		denied    []int // of requests 0..7
	}{
		{"one in four denied", 4, []int{3, 7}},
		{"one in two denied", 2, []int{1, 3, 5, 7}},
		{"none denied", 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := kubeProxyUpdates(t, tc.denyEvery)
			newOf := map[int]string{-1: "65535"}
			isDenied := map[int]bool{}
			for _, d := range tc.denied {
				isDenied[d] = true
			}
			last := -1
			for i := range 8 {
				newV, oldV, _ := decodeUpdate(t, u.Body(i))
				if u.Denied(i) != isDenied[i] {
					t.Fatalf("request %d: Denied = %v, want %v", i, u.Denied(i), isDenied[i])
				}
				if oldV != newOf[last] {
					t.Errorf("request %d: old maxPerCore %s, want %s (the new one of request %d, the last admitted)", i, oldV, newOf[last], last)
				}
				// A denied edit carries a word where kube-proxy wants an integer.
				if _, isNum := parseInt(newV); isNum == isDenied[i] {
					t.Errorf("request %d: new maxPerCore %q, denied %v", i, newV, isDenied[i])
				}
				newOf[i] = newV
				if !isDenied[i] {
					last = i
				}
			}
		})
	}
}

func parseInt(s string) (int, bool) {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, s != ""
}

func TestKubeProxyUpdatesNeedsMaxPerCore(t *testing.T) {
	_, err := KubeProxyUpdates(ConfigMap("kube-system", "kube-proxy-worker", map[string]string{"config.conf": "mode: ipvs\n"}), 4)
	if err == nil {
		t.Fatal("no error for a config.conf without conntrack.maxPerCore")
	}
}
