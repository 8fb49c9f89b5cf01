package engine

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/int8scope/int8scope/engine/fixedpoint"
	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// The convolution tests (CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV) compare
// the engine with cvRef, a direct re-derivation of TFLite's reference
// kernels written for the tests: plain loops over every output element (a
// gather also for TRANSPOSE_CONV), the multipliers from
// refQuantizeMultiplier and the requantization from refMBQM, both in
// arbitrary precision.

// cvSpec is one quantized convolution case.
type cvSpec struct {
	op             tflite.BuiltinOperator
	typ            DType // input and output type; the filter is int8 (uint8 for uint8)
	n, h, w, c     int   // input
	oc, fh, fw     int   // output channels, filter size
	groups         int   // CONV_2D
	sh, sw, dh, dw int
	pad            tflite.Padding
	act            tflite.ActivationFunctionType
	inS, outS      float32
	fS             []float32 // one scale, or one per output channel
	inZ, outZ, fZ  int64
	biasType       DType // 0: no bias
	filterFed      bool  // the filter is a subgraph input, not a constant
	outH, outW     int   // TRANSPOSE_CONV: the output size
	x, f, bias     []int64
}

func (s *cvSpec) String() string {
	return fmt.Sprintf("%v %v in %dx%dx%dx%d oc %d filter %dx%d groups %d stride %dx%d dil %dx%d %v %v zp %d/%d/%d scales %d bias %v fed %v",
		s.op, s.typ, s.n, s.h, s.w, s.c, s.oc, s.fh, s.fw, s.groups, s.sh, s.sw, s.dh, s.dw, s.pad, s.act,
		s.inZ, s.outZ, s.fZ, len(s.fS), s.biasType, s.filterFed)
}

// cvOutSize is TFLite's ComputeOutSize and ComputePaddingWithOffset for one
// dimension.
func cvOutSize(pad tflite.Padding, in, f, s, d int) (out, before int) {
	eff := (f-1)*d + 1
	if pad == tflite.PaddingSAME {
		out = (in + s - 1) / s
	} else {
		out = (in + s - eff) / s
	}
	total := (out-1)*s + eff - in
	if total < 0 {
		total = 0
	}
	return out, total / 2
}

// geometry returns the output shape and padding of the case.
func (s *cvSpec) geometry() (oh, ow, padH, padW int) {
	if s.op == tflite.BuiltinOperatorTRANSPOSE_CONV {
		_, padH = cvOutSize(s.pad, s.outH, s.fh, s.sh, 1)
		_, padW = cvOutSize(s.pad, s.outW, s.fw, s.sw, 1)
		return s.outH, s.outW, padH, padW
	}
	oh, padH = cvOutSize(s.pad, s.h, s.fh, s.sh, s.dh)
	ow, padW = cvOutSize(s.pad, s.w, s.fw, s.sw, s.dw)
	return oh, ow, padH, padW
}

func (s *cvSpec) filterShape() []int {
	switch s.op {
	case tflite.BuiltinOperatorDEPTHWISE_CONV_2D:
		return []int{1, s.fh, s.fw, s.oc}
	case tflite.BuiltinOperatorTRANSPOSE_CONV:
		return []int{s.oc, s.fh, s.fw, s.c}
	}
	return []int{s.oc, s.fh, s.fw, s.c / s.groups}
}

// wide reports whether the reference accumulates in int64.
func (s *cvSpec) wide() bool {
	if s.typ != Int16 {
		return false
	}
	return s.op != tflite.BuiltinOperatorCONV_2D || s.biasType == Int64
}

// cvActRange is CalculateActivationRangeQuantized, by hand.
func cvActRange(act tflite.ActivationFunctionType, scale float32, zp int64, typ DType) (lo, hi int64) {
	l, h := qrange(typ)
	lo, hi = int64(l), int64(h)
	q := func(f float32) int64 { return zp + int64(math.Round(float64(f/scale))) }
	switch act {
	case tflite.ActivationFunctionTypeRELU:
		lo = max(lo, q(0))
	case tflite.ActivationFunctionTypeRELU6:
		lo, hi = max(lo, q(0)), min(hi, q(6))
	case tflite.ActivationFunctionTypeRELU_N1_TO_1:
		lo, hi = max(lo, q(-1)), min(hi, q(1))
	}
	return lo, hi
}

