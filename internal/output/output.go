// Package output is the one place the commands print results: the -o
// formats of lint and scan (text, json, sarif, junit) and of audit-log
// (table, json), the JSON encoding they share, and the coloured severity of
// the text layouts.
//
// The machine formats of lint and scan are the ones CI systems read: SARIF
// 2.1.0 (GitHub code scanning, many IDEs) and JUnit XML (GitLab's test
// reports, Jenkins). A run that failed still produces a valid document that
// carries its errors, so a CI step uploading the report never uploads an
// empty or broken file.
package output

import (
	"encoding/json"
	"io"
	"os"

	"github.com/netguard/netguard/rules"
	"golang.org/x/term"
)

// Format is one -o value: its name and how it writes a T.
type Format[T any] struct {
	Name  string
	Write func(io.Writer, T) error
}

// Formats are the -o values of a command, in the order its help lists them;
// the first is the default.
type Formats[T any] []Format[T]

// Names returns the format names in order (the flag's allowed values).
func (fs Formats[T]) Names() []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Name
	}
	return out
}

// Write writes v in the named format; an unknown name writes with the
// default (the flag refuses unknown names before this is reached).
func (fs Formats[T]) Write(name string, w io.Writer, v T) error {
	for _, f := range fs {
		if f.Name == name {
			return f.Write(w, v)
		}
	}
	return fs[0].Write(w, v)
}

// JSON writes v as indented JSON without HTML escaping (a message with
// "<" or "&" stays readable), the -o json of every command.
func JSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// ColorEnabled: colour only on a terminal, never in a pipe or a file, and
// never when NO_COLOR is set (https://no-color.org) or TERM is dumb.
func ColorEnabled(w io.Writer) bool {
	if os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// PaintSeverity returns the severity word, in ANSI colour when color is set.
func PaintSeverity(s rules.Severity, color bool) string {
	if !color {
		return string(s)
	}
	code := ""
	switch s {
	case rules.Deny:
		code = "1;31"
	case rules.Warn:
		code = "33"
	case rules.Info:
		code = "36"
	default:
		return string(s)
	}
	return "\x1b[" + code + "m" + string(s) + "\x1b[0m"
}
