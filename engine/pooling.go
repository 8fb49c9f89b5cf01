package engine

import (
	"errors"
	"math"
	"unsafe"

	"github.com/int8scope/int8scope/engine/tflite"
)

// Pool2DParams are the prepared parameters of AVERAGE_POOL_2D and
// MAX_POOL_2D.
//
// Mirrors TFLite's reference kernels reference/integer_ops/pooling.h (int8,
// int16) and reference/pooling.h (float, uint8), with the parameters derived
// like TFLite Micro's pooling_common.cc. Input and output share their
// quantization, so the integers are pooled directly. For output element
// (b, y, x, c), over the window taps (fy, fx) that lie inside the input,
// n of them:
//
//	average: s = Σ input[b, y·sh−PadH+fy, x·sw−PadW+fx, c]
//	         out = clamp(s > 0 ? (s + n/2)/n : (s − n/2)/n, ActMin, ActMax)   (/ truncates)
//	max:     out = clamp(max(input[…]), ActMin, ActMax)
//
// Float averages are the float32 sum divided by n.
type Pool2DParams struct {
	Window
	Max    bool  `json:"max"` // MAX_POOL_2D, else AVERAGE_POOL_2D
	ActMin int32 `json:"act_min"`
	ActMax int32 `json:"act_max"`
	// Float models: the clamp of the fused activation.
	FloatMin float32 `json:"float_min,omitempty"`
	FloatMax float32 `json:"float_max,omitempty"`

	Batches int `json:"batches"`
	InH     int `json:"input_height"`
	InW     int `json:"input_width"`
	Depth   int `json:"depth"`
	OutH    int `json:"output_height"`
	OutW    int `json:"output_width"`

	in, out int
	typ     DType
}

func init() {
	register(tflite.BuiltinOperatorAVERAGE_POOL_2D, func(c *prepCtx) (kernel, error) { return preparePool2D(c, false) })
	register(tflite.BuiltinOperatorMAX_POOL_2D, func(c *prepCtx) (kernel, error) { return preparePool2D(c, true) })
}

func preparePool2D(c *prepCtx, isMax bool) (kernel, error) {
	if err := c.io(1, 1, 1); err != nil {
		return nil, err
	}
	in, out := c.in(0), c.out(0)
	o, _ := c.op.Options.(*tflite.Pool2DOptionsT)
	if o == nil {
		return nil, c.errorf("has no Pool2DOptions")
	}
	if err := c.rank4(in, out); err != nil {
		return nil, err
	}
	p := &Pool2DParams{Max: isMax, Batches: in.Shape[0], InH: in.Shape[1], InW: in.Shape[2], Depth: in.Shape[3],
		in: in.Index, out: out.Index, typ: in.Type}
	var err error
	if p.Window, p.OutH, p.OutW, err = c.window(o.Padding, o.StrideH, o.StrideW, 1, 1, p.InH, p.InW,
		int(o.FilterHeight), int(o.FilterWidth)); err != nil {
		return nil, err
	}
	if err := c.sameShape(out, []int{p.Batches, p.OutH, p.OutW, p.Depth}); err != nil {
		return nil, err
	}
	act, err := c.activation(o.FusedActivationFunction)
	if err != nil {
		return nil, err
	}
	if in.Type != out.Type {
		return nil, c.unsupportedTypes()
	}
	switch in.Type {
	case Float32:
		p.FloatMin, p.FloatMax = floatActivation(act)
	case Int8, Int16, Uint8:
		for _, t := range []*Tensor{in, out} {
			if err := c.needQuant("input/output", t); err != nil {
				return nil, err
			}
		}
		if math.Abs(float64(in.Quant.Scale[0])-float64(out.Quant.Scale[0])) > 1e-6 || in.ZeroPoint() != out.ZeroPoint() {
			return nil, c.errorf("input (scale %v, zero point %d) and output (scale %v, zero point %d) must share their quantization",
				in.Quant.Scale[0], in.ZeroPoint(), out.Quant.Scale[0], out.ZeroPoint())
		}
		if p.ActMin, p.ActMax, err = quantizedActivation(act, out); err != nil {
			return nil, c.errorf("%v", err)
		}
	default:
		return nil, c.unsupportedTypes()
	}
	return p, nil
}

