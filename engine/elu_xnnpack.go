package engine

import (
	"fmt"
	"math"

	"github.com/int8scope/int8scope/engine/tflite"
)

// ELU in the browser TFLite (tflite-xnnpack): the XNNPACK delegate takes
// int8 ELU as a lookup table built in float32 (qs8 elu: like TFLite's table
// but rounding half to even, lrintf).

func init() { registerXNNPack(tflite.BuiltinOperatorELU, xnnEluNode) }

func xnnEluNode(c *prepCtx) (kernel, error) {
	in, out, k := lutTensors(c.m, c.op)
	if k == nil || in.Type != Int8 {
		return nil, fmt.Errorf("the engine models the XNNPACK delegate's ELU only for int8")
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
