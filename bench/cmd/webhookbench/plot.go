package main

import (
	"fmt"
	"image/color"
	"os"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// plotLatency writes the latency-vs-load plot: p50 and p99 of netguard and
// the no-op baseline against concurrency (log-log), as a PNG.
func plotLatency(r *Results, path string) error {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("AdmissionReview latency vs load (%d CPUs, load avg %s)", r.CPUs, r.LoadBefore)
	p.X.Label.Text = "concurrent requests (keep-alive HTTPS connections)"
	p.Y.Label.Text = "latency (ms)"
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker = plot.LogTicks{Prec: -1}
	p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	p.Legend.Top, p.Legend.Left = false, false // bottom right: the lines rise to the right
	p.Add(plotter.NewGrid())

	blue := color.RGBA{R: 31, G: 119, B: 180, A: 255}
	grey := color.RGBA{R: 120, G: 120, B: 120, A: 255}
	series := []struct {
		name  string
		col   color.Color
		dash  []vg.Length
		value func(LoadPair) float64
	}{
		{"netguard p99", blue, nil, func(l LoadPair) float64 { return ms(l.Netguard.Latency.P99) }},
		{"netguard p50", blue, []vg.Length{vg.Points(4), vg.Points(3)}, func(l LoadPair) float64 { return ms(l.Netguard.Latency.P50) }},
		{"no-op baseline p99", grey, nil, func(l LoadPair) float64 { return ms(l.Baseline.Latency.P99) }},
		{"no-op baseline p50", grey, []vg.Length{vg.Points(4), vg.Points(3)}, func(l LoadPair) float64 { return ms(l.Baseline.Latency.P50) }},
	}
	for _, s := range series {
		pts := make(plotter.XYs, len(r.Load))
		for i, l := range r.Load {
			pts[i].X, pts[i].Y = float64(l.Concurrency), max(s.value(l), 0.001)
		}
		line, points, err := plotter.NewLinePoints(pts)
		if err != nil {
			return err
		}
		line.Color, line.Dashes, line.Width = s.col, s.dash, vg.Points(1.5)
		points.Color, points.Shape = s.col, draw.CircleGlyph{}
		p.Add(line, points)
		p.Legend.Add(s.name, line, points)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return p.Save(18*vg.Centimeter, 11*vg.Centimeter, path)
}
