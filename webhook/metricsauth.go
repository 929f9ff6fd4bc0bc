package webhook

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/apiserver/pkg/apis/apiserver"
	"k8s.io/apiserver/pkg/authentication/authenticator"
	"k8s.io/apiserver/pkg/authentication/authenticatorfactory"
	"k8s.io/apiserver/pkg/authorization/authorizer"
	"k8s.io/apiserver/pkg/authorization/authorizerfactory"
	authenticationv1 "k8s.io/client-go/kubernetes/typed/authentication/v1"
	authorizationv1 "k8s.io/client-go/kubernetes/typed/authorization/v1"
	"k8s.io/client-go/rest"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
)

// metricsAuthFilter authenticates scrapes with TokenReview and authorizes
// them with SubjectAccessReview (get on the path, e.g. /metrics), with the
// same delegating authenticator and authorizer (k8s.io/apiserver) and cache
// settings as controller-runtime's filters.WithAuthenticationAndAuthorization,
// but answering like kube-apiserver's own filters: a request that cannot be
// authenticated is 401, whatever the reason. controller-runtime's filter
// (v0.25.2) answers 500 when the authenticator returns an error, and the
// bearer-token authenticator returns one ("invalid bearer token") for every
// token the API server does not know, so a scraper with a wrong or expired
// token looked like a broken netguard instead of a wrong token.
func metricsAuthFilter(config *rest.Config, httpClient *http.Client) (metricsserver.Filter, error) {
	authn, err := authenticationv1.NewForConfigAndClient(config, httpClient)
	if err != nil {
		return nil, err
	}
	authz, err := authorizationv1.NewForConfigAndClient(config, httpClient)
	if err != nil {
		return nil, err
	}
	backoff := &wait.Backoff{Duration: 500 * time.Millisecond, Factor: 1.5, Jitter: 0.2, Steps: 5}
	authenticator, _, err := authenticatorfactory.DelegatingAuthenticatorConfig{
		Anonymous:                &apiserver.AnonymousAuthConfig{Enabled: false},
		CacheTTL:                 time.Minute,
		TokenAccessReviewClient:  authn,
		TokenAccessReviewTimeout: 10 * time.Second,
		WebhookRetryBackoff:      backoff,
	}.New()
	if err != nil {
		return nil, fmt.Errorf("metrics authenticator: %w", err)
	}
	authorizer, err := authorizerfactory.DelegatingAuthorizerConfig{
		SubjectAccessReviewClient: authz,
		AllowCacheTTL:             5 * time.Minute,
		DenyCacheTTL:              30 * time.Second,
		WebhookRetryBackoff:       backoff,
	}.New()
	if err != nil {
		return nil, fmt.Errorf("metrics authorizer: %w", err)
	}
	return func(log logr.Logger, next http.Handler) (http.Handler, error) {
		return authFilter(log, authenticator, authorizer, next), nil
	}, nil
}

// authFilter is the request path of metricsAuthFilter: 401 unless
// authenticated, 403 unless authorized, 500 only when authorization itself
// fails (the SubjectAccessReview could not be made), as kube-apiserver does.
func authFilter(log logr.Logger, authn authenticator.Request, authz authorizer.Authorizer, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		res, ok, err := authn.AuthenticateRequest(req)
		if err != nil || !ok {
			if err != nil {
				log.V(1).Info("metrics request not authenticated", "error", err.Error())
			}
			http.Error(w, "Unauthorized", http.StatusUnauthorized)
			return
		}
		attrs := authorizer.AttributesRecord{User: res.User, Verb: strings.ToLower(req.Method), Path: req.URL.Path}
		decision, reason, err := authz.Authorize(req.Context(), attrs)
		if err != nil {
			log.Error(err, "metrics request: authorization failed", "user", res.User.GetName())
			http.Error(w, "Authorization failed", http.StatusInternalServerError)
			return
		}
		if decision != authorizer.DecisionAllow {
			log.V(1).Info("metrics request forbidden", "user", res.User.GetName(), "reason", reason)
			http.Error(w, fmt.Sprintf("Forbidden: user %s may not %s %s", res.User.GetName(), attrs.Verb, attrs.Path), http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, req)
	})
}
