package engine

import (
	"fmt"
	"math"

	"github.com/int8scope/int8scope/engine/tflite"
)

// ResizeBilinearParams are RESIZE_BILINEAR's prepared parameters.
//
// Mirrors TFLite's reference kernels reference/resize_bilinear.h
// (ResizeBilinear for float32 and uint8, ResizeBilinearInteger for int8 and
// int16) and TFLite Micro's kernels/resize_bilinear.cc (float32, int8).
// Each output pixel (y, x) maps to an input coordinate, one axis at a time:
//
//	in_y = y·HeightScale                     (align_corners: scale (H_in−1)/(H_out−1))
//	in_y = (y + 0.5)·HeightScale − 0.5       (half_pixel_centers)
//	y0 = max(floor(in_y), 0), y1 = min(ceil(in_y), H_in − 1), dy = in_y − y0
//
// and likewise for x; the output is the weighted sum of the four
// neighbours top-left (y0, x0), top-right (y0, x1), bottom-left (y1, x0)
// and bottom-right (y1, x1):
//
//	float32, uint8: tl·(1−dy)·(1−dx) + bl·dy·(1−dx) + tr·(1−dy)·dx + br·dy·dx
//	                in float32 (uint8: + 0.5, truncated)
//	int8, int16:    the same with coordinates in 1/1024 of a pixel
//	                (HeightScale10 = round(1024·H_in/H_out)), a sum in units
//	                of 2^-20, divided by 2^20 with rounding half away from
//	                zero (TFLITE_SINGLE_ROUNDING: half up).
//
// Input and output share their quantization, so the integers are
// interpolated directly. The browser TFLite's own kernels are in
// resize_bilinear_xnnpack.go; Kernel names the arithmetic prepared.
type ResizeBilinearParams struct {
	AlignCorners     bool   `json:"align_corners"`
	HalfPixelCenters bool   `json:"half_pixel_centers"`
	Kernel           string `json:"kernel"`
	// HeightScale and WidthScale are the float32 input pixels per output
	// pixel (float kernels).
	HeightScale float32 `json:"height_scale,omitempty"`
	WidthScale  float32 `json:"width_scale,omitempty"`
	// HeightScale10 and WidthScale10 are the same in 1/1024 of a pixel
	// (ResizeBilinearInteger).
	HeightScale10 int32 `json:"height_scale_10,omitempty"`
	WidthScale10  int32 `json:"width_scale_10,omitempty"`
	// Rounding of ResizeBilinearInteger's division by 2^20.
	Rounding Rounding `json:"rounding,omitempty"`

	Batches   int `json:"batches"`
	InHeight  int `json:"input_height"`
	InWidth   int `json:"input_width"`
	Depth     int `json:"depth"`
	OutHeight int `json:"output_height"`
	OutWidth  int `json:"output_width"`

	kernel  bilinearKernel
	broken  error // TFLite's kernel would read outside the input: a run fails
	in, out int
	typ     DType
	rows    []axisPoint // per output row
	cols    []axisPoint // per output column
}

// bilinearKernel is one arithmetic of RESIZE_BILINEAR.
type bilinearKernel int

const (
	bilinearReference    bilinearKernel = iota // reference_ops::ResizeBilinear (float32, uint8)
	bilinearInteger                            // reference_ops::ResizeBilinearInteger (int8, int16)
	bilinearGeneric                            // optimized_ops::ResizeBilinearGeneric (float32)
	bilinear2x2                                // optimized_ops::ResizeBilinear2x2 (float32)
	bilinearSmallChannel                       // optimized_ops::ResizeBilinearGenericSmallChannel (uint8)
	bilinear888                                // optimized resize_bilinear::ResizeBilinear888Uint8
	bilinearXNNFloat                           // XNNPACK f32 ibilinear
	bilinearXNNQ11                             // XNNPACK s8/u8 ibilinear, Q11 weights
)