func (p *Pool2DParams) eval(r *run, op *Op) error {
	ok := true
	switch p.typ {
	case Float32:
		ok = p.evalFloat(r.f32(p.in), r.f32(p.out))
	case Int8:
		ok = pool2D(p, r.i8(p.in), r.i8(p.out), math.MinInt8)
	case Int16:
		ok = pool2D(p, r.i16(p.in), r.i16(p.out), math.MinInt16)
	case Uint8:
		ok = pool2D(p, r.u8(p.in), r.u8(p.out), 0)
	}
	if !ok {
		return errEmptyPool
	}
	return nil
}

var errEmptyPool = errors.New("a pooling window lies entirely outside the input")

// pool2D is the integer AveragePool or MaxPool (TFLite
// reference_integer_ops::AveragePool / MaxPool and reference_ops for uint8;
// the formula is on Pool2DParams); it reports false, like the reference,
// when an average's window has no taps inside the input.
//
// The loops run channels innermost over the contiguous NHWC pixels: the
// window's clipped bounds are computed once per output row and column, each
// tap adds (or maxes) a whole pixel's channels, and the average sums into a
// stack block of int32s. The common 2×2 stride-2 window lying inside the
// input has its own direct loop (pool2x2). Int8 and uint8 maxima run eight
// channels at a time in the lanes of a uint64 (swarMax). Every profile runs
// this: XNNPACK's int8/uint8 max pooling equals the reference's, and the
// browser TFLite's delegate takes no integer average pooling.
func pool2D[T int8 | int16 | uint8](p *Pool2DParams, in, out []T, lowest T) bool {
	if p.FilterH == 2 && p.FilterW == 2 && p.StrideH == 2 && p.StrideW == 2 && p.PadH == 0 && p.PadW == 0 &&
		2*p.OutH <= p.InH && 2*p.OutW <= p.InW {
		pool2x2(p, in, out)
		return true
	}
	d := p.Depth
	rowLen := p.InW * d
	sw := swarFor[T](p.ActMin, p.ActMax)
	i := 0
	for b := 0; b < p.Batches; b++ {
		img := in[b*p.InH*rowLen : (b+1)*p.InH*rowLen]
		for y := 0; y < p.OutH; y++ {
			iy0 := y*p.StrideH - p.PadH
			fy0, fy1 := insideRange(iy0, 1, p.FilterH, p.InH)
			for x := 0; x < p.OutW; x++ {
				ix0 := x*p.StrideW - p.PadW
				fx0, fx1 := insideRange(ix0, 1, p.FilterW, p.InW)
				n := int32((fy1 - fy0) * (fx1 - fx0))
				o := out[i : i+d]
				i += d
				if n == 0 {
					if !p.Max {
						return false
					}
					v := T(clamp(int32(lowest), p.ActMin, p.ActMax))
					for c := range o {
						o[c] = v
					}
					continue
				}
				// The taps' pixels: rows iy0+fy0 … iy0+fy1−1, columns
				// ix0+fx0 … ix0+fx1−1, each row's run of them contiguous.
				first := (iy0+fy0)*rowLen + (ix0+fx0)*d
				runLen := int(fx1-fx0) * d
				rows := fy1 - fy0
				if p.Max {
					c0 := 0
					if sw.ok {
						c0 = sw.maxWindow(bytesOf(img), bytesOf(o), first, runLen, rowLen, rows)
					}
					maxWindow(img, o, c0, first, runLen, rowLen, rows, p.ActMin, p.ActMax)
				} else {
					avgWindow(img, o, first, runLen, rowLen, rows, n, p.ActMin, p.ActMax)
				}
			}
		}
	}
	return true
}

