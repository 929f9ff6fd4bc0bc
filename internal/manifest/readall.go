package manifest

import (
	"io"
	"runtime"
	"sync"
)

// Read is the outcome of reading one file of ReadFiles.
type Read struct {
	File *File
	Err  error
}

// ReadFiles reads and parses the files in parallel (files are independent;
// parsing is most of the cost of reading a manifest) and returns the
// outcomes in the order of names. Stdin ("-") is read in order, before the
// files, so that the first "-" gets its content as with ReadFile in a loop.
func ReadFiles(names []string, stdin io.Reader) []Read {
	out := make([]Read, len(names))
	var todo []int
	for i, name := range names {
		if name == "-" {
			out[i].File, out[i].Err = ReadFile(name, stdin)
			continue
		}
		todo = append(todo, i)
	}
	workers := min(runtime.GOMAXPROCS(0), len(todo))
	if workers <= 1 {
		for _, i := range todo {
			out[i].File, out[i].Err = ReadFile(names[i], stdin)
		}
		return out
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i].File, out[i].Err = ReadFile(names[i], stdin)
			}
		}()
	}
	for _, i := range todo {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}
