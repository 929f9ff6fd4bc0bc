package kubeproxy

import "strings"

func cutPrefix(s, prefix string) (string, bool) { return strings.CutPrefix(s, prefix) }

func containsAny(s, chars string) bool { return strings.ContainsAny(s, chars) }