// maxWindow sets o (one output pixel's channels) to the clamped channel-wise
// maximum of the pixels of rows runs of runLen values, the first at
// in[first:], each rowLen after the last: channels from c0 on, the lower
// ones being swarMax.maxWindow's.
func maxWindow[T int8 | int16 | uint8](in, o []T, c0, first, runLen, rowLen, rows int, lo, hi int32) {
	d := len(o)
	o = o[c0:]
	copy(o, in[first+c0:first+d])
	for r := 0; r < rows; r++ {
		at := first + r*rowLen
		if r == 0 {
			at += d
		}
		for end := first + r*rowLen + runLen; at < end; at += d {
			t := in[at+c0 : at+d]
			t = t[:len(o)]
			for c, v := range t {
				if v > o[c] {
					o[c] = v
				}
			}
		}
	}
	for c, v := range o {
		o[c] = T(clamp(int32(v), lo, hi))
	}
}

// poolBlock is how many channels avgWindow sums at a time on the stack.
const poolBlock = 128

// avgWindow sets o to the clamped rounded average of the n pixels
// maxWindow reads, summing channels in blocks of poolBlock.
func avgWindow[T int8 | int16 | uint8](in, o []T, first, runLen, rowLen, rows int, n, lo, hi int32) {
	var buf [poolBlock]int32
	d := len(o)
	for c0 := 0; c0 < d; c0 += poolBlock {
		w := min(poolBlock, d-c0)
		acc := buf[:w]
		clear(acc)
		for r := 0; r < rows; r++ {
			at := first + r*rowLen + c0
			for end := at + runLen; at < end; at += d {
				t := in[at : at+w]
				for c, v := range t {
					acc[c] += int32(v)
				}
			}
		}
		half := n / 2
		oc := o[c0 : c0+w]
		for c, s := range acc {
			if s > 0 {
				s = (s + half) / n
			} else {
				s = (s - half) / n
			}
			oc[c] = T(clamp(s, lo, hi))
		}
	}
}

// pool2x2 is pool2D for a 2×2 window at stride 2 with every window inside
// the input (VALID padding, or SAME on even sizes): the same formula, with
// the four taps read directly and the average's count fixed at 4.
func pool2x2[T int8 | int16 | uint8](p *Pool2DParams, in, out []T) {
	d := p.Depth
	rowLen := p.InW * d
	lo, hi := p.ActMin, p.ActMax
	sw := swarFor[T](lo, hi)
	i := 0
	for b := 0; b < p.Batches; b++ {
		for y := 0; y < p.OutH; y++ {
			r0 := in[(b*p.InH+2*y)*rowLen:]
			r1 := r0[rowLen:]
			if p.Max && sw.ok && d > 0 && d%8 == 0 {
				sw.max2x2Row(bytesOf(r0[:rowLen]), bytesOf(r1[:rowLen]), bytesOf(out[i:i+p.OutW*d]), d)
				i += p.OutW * d
				continue
			}
			for x := 0; x < p.OutW; x++ {
				o := out[i : i+d]
				i += d
				at := 2 * x * d
				a0, a1 := r0[at:at+d], r0[at+d:at+2*d]
				b0, b1 := r1[at:at+d], r1[at+d:at+2*d]
				a1, b0, b1 = a1[:len(a0)], b0[:len(a0)], b1[:len(a0)]
				o = o[:len(a0)]
				if p.Max {
					c0 := 0
					if sw.ok {
						c0 = sw.max2x2(bytesOf(a0), bytesOf(a1), bytesOf(b0), bytesOf(b1), bytesOf(o))
					}
					for c := c0; c < len(o); c++ {
						v := a0[c]
						v = max(v, a1[c], b0[c], b1[c])
						o[c] = T(clamp(int32(v), lo, hi))
					}
					continue
				}
				for c, v := range a0 {
					s := int32(v) + int32(a1[c]) + int32(b0[c]) + int32(b1[c])
					if s > 0 {
						s = (s + 2) / 4
					} else {
						s = (s - 2) / 4
					}
					o[c] = T(clamp(s, lo, hi))
				}
			}
		}
	}
}

