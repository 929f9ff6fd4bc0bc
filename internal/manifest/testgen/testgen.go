// Package testgen writes large, realistic manifest streams for lint's
// memory test and for measuring `netguard lint` on a 100 MB stream (the
// genstream command). The documents are the valid kube-proxy, Flannel and
// Terway ConfigMaps of examples/ (kube-proxy, kube-flannel-cfg,
// eni-config in kube-system), one third each, in rotation: every one is
// judged with the default configuration and none is denied.
package testgen

import (
	"bufio"
	"embed"
	"io"
	"io/fs"
	"sort"
)

//go:embed templates/*.yaml
var templates embed.FS

// Documents returns the templates in rotation order.
func Documents() [][]byte {
	names, _ := fs.Glob(templates, "templates/*.yaml")
	sort.Strings(names)
	out := make([][]byte, 0, len(names))
	for _, n := range names {
		b, _ := templates.ReadFile(n)
		out = append(out, b)
	}
	return out
}

// Write writes documents separated by "---" lines until at least size
// bytes are written (at least one document), or exactly docs documents
// when docs > 0. It returns the number of documents written.
func Write(w io.Writer, size int64, docs int) (int, error) {
	bw := bufio.NewWriterSize(w, 1<<16)
	tpl := Documents()
	var written int64
	n := 0
	for ; docs > 0 && n < docs || docs <= 0 && (n == 0 || written < size); n++ {
		d := tpl[n%len(tpl)]
		k, err := bw.WriteString("---\n")
		if err != nil {
			return n, err
		}
		m, err := bw.Write(d)
		if err != nil {
			return n, err
		}
		written += int64(k + m)
	}
	return n, bw.Flush()
}