var bilinearKernelNames = map[bilinearKernel]string{
	bilinearReference:    "reference_ops::ResizeBilinear: float32 weights, terms tl, bl, tr, br",
	bilinearInteger:      "reference_ops::ResizeBilinearInteger: weights in 1/1024, sum in 2^-20",
	bilinearGeneric:      "optimized_ops::ResizeBilinearGeneric: float32, output accumulated from 0 in the order tl, tr, bl, br",
	bilinear2x2:          "optimized_ops::ResizeBilinear2x2: exact 2× upsampling by averages of neighbours",
	bilinearSmallChannel: "optimized_ops::ResizeBilinearGenericSmallChannel: float32 weights, terms tl, tr, bl, br, + 0.5, truncated",
	bilinear888:          "optimized ResizeBilinear888Uint8: 8× half-pixel upsampling, weights in 1/16, (Σ + 128) >> 8",
	bilinearXNNFloat:     "XNNPACK f32 ibilinear: top = tl + (tr−tl)·αx, bottom = bl + (br−bl)·αx, out = top + (bottom−top)·αy",
	bilinearXNNQ11:       "XNNPACK ibilinear with Q11 weights: αx, αy = round(α·2048), out = (acc + 2^21) >> 22",
}

// axisPoint is where one output row (or column) samples the input: the two
// neighbouring input rows and the coordinate each kernel weighs them by.
type axisPoint struct {
	lo, hi int
	f      float32 // float kernels: the input coordinate
	s      int32   // ResizeBilinearInteger: the coordinate in 1/1024; 888: the weight of hi in 1/16
	alpha  float32 // XNNPACK: the weight of hi
	q11    int32   // XNNPACK Q11: alpha·2048 rounded
	odd    bool    // ResizeBilinear2x2: an odd output row (column)
}

func init() { register(tflite.BuiltinOperatorRESIZE_BILINEAR, prepareResizeBilinear) }

func prepareResizeBilinear(c *prepCtx) (kernel, error) {
	p, err := resizeBilinearShape(c)
	if err != nil {
		return nil, err
	}
	switch p.typ {
	case Float32, Uint8:
		p.setKernel(bilinearReference)
	case Int8, Int16:
		p.Rounding = c.rounding
		p.setKernel(bilinearInteger)
	}
	p.prepareAxes(c)
	return p, nil
}

// resizeBilinearShape checks RESIZE_BILINEAR's tensors and options, the
// part of Prepare every kernel shares.
func resizeBilinearShape(c *prepCtx) (*ResizeBilinearParams, error) {
	if err := c.io(2, 2, 1); err != nil {
		return nil, err
	}
	in, size, out := c.in(0), c.in(1), c.out(0)
	o, _ := c.op.Options.(*tflite.ResizeBilinearOptionsT)
	if o == nil {
		o = &tflite.ResizeBilinearOptionsT{}
	}
	if o.AlignCorners && o.HalfPixelCenters {
		return nil, c.errorf("align_corners and half_pixel_centers are both set; TFLite allows at most one")
	}
	if err := c.rank4(in); err != nil {
		return nil, err
	}
	if size.Type != Int32 || size.NumElements() != 2 || len(size.Shape) != 1 {
		return nil, c.errorf("size tensor %d (%q) is %v %v; want int32 [2] (new height, new width)", size.Index, size.Name, size.Type, size.Shape)
	}
	// A size computed by earlier ops makes the output dynamic (TFLite's
	// resize_bilinear.cc), prepared when the model runs.
	data, err := c.known("size", size)
	if err != nil {
		return nil, err
	}
	hw := AsInt32(data)
	if hw[0] <= 0 || hw[1] <= 0 {
		return nil, c.errorf("size tensor %d (%q) asks for %d×%d; both must be positive", size.Index, size.Name, hw[0], hw[1])
	}
	p := &ResizeBilinearParams{AlignCorners: o.AlignCorners, HalfPixelCenters: o.HalfPixelCenters,
		Batches: in.Shape[0], InHeight: in.Shape[1], InWidth: in.Shape[2], Depth: in.Shape[3],
		OutHeight: int(hw[0]), OutWidth: int(hw[1]), in: in.Index, out: out.Index, typ: in.Type}
	if p.InHeight <= 0 || p.InWidth <= 0 {
		return nil, c.errorf("input tensor %d (%q) has shape %v; height and width must be positive", in.Index, in.Name, in.Shape)
	}
	if err := c.sameShape(out, []int{p.Batches, p.OutHeight, p.OutWidth, p.Depth}); err != nil {
		return nil, err
	}
	if in.Type != out.Type {
		return nil, c.unsupportedTypes()
	}
	switch in.Type {
	case Float32:
	case Int8, Int16, Uint8:
		for _, t := range []*Tensor{in, out} {
			if err := c.needQuant("input/output", t); err != nil {
				return nil, err
			}
		}
	default:
		return nil, c.unsupportedTypes()
	}
	return p, nil
}

