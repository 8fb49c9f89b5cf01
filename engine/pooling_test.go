package engine

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

func poolOpts(pad tflite.Padding, sh, sw, fh, fw int32, act tflite.ActivationFunctionType) *tflite.BuiltinOptionsT {
	return &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsPool2DOptions, Value: &tflite.Pool2DOptionsT{
		Padding: pad, StrideH: sh, StrideW: sw, FilterHeight: fh, FilterWidth: fw, FusedActivationFunction: act}}
}

func TestPoolingHand(t *testing.T) {
	avg, maxp := tflite.BuiltinOperatorAVERAGE_POOL_2D, tflite.BuiltinOperatorMAX_POOL_2D
	// 1×2×3×1 input, 2×2 windows, stride 1, VALID → 1×1×2×1.
	x := []int8{-3, -4, 5, 1, -1, 6}
	in := q8([]int{1, 2, 3, 1}, 0.5, 0, x...)
	out := q8([]int{1, 1, 2, 1}, 0.5, 0)
	// SAME, 3×3, stride 2 on 1×3×3×1: one output, window clipped to 2×2 at the corner.
	in3 := q8([]int{1, 3, 3, 1}, 0.5, 0, 1, 2, 9, 3, 4, 9, 9, 9, 9)
	avgCases := []opCase{
		// windows {-3,-4,1,-1} = -7 → (-7-2)/4 = -2 (−1.75 rounds to −2); {-4,5,-1,6} = 6 → (6+2)/4 = 2
		{name: "average", opts: poolOpts(tflite.PaddingVALID, 1, 1, 2, 2, 0), ins: []tt{in}, out: out, want: tfbuild.I8(-2, 2)},
		// negative tie: {-3,-4,1,-1} with 1 → -6... use a 1×2 window: (-3 + -4) = -7, n=2 → (-7-1)/2 = -4 (−3.5 → −4)
		{name: "average negative tie", opts: poolOpts(tflite.PaddingVALID, 1, 1, 1, 2, 0), ins: []tt{in},
			out: q8([]int{1, 2, 2, 1}, 0.5, 0), want: tfbuild.I8(-4, 1, 0, 3)}, // 1/2 → 1, 0/2 → 0, 5/2 → 3
		{name: "average relu6", opts: poolOpts(tflite.PaddingVALID, 1, 1, 2, 2, tflite.ActivationFunctionTypeRELU6),
			ins: []tt{q8([]int{1, 2, 3, 1}, 2, 0, x...)}, out: q8([]int{1, 1, 2, 1}, 2, 0), want: tfbuild.I8(0, 2)},
		{name: "same padding", opts: poolOpts(tflite.PaddingSAME, 2, 2, 3, 3, 0), ins: []tt{in3},
			out: q8([]int{1, 2, 2, 1}, 0.5, 0), want: tfbuild.I8(3, 6, 6, 8)}, // 10/4 → 3, 24/4, 25/4 → 6, 31/4 → 8
		{name: "int16", opts: poolOpts(tflite.PaddingVALID, 1, 1, 1, 2, 0),
			ins: []tt{q16([]int{1, 1, 2, 1}, 1, 0, -32768, -32767)}, out: q16([]int{1, 1, 1, 1}, 1, 0), want: tfbuild.I16(-32768)},
		{name: "uint8", opts: poolOpts(tflite.PaddingVALID, 1, 1, 1, 2, 0),
			ins: []tt{{typ: tflite.TensorTypeUINT8, shape: []int{1, 1, 2, 1}, q: tfbuild.Q(1, 128), feed: []byte{255, 254}}},
			out: tt{typ: tflite.TensorTypeUINT8, shape: []int{1, 1, 1, 1}, q: tfbuild.Q(1, 128)}, want: []byte{255}}, // 254.5 → 255
		{name: "float average", opts: poolOpts(tflite.PaddingVALID, 1, 1, 1, 2, 0),
			ins: []tt{f32t([]int{1, 1, 2, 1}, 1, 2)}, out: f32t([]int{1, 1, 1, 1}), want: tfbuild.F32(1.5)},
	}
	maxCases := []opCase{
		{name: "max", opts: poolOpts(tflite.PaddingVALID, 1, 1, 2, 2, 0), ins: []tt{in}, out: out, want: tfbuild.I8(1, 6)},
		{name: "max relu", opts: poolOpts(tflite.PaddingVALID, 1, 1, 2, 2, tflite.ActivationFunctionTypeRELU),
			ins: []tt{q8([]int{1, 2, 3, 1}, 0.5, 3, x...)}, out: q8([]int{1, 1, 2, 1}, 0.5, 3), want: tfbuild.I8(3, 6)},
		{name: "max same padding", opts: poolOpts(tflite.PaddingSAME, 2, 2, 3, 3, 0), ins: []tt{in3},
			out: q8([]int{1, 2, 2, 1}, 0.5, 0), want: tfbuild.I8(4, 9, 9, 9)},
		{name: "float max relu", opts: poolOpts(tflite.PaddingVALID, 1, 1, 1, 2, tflite.ActivationFunctionTypeRELU),
			ins: []tt{f32t([]int{1, 1, 2, 1}, -1, -2)}, out: f32t([]int{1, 1, 1, 1}), want: tfbuild.F32(0)},
	}
	errCases := []opCase{
		{name: "quantization differs", opts: poolOpts(tflite.PaddingVALID, 1, 1, 2, 2, 0), ins: []tt{in},
			out: q8([]int{1, 1, 2, 1}, 0.25, 0), wantErr: "must share their quantization"},
		{name: "zero point differs", opts: poolOpts(tflite.PaddingVALID, 1, 1, 2, 2, 0), ins: []tt{in},
			out: q8([]int{1, 1, 2, 1}, 0.5, 1), wantErr: "must share their quantization"},
		{name: "output shape", opts: poolOpts(tflite.PaddingVALID, 1, 1, 2, 2, 0), ins: []tt{in},
			out: q8([]int{1, 1, 3, 1}, 0.5, 0), wantErr: "but the op computes [1 1 2 1]"},
		{name: "filter size", opts: poolOpts(tflite.PaddingVALID, 1, 1, 0, 2, 0), ins: []tt{in}, out: out, wantErr: "filter size 0×2"},
		{name: "types", opts: poolOpts(tflite.PaddingVALID, 1, 1, 2, 2, 0), ins: []tt{in},
			out: q16([]int{1, 1, 2, 1}, 0.5, 0), wantErr: "are not supported"},
		{name: "int32", opts: poolOpts(tflite.PaddingVALID, 1, 1, 2, 2, 0),
			ins: []tt{{typ: tflite.TensorTypeINT32, shape: []int{1, 2, 3, 1}, feed: make([]byte, 24)}},
			out: tt{typ: tflite.TensorTypeINT32, shape: []int{1, 1, 2, 1}}, wantErr: "are not supported"},
	}
	runOpCases(t, avg, avgCases)
	runOpCases(t, maxp, maxCases)
	runOpCases(t, avg, errCases)
	runOpCases(t, maxp, errCases)
}

