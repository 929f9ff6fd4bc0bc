package output

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/netguard/netguard/internal/lint"
	"github.com/netguard/netguard/rules"
)

// The SARIF 2.1.0 objects netguard writes (a small subset of the format;
// field names and meanings as in the OASIS specification).
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool        sarifTool         `json:"tool"`
		Invocations []sarifInvocation `json:"invocations"`
		Results     []sarifResult     `json:"results"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		Version        string      `json:"version,omitempty"`
		InformationURI string      `json:"informationUri"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string         `json:"id"`
		Name                 string         `json:"name"`
		ShortDescription     sarifText      `json:"shortDescription"`
		FullDescription      sarifText      `json:"fullDescription"`
		Help                 sarifHelp      `json:"help"`
		HelpURI              string         `json:"helpUri"`
		DefaultConfiguration sarifRuleConf  `json:"defaultConfiguration"`
		Properties           map[string]any `json:"properties"`
	}
	sarifText struct {
		Text string `json:"text"`
	}
	sarifHelp struct {
		Text     string `json:"text"`
		Markdown string `json:"markdown"`
	}
	sarifRuleConf struct {
		Enabled bool   `json:"enabled"`
		Level   string `json:"level"`
	}
	sarifInvocation struct {
		ExecutionSuccessful        bool                `json:"executionSuccessful"`
		ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
	}
	sarifNotification struct {
		Level     string          `json:"level"`
		Message   sarifText       `json:"message"`
		Locations []sarifLocation `json:"locations,omitempty"`
	}
	sarifResult struct {
		RuleID           string          `json:"ruleId"`
		RuleIndex        int             `json:"ruleIndex"`
		Level            string          `json:"level"`
		Message          sarifText       `json:"message"`
		Locations        []sarifLocation `json:"locations"`
		RelatedLocations []sarifLocation `json:"relatedLocations,omitempty"`
		Properties       map[string]any  `json:"properties,omitempty"`
	}
	sarifLocation struct {
		ID               *int                   `json:"id,omitempty"`
		PhysicalLocation *sarifPhysicalLocation `json:"physicalLocation,omitempty"`
		LogicalLocations []sarifLogicalLocation `json:"logicalLocations,omitempty"`
		Message          *sarifText             `json:"message,omitempty"`
	}
	sarifPhysicalLocation struct {
		ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
		Region           *sarifRegion          `json:"region,omitempty"`
	}
	sarifArtifactLocation struct {
		URI       string `json:"uri"`
		URIBaseID string `json:"uriBaseId,omitempty"`
	}
	sarifRegion struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn,omitempty"`
	}
	sarifLogicalLocation struct {
		FullyQualifiedName string `json:"fullyQualifiedName"`
		Kind               string `json:"kind,omitempty"`
	}
)

// SARIFSchemaURI is the $schema written into every log: the $id of the
// published SARIF 2.1.0 schema.
const SARIFSchemaURI = "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json"

// sarifLevel maps netguard's severities to SARIF result levels.
func sarifLevel(s rules.Severity) string {
	switch s {
	case rules.Deny:
		return "error"
	case rules.Warn:
		return "warning"
	}
	return "note"
}

