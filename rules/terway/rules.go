package terway

import "github.com/netguard/netguard/rules"

func init() {
	rules.Register(
		rules.Rule{
			ID: "TW001", Title: "eni_conf must be present and a JSON object", Severity: rules.Deny, Component: rules.Terway,
			Rationale: "terway-init and terwayd read /etc/eni/eni_conf (the eni_conf key) at start; a missing, empty or non-object value makes them exit, so every Terway pod crash-loops.",
			Good:      `eni_conf: '{"version": "1", "max_pool_size": 5}'`,
			Bad:       `eni_conf: ""`,
		},
	)
}
