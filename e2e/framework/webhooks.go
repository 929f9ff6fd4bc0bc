package framework

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/netguard/netguard/rules"
	_ "github.com/netguard/netguard/rules/all" // the registered components decide the targets
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// Names of the webhook configurations and webhooks. The API server prefixes
// netguard's audit annotations with the webhook name, e.g.
// "configmaps.validate.netguard.io/decision".
const (
	WebhookConfigurationName    = "netguard"
	ConfigMapsValidatingWebhook = "configmaps.validate.netguard.io"
	ServicesValidatingWebhook   = "services.validate.netguard.io"
	ConfigMapsMutatingWebhook   = "configmaps.mutate.netguard.io"
	ServicesMutatingWebhook     = "services.mutate.netguard.io"
)

// Failure policies: the defaults of the Helm chart (charts/netguard,
// values.yaml webhook.*), documented there and in e2e/README.md:
//
//   - ConfigMaps, validating: Ignore by default. The API server reaches
//     netguard through the network whose configuration netguard guards; with
//     Fail, a broken CNI or kube-proxy config can make netguard unreachable and
//     then the repairing edit is refused too. Fail is the strict mode, for
//     netguard on hostNetwork with 2+ replicas; the escape is deleting the
//     webhook configurations.
//   - ConfigMaps, mutating: always Ignore. The fixes are conveniences; the
//     validating hook judges the object either way.
//   - Services, both: Ignore. Every application deploys Services; an outage
//     of netguard must not block deployments.
//
// Either way the matchConditions keep every untargeted object away from
// netguard, so an outage never affects those.
const (
	DefaultConfigMapValidatingFailurePolicy = admissionregistrationv1.Ignore
	DefaultConfigMapMutatingFailurePolicy   = admissionregistrationv1.Ignore
	DefaultServiceFailurePolicy             = admissionregistrationv1.Ignore
	// DefaultTimeoutSeconds is longer than the chart's 3 s (validate) and
	// 2 s (mutate): the tests run on a small, often saturated machine.
	DefaultTimeoutSeconds = 5
)

// WebhookOptions configure RegisterWebhooks.
type WebhookOptions struct {
	// URL is netguard's base URL (https://127.0.0.1:PORT); the webhooks
	// call URL+"/validate" and URL+"/mutate".
	URL string
	// CABundle verifies netguard's serving certificate (PEM).
	CABundle []byte
	// Config supplies the targets (the same file netguard serves with);
	// default rules.DefaultConfig().
	Config *rules.Config
	// TimeoutSeconds per call (default 5: short, so a hung netguard fails
	// fast instead of holding kubectl for the API server's 10s default).
	TimeoutSeconds int32
	// Failure policies; the zero values mean the Default*FailurePolicy
	// constants.
	ConfigMapValidatingFailurePolicy, ConfigMapMutatingFailurePolicy, ServiceFailurePolicy admissionregistrationv1.FailurePolicyType
	// BypassGroups: requests by members of these groups never reach netguard
	// (a matchCondition). The e2e tests use it to seed pre-existing,
	// unjudged objects; a cluster may use it as break-glass.
	BypassGroups []string
	// WaitTimeout bounds the wait until the API server calls the webhooks
	// (default 30s). Zero waits the default; negative does not wait.
	WaitTimeout time.Duration
}

// RegisterWebhooks creates (or replaces) the MutatingWebhookConfiguration and
// ValidatingWebhookConfiguration "netguard" and waits until the API server
// calls netguard for the targeted ConfigMaps.
func RegisterWebhooks(ctx context.Context, c kubernetes.Interface, opts WebhookOptions) error {
	if opts.URL == "" || len(opts.CABundle) == 0 {
		return errors.New("WebhookOptions.URL and CABundle are required")
	}
	if opts.Config == nil {
		opts.Config = rules.DefaultConfig()
	}
	mwc, vwc, err := WebhookConfigurations(opts)
	if err != nil {
		return err
	}
	// Mutating first: once the validating one answers (the probe below),
	// the mutating one, created earlier, is in the API server's view too.
	if err := apply(ctx, c.AdmissionregistrationV1().MutatingWebhookConfigurations(), mwc); err != nil {
		return fmt.Errorf("registering the mutating webhooks: %w", err)
	}
	if err := apply(ctx, c.AdmissionregistrationV1().ValidatingWebhookConfigurations(), vwc); err != nil {
		return fmt.Errorf("registering the validating webhooks: %w", err)
	}
	if opts.WaitTimeout < 0 {
		return nil
	}
	if opts.WaitTimeout == 0 {
		opts.WaitTimeout = 30 * time.Second
	}
	return waitForWebhook(ctx, c, opts)
}

