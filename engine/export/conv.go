package export

import (
	"fmt"

	"github.com/int8scope/int8scope/engine"
)

func init() {
	register(emitConv, "Conv2DParams", "DepthwiseConv2DParams")
	register(emitPool, "Pool2DParams")
	register(emitConvFloatXNNPack, "xnnConv2DFloat")
	register(emitDepthwiseFloatXNNPack, "xnnDepthwiseFloat")
	register(emitConvFloatBuiltin, "builtinConvFloat", "builtinDepthwiseFloat")
	register(emitAvgPoolFloatXNNPack, "xnnAvgPoolFloat")
	register(emitTransposeConv, "TransposeConvParams")
	register(emitTransposeConvFloatXNNPack, "xnnTransposeConvFloat")
}

// geometry is the window arguments of the Python conv and pool helpers.
func geometry(w engine.Window, outH, outW int) string {
	return fmt.Sprintf("stride=(%d, %d), dilation=(%d, %d), pad=(%d, %d), out_hw=(%d, %d)",
		w.StrideH, w.StrideW, w.DilationH, w.DilationW, w.PadH, w.PadW, outH, outW)
}

// emitConv: CONV_2D and DEPTHWISE_CONV_2D, TFLite's reference kernels (any
// rounding), ruy/gemmlowp builtin kernels and XNNPACK's nodes, which share
// the accumulators and differ in their output stage (and XNNPACK's padding
// quirk, AllPadding).
func emitConv(c *opCtx) error {
	var (
		win        engine.Window
		arith      engine.ConvArith
		allPadding bool
		outH, outW int
		fn         string
	)
	switch p := c.params.(type) {
	case *engine.Conv2DParams:
		win, arith, allPadding, outH, outW, fn = p.Window, p.ConvArith, p.AllPadding, p.OutH, p.OutW, "conv2d"
	case *engine.DepthwiseConv2DParams:
		win, arith, allPadding, outH, outW, fn = p.Window, p.ConvArith, p.AllPadding, p.OutH, p.OutW, "depthwise_conv2d"
	}
	in, filter := c.inT(0), c.inT(1)
	c.use("conv")
	geo := geometry(win, outH, outW)
	if in.Type == engine.Float32 {
		if filter.Type != engine.Float32 {
			return c.unsupported("hybrid (float32 input, %v weights)", filter.Type)
		}
		c.set(0, fmt.Sprintf("%s_float(%s, %s, %s, %s, act_min=%s, act_max=%s)", fn, c.in(0), c.in(1), c.in(2), geo, pyF32(arith.FloatMin), pyF32(arith.FloatMax)))
		return nil
	}
	wide := in.Type == engine.Int16 && c.inT(2) != nil && c.inT(2).Type == engine.Int64
	if allPadding {
		c.line("acc = all_padding_acc(%s, %s)", c.in(2), pyShape(c.outT(0).Shape))
	} else {
		c.line("acc = %s_acc(%s, %s, %s, input_offset=%d, filter_offset=%d, %s%s)", fn, c.in(0), c.in(1), c.in(2),
			arith.InputOffset, arith.FilterOffset, geo, map[bool]string{true: ", wide=True"}[wide])
	}
	expr, err := c.outputStage(arith.Output, "acc", wide)
	if err != nil {
		return err
	}
	c.set(0, expr)
	return nil
}

// emitPool: AVERAGE_POOL_2D and MAX_POOL_2D, exact in every profile.
func emitPool(c *opCtx) error {
	p := c.params.(*engine.Pool2DParams)
	c.use("pool")
	args := fmt.Sprintf("%s, max_pool=%s, filter_hw=(%d, %d), stride=(%d, %d), pad=(%d, %d), out_hw=(%d, %d)",
		c.in(0), pyBool(p.Max), p.FilterH, p.FilterW, p.StrideH, p.StrideW, p.PadH, p.PadW, p.OutH, p.OutW)
	if c.inT(0).Type == engine.Float32 {
		c.set(0, fmt.Sprintf("pool2d_float(%s, act_min=%s, act_max=%s)", args, pyF32(p.FloatMin), pyF32(p.FloatMax)))
		return nil
	}
	c.set(0, fmt.Sprintf("pool2d_int(%s, act_min=%d, act_max=%d)", args, p.ActMin, p.ActMax))
	return nil
}

func pyBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

// xnnConv2DFloat mirrors the engine's XNNPACK float32 CONV_2D.
type xnnConv2DFloat struct {
	Conv2DParams *engine.Conv2DParams
	Min, Max     float32
}

func emitConvFloatXNNPack(c *opCtx) error {
	var k xnnConv2DFloat
	c.decode(&k)
	p := k.Conv2DParams
	n := p.FilterH * p.FilterW
	column := p.FilterC == 1 && p.OutC == p.Groups && (n == 3 || n == 4 || n == 9 || n == 25)
	c.use("conv")
	c.set(0, fmt.Sprintf("conv2d_float_xnnpack(%s, %s, %s, %s, act_min=%s, act_max=%s, all_padding=%s, column_order=%s)",
		c.in(0), c.in(1), c.in(2), geometry(p.Window, p.OutH, p.OutW), pyF32(k.Min), pyF32(k.Max), pyBool(p.AllPadding), pyBool(column)))
	return nil
}

