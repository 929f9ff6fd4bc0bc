package service

// Rule IDs of the Service checker. They are stable forever; the catalog in
// rules.go documents each one.
const (
	// dual-stack
	RuleSingleStack      = "SV001"
	RuleFamiliesPinned   = "SV002"
	RuleRequireDualStack = "SV003"
	// annotation keys
	RuleUnknownAnnotation = "SV010"
	RuleMissingInfix      = "SV011"
	RuleKeyCase           = "SV012"
	RuleLegacyConflict    = "SV013"
	RuleNotLoadBalancer   = "SV014"
	RuleOtherController   = "SV015"
	RuleLBTypeIgnored     = "SV016"
	RuleLBClassNearMiss   = "SV017"
	// annotation values
	RuleUnparsable        = "SV020"
	RuleOutOfRange        = "SV021"
	RuleValueCase         = "SV022"
	RuleUndocumentedValue = "SV023"
	RulePreserveOnDelete  = "SV024"
	RuleForceOverride     = "SV025"
	RuleFlagStaysOff      = "SV026"
	RuleMissingCompanion  = "SV027"
	RuleHealthCheckFlag   = "SV028"
	RuleXForwardedProto   = "SV029"
	RuleFieldIgnored      = "SV030"
	RuleLocalScheduler    = "SV031"
	RuleNLBZoneMaps       = "SV032"
	RuleNLBFewZones       = "SV033"
	RulePortEntry         = "SV034"
	RuleListMisread       = "SV035"
	RuleLiveCompare       = "SV036"
	RuleMaskedID          = "SV037"
	// updates
	RuleImmutableChanged = "SV040"
	RuleImmutableAdded   = "SV041"
	// mutation
	RulePreferDualStack = "SV101"
)