// UnregisterWebhooks deletes both webhook configurations (missing is fine).
func UnregisterWebhooks(ctx context.Context, c kubernetes.Interface) error {
	err1 := c.AdmissionregistrationV1().MutatingWebhookConfigurations().Delete(ctx, WebhookConfigurationName, metav1.DeleteOptions{})
	err2 := c.AdmissionregistrationV1().ValidatingWebhookConfigurations().Delete(ctx, WebhookConfigurationName, metav1.DeleteOptions{})
	var errs []error
	for _, err := range []error{err1, err2} {
		if err != nil && !apierrors.IsNotFound(err) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// WebhookConfigurations builds the two configurations (exported so the
// playground and docs can print them).
func WebhookConfigurations(opts WebhookOptions) (*admissionregistrationv1.MutatingWebhookConfiguration, *admissionregistrationv1.ValidatingWebhookConfiguration, error) {
	if opts.Config == nil {
		opts.Config = rules.DefaultConfig()
	}
	if opts.TimeoutSeconds == 0 {
		opts.TimeoutSeconds = DefaultTimeoutSeconds
	}
	if opts.ConfigMapValidatingFailurePolicy == "" {
		opts.ConfigMapValidatingFailurePolicy = DefaultConfigMapValidatingFailurePolicy
	}
	if opts.ConfigMapMutatingFailurePolicy == "" {
		opts.ConfigMapMutatingFailurePolicy = DefaultConfigMapMutatingFailurePolicy
	}
	if opts.ServiceFailurePolicy == "" {
		opts.ServiceFailurePolicy = DefaultServiceFailurePolicy
	}
	cmExpr, err := ConfigMapMatchExpression(opts.Config.Targets)
	if err != nil {
		return nil, nil, err
	}
	cmConds := []admissionregistrationv1.MatchCondition{{Name: "netguard-targets", Expression: cmExpr}}
	svcConds := []admissionregistrationv1.MatchCondition(nil)
	svcScopes := opts.Config.Scopes("Service")
	var ex []string
	for _, s := range svcScopes {
		ex = append(ex, s.ExcludeNamespaces...)
	}
	if len(ex) > 0 {
		svcConds = append(svcConds, admissionregistrationv1.MatchCondition{
			Name: "netguard-excluded-namespaces", Expression: "!(request.namespace in " + celList(ex) + ")",
		})
	}
	if len(opts.BypassGroups) > 0 {
		bypass := admissionregistrationv1.MatchCondition{
			Name:       "netguard-bypass-groups",
			Expression: "!request.userInfo.groups.exists(g, g in " + celList(opts.BypassGroups) + ")",
		}
		cmConds = append(cmConds, bypass)
		svcConds = append(svcConds, bypass)
	}
	services := len(svcScopes) > 0

	none := admissionregistrationv1.SideEffectClassNone
	ifNeeded := admissionregistrationv1.IfNeededReinvocationPolicy
	equivalent := admissionregistrationv1.Equivalent
	timeout := opts.TimeoutSeconds
	cmValidate, cmMutate, svcPolicy := opts.ConfigMapValidatingFailurePolicy, opts.ConfigMapMutatingFailurePolicy, opts.ServiceFailurePolicy
	url := func(path string) *string { s := strings.TrimSuffix(opts.URL, "/") + path; return &s }
	rule := func(resource string) []admissionregistrationv1.RuleWithOperations {
		scope := admissionregistrationv1.NamespacedScope
		return []admissionregistrationv1.RuleWithOperations{{
			Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update},
			Rule: admissionregistrationv1.Rule{
				APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{resource}, Scope: &scope,
			},
		}}
	}
	labels := map[string]string{"app.kubernetes.io/name": "netguard"}

	mwc := &admissionregistrationv1.MutatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: WebhookConfigurationName, Labels: labels},
		Webhooks: []admissionregistrationv1.MutatingWebhook{{
			Name:                    ConfigMapsMutatingWebhook,
			ClientConfig:            admissionregistrationv1.WebhookClientConfig{URL: url("/mutate"), CABundle: opts.CABundle},
			Rules:                   rule("configmaps"),
			MatchConditions:         cmConds,
			FailurePolicy:           &cmMutate,
			MatchPolicy:             &equivalent,
			SideEffects:             &none,
			TimeoutSeconds:          &timeout,
			AdmissionReviewVersions: []string{"v1"},
			ReinvocationPolicy:      &ifNeeded,
		}},
	}
	vwc := &admissionregistrationv1.ValidatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: WebhookConfigurationName, Labels: labels},
		Webhooks: []admissionregistrationv1.ValidatingWebhook{{
			Name:                    ConfigMapsValidatingWebhook,
			ClientConfig:            admissionregistrationv1.WebhookClientConfig{URL: url("/validate"), CABundle: opts.CABundle},
			Rules:                   rule("configmaps"),
			MatchConditions:         cmConds,
			FailurePolicy:           &cmValidate,
			MatchPolicy:             &equivalent,
			SideEffects:             &none,
			TimeoutSeconds:          &timeout,
			AdmissionReviewVersions: []string{"v1"},
		}},
	}
	if services {
		mwc.Webhooks = append(mwc.Webhooks, admissionregistrationv1.MutatingWebhook{
			Name:                    ServicesMutatingWebhook,
			ClientConfig:            admissionregistrationv1.WebhookClientConfig{URL: url("/mutate"), CABundle: opts.CABundle},
			Rules:                   rule("services"),
			MatchConditions:         svcConds,
			FailurePolicy:           &svcPolicy,
			MatchPolicy:             &equivalent,
			SideEffects:             &none,
			TimeoutSeconds:          &timeout,
			AdmissionReviewVersions: []string{"v1"},
			ReinvocationPolicy:      &ifNeeded,
		})
		vwc.Webhooks = append(vwc.Webhooks, admissionregistrationv1.ValidatingWebhook{
			Name:                    ServicesValidatingWebhook,
			ClientConfig:            admissionregistrationv1.WebhookClientConfig{URL: url("/validate"), CABundle: opts.CABundle},
			Rules:                   rule("services"),
			MatchConditions:         svcConds,
			FailurePolicy:           &svcPolicy,
			MatchPolicy:             &equivalent,
			SideEffects:             &none,
			TimeoutSeconds:          &timeout,
			AdmissionReviewVersions: []string{"v1"},
		})
	}
	return mwc, vwc, nil
}

