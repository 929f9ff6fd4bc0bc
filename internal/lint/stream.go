package lint

import (
	"errors"
	"io"
	"runtime"

	"github.com/netguard/netguard/internal/manifest"
	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/engine"
	corev1 "k8s.io/api/core/v1"
)

// streamer judges the documents of a run as they are read: a producer cuts
// the inputs into documents, GOMAXPROCS workers parse and judge them (they
// are independent: the cluster context of a file is fixed before the run,
// see related), and the caller's goroutine collects the outcomes in input
// order. At most window documents are in flight, so memory does not grow
// with the size of the run.
type streamer struct {
	cfg  *rules.Config
	eng  *engine.Engine
	opts Options
	ns   string
	rel  *related
	// clusters[i] is the cluster context of input i.
	clusters []*rules.ClusterContext
}

// docOutcome is what one document gives.
type docOutcome struct {
	err             error // the file is unreadable (syntax error)
	objects, judged int
	// decoded are the findings about the objects themselves (NG002,
	// NG003), judged the engine's; Run lists all of the first before any
	// of the second, and so does a file's collector.
	decoded, judged2 []Finding
	notices          []Notice
}

type job struct {
	file int
	doc  manifest.Doc
	err  error // reading the input failed
	end  bool  // the input ends here
	done chan struct{}
	out  docOutcome
}

var closedChan = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

// run judges every input and hands each file's outcome to the collector.
func (s *streamer) run(srcs []source, collect *collector) {
	workers := runtime.GOMAXPROCS(0)
	window := 4 * workers
	order := make(chan *job, window)
	work := make(chan *job, window)
	go s.produce(srcs, order, work)
	for range workers {
		go func() {
			for j := range work {
				j.out = s.judgeDoc(srcs[j.file].name, j.file, j.doc)
				j.doc = manifest.Doc{}
				close(j.done)
			}
		}()
	}
	for j := range order {
		<-j.done
		collect.add(j)
	}
}

// produce cuts the inputs into documents, in order.
func (s *streamer) produce(srcs []source, order, work chan<- *job) {
	defer close(work)
	defer close(order)
	for i, src := range srcs {
		in, err := src.open()
		if err != nil {
			order <- &job{file: i, err: err, end: true, done: closedChan}
			continue
		}
		dr := manifest.NewDocReader(in)
		for {
			d, err := dr.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				order <- &job{file: i, err: manifest.PathError(src.name, err), done: closedChan}
				break
			}
			j := &job{file: i, doc: d, done: make(chan struct{})}
			order <- j
			work <- j
		}
		in.Close()
		order <- &job{file: i, end: true, done: closedChan}
	}
}

// judgeDoc parses, decodes and judges one document.
func (s *streamer) judgeDoc(name string, file int, d manifest.Doc) docOutcome {
	f, err := manifest.ParseDoc(name, d)
	if err != nil {
		return docOutcome{err: err}
	}
	var out docOutcome
	for _, o := range f.Objects {
		out.objects++
		noNamespace := o.Namespace == ""
		if noNamespace {
			o.Namespace = s.ns
		}
		dd, fs := decode(o)
		dd.noNamespace = noNamespace
		out.decoded = append(out.decoded, withIndex(fs, file)...)
		if dd.object == nil {
			continue
		}
		r := s.eng.Judge(engine.Input{Operation: rules.Create, Object: dd.object, Cluster: s.clusters[file], NoMutate: s.opts.NoMutate})
		if !r.Judged {
			if n, ok := notice(s.cfg, dd); ok {
				out.notices = append(out.notices, n)
			}
			continue
		}
		out.judged++
		for _, f := range r.Findings {
			out.judged2 = append(out.judged2, place(dd.obj, f, file))
		}
	}
	return out
}

// clusterFor is the cluster context of input file: the configuration's,
// whose ConfigMaps the run's own ConfigMaps override (contextFor).
func (s *streamer) clusterFor(file int) *rules.ClusterContext {
	c := s.cfg.Cluster
	c.Related = func(namespace, name string) (*corev1.ConfigMap, bool) { return s.rel.lookup(file, namespace, name) }
	return &c
}