// cvMBQM64 is TFLite's MultiplyByQuantizedMultiplier for int64
// accumulators, whose result is cast to int32_t.
func cvMBQM64(x int64, m int32, shift int) int64 {
	r := int64(0x7FFF)
	if m < 0x7FFF0000 {
		r = (int64(m) + 1<<15) >> 16
	}
	return int64(int32((x*r + 1<<(14-shift)) >> (15 - shift)))
}

// cvRef computes the expected output and the accumulators (after the bias).
func cvRef(s *cvSpec, profile Profile) (out, accs []int64) {
	oh, ow, padH, padW := s.geometry()
	woff := int64(0)
	if s.typ == Uint8 {
		woff = -s.fZ
	}
	xoff := -s.inZ
	fshape := s.filterShape()
	fidx := func(a, b, c, d int) int { return ((a*fshape[1]+b)*fshape[2]+c)*fshape[3] + d }
	xidx := func(b, y, x, c int) int { return ((b*s.h+y)*s.w+x)*s.c + c }
	inside := func(y, x int) bool { return y >= 0 && y < s.h && x >= 0 && x < s.w }
	lo, hi := cvActRange(s.act, s.outS, s.outZ, s.typ)
	for b := 0; b < s.n; b++ {
		for y := 0; y < oh; y++ {
			for x := 0; x < ow; x++ {
				for c := 0; c < s.oc; c++ {
					var acc int64
					term := func(xi, fi int) { acc += (s.x[xi] + xoff) * (s.f[fi] + woff) }
					switch s.op {
					case tflite.BuiltinOperatorCONV_2D:
						fc := s.c / s.groups
						g := c / (s.oc / s.groups)
						for fy := 0; fy < s.fh; fy++ {
							for fx := 0; fx < s.fw; fx++ {
								iy, ix := y*s.sh-padH+fy*s.dh, x*s.sw-padW+fx*s.dw
								if !inside(iy, ix) {
									continue
								}
								for i := 0; i < fc; i++ {
									term(xidx(b, iy, ix, g*fc+i), fidx(c, fy, fx, i))
								}
							}
						}
					case tflite.BuiltinOperatorDEPTHWISE_CONV_2D:
						m := s.oc / s.c
						for fy := 0; fy < s.fh; fy++ {
							for fx := 0; fx < s.fw; fx++ {
								iy, ix := y*s.sh-padH+fy*s.dh, x*s.sw-padW+fx*s.dw
								if inside(iy, ix) {
									term(xidx(b, iy, ix, c/m), fidx(0, fy, fx, c))
								}
							}
						}
					case tflite.BuiltinOperatorTRANSPOSE_CONV:
						// out (y, x) gathers input (iy, ix) with iy·sh − padH + fy = y.
						for fy := 0; fy < s.fh; fy++ {
							for fx := 0; fx < s.fw; fx++ {
								ny, nx := y+padH-fy, x+padW-fx
								if ny < 0 || nx < 0 || ny%s.sh != 0 || nx%s.sw != 0 || !inside(ny/s.sh, nx/s.sw) {
									continue
								}
								for i := 0; i < s.c; i++ {
									term(xidx(b, ny/s.sh, nx/s.sw, i), fidx(c, fy, fx, i))
								}
							}
						}
					}
					if s.bias != nil {
						acc += s.bias[c]
					}
					fs := s.fS[0]
					if len(s.fS) > 1 {
						fs = s.fS[c]
					}
					real := float64(s.inS) * float64(fs) / float64(s.outS)
					if s.typ == Uint8 {
						real = float64(s.inS*fs) / float64(s.outS)
					}
					m, shift := refQuantizeMultiplier(real)
					var v int64
					switch {
					case s.wide():
						v = cvMBQM64(acc, m, shift)
					case profile == SingleRounding && !(s.typ == Uint8 && s.op == tflite.BuiltinOperatorDEPTHWISE_CONV_2D):
						acc = int64(int32(acc))
						v = (acc*int64(m) + 1<<(30-shift)) >> (31 - shift)
					default:
						acc = int64(int32(acc))
						v = int64(refMBQM(int32(acc), m, shift))
					}
					if s.typ != Int16 {
						v += s.outZ
					}
					accs = append(accs, acc)
					out = append(out, refClamp(v, lo, hi))
				}
			}
		}
	}
	return out, accs
}

