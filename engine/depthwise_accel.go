package engine

// DepthwiseS8 computes the int32 accumulators of an int8 DEPTHWISE_CONV_2D
// with depth multiplier 1 (p's geometry and InputOffset), before the output
// stage, in wrapping int32 arithmetic:
//
//	acc[((b·OutH+y)·OutW+x)·C+c] = bias[c] + Σ_{fy,fx; inside the input} w[(fy·FilterW+fx)·C+c]·(in[b,iy,ix,c] + InputOffset)
//
// with iy = y·StrideH − PadH + fy·DilationH, ix likewise; bias has C values
// (zeros without a bias tensor). Any order of summation gives this result.
type DepthwiseS8 func(p *DepthwiseConv2DParams, in, w []int8, bias, acc []int32)

// depthwiseS8 is the accelerated depthwise kernel SetDepthwise installed;
// nil runs evalInt8's pure-Go loops.
var depthwiseS8 DepthwiseS8

// SetDepthwise makes int8 DEPTHWISE_CONV_2D with depth multiplier 1 compute
// its accumulators with f (the WebAssembly build's SIMD module); nil
// restores the pure-Go loops, which are the reference f is tested against.
// Call it before running models, not while they run.
func SetDepthwise(f DepthwiseS8) { depthwiseS8 = f }

// evalInt8Accel is evalInt8 with every accumulator of the op from
// depthwiseS8 in one call, then the trace and the output stage per pixel.
func (p *DepthwiseConv2DParams) evalInt8Accel(r *run, trace []int64) {
	C := p.OutC
	r.gs.accs = grow(r.gs.accs, p.Batches*p.OutH*p.OutW*C)
	acc := r.gs.accs
	var bias []int32
	if p.bias >= 0 {
		bias = r.i32(p.bias)[:C]
	} else {
		bias = make([]int32, C)
	}
	depthwiseS8(p, r.i8(p.in), r.i8(p.filter), bias, acc)
	if trace != nil {
		for i, a := range acc {
			trace[i] = int64(a)
		}
	}
	out := r.i8(p.out)
	for i := 0; i < len(acc); i += C {
		p.Output.requantizeInt8(acc[i:i+C], out[i:i+C])
	}
}
