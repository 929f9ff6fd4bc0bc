package framework

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
)

// AuditEvent is the part of an audit.k8s.io/v1 Event the tests look at.
type AuditEvent struct {
	Level      string `json:"level"`
	AuditID    string `json:"auditID"`
	Stage      string `json:"stage"`
	RequestURI string `json:"requestURI"`
	Verb       string `json:"verb"`
	User       struct {
		Username string   `json:"username"`
		Groups   []string `json:"groups"`
	} `json:"user"`
	ObjectRef *struct {
		Resource        string `json:"resource"`
		Namespace       string `json:"namespace"`
		Name            string `json:"name"`
		ResourceVersion string `json:"resourceVersion"`
	} `json:"objectRef"`
	ResponseStatus *struct {
		Code    int    `json:"code"`
		Status  string `json:"status"`
		Reason  string `json:"reason"`
		Message string `json:"message"`
	} `json:"responseStatus"`
	RequestObject  json.RawMessage   `json:"requestObject"`
	ResponseObject json.RawMessage   `json:"responseObject"`
	Annotations    map[string]string `json:"annotations"`
}

// ReadAuditLog parses a JSON-lines audit log.
func ReadAuditLog(path string) ([]AuditEvent, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var events []AuditEvent
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	for line := 1; sc.Scan(); line++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var e AuditEvent
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		events = append(events, e)
	}
	return events, sc.Err()
}

// LastConfigMapEvent returns the last ResponseComplete event of a ConfigMap
// request (verb, namespace, name) in the audit log at path, or an error
// naming what is missing.
func LastConfigMapEvent(path, verb, ns, name string) (AuditEvent, error) {
	events, err := ReadAuditLog(path)
	if err != nil {
		return AuditEvent{}, err
	}
	for i := len(events) - 1; i >= 0; i-- {
		e := events[i]
		if e.Stage == "ResponseComplete" && e.Verb == verb && e.ObjectRef != nil && e.ObjectRef.Resource == "configmaps" &&
			e.ObjectRef.Namespace == ns && e.ObjectRef.Name == name {
			return e, nil
		}
	}
	return AuditEvent{}, fmt.Errorf("no %s of configmap %s/%s in the audit log", verb, ns, name)
}