// model builds the one-op model of the case and its fed inputs.
func (s *cvSpec) model() ([]byte, [][]byte) {
	oh, ow, _, _ := s.geometry()
	b := tfbuild.New()
	ftype := Int8
	if s.typ == Uint8 {
		ftype = Uint8
	}
	axis := int32(0)
	if s.op == tflite.BuiltinOperatorDEPTHWISE_CONV_2D {
		axis = 3
	}
	fq := &tfbuild.Quant{Scale: s.fS, Axis: axis}
	for range s.fS {
		fq.ZeroPoint = append(fq.ZeroPoint, s.fZ)
	}
	in := b.Tensor("input", ttype(s.typ), []int{s.n, s.h, s.w, s.c}, tfbuild.Q(s.inS, s.inZ), nil)
	fdata := encodeInts(ftype, s.f)
	feeds := [][]byte{encodeInts(s.typ, s.x)}
	if s.filterFed {
		fdata = nil
	}
	filter := b.Tensor("filter", ttype(ftype), s.filterShape(), fq, fdata)
	inputs := []int{in}
	if s.filterFed {
		inputs = append(inputs, filter)
		feeds = append(feeds, encodeInts(ftype, s.f))
	}
	bias := -1
	if s.biasType != 0 {
		var data []byte
		if s.biasType == Int64 {
			data = tfbuild.I64(s.bias...)
		} else {
			data = encodeInts(s.biasType, s.bias)
		}
		bias = b.Tensor("bias", ttype(s.biasType), []int{s.oc}, nil, data)
	}
	out := b.Tensor("output", ttype(s.typ), []int{s.n, oh, ow, s.oc}, tfbuild.Q(s.outS, s.outZ), nil)
	ins := []int{in, filter}
	if bias >= 0 {
		ins = append(ins, bias)
	}
	var opts *tflite.BuiltinOptionsT
	switch s.op {
	case tflite.BuiltinOperatorCONV_2D:
		opts = &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsConv2DOptions, Value: &tflite.Conv2DOptionsT{
			Padding: s.pad, StrideH: int32(s.sh), StrideW: int32(s.sw), DilationHFactor: int32(s.dh), DilationWFactor: int32(s.dw),
			FusedActivationFunction: s.act}}
	case tflite.BuiltinOperatorDEPTHWISE_CONV_2D:
		opts = &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsDepthwiseConv2DOptions, Value: &tflite.DepthwiseConv2DOptionsT{
			Padding: s.pad, StrideH: int32(s.sh), StrideW: int32(s.sw), DilationHFactor: int32(s.dh), DilationWFactor: int32(s.dw),
			DepthMultiplier: int32(s.oc / s.c), FusedActivationFunction: s.act}}
	case tflite.BuiltinOperatorTRANSPOSE_CONV:
		shape := b.Tensor("output_shape", tflite.TensorTypeINT32, []int{4}, nil, tfbuild.I32(int32(s.n), int32(oh), int32(ow), int32(s.oc)))
		ins = []int{shape, filter, in}
		if bias >= 0 {
			ins = append(ins, bias)
		}
		opts = &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsTransposeConvOptions, Value: &tflite.TransposeConvOptionsT{
			Padding: s.pad, StrideH: int32(s.sh), StrideW: int32(s.sw), FusedActivationFunction: s.act}}
	}
	b.Op(s.op, 1, opts, ins, []int{out})
	b.Inputs(inputs...)
	b.Outputs(out)
	return b.Bytes(), feeds
}

