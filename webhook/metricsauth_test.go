package webhook

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-logr/logr"
	"k8s.io/apiserver/pkg/authentication/authenticator"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/apiserver/pkg/authorization/authorizer"
)

type fakeAuthn struct {
	ok  bool
	err error
}

func (f fakeAuthn) AuthenticateRequest(*http.Request) (*authenticator.Response, bool, error) {
	if !f.ok {
		return nil, false, f.err
	}
	return &authenticator.Response{User: &user.DefaultInfo{Name: "prometheus"}}, true, nil
}

type fakeAuthz struct {
	d   authorizer.Decision
	err error
}

func (f fakeAuthz) authorizer() authorizer.Authorizer {
	return authorizer.AuthorizerFunc(func(context.Context, authorizer.Attributes) (authorizer.Decision, string, error) {
		return f.d, "", f.err
	})
}

// TestMetricsAuthFilterAnswersLikeTheAPIServer: every authentication
// failure is 401 (an unknown token is an error from the bearer-token
// authenticator, and must not look like a broken netguard), a denial 403, a
// failed SubjectAccessReview 500; only an allowed request reaches metrics.
func TestMetricsAuthFilterAnswersLikeTheAPIServer(t *testing.T) {
	for name, c := range map[string]struct {
		authn fakeAuthn
		authz fakeAuthz
		want  int
	}{
		"no credentials":            {fakeAuthn{}, fakeAuthz{}, 401},
		"invalid bearer token":      {fakeAuthn{err: errors.New("invalid bearer token")}, fakeAuthz{}, 401},
		"TokenReview unavailable":   {fakeAuthn{err: errors.New("connection refused")}, fakeAuthz{}, 401},
		"forbidden":                 {fakeAuthn{ok: true}, fakeAuthz{d: authorizer.DecisionNoOpinion}, 403},
		"denied":                    {fakeAuthn{ok: true}, fakeAuthz{d: authorizer.DecisionDeny}, 403},
		"SubjectAccessReview fails": {fakeAuthn{ok: true}, fakeAuthz{err: errors.New("timeout")}, 500},
		"allowed":                   {fakeAuthn{ok: true}, fakeAuthz{d: authorizer.DecisionAllow}, 200},
	} {
		reached := false
		next := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { reached = true })
		rec := httptest.NewRecorder()
		authFilter(logr.Discard(), c.authn, c.authz.authorizer(), next).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
		if rec.Code != c.want || reached != (c.want == 200) {
			t.Errorf("%s: %d (metrics reached: %v), want %d", name, rec.Code, reached, c.want)
		}
	}
}