// WriteSARIF writes the run as one SARIF 2.1.0 log with one run.
func WriteSARIF(w io.Writer, r Run) error {
	docs := r.DocsURL
	if docs == "" {
		docs = DefaultDocsURL
	}
	driver := sarifDriver{Name: "netguard", Version: r.Version, InformationURI: "https://github.com/netguard/netguard", Rules: []sarifRule{}}
	index := map[string]int{}
	for _, rule := range r.Rules {
		index[rule.ID] = len(driver.Rules)
		driver.Rules = append(driver.Rules, sarifRuleOf(rule, docs))
	}
	run := sarifRun{Tool: sarifTool{Driver: driver}, Results: []sarifResult{}}
	inv := sarifInvocation{ExecutionSuccessful: len(r.Errors) == 0}
	for _, err := range r.Errors {
		n := sarifNotification{Level: "error", Message: sarifText{err.Error()}}
		if file, line, col := errorPosition(err); file != "" {
			n.Locations = []sarifLocation{{PhysicalLocation: physical(file, line, col)}}
		}
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, n)
	}
	run.Invocations = []sarifInvocation{inv}
	for _, f := range r.Findings {
		i, ok := index[f.Rule]
		if !ok {
			// A finding of a rule outside the catalog cannot point into
			// tool.driver.rules; keep the finding, drop the index.
			i = -1
		}
		res := sarifResult{RuleID: f.Rule, RuleIndex: i, Level: sarifLevel(f.Severity), Message: sarifText{message(f)}}
		loc := sarifLocation{
			PhysicalLocation: physical(f.File, f.Line, f.Column),
			LogicalLocations: []sarifLogicalLocation{{FullyQualifiedName: f.Kind + " " + f.Object, Kind: "object"}},
		}
		res.Locations = []sarifLocation{loc}
		if f.DocLine > 0 {
			id := 1
			name := f.Key
			if f.Path != "" && f.Path != f.Key {
				name += " (" + f.Path + ")"
			}
			res.RelatedLocations = []sarifLocation{{
				ID:               &id,
				PhysicalLocation: physical(f.File, f.Line, f.Column),
				LogicalLocations: []sarifLogicalLocation{{FullyQualifiedName: f.Object + "[" + f.Key + "]", Kind: "member"}},
				Message:          &sarifText{fmt.Sprintf("line %d, column %d of the embedded document %s", f.DocLine, f.DocColumn, name)},
			}}
		}
		res.Properties = map[string]any{"severity": string(f.Severity), "object": f.Object, "kind": f.Kind}
		if f.Key != "" {
			res.Properties["key"] = f.Key
		}
		if f.Path != "" {
			res.Properties["path"] = f.Path
		}
		run.Results = append(run.Results, res)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(sarifLog{Schema: SARIFSchemaURI, Version: "2.1.0", Runs: []sarifRun{run}})
}

func sarifRuleOf(r rules.Rule, docs string) sarifRule {
	help := r.Rationale
	md := r.Rationale
	if r.Good != "" {
		help += "\n\nGood:\n" + r.Good
		md += "\n\nGood:\n\n```yaml\n" + r.Good + "\n```"
	}
	if r.Bad != "" {
		help += "\n\nBad:\n" + r.Bad
		md += "\n\nBad:\n\n```yaml\n" + r.Bad + "\n```"
	}
	tags := []string{"netguard"}
	if c := string(r.Component); c != "" && c != "netguard" {
		tags = append(tags, c) // SARIF tags are unique
	}
	full := r.Rationale
	if full == "" {
		full = r.Title
	}
	return sarifRule{
		ID: r.ID, Name: r.ID,
		ShortDescription:     sarifText{r.Title},
		FullDescription:      sarifText{full},
		Help:                 sarifHelp{Text: help, Markdown: md},
		HelpURI:              docs + "#" + strings.ToLower(r.ID),
		DefaultConfiguration: sarifRuleConf{Enabled: true, Level: sarifLevel(r.Severity)},
		Properties:           map[string]any{"component": string(r.Component), "severity": string(r.Severity), "tags": tags},
	}
}

// message is the result text: the finding, the object and key it is about,
// and the hint.
func message(f lint.Finding) string {
	m := f.Kind + " " + f.Object
	if f.Key != "" {
		m += " " + f.Key
	}
	if f.Path != "" && f.Path != f.Key {
		m += " (" + f.Path + ")"
	}
	m += ": " + f.Message
	if f.Hint != "" {
		m += "\nhint: " + f.Hint
	}
	return m
}

// physical returns a physical location. Relative paths are relative to the
// source root (%SRCROOT%, the checkout in GitHub code scanning); scan's
// "namespace/kind/name[key]" locations are escaped into URI references.
func physical(file string, line, col int) *sarifPhysicalLocation {
	p := &sarifPhysicalLocation{}
	switch {
	case file == "-" || file == "":
		p.ArtifactLocation = sarifArtifactLocation{URI: "stdin"}
	case filepath.IsAbs(file):
		p.ArtifactLocation = sarifArtifactLocation{URI: (&url.URL{Scheme: "file", Path: filepath.ToSlash(file)}).String()}
	default:
		p.ArtifactLocation = sarifArtifactLocation{URI: (&url.URL{Path: filepath.ToSlash(file)}).String(), URIBaseID: "%SRCROOT%"}
	}
	if line > 0 {
		p.Region = &sarifRegion{StartLine: line}
		if col > 0 {
			p.Region.StartColumn = col
		}
	}
	return p
}