func (p *ResizeBilinearParams) setKernel(k bilinearKernel) {
	p.kernel, p.Kernel = k, bilinearKernelNames[k]
}

// prepareAxes derives the scales and every row's and column's sampling
// point for p's kernel. Where the kernel would read outside the input (its
// rounded integer scale overshoots), the model still loads, for inspection
// and for the profiles whose kernel is sound, but p.broken fails a run.
func (p *ResizeBilinearParams) prepareAxes(c *prepCtx) {
	if err := p.axes(); err != nil {
		p.broken = c.errorf("%v", err)
	}
}

func (p *ResizeBilinearParams) axes() error {
	p.HeightScale, p.WidthScale = bilinearScale(p.InHeight, p.OutHeight, p.AlignCorners), bilinearScale(p.InWidth, p.OutWidth, p.AlignCorners)
	switch p.kernel {
	case bilinearInteger:
		p.HeightScale, p.WidthScale = 0, 0
		p.HeightScale10 = bilinearScale10(p.InHeight, p.OutHeight, p.AlignCorners)
		p.WidthScale10 = bilinearScale10(p.InWidth, p.OutWidth, p.AlignCorners)
		if int64(p.OutHeight)*int64(p.HeightScale10) > math.MaxInt32/2 || int64(p.OutWidth)*int64(p.WidthScale10) > math.MaxInt32/2 {
			return fmt.Errorf("output size %d×%d overflows ResizeBilinearInteger's coordinates", p.OutHeight, p.OutWidth)
		}
	case bilinearXNNFloat, bilinearXNNQ11:
		p.HeightScale, p.WidthScale = xnnBilinearScale(p.InHeight, p.OutHeight, p.AlignCorners), xnnBilinearScale(p.InWidth, p.OutWidth, p.AlignCorners)
	}
	p.rows = make([]axisPoint, p.OutHeight)
	for y := range p.rows {
		p.rows[y] = p.axis(y, p.HeightScale, p.HeightScale10, p.InHeight)
		if pt := p.rows[y]; pt.lo >= p.InHeight {
			return fmt.Errorf("output row %d samples input row %d of %d: TFLite's kernel would read past the input", y, pt.lo, p.InHeight)
		}
	}
	p.cols = make([]axisPoint, p.OutWidth)
	for x := range p.cols {
		p.cols[x] = p.axis(x, p.WidthScale, p.WidthScale10, p.InWidth)
		if pt := p.cols[x]; pt.lo >= p.InWidth {
			return fmt.Errorf("output column %d samples input column %d of %d: TFLite's kernel would read past the input", x, pt.lo, p.InWidth)
		}
	}
	return nil
}

// bilinearScale is TFLite's float32 scale: in/out, or (in−1)/(out−1) with
// align_corners.
func bilinearScale(in, out int, alignCorners bool) float32 {
	if alignCorners && out > 1 {
		return float32(in-1) / float32(out-1)
	}
	return float32(in) / float32(out)
}

// bilinearScale10 is ResizeBilinearInteger's scale in 1/1024, rounded.
func bilinearScale10(in, out int, alignCorners bool) int32 {
	if alignCorners && out > 1 {
		return int32((1024*(in-1) + (out-1)/2) / (out - 1))
	}
	return int32((1024*in + out/2) / out)
}

