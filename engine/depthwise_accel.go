package engine

import "sync/atomic"

// DepthwiseS8 computes the int32 accumulators of an int8 DEPTHWISE_CONV_2D
// with depth multiplier 1 (p's geometry and InputOffset), before the output
// stage, in wrapping int32 arithmetic:
//
//	acc[((b·OutH+y)·OutW+x)·C+c] = bias[c] + Σ_{fy,fx; inside the input} w[(fy·FilterW+fx)·C+c]·(in[b,iy,ix,c] + InputOffset)
//
// with iy = y·StrideH − PadH + fy·DilationH, ix likewise; bias has C values
// (zeros without a bias tensor). Any order of summation gives this result.
type DepthwiseS8 func(p *DepthwiseConv2DParams, in, w []int8, bias, acc []int32)

// DepthwiseS8O is DepthwiseS8 with a filter offset: w[…] + woff in place
// of w[…] (uint8 filters, mapped to int8, have woff = FilterOffset + 128).
type DepthwiseS8O func(p *DepthwiseConv2DParams, in, w []int8, woff int32, bias, acc []int32)

// DepthwiseRequantS8 is DepthwiseS8O followed by the op's output stage in
// one call, for OutC a multiple of 8: out[i] = the output stage of rq (a
// requantTable of OutC channels; single rounding only when its sixth value
// is 1) for channel i mod OutC, applied to acc[i]. acc is scratch of the
// accumulators' length whose contents are undefined afterwards (the trace
// cannot use it).
type DepthwiseRequantS8 func(p *DepthwiseConv2DParams, in, w []int8, woff int32, bias, acc, rq []int32, out []int8)

// depthwiseRqS8 is SetDepthwiseRequant's kernel, or nil.
var depthwiseRqS8 DepthwiseRequantS8

// SetDepthwiseRequant makes int8 and uint8 DEPTHWISE_CONV_2D run with f
// (the WebAssembly build's SIMD module), accumulators and output stage
// fused, when the trace is off, the channel count is a multiple of 8 and
// the output stage has a requantTable (SetDepthwise's f installed too);
// nil restores SetDepthwise's kernel and requantizeRows, the reference f is
// tested against (CheckDepthwiseRequant). Call it before running models,
// not while they run.
func SetDepthwiseRequant(f DepthwiseRequantS8) { depthwiseRqS8 = f }

// dwAccelCache holds the requantTable DepthwiseRequantS8 last ran an op's
// output stage with (made on the op's first fused run, as an output stage
// does not change once prepared), per DepthwiseConv2DParams.
type dwAccelCache struct{ p atomic.Pointer[dwAccelTable] }

type dwAccelTable struct {
	o outputStage
	c int
	t []int32 // nil: DepthwiseRequantS8 cannot run the stage
}

// table is depthwiseTable(o, C), made once per output stage (c may be nil:
// made every time).
func (c *dwAccelCache) table(o outputStage, C int) []int32 {
	if c == nil {
		return depthwiseTable(o, C)
	}
	switch o.(type) {
	case *FixedPointOutput, *XNNPackOutput: // pointers: comparable
	default:
		return nil
	}
	if s := c.p.Load(); s != nil && s.o == o && s.c == C {
		return s.t
	}
	t := depthwiseTable(o, C)
	c.p.Store(&dwAccelTable{o: o, c: C, t: t})
	return t
}

// depthwiseTable is o's requantTable for C channels when DepthwiseRequantS8
// can run it, else nil.
func depthwiseTable(o outputStage, C int) []int32 {
	switch o.(type) {
	case *FixedPointOutput, *XNNPackOutput:
	default:
		return nil
	}
	t := requantTable(o, C)
	if t != nil && t[0] == RequantSingle && t[5] != 1 {
		t = nil // a total shift below 31: not in $stage4
	}
	return t
}

// depthwiseS8 and depthwiseS8O are the accelerated depthwise kernels
// SetDepthwise and SetDepthwiseOffset installed; nil runs evalInt8's
// pure-Go loops.
var (
	depthwiseS8  DepthwiseS8
	depthwiseS8O DepthwiseS8O
)

// SetDepthwise makes int8 DEPTHWISE_CONV_2D compute its accumulators with
// f (the WebAssembly build's SIMD module); nil restores the pure-Go loops,
// which are the reference f is tested against. A depth multiplier m > 1
// runs on f too, on the input with each value repeated m times. Call it
// before running models, not while they run.
func SetDepthwise(f DepthwiseS8) { depthwiseS8 = f }