// TestPoolingRandom compares the integer pools with a direct re-derivation.
func TestPoolingRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for i := range 200 {
		isMax := i%2 == 1
		typ := []DType{Int8, Int16, Uint8}[rng.IntN(3)]
		n, h, w, c := 1+rng.IntN(2), 1+rng.IntN(6), 1+rng.IntN(6), 1+rng.IntN(3)
		fh, fw, sh, sw := 1+rng.IntN(4), 1+rng.IntN(4), 1+rng.IntN(3), 1+rng.IntN(3)
		pad := tflite.Padding(rng.IntN(2))
		act := []tflite.ActivationFunctionType{0, 1, 2, 3}[rng.IntN(4)]
		oh, padH := cvOutSize(pad, h, fh, sh, 1)
		ow, padW := cvOutSize(pad, w, fw, sw, 1)
		if oh <= 0 || ow <= 0 {
			continue
		}
		scale, zp := float32(0.01+rng.Float32()), int64(0)
		if typ == Int8 {
			zp = int64(rng.IntN(256) - 128)
		} else if typ == Uint8 {
			zp = int64(rng.IntN(256))
		}
		x := randInts(rng, typ, n*h*w*c)
		lo, hi := cvActRange(act, scale, zp, typ)
		var want []int64
		for b := 0; b < n; b++ {
			for y := 0; y < oh; y++ {
				for xx := 0; xx < ow; xx++ {
					for ch := 0; ch < c; ch++ {
						var sum, cnt int64
						m := int64(math.MinInt64)
						for fy := 0; fy < fh; fy++ {
							for fx := 0; fx < fw; fx++ {
								iy, ix := y*sh-padH+fy, xx*sw-padW+fx
								if iy < 0 || iy >= h || ix < 0 || ix >= w {
									continue
								}
								v := x[((b*h+iy)*w+ix)*c+ch]
								sum, cnt, m = sum+v, cnt+1, max(m, v)
							}
						}
						v := m
						if !isMax {
							// round half away from zero
							v = (2*sum + cnt) / (2 * cnt)
							if sum < 0 {
								v = -((-2*sum + cnt) / (2 * cnt))
							}
						}
						want = append(want, refClamp(v, lo, hi))
					}
				}
			}
		}
		op := tflite.BuiltinOperatorAVERAGE_POOL_2D
		if isMax {
			op = tflite.BuiltinOperatorMAX_POOL_2D
		}
		in := tt{typ: ttype(typ), shape: []int{n, h, w, c}, q: tfbuild.Q(scale, zp), feed: encodeInts(typ, x)}
		out := tt{typ: ttype(typ), shape: []int{n, oh, ow, c}, q: tfbuild.Q(scale, zp)}
		got, _, err := runOneOp(op, poolOpts(pad, int32(sh), int32(sw), int32(fh), int32(fw), act), []tt{in}, out)
		if err != nil {
			t.Fatal(err)
		}
		if g := decodeInts(typ, got); fmt.Sprint(g) != fmt.Sprint(want) {
			t.Fatalf("case %d (%v %v max=%v): got %v, want %v", i, typ, pad, isMax, g, want)
		}
	}
}