// axis is where output row (column) v samples an input axis of the given
// size, for p's kernel.
func (p *ResizeBilinearParams) axis(v int, scale float32, scale10 int32, size int) axisPoint {
	var a axisPoint
	switch p.kernel {
	case bilinearInteger:
		a.s = int32(v) * scale10
		if p.HalfPixelCenters {
			a.s += scale10/2 - 512
		}
		a.lo, a.hi = int(max(a.s/1024, 0)), int(min((a.s+1023)/1024, int32(size-1)))
	case bilinear2x2:
		a.lo, a.odd = v/2, v%2 == 1
		a.hi = min(a.lo+1, size-1)
	case bilinear888:
		// Output 8k+4+m lies (2m+1)/16 of the way from input k to k+1;
		// the first and last four copy the edge.
		switch k, m := (v-4)/8, (v-4)%8; {
		case v < 4:
		case k >= size-1:
			a.lo, a.hi = size-1, size-1
		default:
			a.lo, a.hi, a.s = k, k+1, int32(2*m+1)
		}
	case bilinearXNNFloat, bilinearXNNQ11:
		a = xnnBilinearAxis(v, scale, size, p.AlignCorners || !p.HalfPixelCenters)
	default:
		if p.HalfPixelCenters {
			a.f = float32(float32(float32(v)+0.5)*scale) - 0.5
		} else {
			a.f = float32(v) * scale
		}
		a.lo = max(int(int32(math.Floor(float64(a.f)))), 0)
		a.hi = min(int(int32(math.Ceil(float64(a.f)))), size-1)
	}
	return a
}

func (p *ResizeBilinearParams) eval(r *run, op *Op) error {
	if p.broken != nil {
		return p.broken
	}
	switch p.typ {
	case Float32:
		resizeBilinear(p, r.f32(p.in), r.f32(p.out))
	case Int8:
		resizeBilinear(p, r.i8(p.in), r.i8(p.out))
	case Int16:
		resizeBilinear(p, r.i16(p.in), r.i16(p.out))
	case Uint8:
		resizeBilinear(p, r.u8(p.in), r.u8(p.out))
	}
	return nil
}

func resizeBilinear[T int8 | uint8 | int16 | float32](p *ResizeBilinearParams, in, out []T) {
	i := 0
	for b := 0; b < p.Batches; b++ {
		for _, py := range p.rows {
			for _, px := range p.cols {
				tl := ((b*p.InHeight+py.lo)*p.InWidth + px.lo) * p.Depth
				tr := ((b*p.InHeight+py.lo)*p.InWidth + px.hi) * p.Depth
				bl := ((b*p.InHeight+py.hi)*p.InWidth + px.lo) * p.Depth
				br := ((b*p.InHeight+py.hi)*p.InWidth + px.hi) * p.Depth
				for c := 0; c < p.Depth; c++ {
					n := [4]float64{float64(in[tl+c]), float64(in[tr+c]), float64(in[bl+c]), float64(in[br+c])}
					out[i] = T(p.interp(n, py, px, stepLog{}))
					i++
				}
			}
		}
	}
}

// stepLog collects the steps of an explanation; the zero stepLog
// records nothing and formats nothing.
type stepLog struct{ s *[]Step }

func (l stepLog) add(name string, v float64, formula func() string) {
	if l.s != nil {
		*l.s = append(*l.s, Step{name, formula(), v})
	}
}