// emitConvFloatBuiltin: float32 CONV_2D and DEPTHWISE_CONV_2D of the
// browser TFLite's builtin kernels (when the delegate does not take them):
// CONV_2D is im2col and Eigen's GEMM summation order, then the bias and the
// clamp; DEPTHWISE_CONV_2D's sum starts at the bias, then the taps inside
// the input in row order.
func emitConvFloatBuiltin(c *opCtx) error {
	var k struct {
		Conv2DParams          *engine.Conv2DParams
		DepthwiseConv2DParams *engine.DepthwiseConv2DParams
	}
	c.decode(&k)
	call, win, arith, outH, outW := "", engine.Window{}, engine.ConvArith{}, 0, 0
	if p := k.Conv2DParams; p != nil {
		call, win, arith, outH, outW = "conv2d_float_eigen(%s, %s, %s, %s, act_min=%s, act_max=%s)", p.Window, p.ConvArith, p.OutH, p.OutW
	} else {
		p := k.DepthwiseConv2DParams
		call, win, arith, outH, outW = "depthwise_conv2d_float(%s, %s, %s, %s, act_min=%s, act_max=%s, bias_first=True)", p.Window, p.ConvArith, p.OutH, p.OutW
	}
	c.use("conv")
	c.set(0, fmt.Sprintf(call, c.in(0), c.in(1), c.in(2), geometry(win, outH, outW), pyF32(arith.FloatMin), pyF32(arith.FloatMax)))
	return nil
}

// xnnDepthwiseFloat mirrors the engine's XNNPACK float32 DEPTHWISE_CONV_2D.
type xnnDepthwiseFloat struct {
	DepthwiseConv2DParams *engine.DepthwiseConv2DParams
	Columns               bool
	Min, Max              float32
}

// emitDepthwiseFloatXNNPack: float32 DEPTHWISE_CONV_2D under the browser
// TFLite's XNNPACK delegate: bias first, then the taps in f32-dwconv's
// column order or the IGEMM's row order.
func emitDepthwiseFloatXNNPack(c *opCtx) error {
	var k xnnDepthwiseFloat
	c.decode(&k)
	p := k.DepthwiseConv2DParams
	c.use("conv")
	c.set(0, fmt.Sprintf("depthwise_conv2d_float_xnnpack(%s, %s, %s, %s, act_min=%s, act_max=%s, all_padding=%s, column_order=%s)",
		c.in(0), c.in(1), c.in(2), geometry(p.Window, p.OutH, p.OutW), pyF32(k.Min), pyF32(k.Max), pyBool(p.AllPadding), pyBool(k.Columns)))
	return nil
}

// xnnAvgPoolFloat mirrors the engine's XNNPACK float32 AVERAGE_POOL_2D.
type xnnAvgPoolFloat struct {
	Pool2DParams *engine.Pool2DParams
	Min, Max     float32
}

func emitAvgPoolFloatXNNPack(c *opCtx) error {
	var k xnnAvgPoolFloat
	c.decode(&k)
	p := k.Pool2DParams
	padH := max(0, (p.OutH-1)*p.StrideH+p.FilterH-p.InH)
	padW := max(0, (p.OutW-1)*p.StrideW+p.FilterW-p.InW)
	global := p.OutH == 1 && p.OutW == 1 && p.InH+padH == p.FilterH && p.InW+padW == p.FilterW
	if !global && p.FilterH*p.FilterW > 9 {
		return c.unsupported("windows of more than 9 taps")
	}
	c.use("pool")
	c.set(0, fmt.Sprintf("avg_pool_float_xnnpack(%s, filter_hw=(%d, %d), stride=(%d, %d), pad=(%d, %d), out_hw=(%d, %d), act_min=%s, act_max=%s, global_pool=%s)",
		c.in(0), p.FilterH, p.FilterW, p.StrideH, p.StrideW, p.PadH, p.PadW, p.OutH, p.OutW, pyF32(k.Min), pyF32(k.Max), pyBool(global)))
	return nil
}

// emitTransposeConv: TRANSPOSE_CONV, TFLite's reference kernel and
// XNNPACK's node (the output stage differs). Inputs: output shape, filter,
// input, optional bias.
func emitTransposeConv(c *opCtx) error {
	p := c.params.(*engine.TransposeConvParams)
	in := c.inT(2)
	geo := fmt.Sprintf("stride=(%d, %d), pad=(%d, %d), out_hw=(%d, %d)", p.StrideH, p.StrideW, p.PadH, p.PadW, p.OutH, p.OutW)
	c.use("conv")
	if in.Type == engine.Float32 {
		c.set(0, fmt.Sprintf("transpose_conv_float(%s, %s, %s, %s, act_min=%s, act_max=%s)", c.in(2), c.in(1), c.in(3), geo, pyF32(p.FloatMin), pyF32(p.FloatMax)))
		return nil
	}
	wide := in.Type == engine.Int16
	c.line("acc = transpose_conv_acc(%s, %s, %s, input_offset=%d, filter_offset=%d, %s%s)", c.in(2), c.in(1), c.in(3),
		p.InputOffset, p.FilterOffset, geo, map[bool]string{true: ", wide=True"}[wide])
	expr, err := c.outputStage(p.Output, "acc", wide)
	if err != nil {
		return err
	}
	c.set(0, expr)
	return nil
}

// emitTransposeConvFloatXNNPack: float32 TRANSPOSE_CONV under the browser
// TFLite's XNNPACK delegate (deconvolution): bias first, the gathered
// products in filter order, in four lanes by input channel with fewer than 8
// output channels.
func emitTransposeConvFloatXNNPack(c *opCtx) error {
	var k struct{ TransposeConvParams *engine.TransposeConvParams }
	c.decode(&k)
	p := k.TransposeConvParams
	c.use("conv")
	c.set(0, fmt.Sprintf("transpose_conv_float_xnnpack(%s, %s, %s, stride=(%d, %d), pad=(%d, %d), out_hw=(%d, %d), act_min=%s, act_max=%s)",
		c.in(2), c.in(1), c.in(3), p.StrideH, p.StrideW, p.PadH, p.PadW, p.OutH, p.OutW, pyF32(p.FloatMin), pyF32(p.FloatMax)))
	return nil
}
