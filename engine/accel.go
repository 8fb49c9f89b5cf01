package engine

import (
	"math"
	"sync"
)

// GEMM is an int8 matrix product with gemmS8's contract: out[i*n+j] =
// Σ_{kk<k} int32(a[i*k+kk])·int32(b[j*k+kk]) for i<m, j<n, a m×k and b n×k
// row-major, in wrapping int32 arithmetic (any order of summation is exact).
type GEMM func(m, n, k int, a, b []int8, out []int32)

// gemm is the product FULLY_CONNECTED and CONV_2D run: gemmS8 unless
// SetGEMM installed another.
var gemm GEMM = gemmS8

// gemmGo is whether gemm is the pure-Go gemmS8, whose callers may instead
// use the weights they packed for it (gemmRowsPacked).
var gemmGo = true

// SetGEMM makes the kernels use f for their int8 matrix products (the
// WebAssembly build's SIMD module); nil restores the pure-Go gemmS8. Call it
// before running models, not while they run.
func SetGEMM(f GEMM) {
	gemmGo = f == nil
	if f == nil {
		f = gemmS8
	}
	gemm = f
}

// GEMMRequant is a whole block of a FULLY_CONNECTED or CONV_2D op, from
// the int8 product to the int8 outputs, in one call: for i < m, j < n, in
// wrapping int32 arithmetic,
//
//	acc[i*n+j] = Σ_kk a[i*k+kk]·b[j*k+kk] + add[j] + ib·Σ_kk a[i*k+kk]
//	out[i*ldo+j] = the output stage of rq (requantTable) for channel c0+j, applied to acc[i*n+j]
//
// which is offsetGEMM (gemmColAdd's add) followed by the profile's
// requantizeInt8. acc is scratch of m·n values that holds the accumulators
// afterwards (for the trace).
type GEMMRequant func(m, n, k int, a, b []int8, acc, add []int32, ib int32, out []int8, ldo int, rq []int32, c0 int)

// gemmRequant is SetGEMMRequant's kernel, or nil: then offsetGEMM and the
// output stage's requantizeInt8 run.
var gemmRequant GEMMRequant

// SetGEMMRequant makes FULLY_CONNECTED and CONV_2D (int8 and uint8) run
// each block of output pixels through f (the WebAssembly build's SIMD
// module) when their output stage has a requantTable; nil restores the
// pure-Go path, which is the reference f is tested against. Call it before
// running models, not while they run.
func SetGEMMRequant(f GEMMRequant) { gemmRequant = f }

// Modes of a requantTable (its first value).
const (
	RequantDouble = 1 // FixedPointOutput with double rounding
	RequantSingle = 2 // FixedPointOutput with single rounding
	RequantFP32   = 3 // XNNPackOutput
)