// evalFloat is the float AveragePool or MaxPool.
func (p *Pool2DParams) evalFloat(in, out []float32) bool {
	i := 0
	for b := 0; b < p.Batches; b++ {
		for y := 0; y < p.OutH; y++ {
			iy0 := y*p.StrideH - p.PadH
			fy0, fy1 := insideRange(iy0, 1, p.FilterH, p.InH)
			for x := 0; x < p.OutW; x++ {
				ix0 := x*p.StrideW - p.PadW
				fx0, fx1 := insideRange(ix0, 1, p.FilterW, p.InW)
				n := float32((fy1 - fy0) * (fx1 - fx0))
				if !p.Max && n == 0 {
					return false
				}
				for c := 0; c < p.Depth; c++ {
					var total float32
					m := float32(-math.MaxFloat32)
					for fy := fy0; fy < fy1; fy++ {
						for fx := fx0; fx < fx1; fx++ {
							v := in[((b*p.InH+iy0+fy)*p.InW+ix0+fx)*p.Depth+c]
							total += v
							if m < v { // std::max(m, v) keeps m unless m < v
								m = v
							}
						}
					}
					v := m
					if !p.Max {
						v = total / n
					}
					out[i] = clampF(v, p.FloatMin, p.FloatMax)
					i++
				}
			}
		}
	}
	return true
}

// swarMax is the byte-lane (SWAR) form of the clamped channel-wise maximum
// for int8 and uint8: eight channels in a uint64, signed bytes offset by
// 0x80 (flip) so that the unsigned lane order is the signed one. ok is false
// for int16, and when the clamp range [lo, hi] is empty or leaves the type's
// range (then the scalar clamp's order of tests matters).
type swarMax struct {
	ok     bool
	flip   uint64 // 0x80 in every lane for int8, 0 for uint8
	clamp  bool   // [lo, hi] narrower than the type's range
	lo, hi uint64 // the clamp bounds, offset by flip, in every lane
}

// lanes8 times a byte puts it in every lane of a uint64.
const lanes8 = 0x0101010101010101

// swarFor is the swarMax of element type T and clamp [lo, hi].
func swarFor[T int8 | int16 | uint8](lo, hi int32) swarMax {
	var z T
	if unsafe.Sizeof(z) != 1 || lo > hi {
		return swarMax{}
	}
	qmin, qmax := int32(0), int32(255)
	var s swarMax
	if z-1 < 0 { // signed: int8
		qmin, qmax, s.flip = -128, 127, 0x80*lanes8
	}
	if lo < qmin || hi > qmax {
		return swarMax{}
	}
	s.ok = true
	s.clamp = lo > qmin || hi < qmax
	s.lo = uint64(lo-qmin) * lanes8
	s.hi = uint64(hi-qmin) * lanes8
	return s
}

// maxU8x8 is the lane-wise unsigned maximum of eight bytes: per lane the
// high bit of (a|0x80) − (b&0x7f) says a's low seven bits ≥ b's, and with
// the high bits that gives a ≥ b, widened to a 0x00/0xff mask.
func maxU8x8(a, b uint64) uint64 {
	const h = 0x80 * lanes8
	t := (a | h) - (b &^ h)
	ge := ((a &^ b) | (^(a ^ b) & t)) & h
	m := (ge >> 7) * 0xff
	return a&m | b&^m
}

// minU8x8 is the lane-wise unsigned minimum (see maxU8x8).
func minU8x8(a, b uint64) uint64 {
	const h = 0x80 * lanes8
	t := (a | h) - (b &^ h)
	ge := ((a &^ b) | (^(a ^ b) & t)) & h
	m := (ge >> 7) * 0xff
	return b&m | a&^m
}