// SetDepthwiseOffset makes uint8 DEPTHWISE_CONV_2D compute its
// accumulators with f (with SetDepthwise's f installed too), as
// SetDepthwise does for int8.
func SetDepthwiseOffset(f DepthwiseS8O) { depthwiseS8O = f }

// accelerated reports whether evalInt8Accel runs p.
func (p *DepthwiseConv2DParams) accelerated() bool {
	switch p.typ {
	case Int8:
		return depthwiseS8 != nil && p.FilterOffset == 0
	case Uint8:
		return depthwiseS8 != nil && depthwiseS8O != nil
	}
	return false
}

// evalInt8Accel is evalInt8 with every accumulator of the op from
// depthwiseS8 (or depthwiseS8O) in one call, then the trace and the output
// stage (requantizeRows); without the trace, depthwiseRqS8 where it can
// run the op, the output stage fused. uint8 operands are mapped to int8 (u − 128) with
// both offsets 128 higher; with a depth multiplier m > 1 the kernel sees
// the input with each value repeated m times, a multiplier-1 convolution
// of OutC channels (output channel c = i·m + k reads input channel i).
func (p *DepthwiseConv2DParams) evalInt8Accel(r *run, trace []int64) {
	C := p.OutC
	q := *p // the geometry and offsets the kernel sees
	in, w, woff := r.i8(p.in), r.i8(p.filter), p.FilterOffset
	if p.typ == Uint8 {
		q.InputOffset += 128
		woff += 128
		if w = p.signedW; w == nil {
			w = signedInt8(nil, r.u8(p.filter))
		}
	}
	if dm := p.DepthMultiplier; dm > 1 || p.typ == Uint8 {
		var flip int8
		if p.typ == Uint8 {
			flip = -128 // int8(u) ^ 0x80 = u − 128
		}
		n := p.Batches * p.InH * p.InW * p.InC
		r.gs.patches = grow(r.gs.patches, n*dm)
		x := r.gs.patches
		if dm == 1 {
			for i, v := range in[:n] {
				x[i] = v ^ flip
			}
		} else {
			for i, v := range in[:n] {
				fillInt8(x[i*dm:][:dm], v^flip)
			}
		}
		in = x
		q.InC, q.DepthMultiplier = C, 1
	}
	r.gs.accs = grow(r.gs.accs, p.Batches*p.OutH*p.OutW*C)
	acc := r.gs.accs
	var bias []int32
	if p.bias >= 0 {
		bias = r.i32(p.bias)[:C]
	} else {
		bias = make([]int32, C)
	}
	if trace == nil && depthwiseRqS8 != nil && C%8 == 0 {
		if rq := p.accelRQ.table(p.Output, C); rq != nil {
			depthwiseRqS8(&q, in, w, woff, bias, acc, rq, r.i8(p.out)) // uint8 outputs: the same bytes
			return
		}
	}
	if woff == 0 {
		depthwiseS8(&q, in, w, bias, acc)
	} else {
		depthwiseS8O(&q, in, w, woff, bias, acc)
	}
	if trace != nil {
		for i, a := range acc {
			trace[i] = int64(a)
		}
	}
	requantizeRows(p.Output, acc, nil, C, r.i8(p.out)) // uint8 outputs: the same bytes
}

// Im2ColS8One writes the input patches of the mb output pixels from pixel
// p0 on of a convolution of one input channel with p's window (p.InC = 1):
// Conv2DParams.im2col with filter depth 1, rows of FilterH·FilterW int8
// into patches, fill for taps outside the input.
type Im2ColS8One func(p *DepthwiseConv2DParams, in []int8, fill int8, p0, mb int, patches []int8)

// im2colS8One is the accelerated Im2ColS8One SetIm2ColOne installed; nil
// runs Conv2DParams.im2col.
var im2colS8One Im2ColS8One

// SetIm2ColOne makes evalGrouped (depthwise convolutions of one input
// channel) gather its patches with f (the WebAssembly build's SIMD
// module); nil restores Conv2DParams.im2col, the reference f is tested
// against. Call it before running models, not while they run.
func SetIm2ColOne(f Im2ColS8One) { im2colS8One = f }
