package main

import (
	"fmt"
	"image"
	"math"
	"strings"
)

// Grafana's grid: 24 columns; a row is 30 pixels. The picture is 1440
// pixels wide (60 per column) below a caption band.
const (
	colPx     = 60
	rowPx     = 30
	captionPx = 98
	// maxCaptionLines fit in captionPx.
	maxCaptionLines = 4
	marginPx        = 4
)

// Layout places every panel at its gridPos, in pixels.
func Layout(d *Dashboard) (size image.Point, rects map[int]image.Rectangle) {
	rects = map[int]image.Rectangle{}
	bottom := 0
	for _, p := range d.Panels {
		g := p.GridPos
		r := image.Rect(g.X*colPx, captionPx+g.Y*rowPx, (g.X+g.W)*colPx, captionPx+(g.Y+g.H)*rowPx).Inset(marginPx)
		rects[p.ID] = r
		bottom = max(bottom, captionPx+(g.Y+g.H)*rowPx)
	}
	return image.Pt(24*colPx, bottom), rects
}

// FormatValue formats v in one of the dashboard's units the way Grafana
// shows it (reqps, s, d, short; anything else as a plain number).
func FormatValue(v float64, unit string) string {
	if math.IsNaN(v) {
		return "NaN"
	}
	switch unit {
	case "reqps":
		return short(v) + " req/s"
	case "d":
		return trim(v, 1) + " day"
	case "s":
		a := math.Abs(v)
		switch {
		case a == 0:
			return "0 s"
		case a < 1e-3:
			return trim(v*1e6, 0) + " µs"
		case a < 1:
			return trim(v*1e3, 1) + " ms"
		case a < 120:
			return trim(v, 1) + " s"
		case a < 7200:
			return trim(v/60, 1) + " min"
		}
		return trim(v/3600, 1) + " hour"
	}
	return short(v)
}

// short is Grafana's "short" unit: SI-style suffixes for large values.
func short(v float64) string {
	a := math.Abs(v)
	switch {
	case a >= 1e9:
		return trim(v/1e9, 2) + " Bil"
	case a >= 1e6:
		return trim(v/1e6, 2) + " Mil"
	case a >= 1e3:
		return trim(v/1e3, 2) + " K"
	case a >= 10 || a == 0:
		return trim(v, 1)
	}
	return trim(v, 3)
}

func trim(v float64, prec int) string {
	s := fmt.Sprintf("%.*f", prec, v)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}