// bytesOf views an int8 or uint8 slice as bytes.
func bytesOf[T int8 | int16 | uint8](s []T) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*int(unsafe.Sizeof(T(0))))
}

// max2x2 sets o's channels up to the last multiple of eight to the clamped
// maximum of a0, a1, b0 and b1 (int8 or uint8, each as long as o), and
// returns how many it set; pool2x2 does the rest.
func (s *swarMax) max2x2(a0, a1, b0, b1, o []byte) int {
	n := len(o) &^ 7
	a1, b0, b1 = a1[:len(a0)], b0[:len(a0)], b1[:len(a0)]
	o = o[:len(a0)]
	f := s.flip
	for c := 0; c+8 <= n; c += 8 {
		v := maxU8x8(maxU8x8(load8(a0, c)^f, load8(a1, c)^f), maxU8x8(load8(b0, c)^f, load8(b1, c)^f))
		if s.clamp {
			v = minU8x8(maxU8x8(v, s.lo), s.hi)
		}
		store8(o, c, v^f)
	}
	return n
}

// max2x2Row is max2x2 for a whole output row o of pixels of d channels, d
// a multiple of eight, from input rows r0 and r1 (at least 2·len(o) long).
func (s *swarMax) max2x2Row(r0, r1, o []byte, d int) {
	if len(o) == 0 || len(r0) < 2*len(o) || len(r1) < 2*len(o) || d%8 != 0 {
		panic("max2x2Row: rows too short")
	}
	// Every offset below is < 2·len(o) in r0, r1 and < len(o) in o.
	p0, p1, po := unsafe.Pointer(&r0[0]), unsafe.Pointer(&r1[0]), unsafe.Pointer(&o[0])
	ld := func(p unsafe.Pointer, i int) uint64 { return *(*uint64)(unsafe.Add(p, i)) }
	f := s.flip
	for x := 0; x < len(o); x += d {
		for c := x; c < x+d; c += 8 {
			a := 2*x + c - x // the left tap's channel c−x
			v := maxU8x8(maxU8x8(ld(p0, a)^f, ld(p0, a+d)^f), maxU8x8(ld(p1, a)^f, ld(p1, a+d)^f))
			if s.clamp {
				v = minU8x8(maxU8x8(v, s.lo), s.hi)
			}
			*(*uint64)(unsafe.Add(po, c)) = v ^ f
		}
	}
}

// maxWindow is the byte-lane form of maxWindow (same arguments, in bytes)
// for o's channels up to the last multiple of eight; it returns how many
// it set.
func (s *swarMax) maxWindow(in, o []byte, first, runLen, rowLen, rows int) int {
	d := len(o)
	n := d &^ 7
	if n == 0 {
		return 0
	}
	if first < 0 || rows < 1 || runLen < d || first+(rows-1)*rowLen+runLen > len(in) {
		panic("maxWindow: window outside the input")
	}
	// Every offset below is < first+(rows−1)·rowLen+runLen in in, < n in o.
	pi := unsafe.Pointer(&in[0])
	ld := func(i int) uint64 { return *(*uint64)(unsafe.Add(pi, i)) }
	f := s.flip
	for c := 0; c < n; c += 8 {
		v := ld(first+c) ^ f
		for r := 0; r < rows; r++ {
			row := first + r*rowLen + c
			for at := row; at < row+runLen; at += d {
				v = maxU8x8(v, ld(at)^f)
			}
		}
		if s.clamp {
			v = minU8x8(maxU8x8(v, s.lo), s.hi)
		}
		store8(o, c, v^f)
	}
	return n
}

// load8 reads the eight bytes b[i:i+8] as a little-endian uint64.
func load8(b []byte, i int) uint64 {
	_ = b[i+7]
	return *(*uint64)(unsafe.Pointer(&b[i]))
}

// store8 writes v to b[i:i+8], little-endian.
func store8(b []byte, i int, v uint64) {
	_ = b[i+7]
	*(*uint64)(unsafe.Pointer(&b[i])) = v
}
