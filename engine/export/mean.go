package export

import (
	"fmt"

	"github.com/int8scope/int8scope/engine"
)

func init() {
	register(emitMean, "MeanParams", "meanTFLite")
	register(emitMeanXNNPack, "xnnMean")
	register(emitMeanOptimized, "builtinMeanNode")
	register(emitMeanFloatXNNPack, "xnnMeanFloat")
}

// meanParams mirrors the engine's MeanParams (also inside meanTFLite).
type meanParams struct {
	Axes                            []int
	Count                           int
	InputZeroPoint, OutputZeroPoint int32
	MeanRequant                     engine.Requant
	SameQuant                       bool
	Scale, Bias                     float32
}

// emitMean: TFLite Micro's QuantizedMeanOrSum (reference profiles), the
// browser TFLite's older reduce.cc (meanTFLite), and float MEAN.
func emitMean(c *opCtx) error {
	if c.kind == "meanTFLite" { // a MeanParams computed the browser's way
		var w struct{ MeanParams *engine.MeanParams }
		c.decode(&w)
		c.params = w.MeanParams
	}
	var p meanParams
	c.decode(&p)
	in, out := c.inT(0), c.outT(0)
	c.use("mean")
	axes := pyList(p.Axes)
	switch {
	case in.Type == engine.Float32:
		c.set(0, fmt.Sprintf("mean_float(%s, axes=%s, count=%d)", c.in(0), axes, p.Count))
	case c.kind == "meanTFLite":
		c.set(0, fmt.Sprintf("mean_tflite_builtin(%s, axes=%s, count=%d, same_quant=%s, scale=%s, bias=%s, output_zero_point=%d, dtype=%s)",
			c.in(0), axes, p.Count, pyBool(p.SameQuant), pyF32(p.Scale), pyF32(p.Bias), p.OutputZeroPoint, pyDType(out.Type)))
	default:
		q := p.MeanRequant
		c.set(0, fmt.Sprintf("mean_quantized(%s, axes=%s, count=%d, input_zero_point=%d, output_zero_point=%d, multiplier=%d, shift=%d, rounding=%q, dtype=%s)",
			c.in(0), axes, p.Count, p.InputZeroPoint, p.OutputZeroPoint, q.Multiplier, q.Shift, string(q.Rounding), pyDType(out.Type)))
	}
	return nil
}

// constAxes reads the op's constant axis input (input 1), resolved and
// deduplicated like ResolveAxis.
func (c *opCtx) constAxes() []int {
	t, in := c.inT(1), c.inT(0)
	var axes []int
	for _, a := range engine.AsInt32(t.Data) {
		d := int(a)
		if d < 0 {
			d += len(in.Shape)
		}
		dup := false
		for _, e := range axes {
			dup = dup || e == d
		}
		if !dup {
			axes = append(axes, d)
		}
	}
	return axes
}

// xnnMean mirrors the engine's XNNPACK MEAN node.
type xnnMean struct {
	Bias      int32
	Scale     float32
	ZeroPoint int32
}

func emitMeanXNNPack(c *opCtx) error {
	var k xnnMean
	c.decode(&k)
	c.use("mean")
	c.set(0, fmt.Sprintf("mean_xnnpack(%s, axes=%s, bias=%d, scale=%s, zero_point=%d, dtype=%s)",
		c.in(0), pyList(c.constAxes()), k.Bias, pyF32(k.Scale), k.ZeroPoint, pyDType(c.outT(0).Type)))
	return nil
}

// builtinMeanNode mirrors the engine's optimized 4-D MEAN.
type builtinMeanNode struct {
	Requant engine.Requant
	Bias    int32
}

func emitMeanOptimized(c *opCtx) error {
	var k builtinMeanNode
	c.decode(&k)
	c.use("mean")
	c.set(0, fmt.Sprintf("mean_optimized(%s, multiplier=%d, shift=%d, bias=%d, dtype=%s)",
		c.in(0), k.Requant.Multiplier, k.Requant.Shift, k.Bias, pyDType(c.outT(0).Type)))
	return nil
}

// xnnMeanFloat mirrors the engine's XNNPACK float32 MEAN.
type xnnMeanFloat struct {
	Pixels int
	Scale  float32
}

// emitMeanFloatXNNPack: float32 MEAN under the browser TFLite's XNNPACK
// delegate, f32-gavgpool's summation order times float32(1/pixels).
func emitMeanFloatXNNPack(c *opCtx) error {
	var k xnnMeanFloat
	c.decode(&k)
	c.use("mean")
	c.set(0, fmt.Sprintf("mean_float_xnnpack(%s, pixels=%d, scale=%s, out_shape=%s)", c.in(0), k.Pixels, pyF32(k.Scale), pyShape(c.outT(0).Shape)))
	return nil
}
