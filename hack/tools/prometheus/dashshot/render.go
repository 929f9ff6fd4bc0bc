package main

import (
	"image"
	"image/color"
	stddraw "image/draw"
	"math"
	"sort"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Named is a result series with its expanded legend.
type Named struct {
	Name string
	Series
}

// PanelData is what a panel's targets returned.
type PanelData struct {
	Series []Named
	Err    error
	Query  Query
}

// Grafana's dark theme and its classic palette.
var (
	pageBG  = color.RGBA{0x11, 0x12, 0x17, 0xff}
	panelBG = color.RGBA{0x18, 0x1b, 0x1f, 0xff}
	textFG  = color.RGBA{0xcc, 0xcc, 0xdc, 0xff}
	dimFG   = color.RGBA{0x8e, 0x8e, 0xa0, 0xff}
	gridFG  = color.RGBA{0x2c, 0x30, 0x35, 0xff}
	palette = []color.RGBA{
		{0x73, 0xbf, 0x69, 0xff}, {0xf2, 0xcc, 0x0c, 0xff}, {0x8a, 0xb8, 0xff, 0xff}, {0xff, 0x78, 0x0a, 0xff},
		{0xf2, 0x49, 0x5c, 0xff}, {0x57, 0x94, 0xf2, 0xff}, {0xb8, 0x77, 0xd9, 0xff}, {0x70, 0x5d, 0xa0, 0xff},
		{0x37, 0x87, 0x2d, 0xff}, {0xfa, 0xde, 0x2a, 0xff},
	}
	namedColors = map[string]color.RGBA{
		"green": {0x73, 0xbf, 0x69, 0xff}, "red": {0xf2, 0x49, 0x5c, 0xff},
		"orange": {0xff, 0x98, 0x30, 0xff}, "yellow": {0xfa, 0xde, 0x2a, 0xff},
	}
)

// px converts pixels to vg lengths at the 96 dpi the canvases use.
func px(n float64) vg.Length { return vg.Length(n * 72 / 96) }

func style(size float64, c color.Color) draw.TextStyle {
	return text.Style{Color: c, Font: font.Font{Typeface: "Liberation", Variant: "Sans", Size: px(size)}, Handler: plot.DefaultTextHandler}
}

// Render draws the dashboard: a caption band, then every panel at its
// gridPos with its title, data, units and legends.
func Render(d *Dashboard, data map[int]PanelData, caption []string) image.Image {
	size, rects := Layout(d)
	img := image.NewRGBA(image.Rectangle{Max: size})
	stddraw.Draw(img, img.Bounds(), image.NewUniform(pageBG), image.Point{}, stddraw.Src)
	cap := canvas(size.X, captionPx)
	for i, line := range caption {
		sty := style(13, dimFG)
		if i == 0 {
			sty = style(17, textFG)
		}
		cap.dc.FillText(sty, vg.Point{X: px(10), Y: px(float64(captionPx - 22 - 20*i))}, line)
	}
	cap.paste(img, image.Point{})
	for _, p := range d.Panels {
		r := rects[p.ID]
		c := canvas(r.Dx(), r.Dy())
		fillRect(c.dc, panelBG)
		c.dc.FillText(style(14, textFG), vg.Point{X: px(8), Y: px(float64(r.Dy() - 22))}, p.Title)
		body := draw.Crop(c.dc, 0, 0, 0, -px(30))
		pd := data[p.ID]
		switch {
		case pd.Err != nil:
			body.FillText(style(12, namedColors["red"]), vg.Point{X: px(8), Y: body.Max.Y - px(20)}, "query error: "+pd.Err.Error())
		case len(pd.Series) == 0:
			body.FillText(style(16, dimFG), vg.Point{X: body.Center().X - px(30), Y: body.Center().Y}, "No data")
		case p.Type == "stat":
			drawStat(body, p, pd)
		case p.Type == "table":
			drawTable(body, pd)
		default:
			drawTimeseries(body, p, pd)
		}
		c.paste(img, r.Min)
	}
	return img
}

type imgCanvas struct {
	c  *vgimg.Canvas
	dc draw.Canvas
}

func canvas(w, h int) imgCanvas {
	c := vgimg.NewWith(vgimg.UseWH(px(float64(w)), px(float64(h))), vgimg.UseDPI(96), vgimg.UseBackgroundColor(pageBG))
	return imgCanvas{c: c, dc: draw.New(c)}
}

func (ic imgCanvas) paste(dst *image.RGBA, at image.Point) {
	src := ic.c.Image()
	stddraw.Draw(dst, src.Bounds().Add(at), src, src.Bounds().Min, stddraw.Src)
}

// lastNotNull is Grafana's default stat reduction.
func lastNotNull(v []float64) float64 {
	for i := len(v) - 1; i >= 0; i-- {
		if !math.IsNaN(v[i]) {
			return v[i]
		}
	}
	return math.NaN()
}

func maxOf(v []float64) float64 {
	m := math.NaN()
	for _, x := range v {
		if math.IsNaN(m) || x > m {
			m = x
		}
	}
	return m
}

// thresholdColor is the colour of the last threshold step v reaches.
func thresholdColor(p Panel, v float64) color.RGBA {
	c := namedColors["green"]
	for _, s := range p.FieldConfig.Defaults.Thresholds.Steps {
		if s.Value == nil || v >= *s.Value {
			if nc, ok := namedColors[s.Color]; ok {
				c = nc
			}
		}
	}
	return c
}

// drawStat draws one coloured box per series (colorMode background).
func drawStat(c draw.Canvas, p Panel, pd PanelData) {
	n := len(pd.Series)
	w := (c.Max.X - c.Min.X) / vg.Length(n)
	for i, s := range pd.Series {
		v := lastNotNull(s.V)
		box := draw.Crop(c, w*vg.Length(i)+px(6), -(w*vg.Length(n-1-i) + px(6)), px(6), 0)
		fillRect(box, thresholdColor(p, v))
		val := style(30, color.White)
		val.XAlign, val.YAlign = draw.XCenter, draw.YCenter
		box.FillText(val, box.Center(), FormatValue(v, p.FieldConfig.Defaults.Unit))
		lbl := style(12, color.White)
		lbl.XAlign = draw.XCenter
		box.FillText(lbl, vg.Point{X: box.Center().X, Y: box.Min.Y + px(6)}, s.Name)
	}
}

// drawTable draws the series' labels and values as rows (an instant query
// shown as a table).
func drawTable(c draw.Canvas, pd PanelData) {
	keys := map[string]bool{}
	for _, s := range pd.Series {
		for k := range s.Labels {
			keys[k] = true
		}
	}
	cols := make([]string, 0, len(keys)+1)
	for k := range keys {
		cols = append(cols, k)
	}
	sort.Strings(cols)
	cols = append(cols, "Value")
	w := (c.Max.X - c.Min.X - px(16)) / vg.Length(len(cols))
	y := c.Max.Y - px(20)
	for i, col := range cols {
		c.FillText(style(12, dimFG), vg.Point{X: c.Min.X + px(8) + w*vg.Length(i), Y: y}, col)
	}
	for _, s := range pd.Series {
		y -= px(22)
		for i, col := range cols {
			v := s.Labels[col]
			if col == "Value" {
				v = FormatValue(lastNotNull(s.V), "short")
			}
			c.FillText(style(12, textFG), vg.Point{X: c.Min.X + px(8) + w*vg.Length(i), Y: y}, v)
		}
	}
}

// drawTimeseries draws the series as lines (gaps where Prometheus had no
// sample, like Grafana's "connect null values: never") with the legend as a
// table on the right: name, last, max.
func drawTimeseries(c draw.Canvas, p Panel, pd PanelData) {
	unit := p.FieldConfig.Defaults.Unit
	width := c.Max.X - c.Min.X
	legendW := width * 0.42
	pl := plot.New()
	pl.BackgroundColor = panelBG
	for _, ax := range []*plot.Axis{&pl.X, &pl.Y} {
		ax.Color = gridFG
		ax.Tick.Color = gridFG
		ax.Tick.Label.Color = dimFG
		ax.Tick.Label.Font.Size = px(11)
	}
	pl.X.Tick.Marker = timeTicks{}
	pl.Y.Tick.Marker = unitTicks(unit)
	pl.Y.Min = 0
	pl.X.Min, pl.X.Max = float64(pd.Query.From.Unix()), float64(pd.Query.To.Unix())
	grid := plotter.NewGrid()
	grid.Vertical.Color, grid.Horizontal.Color = gridFG, gridFG
	pl.Add(grid)
	for i, s := range pd.Series {
		for _, seg := range segments(s.Series, pd.Query.Step) {
			l, err := plotter.NewLine(seg)
			if err != nil {
				continue
			}
			l.Color = palette[i%len(palette)]
			l.Width = px(1.5)
			pl.Add(l)
		}
	}
	pl.Draw(draw.Crop(c, px(2), -legendW, px(2), 0))

	lg := draw.Crop(c, width-legendW+px(8), -px(4), 0, 0)
	colW := (lg.Max.X - lg.Min.X) * 0.22
	nameX, lastX, maxX := lg.Min.X+px(14), lg.Max.X-2*colW, lg.Max.X-colW
	y := lg.Max.Y - px(14)
	head := style(11, dimFG)
	lg.FillText(head, vg.Point{X: lastX, Y: y}, "Last *")
	lg.FillText(head, vg.Point{X: maxX, Y: y}, "Max")
	for i, s := range pd.Series {
		y -= px(17)
		if y < lg.Min.Y+px(4) {
			lg.FillText(head, vg.Point{X: nameX, Y: y + px(4)}, "…")
			break
		}
		clr := palette[i%len(palette)]
		lg.FillPolygon(clr, []vg.Point{{X: lg.Min.X, Y: y + px(3)}, {X: lg.Min.X + px(9), Y: y + px(3)}, {X: lg.Min.X + px(9), Y: y + px(6)}, {X: lg.Min.X, Y: y + px(6)}})
		lg.FillText(style(11, textFG), vg.Point{X: nameX, Y: y}, fit(style(11, textFG), s.Name, lastX-nameX-px(6)))
		lg.FillText(style(11, textFG), vg.Point{X: lastX, Y: y}, FormatValue(lastNotNull(s.V), unit))
		lg.FillText(style(11, textFG), vg.Point{X: maxX, Y: y}, FormatValue(maxOf(s.V), unit))
	}
}

// segments splits a series where samples are missing (more than 1.5 steps
// apart) so the line shows the gap.
func segments(s Series, step time.Duration) []plotter.XYs {
	var out []plotter.XYs
	var cur plotter.XYs
	for i := range s.T {
		if i > 0 && s.T[i].Sub(s.T[i-1]) > step*3/2 {
			out, cur = append(out, cur), nil
		}
		if math.IsNaN(s.V[i]) || math.IsInf(s.V[i], 0) {
			continue
		}
		cur = append(cur, plotter.XY{X: float64(s.T[i].UnixMilli()) / 1000, Y: s.V[i]})
	}
	return append(out, cur)
}

// unitTicks labels the Y axis in the panel's unit.
type unitTicks string

func (u unitTicks) Ticks(lo, hi float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(lo, hi)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = FormatValue(ts[i].Value, string(u))
		}
	}
	return ts
}

func fillRect(c draw.Canvas, clr color.Color) {
	r := c.Rectangle
	c.FillPolygon(clr, []vg.Point{r.Min, {X: r.Max.X, Y: r.Min.Y}, r.Max, {X: r.Min.X, Y: r.Max.Y}})
}

// fit shortens txt with an ellipsis until it is at most w wide.
func fit(sty draw.TextStyle, txt string, w vg.Length) string {
	r := []rune(txt)
	for len(r) > 1 && sty.Width(string(r)) > w {
		r = append(r[:len(r)-2], '…')
	}
	return string(r)
}

// timeTicks labels the time axis in UTC at whole minutes (half minutes for
// short ranges), like Grafana's time axis.
type timeTicks struct{}

func (timeTicks) Ticks(lo, hi float64) []plot.Tick {
	step := 60.0
	if hi-lo < 240 {
		step = 30
	}
	var ts []plot.Tick
	for t := math.Ceil(lo/step) * step; t <= hi; t += step {
		ts = append(ts, plot.Tick{Value: t, Label: time.Unix(int64(t), 0).UTC().Format("15:04:05")})
	}
	return ts
}
