package engine

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
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
		want := poolFormula(x, n, h, w, c, oh, ow, fh, fw, sh, sw, padH, padW, isMax, lo, hi)
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

// poolFormula is the integer pool of an NHWC input x straight from the
// formula on Pool2DParams: every tap tested against the input's bounds,
// the average rounded half away from zero, then clamped to [lo, hi].
func poolFormula(x []int64, n, h, w, c, oh, ow, fh, fw, sh, sw, padH, padW int, isMax bool, lo, hi int64) []int64 {
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
	return want
}

// TestPoolingFastPaths compares pool2D's channel-innermost loops (the
// general window, the 2×2 stride-2 direct loop, the average's channel
// blocks) with poolFormula under every profile, on random shapes: odd and
// even sizes, SAME and VALID, strides, filters, channel counts across the
// block size, int8/uint8/int16 and fused activations.
func TestPoolingFastPaths(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	depths := []int{1, 3, 7, 16, 24, 33, poolBlock - 1, poolBlock, poolBlock + 5, 2*poolBlock + 3}
	for i := range 240 {
		isMax := i%2 == 1
		typ := []DType{Int8, Uint8, Int8, Uint8, Int16}[rng.IntN(5)]
		n, h, w := 1+rng.IntN(2), 1+rng.IntN(9), 1+rng.IntN(9)
		c := depths[rng.IntN(len(depths))]
		fh, fw, sh, sw := 1+rng.IntN(4), 1+rng.IntN(4), 1+rng.IntN(3), 1+rng.IntN(3)
		if i%3 == 0 { // the direct 2×2 stride-2 loop
			fh, fw, sh, sw = 2, 2, 2, 2
		}
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
		want := fmt.Sprint(poolFormula(x, n, h, w, c, oh, ow, fh, fw, sh, sw, padH, padW, isMax, lo, hi))
		op := tflite.BuiltinOperatorAVERAGE_POOL_2D
		if isMax {
			op = tflite.BuiltinOperatorMAX_POOL_2D
		}
		in := tt{typ: ttype(typ), shape: []int{n, h, w, c}, q: tfbuild.Q(scale, zp), feed: encodeInts(typ, x)}
		out := tt{typ: ttype(typ), shape: []int{n, oh, ow, c}, q: tfbuild.Q(scale, zp)}
		for _, p := range Profiles() {
			got, _, err := runOneOpProfile(op, poolOpts(pad, int32(sh), int32(sw), int32(fh), int32(fw), act), []tt{in}, out, p)
			if err != nil {
				if p == XNNPack && lo >= hi && strings.Contains(err.Error(), "empty") {
					continue // XNNPACK fails on an empty output range
				}
				t.Fatalf("case %d under %s: %v", i, p, err)
			}
			if g := fmt.Sprint(decodeInts(typ, got)); g != want {
				t.Fatalf("case %d under %s (%v %d×%d×%d×%d, %d×%d/%d×%d %v max=%v act %d): got %v, want %v",
					i, p, typ, n, h, w, c, fh, fw, sh, sw, pad, isMax, act, g, want)
			}
		}
	}
}

// TestSWARMaxMin checks the byte-lane maximum and minimum on every pair of
// bytes, in every lane, with the other lanes holding other values.
func TestSWARMaxMin(t *testing.T) {
	for a := range 256 {
		for b := range 256 {
			for lane := range 8 {
				sh := uint(8 * lane)
				// other lanes: values that would borrow or carry into this one
				x := uint64(0x00ff7f8001fe80ff)&^(0xff<<sh) | uint64(a)<<sh
				y := uint64(0xff00807ffe017f00)&^(0xff<<sh) | uint64(b)<<sh
				mx, mn := maxU8x8(x, y), minU8x8(x, y)
				for l := range 8 {
					xa, yb := byte(x>>(8*l)), byte(y>>(8*l))
					if g := byte(mx >> (8 * l)); g != max(xa, yb) {
						t.Fatalf("max lane %d of %#x, %#x: %#x", l, x, y, g)
					}
					if g := byte(mn >> (8 * l)); g != min(xa, yb) {
						t.Fatalf("min lane %d of %#x, %#x: %#x", l, x, y, g)
					}
				}
			}
		}
	}
}