// randomCV draws a quantized convolution case.
func randomCV(rng *rand.Rand, op tflite.BuiltinOperator, typ DType) *cvSpec {
	for {
		s := &cvSpec{op: op, typ: typ, n: 1 + rng.IntN(2), h: 1 + rng.IntN(7), w: 1 + rng.IntN(7), c: 1 + rng.IntN(5),
			fh: 1 + rng.IntN(4), fw: 1 + rng.IntN(4), groups: 1, sh: 1 + rng.IntN(3), sw: 1 + rng.IntN(3), dh: 1, dw: 1,
			pad: tflite.Padding(rng.IntN(2)), act: []tflite.ActivationFunctionType{0, 1, 2, 3}[rng.IntN(4)]}
		switch op {
		case tflite.BuiltinOperatorCONV_2D:
			s.dh, s.dw = 1+rng.IntN(2), 1+rng.IntN(2)
			if rng.IntN(4) == 0 && s.c%2 == 0 {
				s.groups = 2
			}
			s.oc = s.groups * (1 + rng.IntN(4))
		case tflite.BuiltinOperatorDEPTHWISE_CONV_2D:
			s.dh, s.dw = 1+rng.IntN(2), 1+rng.IntN(2)
			s.oc = s.c * (1 + rng.IntN(3))
		case tflite.BuiltinOperatorTRANSPOSE_CONV:
			s.oc = 1 + rng.IntN(4)
			s.outH, s.outW = (s.h-1)*s.sh+s.fh, (s.w-1)*s.sw+s.fw
			if s.pad == tflite.PaddingSAME {
				s.outH, s.outW = s.h*s.sh, s.w*s.sw
			}
		}
		if oh, ow, _, _ := s.geometry(); oh <= 0 || ow <= 0 {
			continue
		}
		s.inS = 0.001 + rng.Float32()*0.1
		s.outS = 0.001 + rng.Float32()*[]float32{0.01, 1, 10}[rng.IntN(3)]
		nS := 1
		if typ != Uint8 && rng.IntN(2) == 0 {
			nS = s.oc
		}
		for range nS {
			s.fS = append(s.fS, 0.001+rng.Float32()*0.05)
		}
		switch typ {
		case Int8:
			zps := []int64{-128, 127, 0, int64(rng.IntN(256) - 128)}
			s.inZ, s.outZ = zps[rng.IntN(4)], zps[rng.IntN(4)]
			s.biasType = []DType{0, Int32}[rng.IntN(2)]
			s.filterFed = rng.IntN(4) == 0
		case Uint8:
			zps := []int64{0, 255, 128, int64(rng.IntN(256))}
			s.inZ, s.outZ, s.fZ = zps[rng.IntN(4)], zps[rng.IntN(4)], zps[rng.IntN(4)]
			s.biasType = []DType{0, Int32}[rng.IntN(2)]
		case Int16:
			s.biasType = []DType{0, Int64}[rng.IntN(2)]
			switch {
			case op == tflite.BuiltinOperatorCONV_2D && rng.IntN(2) == 0:
				s.biasType = Int32
			case op == tflite.BuiltinOperatorTRANSPOSE_CONV && rng.IntN(3) == 0:
				s.biasType = Int16 // older converters' 16x8 bias, widened by TFLite Micro
			}
		}
		s.x = randInts(rng, typ, s.n*s.h*s.w*s.c)
		fshape := s.filterShape()
		ftype := Int8
		if typ == Uint8 {
			ftype = Uint8
		}
		s.f = randInts(rng, ftype, numElements(fshape))
		if s.biasType != 0 {
			s.bias = make([]int64, s.oc)
			for i := range s.bias {
				switch s.biasType {
				case Int32:
					s.bias[i] = rng.Int64N(1<<21) - 1<<20
				case Int16:
					s.bias[i] = rng.Int64N(1<<16) - 1<<15
				case Int64:
					s.bias[i] = rng.Int64N(1<<31) - 1<<30
				}
			}
		}
		return s
	}
}

// checkCV runs a case under both integer profiles and checks the output, the
// traced accumulators and explanations against cvRef.
func checkCV(t *testing.T, s *cvSpec) {
	t.Helper()
	data, feeds := s.model()
	m, err := Load(data)
	if err != nil {
		t.Fatalf("%v: load: %v", s, err)
	}
	for _, p := range []Profile{Reference, SingleRounding} {
		res, err := m.Run(feeds, Options{Profile: p, Trace: true})
		if err != nil {
			t.Fatalf("%v: run: %v", s, err)
		}
		want, wantAcc := cvRef(s, p)
		got := decodeInts(s.typ, res.Tensors[m.Outputs[0]])
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%v, %s:\n got %v\nwant %v", s, p, got, want)
		}
		if acc := res.Trace.Ops[0].Acc; fmt.Sprint(acc) != fmt.Sprint(wantAcc) {
			t.Fatalf("%v, %s: accumulators\n got %v\nwant %v", s, p, acc, wantAcc)
		}
		for _, i := range []int{0, len(want) / 2, len(want) - 1} {
			e, err := res.Explain(0, i)
			if err != nil {
				t.Fatalf("%v: explain %d: %v", s, i, err)
			}
			if e.Value != want[i] || e.Steps[1].Value != float64(wantAcc[i]) {
				t.Fatalf("%v, %s: explain %d: value %d, acc %v; want %d, %d\n%+v", s, p, i, e.Value, e.Steps[1].Value, want[i], wantAcc[i], e)
			}
			if len(e.Terms) != min(e.TermsTotal, MaxTerms) {
				t.Fatalf("%v: explain %d lists %d of %d terms", s, i, len(e.Terms), e.TermsTotal)
			}
		}
	}
}

var cvRandomCases = 60

func TestConvFamilyRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, op := range []tflite.BuiltinOperator{tflite.BuiltinOperatorCONV_2D, tflite.BuiltinOperatorDEPTHWISE_CONV_2D, tflite.BuiltinOperatorTRANSPOSE_CONV} {
		for _, typ := range []DType{Int8, Uint8, Int16} {
			t.Run(fmt.Sprintf("%v/%v", op, typ), func(t *testing.T) {
				for range cvRandomCases {
					checkCV(t, randomCV(rng, op, typ))
				}
			})
		}
	}
}

// TestConv2DHand checks a 3×3 int8 convolution with SAME padding by hand:
// padding taps are skipped, not read as the input zero point.
func TestConv2DHand(t *testing.T) {
	// input 1×3×3×1 = 1..9 with zero point 1 (offset −1): 0..8 after the offset.
	// filter 1×3×3×1 all ones, output scale = input·filter scale, zp 0.
	s := &cvSpec{op: tflite.BuiltinOperatorCONV_2D, typ: Int8, n: 1, h: 3, w: 3, c: 1, oc: 1, fh: 3, fw: 3, groups: 1,
		sh: 1, sw: 1, dh: 1, dw: 1, pad: tflite.PaddingSAME, inS: 0.5, outS: 0.25, fS: []float32{0.5}, inZ: 1,
		x: []int64{1, 2, 3, 4, 5, 6, 7, 8, 9}, f: []int64{1, 1, 1, 1, 1, 1, 1, 1, 1}}
	data, feeds := s.model()
	m, err := Load(data)
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Run(feeds, Options{Trace: true})
	if err != nil {
		t.Fatal(err)
	}
	// offset values  0 1 2 / 3 4 5 / 6 7 8; 3×3 window sums with padding skipped:
	want := []int8{8, 15, 12, 21, 36, 27, 20, 33, 24}
	if got := AsInt8(res.Tensors[m.Outputs[0]]); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	e, err := res.Explain(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	pad := 0
	for _, term := range e.Terms {
		if term.InputIndex == -1 {
			pad++
			if term.Product != 0 {
				t.Errorf("padding term %+v has a product", term)
			}
		}
	}
	if e.TermsTotal != 9 || pad != 5 || e.Value != 8 {
		t.Fatalf("explanation of the corner: %d terms, %d padding, value %d; want 9, 5, 8", e.TermsTotal, pad, e.Value)
	}
}

// TestConv2DOverflow checks that a huge int8 dot product wraps its int32
// accumulator like the reference (the unpacked path).
func TestConv2DOverflow(t *testing.T) {
	const depth = 70000
	s := &cvSpec{op: tflite.BuiltinOperatorCONV_2D, typ: Int8, n: 1, h: 1, w: 1, c: depth, oc: 2, fh: 1, fw: 1, groups: 1,
		sh: 1, sw: 1, dh: 1, dw: 1, pad: tflite.PaddingVALID, inS: 1, outS: 1 << 20, fS: []float32{1}, inZ: -128}
	for range depth {
		s.x = append(s.x, 127)
	}
	for i := range 2 * depth {
		s.f = append(s.f, []int64{127, -128}[i/depth])
	}
	// 70000·255·127 = 2266950000 and 70000·255·−128 both overflow int32.
	checkCV(t, s)
}

// TestQuantMul checks the inlined requantization against package fixedpoint.
func TestQuantMul(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	xs := []int32{0, 1, -1, math.MaxInt32, math.MinInt32, 1 << 20, -(1 << 20)}
	for range 2000 {
		xs = append(xs, int32(rng.Uint32()), int32(rng.IntN(1<<16))-1<<15)
	}
	for range 500 {
		real := math.Ldexp(0.5+rng.Float64()/2, rng.IntN(40)-31)
		q := newRequant(real)
		qs := q
		qs.Rounding = RoundSingle
		double, single := newQuantMul(q), newQuantMul(qs)
		if !single.single || double.single {
			t.Fatal("newQuantMul picked the wrong rounding")
		}
		for _, x := range xs {
			if got, want := double.apply(x), fixedpoint.MultiplyByQuantizedMultiplier(x, q.Multiplier, q.Shift); got != want {
				t.Fatalf("double rounding(%d, %d, %d) = %d, want %d", x, q.Multiplier, q.Shift, got, want)
			}
			if q.Shift > 30 {
				continue
			}
			if got, want := single.apply(x), fixedpoint.MultiplyByQuantizedMultiplierSingleRounding(x, q.Multiplier, q.Shift); got != want {
				t.Fatalf("single rounding(%d, %d, %d) = %d, want %d", x, q.Multiplier, q.Shift, got, want)
			}
		}
	}
}

// cvFloatRef is the float reference: products in the reference's order,
// each rounded to float32.
func cvFloatRef(s *cvSpec, x, f, bias []float32, lo, hi float32) []float32 {
	oh, ow, padH, padW := s.geometry()
	fshape := s.filterShape()
	fidx := func(a, b, c, d int) int { return ((a*fshape[1]+b)*fshape[2]+c)*fshape[3] + d }
	xidx := func(b, y, xx, c int) int { return ((b*s.h+y)*s.w+xx)*s.c + c }
	inside := func(y, xx int) bool { return y >= 0 && y < s.h && xx >= 0 && xx < s.w }
	act := func(v float32) float32 {
		if v < lo {
			v = lo
		}
		if hi < v {
			v = hi
		}
		return v
	}
	out := make([]float32, s.n*oh*ow*s.oc)
	if s.op == tflite.BuiltinOperatorTRANSPOSE_CONV {
		for b := 0; b < s.n; b++ {
			for iy := 0; iy < s.h; iy++ {
				for ix := 0; ix < s.w; ix++ {
					for i := 0; i < s.c; i++ {
						for fy := 0; fy < s.fh; fy++ {
							for fx := 0; fx < s.fw; fx++ {
								for c := 0; c < s.oc; c++ {
									y, xx := iy*s.sh-padH+fy, ix*s.sw-padW+fx
									if y >= 0 && y < oh && xx >= 0 && xx < ow {
										o := ((b*oh+y)*ow+xx)*s.oc + c
										out[o] += float32(x[xidx(b, iy, ix, i)] * f[fidx(c, fy, fx, i)])
									}
								}
							}
						}
					}
				}
			}
		}
		for i := range out {
			if bias != nil {
				out[i] += bias[i%s.oc]
			}
			out[i] = act(out[i])
		}
		return out
	}
	i := 0
	for b := 0; b < s.n; b++ {
		for y := 0; y < oh; y++ {
			for xx := 0; xx < ow; xx++ {
				for c := 0; c < s.oc; c++ {
					var total float32
					for fy := 0; fy < s.fh; fy++ {
						for fx := 0; fx < s.fw; fx++ {
							iy, ix := y*s.sh-padH+fy*s.dh, xx*s.sw-padW+fx*s.dw
							if !inside(iy, ix) {
								continue
							}
							if s.op == tflite.BuiltinOperatorDEPTHWISE_CONV_2D {
								total += float32(x[xidx(b, iy, ix, c/(s.oc/s.c))] * f[fidx(0, fy, fx, c)])
								continue
							}
							fc := s.c / s.groups
							for k := 0; k < fc; k++ {
								total += float32(x[xidx(b, iy, ix, c/(s.oc/s.groups)*fc+k)] * f[fidx(c, fy, fx, k)])
							}
						}
					}
					var bv float32
					if bias != nil {
						bv = bias[c]
					}
					out[i] = act(total + bv)
					i++
				}
			}
		}
	}
	return out
}

func TestConvFamilyFloat(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, op := range []tflite.BuiltinOperator{tflite.BuiltinOperatorCONV_2D, tflite.BuiltinOperatorDEPTHWISE_CONV_2D, tflite.BuiltinOperatorTRANSPOSE_CONV} {
		for range 40 {
			s := randomCV(rng, op, Int8)
			s.typ = Float32
			oh, ow, _, _ := s.geometry()
			rf := func(n int) []float32 {
				v := make([]float32, n)
				for i := range v {
					v[i] = rng.Float32()*2 - 1
				}
				return v
			}
			x, f := rf(s.n*s.h*s.w*s.c), rf(numElements(s.filterShape()))
			var bias []float32
			ins := []tt{f32t([]int{s.n, s.h, s.w, s.c}), {typ: tflite.TensorTypeFLOAT32, shape: s.filterShape(), data: tfbuild.F32(f...)}}
			ins[0].feed = tfbuild.F32(x...)
			if rng.IntN(2) == 0 {
				bias = rf(s.oc)
				ins = append(ins, tt{typ: tflite.TensorTypeFLOAT32, shape: []int{s.oc}, data: tfbuild.F32(bias...)})
			}
			data, _ := s.model()
			opts := tflite.GetRootAsModel(data, 0).UnPack().Subgraphs[0].Operators[0].BuiltinOptions
			if op == tflite.BuiltinOperatorTRANSPOSE_CONV {
				shape := constI32([]int{4}, int32(s.n), int32(oh), int32(ow), int32(s.oc))
				ins = append([]tt{shape, ins[1], ins[0]}, ins[2:]...)
			}
			got, _, err := runOneOp(op, opts, ins, f32t([]int{s.n, oh, ow, s.oc}))
			if err != nil {
				t.Fatalf("%v: %v", s, err)
			}
			lo, hi := fixedpoint.ActivationRangeFloat(fixedpoint.Activation(s.act))
			if want := tfbuild.F32(cvFloatRef(s, x, f, bias, lo, hi)...); !bytes.Equal(got, want) {
				t.Fatalf("%v: float output differs", s)
			}
		}
	}
}

// TestConv2DNegativeZero checks that a RELU keeps −0 like std::max.
func TestConv2DNegativeZero(t *testing.T) {
	opts := &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsConv2DOptions, Value: &tflite.Conv2DOptionsT{
		Padding: tflite.PaddingVALID, StrideH: 1, StrideW: 1, DilationHFactor: 1, DilationWFactor: 1,
		FusedActivationFunction: tflite.ActivationFunctionTypeRELU}}
	in := f32t([]int{1, 1, 1, 1}, float32(math.Copysign(0, -1)))
	filter := tt{typ: tflite.TensorTypeFLOAT32, shape: []int{1, 1, 1, 1}, data: tfbuild.F32(1)}
	bias := tt{typ: tflite.TensorTypeFLOAT32, shape: []int{1}, data: tfbuild.F32(float32(math.Copysign(0, -1)))}
	got, _, err := runOneOp(tflite.BuiltinOperatorCONV_2D, opts, []tt{in, filter, bias}, f32t([]int{1, 1, 1, 1}))
	if err != nil {
		t.Fatal(err)
	}
	// total = 0 + (−0·1) = +0 in float; +0 + −0 = +0: the sign comes only from x < lo.
	if v := AsFloat32(alignedCopy(got))[0]; v != 0 || math.Signbit(float64(v)) {
		t.Fatalf("got %v (signbit %v), want +0", v, math.Signbit(float64(v)))
	}
}

