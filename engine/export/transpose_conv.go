package export

import (
	"fmt"

	"github.com/int8scope/int8scope/engine"
)

func init() { register(emitTransposeConv, "TransposeConvParams") }

// emitTransposeConv: TRANSPOSE_CONV, TFLite's reference kernels (float32,
// int8, uint8, int16 activations with int64 accumulators) with the
// profile's output stage (XNNPACK's float32 requantization for the int8
// and uint8 ones the delegate takes). Inputs: output shape, filter, input,
// optional bias.
func emitTransposeConv(c *opCtx) error {
	p := c.params.(*engine.TransposeConvParams)
	c.use("transpose_conv")
	geo := fmt.Sprintf("stride=(%d, %d), pad=(%d, %d), out_hw=(%d, %d)", p.StrideH, p.StrideW, p.PadH, p.PadW, p.OutH, p.OutW)
	if c.inT(2).Type == engine.Float32 {
		c.set(0, fmt.Sprintf("transpose_conv_float(%s, %s, %s, %s, act_min=%s, act_max=%s)", c.in(2), c.in(1), c.in(3), geo, pyF32(p.FloatMin), pyF32(p.FloatMax)))
		return nil
	}
	wide := c.inT(2).Type == engine.Int16
	c.line("acc = transpose_conv_acc(%s, %s, %s, input_offset=%d, filter_offset=%d, %s%s)", c.in(2), c.in(1), c.in(3),
		p.InputOffset, p.FilterOffset, geo, map[bool]string{true: ", wide=True"}[wide])
	expr, err := c.outputStage(p.Output, "acc", wide)
	if err != nil {
		return err
	}
	c.set(0, expr)
	return nil
}
