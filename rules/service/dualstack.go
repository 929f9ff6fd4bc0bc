package service

import "github.com/netguard/netguard/rules"

// checkDualStack judges spec.ipFamilyPolicy and spec.ipFamilies.
func checkDualStack(req *rules.Request, r *rules.Report) {}