// ConfigMapMatchExpression is the CEL matchCondition that lets exactly the
// targeted ConfigMaps (namespace + name or name pattern) reach netguard.
func ConfigMapMatchExpression(t rules.Targets) (string, error) {
	byNS := map[string][]string{}
	add := func(set rules.NameSet) {
		for _, ns := range set.Namespaces {
			for _, n := range set.Names {
				if !slices.Contains(byNS[ns], n) {
					byNS[ns] = append(byNS[ns], n)
				}
			}
		}
	}
	for _, s := range (&rules.Config{Targets: t}).Scopes("ConfigMap") {
		for _, role := range s.Names {
			add(rules.NameSet{Namespaces: s.Namespaces, Names: role.Names})
		}
	}
	if len(byNS) == 0 {
		return "false", nil
	}
	nss := make([]string, 0, len(byNS))
	for ns := range byNS {
		nss = append(nss, ns)
	}
	sort.Strings(nss)
	var alts []string
	for _, ns := range nss {
		var exact, preds []string
		for _, pat := range byNS[ns] {
			switch kind, arg, err := globToCEL(pat); {
			case err != nil:
				return "", fmt.Errorf("target name %q: %w", pat, err)
			case kind == "exact":
				exact = append(exact, arg)
			default:
				preds = append(preds, arg)
			}
		}
		if len(exact) > 0 {
			preds = append([]string{"request.name in " + celList(exact)}, preds...)
		}
		alts = append(alts, "(request.namespace == "+celString(ns)+" && ("+strings.Join(preds, " || ")+"))")
	}
	return strings.Join(alts, " || "), nil
}