func TestConvFamilyErrors(t *testing.T) {
	base := func() *cvSpec {
		return &cvSpec{op: tflite.BuiltinOperatorCONV_2D, typ: Int8, n: 1, h: 4, w: 4, c: 2, oc: 3, fh: 2, fw: 2, groups: 1,
			sh: 1, sw: 1, dh: 1, dw: 1, pad: tflite.PaddingVALID, inS: 0.5, outS: 0.5, fS: []float32{0.1},
			x: make([]int64, 32), f: make([]int64, 24), biasType: Int32, bias: make([]int64, 3)}
	}
	edit := func(s *cvSpec, f func(m *tflite.ModelT)) []byte {
		data, _ := s.model()
		mt := tflite.GetRootAsModel(data, 0).UnPack()
		f(mt)
		return tfbuild.Pack(mt)
	}
	sg := func(m *tflite.ModelT) *tflite.SubGraphT { return m.Subgraphs[0] }
	dw := func() *cvSpec {
		s := base()
		s.op, s.oc, s.f = tflite.BuiltinOperatorDEPTHWISE_CONV_2D, 4, make([]int64, 16)
		s.bias = make([]int64, 4)
		return s
	}
	tc := func() *cvSpec {
		s := base()
		s.op, s.outH, s.outW = tflite.BuiltinOperatorTRANSPOSE_CONV, 5, 5
		return s
	}
	tensor := func(m *tflite.ModelT, name string) *tflite.TensorT {
		for _, t := range sg(m).Tensors {
			if t.Name == name {
				return t
			}
		}
		panic(name)
	}
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"output shape", edit(base(), func(m *tflite.ModelT) { tensor(m, "output").Shape = []int32{1, 4, 4, 3} }), "has shape [1 4 4 3], but the op computes [1 3 3 3]"},
		{"rank", edit(base(), func(m *tflite.ModelT) { tensor(m, "input").Shape = []int32{16, 2} }), "want 4 dimensions"},
		{"filter type", edit(base(), func(m *tflite.ModelT) {
			tensor(m, "filter").Type = tflite.TensorTypeINT16
			m.Buffers[tensor(m, "filter").Buffer].Data = make([]byte, 48)
		}), "input types (int8, int16, int32) → output int8 are not supported"},
		{"bias type", edit(base(), func(m *tflite.ModelT) {
			tensor(m, "bias").Type = tflite.TensorTypeINT64
			m.Buffers[tensor(m, "bias").Buffer].Data = make([]byte, 24)
		}), "bias tensor 2 has type int64"},
		{"bias size", edit(base(), func(m *tflite.ModelT) {
			tensor(m, "bias").Shape = []int32{2}
			m.Buffers[tensor(m, "bias").Buffer].Data = make([]byte, 8)
		}), "has 2 elements, want 3"},
		{"filter zero point", edit(base(), func(m *tflite.ModelT) { tensor(m, "filter").Quantization.ZeroPoint[0] = 3 }), "must be symmetric"},
		{"scales", edit(base(), func(m *tflite.ModelT) {
			q := tensor(m, "filter").Quantization
			q.Scale, q.ZeroPoint = []float32{1, 1}, []int64{0, 0}
		}), "dimension 0 of shape [3 2 2 2] has size 3"},
		{"no input quantization", edit(base(), func(m *tflite.ModelT) { tensor(m, "input").Quantization = nil }), "has no quantization parameters"},
		{"stride", edit(base(), func(m *tflite.ModelT) {
			sg(m).Operators[0].BuiltinOptions.Value.(*tflite.Conv2DOptionsT).StrideW = 0
		}), "strides 1×0 must be positive"},
		{"dilation", edit(base(), func(m *tflite.ModelT) {
			sg(m).Operators[0].BuiltinOptions.Value.(*tflite.Conv2DOptionsT).DilationHFactor = -1
		}), "dilations -1×1 must be positive"},
		{"activation", edit(base(), func(m *tflite.ModelT) {
			sg(m).Operators[0].BuiltinOptions.Value.(*tflite.Conv2DOptionsT).FusedActivationFunction = tflite.ActivationFunctionTypeTANH
		}), "fused activation TANH is not supported"},
		{"no options", edit(base(), func(m *tflite.ModelT) { sg(m).Operators[0].BuiltinOptions = nil }), "has no Conv2DOptions"},
		{"groups", edit(base(), func(m *tflite.ModelT) {
			tensor(m, "filter").Shape = []int32{3, 2, 2, 3}
			m.Buffers[tensor(m, "filter").Buffer].Data = make([]byte, 36)
		}), "not a multiple of the filter depth 3"},
		{"int16 zero point", edit(func() *cvSpec { s := base(); s.typ, s.biasType = Int16, Int64; return s }(), func(m *tflite.ModelT) {
			tensor(m, "input").Quantization.ZeroPoint[0] = 1
		}), "int16 input and output need zero point 0"},
		{"uint8 per-channel", edit(func() *cvSpec { s := base(); s.typ = Uint8; return s }(), func(m *tflite.ModelT) {
			q := tensor(m, "filter").Quantization
			q.Scale, q.ZeroPoint = []float32{1, 1, 1}, []int64{0, 0, 0}
		}), "needs int8 or int16 inputs, not uint8"},
		{"depthwise multiplier", edit(dw(), func(m *tflite.ModelT) {
			sg(m).Operators[0].BuiltinOptions.Value.(*tflite.DepthwiseConv2DOptionsT).DepthMultiplier = 3
		}), "depth_multiplier 3 disagrees"},
		{"depthwise channels", edit(dw(), func(m *tflite.ModelT) {
			tensor(m, "filter").Shape = []int32{1, 2, 2, 3}
			m.Buffers[tensor(m, "filter").Buffer].Data = make([]byte, 12)
		}), "not a multiple of the input depth 2"},
		{"depthwise filter", edit(dw(), func(m *tflite.ModelT) { tensor(m, "filter").Shape = []int32{2, 2, 1, 4} }), "want [1, height, width, channels]"},
		{"depthwise int16 bias", edit(func() *cvSpec { s := dw(); s.typ = Int16; return s }(), func(m *tflite.ModelT) {}), "bias tensor 2 has type int32"},
		{"transpose output shape", edit(tc(), func(m *tflite.ModelT) {
			m.Buffers[tensor(m, "output_shape").Buffer].Data = tfbuild.I32(1, 6, 5, 3)
		}), "has shape [1 5 5 3], but the op computes [1 6 5 3]"},
		{"transpose shape type", edit(tc(), func(m *tflite.ModelT) {
			tensor(m, "output_shape").Type = tflite.TensorTypeINT64
			m.Buffers[tensor(m, "output_shape").Buffer].Data = make([]byte, 32)
		}), "want 4 int32 values"},
		{"transpose depth", edit(tc(), func(m *tflite.ModelT) {
			tensor(m, "filter").Shape = []int32{3, 2, 4, 1}
		}), "its depth must be the input depth 2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load(c.data)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want one containing %q", err, c.want)
			}
		})
	}
}
