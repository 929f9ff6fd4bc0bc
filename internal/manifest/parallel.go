package manifest

import (
	"bytes"
	"runtime"
	"sync"

	"github.com/netguard/netguard/internal/yaml11"
)

// parsedChunk is one document parsed: kubectl's JSON (sigs.k8s.io/yaml)
// and the yaml.v3 nodes from one parse.
type parsedChunk struct {
	skip bool // blank document
	res  *yaml11.Result
	err  error
}

func parseChunk(ch chunk) parsedChunk {
	if len(bytes.TrimSpace(ch.text)) == 0 {
		return parsedChunk{skip: true}
	}
	res, err := yaml11.Parse(ch.text)
	return parsedChunk{res: res, err: err}
}

// parallelFrom is the number of documents from which a file's documents are
// parsed on all cores (they are independent; below it, starting goroutines
// costs more than it saves).
const parallelFrom = 4

// parseChunks parses the documents, in parallel for a long stream. The
// results are in document order, so the first error reported is still
// that of the first bad document.
func parseChunks(chunks []chunk) []parsedChunk {
	out := make([]parsedChunk, len(chunks))
	workers := min(runtime.GOMAXPROCS(0), len(chunks))
	if workers <= 1 || len(chunks) < parallelFrom {
		for i, ch := range chunks {
			out[i] = parseChunk(ch)
		}
		return out
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	next := 0
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= len(chunks) {
					return
				}
				out[i] = parseChunk(chunks[i])
			}
		}()
	}
	wg.Wait()
	return out
}