// TestPoolingFloatOrder checks the float average is the float32 sum in
// window order divided by the count.
func TestPoolingFloatOrder(t *testing.T) {
	v := []float32{1e8, 1, -1e8, 1}
	var total float32
	for _, x := range v {
		total += x
	}
	want := tfbuild.F32(total / 4)
	got, _, err := runOneOp(tflite.BuiltinOperatorAVERAGE_POOL_2D, poolOpts(tflite.PaddingVALID, 1, 1, 2, 2, 0),
		[]tt{f32t([]int{1, 2, 2, 1}, v...)}, f32t([]int{1, 1, 1, 1}))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("got %v, want %v", AsFloat32(alignedCopy(got)), total/4)
	}
}

// pool2DPlain is the reference's integer pooling loop, one channel at a
// time (reference_integer_ops::MaxPool and AveragePool), that pool2D's
// channels-innermost loops must equal.
func pool2DPlain[T int8 | int16 | uint8](p *Pool2DParams, in, out []T, lowest T) bool {
	i := 0
	for b := 0; b < p.Batches; b++ {
		for y := 0; y < p.OutH; y++ {
			for x := 0; x < p.OutW; x++ {
				iy0, ix0 := y*p.StrideH-p.PadH, x*p.StrideW-p.PadW
				for c := 0; c < p.Depth; c++ {
					var acc, n int32
					m := lowest
					for fy := 0; fy < p.FilterH; fy++ {
						for fx := 0; fx < p.FilterW; fx++ {
							iy, ix := iy0+fy, ix0+fx
							if iy < 0 || iy >= p.InH || ix < 0 || ix >= p.InW {
								continue
							}
							v := in[((b*p.InH+iy)*p.InW+ix)*p.Depth+c]
							acc += int32(v)
							m = max(m, v)
							n++
						}
					}
					if !p.Max && n == 0 {
						return false
					}
					switch {
					case p.Max:
						acc = int32(m)
					case acc > 0:
						acc = (acc + n/2) / n
					default:
						acc = (acc - n/2) / n
					}
					out[i] = T(clamp(acc, p.ActMin, p.ActMax))
					i++
				}
			}
		}
	}
	return true
}

