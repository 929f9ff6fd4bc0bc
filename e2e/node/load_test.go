//go:build node && linux

package node

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netguard/netguard/e2e/framework"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// loadConfigMap is the targeted ConfigMap the load updates: every update
// goes through both of netguard's ConfigMap hooks.
const loadConfigMap = "kube-proxy-master"

// load is a steady stream of ConfigMap updates (one every interval) until
// stopped; it counts the updates and keeps every client error.
type load struct {
	cancel  context.CancelFunc
	done    chan struct{}
	mu      sync.Mutex
	updates int
	errs    []string
	start   time.Time
	// auditFrom: events of the audit log before the load started.
	auditFrom int
}

const loadInterval = 200 * time.Millisecond

// startLoad creates the ConfigMap (a valid kube-proxy configuration) and
// updates it in a loop, bounded by max.
func startLoad(t *testing.T, max time.Duration) *load {
	t.Helper()
	cms := env.c.Client.CoreV1().ConfigMaps("kube-system")
	_ = cms.Delete(t.Context(), loadConfigMap, metav1.DeleteOptions{})
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: loadConfigMap, Namespace: "kube-system"},
		Data: map[string]string{"config.conf": kubeProxyConf(0)}}
	if _, err := cms.Create(t.Context(), cm, metav1.CreateOptions{}); err != nil {
		t.Fatalf("creating %s: %v", loadConfigMap, err)
	}
	events, err := framework.ReadAuditLog(env.c.AuditLogPath)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), max)
	l := &load{cancel: cancel, done: make(chan struct{}), start: time.Now(), auditFrom: len(events)}
	go l.run(ctx)
	return l
}

func kubeProxyConf(n int) string {
	return fmt.Sprintf("apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: iptables\nclusterCIDR: 10.244.0.0/16\n# update %d\n", n)
}

func (l *load) run(ctx context.Context) {
	defer close(l.done)
	cms := env.c.Client.CoreV1().ConfigMaps("kube-system")
	tick := time.NewTicker(loadInterval)
	defer tick.Stop()
	for n := 1; ; n++ {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		cm, err := cms.Get(ctx, loadConfigMap, metav1.GetOptions{})
		if err == nil {
			cm.Data["config.conf"] = kubeProxyConf(n)
			_, err = cms.Update(ctx, cm, metav1.UpdateOptions{})
		}
		l.mu.Lock()
		if err != nil && ctx.Err() == nil {
			l.errs = append(l.errs, fmt.Sprintf("%s update %d: %v", time.Since(l.start).Round(time.Millisecond), n, err))
		} else if err == nil {
			l.updates++
		}
		l.mu.Unlock()
	}
}

// stop ends the stream and returns the number of updates and the errors.
func (l *load) stop() (int, []string) {
	l.cancel()
	<-l.done
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.updates, l.errs
}

// webhookMetrics are the API server's counters for netguard's hooks.
type webhookMetrics struct{ failOpen, rejected float64 }

// apiserverWebhookMetrics sums apiserver_admission_webhook_fail_open_count
// and apiserver_admission_webhook_rejection_count (except netguard's own
// verdicts) over netguard's hooks.
func apiserverWebhookMetrics(t *testing.T) webhookMetrics {
	t.Helper()
	raw, err := env.c.Client.CoreV1().RESTClient().Get().AbsPath("/metrics").DoRaw(t.Context())
	if err != nil {
		t.Fatalf("reading the API server's metrics: %v", err)
	}
	var m webhookMetrics
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.Contains(line, `netguard.io"`) {
			continue
		}
		f := strings.Fields(line)
		v, err := strconv.ParseFloat(f[len(f)-1], 64)
		if err != nil {
			continue
		}
		switch {
		case strings.HasPrefix(line, "apiserver_admission_webhook_fail_open_count{"):
			m.failOpen += v
		case strings.HasPrefix(line, "apiserver_admission_webhook_rejection_count{") && !strings.Contains(line, `error_type="no_error"`):
			// no_error: netguard's own denials (the probes'); the others
			// are calls that failed (unreachable, timeout, TLS).
			m.rejected += v
		}
	}
	return m
}

// checkNoDroppedReviews: no client error, no fail-open or rejection by the
// API server for netguard's hooks since before, and every update of the
// load ConfigMap in the audit log since from carries netguard's validating
// decision and no failed-open annotation.
func checkNoDroppedReviews(t *testing.T, before webhookMetrics, l *load) {
	t.Helper()
	updates, errs := l.stop()
	if len(errs) > 0 {
		t.Errorf("%d of %d updates failed at the client:\n%s", len(errs), updates+len(errs), strings.Join(errs, "\n"))
	}
	after := apiserverWebhookMetrics(t)
	if d := after.failOpen - before.failOpen; d != 0 {
		t.Errorf("apiserver_admission_webhook_fail_open_count for netguard rose by %v", d)
	}
	if d := after.rejected - before.rejected; d != 0 {
		t.Errorf("apiserver_admission_webhook_rejection_count for netguard rose by %v", d)
	}
	events, err := framework.ReadAuditLog(env.c.AuditLogPath)
	if err != nil {
		t.Fatal(err)
	}
	judged, unjudged := 0, 0
	for _, e := range events[min(l.auditFrom, len(events)):] {
		if e.Stage != "ResponseComplete" || e.Verb != "update" || e.ObjectRef == nil || e.ObjectRef.Name != loadConfigMap {
			continue
		}
		if e.ResponseStatus != nil && strings.Contains(e.ResponseStatus.Message, "context canceled") {
			continue // the request stop() cancelled
		}
		if e.ResponseStatus != nil && e.ResponseStatus.Code != 200 {
			t.Errorf("audit: update %s answered %d: %s", e.AuditID, e.ResponseStatus.Code, e.ResponseStatus.Message)
		}
		for k := range e.Annotations {
			if strings.HasPrefix(k, "failed-open") {
				t.Errorf("audit: update %s failed open: %v", e.AuditID, e.Annotations)
			}
		}
		if e.Annotations[framework.ConfigMapsValidatingWebhook+"/decision"] == "" {
			unjudged++
		} else {
			judged++
		}
	}
	t.Logf("load: %d updates (%d judged by netguard in the audit log, %d not), %d client errors", updates, judged, unjudged, len(errs))
	if judged < updates || unjudged > 0 {
		t.Errorf("%d updates judged by netguard, %d without its decision; want all %d", judged, unjudged, updates)
	}
}
