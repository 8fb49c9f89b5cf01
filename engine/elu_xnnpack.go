package engine

import (
	"fmt"
	"math"

	"github.com/int8scope/int8scope/engine/tflite"
)

// ELU in the browser TFLite (tflite-xnnpack): the XNNPACK delegate takes
// int8 ELU as a lookup table built in float32 (qs8 elu: like TFLite's table
// but rounding half to even, lrintf) and float32 ELU (alpha 1) as the
// f32-velu microkernel the SIMD build selects on x86,
// wasmsimd_x86_rr2_p6 (xnnElu).

func init() { registerXNNPack(tflite.BuiltinOperatorELU, xnnEluNode) }

func xnnEluNode(c *prepCtx) (kernel, error) {
	if t := opTensor(c.m, c.op, 0); t != nil && t.Type == Float32 {
		if _, err := xnnFloatNode(c); err != nil {
			return nil, err
		}
		return prepareFloatUnary(c, "x < 0 ? XNNPACK rr2-p6 expm1(x) : x", xnnElu)
	}
	in, out, k := lutTensors(c.m, c.op)
	if k == nil || in.Type != Int8 {
		return nil, fmt.Errorf("the engine models the XNNPACK delegate's ELU only for int8 and float32")
	}
	s, zp := float32(in.Scale()), in.ZeroPoint()
	inv := 1 / float32(out.Scale())
	lo, hi := qrange(out.Type)
	for v := lo; v <= hi; v++ {
		y := cElu(float32(v-zp) * s)
		q := int32(math.RoundToEven(float64(max(min(y*inv, 1<<20), -1<<20)))) + out.ZeroPoint()
		k.Table[int(v)+k.offset] = clamp(q, lo, hi)
	}
	return k, nil
}

// xnnElu is XNNPACK's f32-velu rr2-p6 with prescale, alpha and beta 1
// (f32-velu/gen/velu-wasmsimd-x86-rr2-p6-x20.c, its init
// xnn_init_f32_elu_wasmsimd_rr2_p6_params), float32 operations without
// fused multiply-add:
//
//	n = (x·log2e + 1.5·2^23+127) − (1.5·2^23+127)   (round to integer, biased)
//	s = 2^n (the bits of the biased n shifted into the exponent)
//	t = (n·(−ln2_hi) + x) + n·ln2_lo          (s = t = 0 when x ≤ −17.33)
//	p = ((((c6·t + c5)·t + c4)·t + c3)·t + c2)·t
//	e = (p·(t·s) + t·s) + (s − 1)
//	out = sign bit of x set ? e : x
func xnnElu(x float32) float32 {
	const (
		satCutoff = -0x1.154246p+4
		magicBias = 0x1.8000FEp23
		log2e     = 0x1.715476p+0
		minLn2Hi  = -0x1.62E440p-1
		minLn2Lo  = 0x1.0105C6p-21
		c6, c5    = 0x1.6b7338p-10, 0x1.12278Ep-7
		c4, c3    = 0x1.555716p-5, 0x1.5554B0p-3
		c2        = 0x1.FFFFFEp-2
	)
	if math.Float32bits(x)>>31 == 0 {
		return x
	}
	z := x
	n := float32(z*log2e) + magicBias
	s := math.Float32frombits(math.Float32bits(n) << 23)
	n -= magicBias
	t := float32(n*minLn2Hi) + z
	t = float32(n*minLn2Lo) + t
	if z <= satCutoff {
		s, t = 0, 0
	}
	p := float32(c6*t) + c5
	p = float32(p*t) + c4
	p = float32(p*t) + c3
	p = float32(p*t) + c2
	p = float32(p * t)
	t = float32(t * s)
	s--
	p = float32(p*t) + t
	return p + s
}