// TestPool2DRandom compares pool2D with pool2DPlain on random shapes,
// padding, strides and clamps, max and average, int8, int16 and uint8.
func TestPool2DRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for it := range 400 {
		p := &Pool2DParams{Max: it%2 == 0, Batches: 1 + rng.IntN(2), InH: 1 + rng.IntN(9), InW: 1 + rng.IntN(9), Depth: 1 + rng.IntN(19)}
		p.FilterH, p.FilterW, p.StrideH, p.StrideW = 1+rng.IntN(4), 1+rng.IntN(4), 1+rng.IntN(3), 1+rng.IntN(3)
		p.PadH, p.PadW = rng.IntN(p.FilterH), rng.IntN(p.FilterW)
		p.OutH, p.OutW = max(1, (p.InH+2*p.PadH-p.FilterH)/p.StrideH+1), max(1, (p.InW+2*p.PadW-p.FilterW)/p.StrideW+1)
		n := p.Batches * p.InH * p.InW * p.Depth
		m := p.Batches * p.OutH * p.OutW * p.Depth
		check := func(name string, got, want []int64, okGot, okWant bool) {
			t.Helper()
			if okGot != okWant {
				t.Fatalf("%s %+v: ok %v, want %v", name, *p, okGot, okWant)
			}
			for i := range want {
				if okWant && got[i] != want[i] {
					t.Fatalf("%s %+v: out[%d] = %d, want %d", name, *p, i, got[i], want[i])
				}
			}
		}
		p.ActMin, p.ActMax = -128+int32(rng.IntN(40)), 127-int32(rng.IntN(40))
		in8 := make([]int8, n)
		for i := range in8 {
			in8[i] = int8(rng.Uint32())
		}
		g8, w8 := make([]int8, m), make([]int8, m)
		okG, okW := pool2D(p, in8, g8, math.MinInt8), pool2DPlain(p, in8, w8, math.MinInt8)
		check("int8", widen(g8), widen(w8), okG, okW)
		p.ActMin, p.ActMax = int32(rng.IntN(40)), 255-int32(rng.IntN(40))
		inU := make([]uint8, n)
		for i := range inU {
			inU[i] = uint8(rng.Uint32())
		}
		gU, wU := make([]uint8, m), make([]uint8, m)
		okG, okW = pool2D(p, inU, gU, 0), pool2DPlain(p, inU, wU, 0)
		check("uint8", widen(gU), widen(wU), okG, okW)
		p.ActMin, p.ActMax = -32768+int32(rng.IntN(4000)), 32767-int32(rng.IntN(4000))
		in16 := make([]int16, n)
		for i := range in16 {
			in16[i] = int16(rng.Uint32())
		}
		g16, w16 := make([]int16, m), make([]int16, m)
		okG, okW = pool2D(p, in16, g16, math.MinInt16), pool2DPlain(p, in16, w16, math.MinInt16)
		check("int16", widen(g16), widen(w16), okG, okW)
	}
}

func widen[T int8 | int16 | uint8](s []T) []int64 {
	out := make([]int64, len(s))
	for i, v := range s {
		out[i] = int64(v)
	}
	return out
}