// globToCEL turns a path.Match pattern into an exact name ("exact", name)
// or a CEL predicate on request.name ("pred", expr).
func globToCEL(pat string) (kind, arg string, err error) {
	if !strings.ContainsAny(pat, `*?[\`) {
		return "exact", pat, nil
	}
	if prefix, ok := strings.CutSuffix(pat, "*"); ok && !strings.ContainsAny(prefix, `*?[\`) {
		return "pred", "request.name.startsWith(" + celString(prefix) + ")", nil
	}
	var re strings.Builder
	re.WriteString("^")
	for i := 0; i < len(pat); i++ {
		switch c := pat[i]; c {
		case '*':
			re.WriteString("[^/]*")
		case '?':
			re.WriteString("[^/]")
		case '\\':
			if i+1 >= len(pat) {
				return "", "", errors.New("trailing backslash")
			}
			i++
			re.WriteString(regexp.QuoteMeta(pat[i : i+1]))
		case '[':
			j := strings.IndexByte(pat[i:], ']')
			if j < 0 {
				return "", "", errors.New("unterminated character class")
			}
			re.WriteString(pat[i : i+j+1])
			i += j
		default:
			re.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	re.WriteString("$")
	if _, err := regexp.Compile(re.String()); err != nil {
		return "", "", err
	}
	return "pred", "request.name.matches(" + celString(re.String()) + ")", nil
}

func celString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

func celList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = celString(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

type configurationClient[T any] interface {
	Get(ctx context.Context, name string, opts metav1.GetOptions) (T, error)
	Create(ctx context.Context, obj T, opts metav1.CreateOptions) (T, error)
	Update(ctx context.Context, obj T, opts metav1.UpdateOptions) (T, error)
}

type hasMeta interface {
	GetResourceVersion() string
	SetResourceVersion(string)
}

func apply[T hasMeta](ctx context.Context, c configurationClient[T], obj T) error {
	_, err := c.Create(ctx, obj, metav1.CreateOptions{})
	if !apierrors.IsAlreadyExists(err) {
		return err
	}
	cur, err := c.Get(ctx, WebhookConfigurationName, metav1.GetOptions{})
	if err != nil {
		return err
	}
	obj.SetResourceVersion(cur.GetResourceVersion())
	_, err = c.Update(ctx, obj, metav1.UpdateOptions{})
	return err
}

// waitForWebhook dry-run creates a targeted ConfigMap that no component
// could parse until the API server reports that netguard's validating
// webhook denied it: from then on the API server calls netguard.
func waitForWebhook(ctx context.Context, c kubernetes.Interface, opts WebhookOptions) error {
	probe := probeConfigMap(opts.Config.Targets)
	if probe == nil {
		return nil // nothing targeted
	}
	ctx, cancel := context.WithTimeout(ctx, opts.WaitTimeout)
	defer cancel()
	want := fmt.Sprintf("admission webhook %q denied the request", ConfigMapsValidatingWebhook)
	var last string
	for {
		_, err := c.CoreV1().ConfigMaps(probe.Namespace).Create(ctx, probe, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		switch {
		case err != nil && strings.Contains(err.Error(), want):
			return nil
		case err != nil:
			last = err.Error()
		default:
			last = "the probe was admitted"
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("the API server did not call netguard within %s (probe %s/%s: %s)", opts.WaitTimeout, probe.Namespace, probe.Name, last)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// probeConfigMap is an unparseable object for the first exact target of a
// ConfigMap component with a single role and declared data keys (Flannel,
// then kube-proxy with the built-in components; Terway's base/override
// pair is left alone), or nil.
func probeConfigMap(t rules.Targets) *corev1.ConfigMap {
	for _, s := range (&rules.Config{Targets: t}).Scopes("ConfigMap") {
		d, _ := rules.LookupComponent(s.Component)
		if len(s.Names) != 1 || len(d.DataKeys) == 0 {
			continue
		}
		data := map[string]string{}
		for _, k := range d.DataKeys {
			data[k.Key] = "{ netguard webhook readiness probe"
		}
		for _, ns := range s.Namespaces {
			for _, n := range s.Names[0].Names {
				if kind, _, err := globToCEL(n); err == nil && kind == "exact" {
					return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: n}, Data: data}
				}
			}
		}
	}
	return nil
}
