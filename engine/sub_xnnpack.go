package engine

import (
	"github.com/int8scope/int8scope/engine/tflite"
)

// SUB in the browser TFLite (tflite-xnnpack): the XNNPACK delegate takes int8
// SUB as ADD with the second input negated (add_xnnpack.go); TFLite's
// builtin kernel derives its multipliers in double precision.

func init() {
	registerXNNPack(tflite.BuiltinOperatorSUB, func(c *prepCtx) (kernel, error) { return xnnAddSubNode(c, true) })
	registerBuiltin(tflite.BuiltinOperatorSUB, builtinSub)
}

// builtinSub is TFLite's SUB: TFLite Micro's kernel (the engine's) derives
// the three multipliers in float32, TFLite's sub.cc in double, as ADD does.
func builtinSub(c *prepCtx) (kernel, error) {
	m := c.m
	k, err := prepareSub(c)
	p, ok := k.(*SubParams)
	if err != nil || !ok || (p.typ != Int8 && p.typ != Uint8) {
		return nil, nil
	}
	s1, s2, so := m.Tensors[p.in1].Scale(), m.Tensors[p.in2].Scale(), m.Tensors[p.out].Scale()
	twice := 2 * float64(max(float32(s1), float32(s2)))
	q := *p
	for _, x := range []struct {
		dst  *Requant
		real float64
	}{{&q.Input1, s1 / twice}, {&q.Input2, s2 / twice}, {&q.Output, twice / (float64(int32(1)<<q.LeftShift) * so)}} {
		if *x.dst, err = c.smallerThanOne(x.real); err != nil {
			return nil, nil
		}
	}
	q.Note = "TFLite's sub.cc derives the three multipliers in double precision (TFLite Micro: float32)"
	q.prepareRow(q.typ) // the row loop's tables, of these multipliers
	return &q, nil
}
