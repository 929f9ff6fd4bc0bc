package kubeproxy

import (
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

type yamlNode = yaml.Node

const yamlScalar = yaml.ScalarNode

// yamlPos locates JSON paths ("ipvs.scheduler", "nodePortAddresses[1]",
// "featureGates.IPv6DualStack") in the first document of a YAML text. Lines
// and columns are 1-based and relative to the text (the config.conf value).
// When a key is repeated the last occurrence is used, as decoding keeps the
// last one. A text yaml.v3 cannot parse yields no positions.
type yamlPos struct {
	root *yaml.Node
}

func newYAMLPos(text string) *yamlPos {
	var doc yaml.Node
	dec := yaml.NewDecoder(strings.NewReader(text))
	if err := dec.Decode(&doc); err != nil {
		return &yamlPos{}
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	return &yamlPos{root: root}
}

// splitPath turns "a.b[2].c" into ["a","b","[2]","c"].
func splitPath(path string) []string {
	var out []string
	for _, part := range strings.Split(path, ".") {
		for {
			i := strings.IndexByte(part, '[')
			if i < 0 {
				break
			}
			if i > 0 {
				out = append(out, part[:i])
			}
			j := strings.IndexByte(part[i:], ']')
			if j < 0 {
				break
			}
			out = append(out, part[i:i+j+1])
			part = part[i+j+1:]
		}
		if part != "" {
			out = append(out, part)
		}
	}
	return out
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 16; i++ {
		n = n.Alias
	}
	return n
}

// find returns the key node (for mapping members) or the element node of
// path, and the value node.
func (p *yamlPos) find(path string) (key, val *yaml.Node) {
	if p == nil || p.root == nil {
		return nil, nil
	}
	cur := p.root
	for _, seg := range splitPath(path) {
		cur = resolveAlias(cur)
		if cur == nil {
			return nil, nil
		}
		if strings.HasPrefix(seg, "[") {
			i, err := strconv.Atoi(strings.Trim(seg, "[]"))
			if err != nil || cur.Kind != yaml.SequenceNode || i < 0 || i >= len(cur.Content) {
				return key, nil
			}
			key, cur = cur.Content[i], cur.Content[i]
			continue
		}
		if cur.Kind != yaml.MappingNode {
			return key, nil
		}
		var k, v *yaml.Node
		for i := 0; i+1 < len(cur.Content); i += 2 {
			if cur.Content[i].Value == seg {
				k, v = cur.Content[i], cur.Content[i+1]
			}
		}
		if k == nil {
			return key, nil
		}
		key, cur = k, v
	}
	return key, cur
}

// at returns the line and column of path: the key of a mapping member or
// the element of a list; 0, 0 when unknown. When only a parent exists, its
// position is returned.
func (p *yamlPos) at(path string) (line, col int) {
	k, _ := p.find(path)
	if k == nil {
		return 0, 0
	}
	return k.Line, k.Column
}

// valueAt returns the position of path's value (falling back to the key).
func (p *yamlPos) valueAt(path string) (line, col int) {
	k, v := p.find(path)
	if v != nil && v.Line > 0 {
		return v.Line, v.Column
	}
	if k != nil {
		return k.Line, k.Column
	}
	return 0, 0
}

// walkScalars calls fn for every scalar value node with its JSON path.
func (p *yamlPos) walkScalars(fn func(path string, n *yaml.Node)) {
	if p == nil || p.root == nil {
		return
	}
	var walk func(n *yaml.Node, path *field.Path, depth int)
	walk = func(n *yaml.Node, path *field.Path, depth int) {
		if n == nil || depth > 64 {
			return
		}
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				walk(n.Content[i+1], childPath(path, n.Content[i].Value), depth+1)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				walk(c, indexPath(path, i), depth+1)
			}
		case yaml.ScalarNode:
			fn(pathString(path), n)
		}
	}
	walk(p.root, nil, 0)
}

// childPath, indexPath and pathString build kube-proxy's JSON field paths
// ("ipvs.scheduler", "a[0].b") with apimachinery's field.Path. Keys are
// joined unquoted, as encoding/json names a field in UnmarshalTypeError
// and as the generated version tables key their fields; a nil path is the
// document root.
func childPath(p *field.Path, name string) *field.Path {
	if p == nil {
		return field.NewPath(name)
	}
	return p.Child(name)
}

func indexPath(p *field.Path, i int) *field.Path {
	if p == nil {
		return field.NewPath("").Index(i)
	}
	return p.Index(i)
}

func pathString(p *field.Path) string {
	if p == nil {
		return ""
	}
	return p.String()
}
