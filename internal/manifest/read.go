package manifest

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Extensions are the file name endings read from directories.
var Extensions = []string{".yaml", ".yml", ".json"}

// Expand turns the command-line paths into the list of files to read:
// directories are walked recursively for *.yaml, *.yml and *.json (sorted,
// hidden directories skipped); files are taken as given; "-" is stdin.
func Expand(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		if p == "-" {
			out = append(out, p)
			continue
		}
		st, err := os.Stat(p)
		if err != nil {
			return out, fmt.Errorf("%s: %w", p, unwrapPathError(err))
		}
		if !st.IsDir() {
			out = append(out, p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path != p && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				return nil
			}
			for _, ext := range Extensions {
				if strings.HasSuffix(strings.ToLower(d.Name()), ext) {
					found = append(found, path)
					break
				}
			}
			return nil
		})
		if err != nil {
			return out, fmt.Errorf("%s: %w", p, unwrapPathError(err))
		}
		sort.Strings(found)
		out = append(out, found...)
	}
	return out, nil
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}

// ReadFile reads and parses one file ("-" reads stdin).
func ReadFile(name string, stdin io.Reader) (*File, error) {
	var data []byte
	var err error
	if name == "-" {
		if stdin == nil {
			stdin = os.Stdin
		}
		data, err = io.ReadAll(stdin)
	} else {
		data, err = os.ReadFile(name)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, unwrapPathError(err))
	}
	return Parse(name, data)
}

// Input is a manifest file opened for reading document by document
// (DocReader), and again at given offsets.
type Input interface {
	io.Reader
	io.ReaderAt
	io.Closer
}

// Open opens a file for DocReader; errors read like ReadFile's.
func Open(name string) (Input, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, PathError(name, err)
	}
	return f, nil
}

// PathError is an error about reading a file, as ReadFile reports it
// ("name: reason").
func PathError(name string, err error) error {
	return fmt.Errorf("%s: %w", name, unwrapPathError(err))
}
