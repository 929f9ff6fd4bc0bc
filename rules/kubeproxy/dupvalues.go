package kubeproxy

import (
	"fmt"

	sigsyaml "sigs.k8s.io/yaml"

	yaml "go.yaml.in/yaml/v3"
)

// duplicateDiffers maps the line of every occurrence of a repeated mapping
// key to whether the occurrences disagree: true when some earlier value
// differs from the last one, which is the one kube-proxy keeps (its strict
// decode fails on the duplicate, the lenient sigs.k8s.io/yaml pass keeps the
// last; cmd/kube-proxy/app/options.go loadConfig, unchanged 1.26–1.37).
// Values are compared as kube-proxy sees them: each value node is converted
// with sigs.k8s.io/yaml (YAML 1.1 scalars), so `on` and `true` are equal.
// One walk over the document: linear in its size.
func (p *yamlPos) duplicateDiffers() map[int]bool {
	out := map[int]bool{}
	if p == nil || p.root == nil {
		return out
	}
	// Scalars repeat (the same value pasted many times): convert each
	// distinct scalar once.
	memo := map[string]string{}
	conv := func(n *yaml.Node) string {
		if n.Kind != yaml.ScalarNode {
			return asJSON(n)
		}
		k := fmt.Sprintf("%d\x00%s\x00%s", n.Style, n.Tag, n.Value)
		if v, ok := memo[k]; ok {
			return v
		}
		v := asJSON(n)
		memo[k] = v
		return v
	}
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		if n == nil || depth > 64 {
			return
		}
		if n.Kind == yaml.MappingNode {
			var groups map[string][]int
			first := make(map[string]int, len(n.Content)/2)
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i].Value
				if j, dup := first[k]; dup {
					if groups == nil {
						groups = map[string][]int{}
					}
					if groups[k] == nil {
						groups[k] = []int{j}
					}
					groups[k] = append(groups[k], i)
					continue
				}
				first[k] = i
			}
			for _, idx := range groups {
				last := conv(n.Content[idx[len(idx)-1]+1])
				differs := false
				for _, i := range idx[:len(idx)-1] {
					differs = differs || conv(n.Content[i+1]) != last
				}
				for _, i := range idx {
					// go-yaml v2 reports a repeated section at the line
					// where its value starts: index both lines; a clash
					// keeps "differs" (the safe answer).
					for _, l := range []int{n.Content[i].Line, n.Content[i+1].Line} {
						out[l] = out[l] || differs
					}
				}
			}
		}
		for _, c := range n.Content {
			walk(c, depth+1)
		}
	}
	walk(p.root, 0)
	return out
}

// asJSON renders a value node the way kube-proxy's decoder sees it; a node
// that cannot be converted renders as its own text position, so it never
// compares equal to another.
func asJSON(n *yaml.Node) string {
	b, err := yaml.Marshal(n)
	if err == nil {
		if j, err := sigsyaml.YAMLToJSON(b); err == nil {
			return string(j)
		}
	}
	return "\x00" + string(rune(n.Line)) + string(rune(n.Column))
}