// interp is one output element from its neighbours n = (tl, tr, bl, br):
// a float32 value for float32 tensors, else the output integer. l records
// the derivation for an explanation.
func (p *ResizeBilinearParams) interp(n [4]float64, py, px axisPoint, l stepLog) float64 {
	tl, tr, bl, br := float32(n[0]), float32(n[1]), float32(n[2]), float32(n[3])
	switch p.kernel {
	case bilinearInteger:
		dy, dx := int64(py.s)-1024*int64(py.lo), int64(px.s)-1024*int64(px.lo)
		wtl, wbl, wtr, wbr := (1024-dy)*(1024-dx), dy*(1024-dx), (1024-dy)*dx, dy*dx
		sum := int64(n[0])*wtl + int64(n[2])*wbl + int64(n[1])*wtr + int64(n[3])*wbr
		l.add("weights", 0, func() string {
			return fmt.Sprintf("dy = %d/1024, dx = %d/1024: tl (1024−dy)(1024−dx) = %d, bl dy(1024−dx) = %d, tr (1024−dy)dx = %d, br dy·dx = %d (of 2^20)", dy, dx, wtl, wbl, wtr, wbr)
		})
		l.add("sum", float64(sum), func() string {
			return fmt.Sprintf("%d·%d + %d·%d + %d·%d + %d·%d", int64(n[0]), wtl, int64(n[2]), wbl, int64(n[1]), wtr, int64(n[3]), wbr)
		})
		var v int64
		if p.Rounding == RoundSingle {
			v = (sum + 1<<19) >> 20
			l.add("round", float64(v), func() string { return fmt.Sprintf("(%d + 2^19) >> 20: half up", sum) })
		} else {
			r := int64(1 << 19)
			if sum <= 0 {
				r = -r
			}
			v = (sum + r) / (1 << 20)
			l.add("round", float64(v), func() string { return fmt.Sprintf("(%d %+d) / 2^20, truncated: half away from zero", sum, r) })
		}
		return float64(v)
	case bilinear2x2:
		var v float32
		switch {
		case !py.odd && !px.odd:
			v = tl
			l.add("copy", float64(v), func() string { return "an even row and column copy tl" })
		case !py.odd:
			v = float32(tl+tr) / 2
			l.add("average", float64(v), func() string { return fmt.Sprintf("(tl + tr)/2 = (%g + %g)/2", tl, tr) })
		case !px.odd:
			v = float32(tl+bl) / 2
			l.add("average", float64(v), func() string { return fmt.Sprintf("(tl + bl)/2 = (%g + %g)/2", tl, bl) })
		default:
			left, right := float32(tl+bl)/2, float32(tr+br)/2
			v = float32(left+right) / 2
			l.add("average", float64(v), func() string { return fmt.Sprintf("((tl + bl)/2 + (tr + br)/2)/2 = (%.9g + %.9g)/2", left, right) })
		}
		return float64(v)
	case bilinear888:
		wy, wx := int64(py.s), int64(px.s)
		wtl, wtr, wbl, wbr := (16-wy)*(16-wx), (16-wy)*wx, wy*(16-wx), wy*wx
		sum := int64(n[0])*wtl + int64(n[1])*wtr + int64(n[2])*wbl + int64(n[3])*wbr
		l.add("sum", float64(sum), func() string {
			return fmt.Sprintf("weights in 1/256: %d·%d + %d·%d + %d·%d + %d·%d (8.8 fixed point)", int64(n[0]), wtl, int64(n[1]), wtr, int64(n[2]), wbl, int64(n[3]), wbr)
		})
		v := (sum + 128) >> 8
		l.add("round", float64(v), func() string { return fmt.Sprintf("(%d + 128) >> 8: half up", sum) })
		return float64(v)
	case bilinearXNNFloat, bilinearXNNQ11:
		return xnnBilinearInterp(p.kernel, n, py, px, l)
	}
	dy, dx := float32(py.f-float32(py.lo)), float32(px.f-float32(px.lo))
	ey, ex := 1-dy, 1-dx
	l.add("weights", 0, func() string {
		return fmt.Sprintf("dy = %.9g, dx = %.9g: 1−dy = %.9g, 1−dx = %.9g", dy, dx, ey, ex)
	})
	var v float32
	switch p.kernel {
	case bilinearGeneric, bilinearSmallChannel:
		w := [4]float32{ey * ex, ey * dx, dy * ex, dy * dx}
		v = float32(float32(float32(float32(tl*w[0])+float32(tr*w[1]))+float32(bl*w[2])) + float32(br*w[3]))
		l.add("sum", float64(v), func() string {
			return fmt.Sprintf("tl·w_tl + tr·w_tr + bl·w_bl + br·w_br = %g·%.9g + %g·%.9g + %g·%.9g + %g·%.9g (float32, in this order; w_tl = (1−dy)(1−dx), w_tr = (1−dy)dx, w_bl = dy(1−dx), w_br = dy·dx)",
				tl, w[0], tr, w[1], bl, w[2], br, w[3])
		})
	default:
		v = float32(float32(float32(float32(float32(tl*ey)*ex)+float32(float32(bl*dy)*ex))+float32(float32(tr*ey)*dx)) + float32(float32(br*dy)*dx))
		l.add("sum", float64(v), func() string {
			return fmt.Sprintf("tl·(1−dy)·(1−dx) + bl·dy·(1−dx) + tr·(1−dy)·dx + br·dy·dx = %g·%.9g·%.9g + %g·%.9g·%.9g + %g·%.9g·%.9g + %g·%.9g·%.9g (float32, in this order)",
				tl, ey, ex, bl, dy, ex, tr, ey, dx, br, dy, dx)
		})
	}
	if p.typ == Float32 {
		return float64(v)
	}
	t := float32(v + 0.5)
	o := float64(int32(t)) // static_cast truncates toward zero
	l.add("round", o, func() string { return fmt.Sprintf("truncate(%.9g + 0.5)", v) })
	return o
}

