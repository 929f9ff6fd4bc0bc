package terway

// Rule IDs of the Terway checker. They are stable forever; the catalog in
// rules.go documents each one.
const (
	// eni_conf (terwayd's daemon config)
	RuleENIConfMissing     = "TW001"
	RuleENIConfSyntax      = "TW002"
	RuleDuplicateKey       = "TW003"
	RuleDuplicateSame      = "TW004"
	RuleFieldType          = "TW005"
	RuleUnknownField       = "TW006"
	RuleRemovedField       = "TW007"
	RuleWrongDocument      = "TW008"
	RuleTopLevelField      = "TW009"
	RuleTopLevelTypo       = "TW010"
	RuleTopLevelUnknown    = "TW011"
	RuleIPStack            = "TW012"
	RuleTooManySGs         = "TW013"
	RuleManySGs            = "TW014"
	RuleDuration           = "TW015"
	RuleJitterFactor       = "TW016"
	RuleIPv6PrefixCount    = "TW017"
	RuleFieldVersion       = "TW018"
	RuleNegativeCount      = "TW019"
	RulePoolSizeOrder      = "TW020"
	RuleEnumNearMiss       = "TW021"
	RuleEnumUnknown        = "TW022"
	RuleMaskedID           = "TW023"
	RuleIDShape            = "TW024"
	RuleZoneKey            = "TW025"
	RuleServiceCIDRDropped = "TW026"
	RuleServiceCIDRFamily  = "TW027"

	// Top-level data keys
	RuleDisablePolicy   = "TW030"
	RuleInClusterLB     = "TW031"
	RuleInClusterLBVeth = "TW032"

	// 10-terway.conf / 10-terway.conflist
	RuleCNIMissing    = "TW040"
	RuleCNIUnreadable = "TW041"
	RuleDatapath      = "TW042"
	RuleIPvlanVersion = "TW043"
	RuleCNIFieldType  = "TW044"
	RuleCNIIgnored    = "TW045"
	RuleHostStackCIDR = "TW046"
	RuleCNITypo       = "TW047"

	// Per-node overrides
	RuleOverrideKey       = "TW050"
	RuleOverrideNoENIConf = "TW051"
	RuleOverrideNoEffect  = "TW052"
	RuleOverrideSGReplace = "TW053"
	RuleOverrideUnused    = "TW054"
	RuleOverrideName      = "TW055"
	RuleIPPrefixChanged   = "TW056"

	// Secrets and restart advice
	RuleStaticAccessKey = "TW060"
	RuleRestart         = "TW090"
)
