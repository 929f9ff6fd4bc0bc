package lint

import (
	"bytes"
	"io"
	"os"

	"github.com/netguard/netguard/internal/manifest"
)

// source is one input of a streamed run. It can be opened more than once:
// once to judge it, and again when a rule asks for a related ConfigMap
// (related.go reads every input then).
type source struct {
	name string
	open func() (manifest.Input, error)
}

// section serves a spooled or buffered stdin: every open reads it from
// the start.
type section struct{ *io.SectionReader }

func (section) Close() error { return nil }

// sources turns the file names into inputs. Stdin cannot be read twice, so
// the first "-" is copied to a temporary file (a later "-" is empty, as
// with ReadFile in a loop). The file is unlinked as soon as it is open:
// on Unix it disappears whatever happens to the process (error, signal,
// kill), and its pages live in the page cache, not in lint's memory. Where
// an open file cannot be removed (Windows) it is removed by the returned
// cleanup. An unreadable stdin is an input whose open fails, reported in
// its place like an unreadable file. Without a usable temporary directory stdin is kept in memory
// (correct, only not bounded).
func sources(names []string, stdin io.Reader) ([]source, func()) {
	out := make([]source, len(names))
	cleanup := func() {}
	stdinRead := false
	for i, name := range names {
		out[i] = source{name: name, open: func() (manifest.Input, error) { return manifest.Open(name) }}
		if name != "-" {
			continue
		}
		if stdinRead {
			out[i].open = func() (manifest.Input, error) { return section{io.NewSectionReader(bytes.NewReader(nil), 0, 0)}, nil }
			continue
		}
		stdinRead = true
		if stdin == nil {
			stdin = os.Stdin
		}
		r, done, err := spool(stdin)
		if err != nil {
			err = manifest.PathError(name, err)
			out[i].open = func() (manifest.Input, error) { return nil, err }
			continue
		}
		cleanup = done
		out[i].open = func() (manifest.Input, error) { return section{io.NewSectionReader(r, 0, 1<<62)}, nil }
	}
	return out, cleanup
}

// spool copies r to an unlinked temporary file (or memory, see sources).
func spool(r io.Reader) (io.ReaderAt, func(), error) {
	f, err := os.CreateTemp("", "netguard-lint-stdin-*.yaml")
	if err != nil {
		b, err := io.ReadAll(r)
		return bytes.NewReader(b), func() {}, err
	}
	removed := os.Remove(f.Name()) == nil
	done := func() {
		f.Close()
		if !removed {
			os.Remove(f.Name())
		}
	}
	if _, err := io.Copy(f, r); err != nil {
		done()
		return nil, func() {}, err
	}
	return f, done, nil
}