func (p *ResizeBilinearParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	if p.broken != nil {
		return nil, p.broken
	}
	c := index % p.Depth
	x := index / p.Depth % p.OutWidth
	y := index / (p.Depth * p.OutWidth) % p.OutHeight
	b := index / (p.Depth * p.OutWidth * p.OutHeight)
	py, px := p.rows[y], p.cols[x]
	vals := Values(p.typ, res.Tensors[p.in])
	at := func(yy, xx int) (int, float64) {
		i := ((b*p.InHeight+yy)*p.InWidth+xx)*p.Depth + c
		return i, vals[i]
	}
	var n [4]float64
	var where string
	for k, yx := range [4][2]int{{py.lo, px.lo}, {py.lo, px.hi}, {py.hi, px.lo}, {py.hi, px.hi}} {
		i, v := at(yx[0], yx[1])
		n[k] = v
		where += fmt.Sprintf("%s input[%d,%d,%d,%d] (element %d) = %g; ", [4]string{"tl", "tr", "bl", "br"}[k], b, yx[0], yx[1], c, i, v)
	}
	steps := []Step{{"coordinates", p.coordFormula("y", y, py) + "; " + p.coordFormula("x", x, px), 0},
		{"neighbours", where[:len(where)-2], 0}}
	v := p.interp(n, py, px, stepLog{&steps})
	return &Explanation{Steps: steps, Arithmetic: p.Kernel, Value: int64(v)}, nil
}

// coordFormula says where output coordinate v of axis name samples the
// input.
func (p *ResizeBilinearParams) coordFormula(name string, v int, a axisPoint) string {
	scale, scale10 := p.HeightScale, p.HeightScale10
	if name == "x" {
		scale, scale10 = p.WidthScale, p.WidthScale10
	}
	switch p.kernel {
	case bilinearInteger:
		f := fmt.Sprintf("%s·%d", name, scale10)
		if p.HalfPixelCenters {
			f += fmt.Sprintf(" + %d/2 − 512", scale10)
		}
		return fmt.Sprintf("in_%s = %s = %d/1024 (%s=%d) → %s0 = %d, %s1 = %d", name, f, a.s, name, v, name, a.lo, name, a.hi)
	case bilinear888:
		return fmt.Sprintf("%s = %d: weight of %s1 %d/16 → %s0 = %d, %s1 = %d", name, v, name, a.s, name, a.lo, name, a.hi)
	case bilinear2x2:
		return fmt.Sprintf("%s = %d is 2·%d + %d → %s0 = %d, %s1 = %d", name, v, a.lo, v%2, name, a.lo, name, a.hi)
	case bilinearXNNFloat, bilinearXNNQ11:
		return fmt.Sprintf("%s=%d: α%s = %.9g (Q11 %d) → %s0 = %d, %s1 = %d", name, v, name, a.alpha, a.q11, name, a.lo, name, a.hi)
	}
	f := fmt.Sprintf("%d·%.9g", v, scale)
	if p.HalfPixelCenters {
		f = fmt.Sprintf("(%d + 0.5)·%.9g − 0.5", v, scale)
	}
	return fmt.Sprintf("in_%s = %s = %.9g → %s0 = %d, %s1 = %d", name, f, a.f, name, a.lo, name, a.hi)
}