// requantTable is the output stage o as the numbers a GEMMRequant kernel
// reads (wasm/simd/kernels.wat, gemm_rq_s8): [mode, zero point, min, max,
// C, 0, 0, 0] and five arrays of C int32s T0…T4, one value per output
// channel in each. Double rounding (quantMul.double): T0 = multiplier, T1 =
// 2^left wrapped to int32 (0 for 32), T2 = right shift, T3 = 2^right − 1,
// T4 = 2^(32−right) wrapped to uint32 (0 for right = 0).
// Single rounding (quantMul.apply): T0 = multiplier, T1 = total shift t,
// and when every t ≥ 31 (the header's sixth value is then 1), with r =
// t − 31, T3 = 2^r − 1 and T4 = 2^(32−r) wrapped to uint32; the seventh
// value is 1 when moreover every t ≥ 33 (r ≥ 2: the kernels' shorter
// formula, see $rqSingleRows4).
// XNNPACK: T0 = the float32 scale's bits. It is nil for other output
// stages and for a stage of other than channels output channels.
func requantTable(o outputStage, channels int) []int32 {
	var t []int32
	switch o := o.(type) {
	case *FixedPointOutput:
		C := len(o.qm)
		if C == 0 {
			return nil
		}
		mode := int32(RequantDouble)
		if o.qm[0].single {
			mode = RequantSingle
		}
		t = make([]int32, RequantTableLen(C))
		copy(t, []int32{mode, o.ZeroPoint, o.Min, o.Max, int32(C)})
		if mode == RequantSingle {
			t[5], t[6] = 1, 1
		}
		for c, q := range o.qm {
			t[8+c] = int32(q.m)
			if mode == RequantSingle {
				t[8+C+c] = int32(q.total)
				if q.total < 31 {
					t[5], t[6] = 0, 0
					continue
				}
				if q.total < 33 {
					t[6] = 0
				}
				r := q.total - 31
				t[8+3*C+c], t[8+4*C+c] = int32(1)<<r-1, int32(uint32(int64(1)<<(32-r)))
				continue
			}
			t[8+C+c] = int32(int64(1) << q.left)                                // wraps: 2^31 → −2^31, 2^32 → 0
			t[8+2*C+c], t[8+3*C+c] = int32(q.right), int32(int64(1)<<q.right-1) // the mask 2^right − 1
			t[8+4*C+c] = int32(uint32(int64(1) << (32 - q.right)))              // 2^32 → 0
		}
	case *XNNPackOutput:
		C := len(o.Scales)
		if C == 1 {
			C = channels // one scale for every channel
		}
		if C == 0 {
			return nil
		}
		t = make([]int32, RequantTableLen(C))
		copy(t, []int32{RequantFP32, o.ZeroPoint, o.Min, o.Max, int32(C)})
		for c := range C {
			t[8+c] = int32(math.Float32bits(o.scale(c)))
		}
	}
	if len(t) < 8 || int(t[4]) != channels {
		return nil
	}
	return t
}

// simdTable caches an op's requantTable (its output stage does not change
// once prepared).
type simdTable struct {
	once sync.Once
	t    []int32
}

// get returns requantTable(o, channels), computed on the first call.
func (s *simdTable) get(o outputStage, channels int) []int32 {
	s.once.Do(func() { s.t = requantTable(o, channels) })
	return s.t
}

// RequantTableLen is the length of a requantTable of C channels (the
// kernel reads the whole table).
func RequantTableLen(C int) int { return 8 + 5*C }

// colAdds caches an op's gemmColAdd values (one slice per group) across
// runs when they are constant: a constant filter and bias, as in
// converter-made models. Recomputing them allocated on every run.
type colAdds struct {
	once sync.Once
	adds [][]int32
}

// get returns make's values, computed once when constant, else every call.
func (c *colAdds) get(constant bool, make func() [][]int32) [][]int32 {
	if !constant {
		return make()
	}
	c.once.Do(func() { c.adds = make() })
	return c.adds
}

// constAdds says whether an op's gemmColAdd values stay the same from run
// to run: its weights were prepared from a constant filter and its bias
// (index bias, −1 for none) is constant.
func (r *run) constAdds(weights *gemmWeights, bias int) bool {
	return weights != nil && (bias < 0 || r.m.Tensors[bias].Const)
}

// Im2Col is Conv2DParams.Im2Col's contract: the input patches of group g
// of the mb output pixels from pixel p0 on, one row of FilterH·FilterW·
// FilterC values each, fill for taps outside the input.
type Im2Col func(p *Conv2DParams, patches, in []int8, p0, mb, g int, fill int8)

// im2colAccel is SetIm2Col's kernel, or nil for Conv2DParams.im2col.
var im2colAccel Im2Col

// SetIm2Col makes CONV_2D (int8 and uint8) gather its patches with f (the
// WebAssembly build's SIMD module); nil restores the pure-Go im2col, the
// reference f is tested against (CheckIm2Col). Call it before running
// models, not while they run.
func SetIm2Col(f Im2Col) { im2colAccel = f }

// Im2Col is the pure-Go im2col, whatever SetIm2Col installed.
func (p *Conv2DParams) Im2Col(patches, in []int8, p0, mb, g int, fill int8) {
	p.im2col(patches, in, p0, mb, g, fill)
}
