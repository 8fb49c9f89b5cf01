package export

import (
	"fmt"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/engine/fixedpoint"
)

func init() {
	register(emitHybridFC, "HybridFullyConnectedParams")
	register(emitConvHybrid, "HybridConv2DParams", "HybridDepthwiseConv2DParams")
}

// hybridActivations names the fused activations of the hybrid kernels for
// hybrid_activation.
var hybridActivations = map[fixedpoint.Activation]string{
	fixedpoint.ActNone: "none", fixedpoint.ActRelu: "relu", fixedpoint.ActRelu6: "relu6", fixedpoint.ActReluN1To1: "relu_n1_to_1",
}

// emitHybridFC: hybrid FULLY_CONNECTED (float32 input and output, int8
// weights), the same builtin kernel in every profile.
func emitHybridFC(c *opCtx) error {
	p := c.params.(*engine.HybridFullyConnectedParams)
	act, ok := hybridActivations[p.Activation]
	if !ok {
		return c.unsupported("activation %v", p.Activation)
	}
	c.use("hybrid")
	c.set(0, fmt.Sprintf("fully_connected_hybrid(%s, %s, %s, filter_scale=%s, asymmetric=%s, activation=%q)",
		c.in(0), c.in(1), c.in(2), pyF32(p.FilterScale), pyBool(p.Asymmetric), act))
	return nil
}

// emitConvHybrid: hybrid CONV_2D and DEPTHWISE_CONV_2D (TFLite's
// HybridConv, HybridConvPerChannel, DepthwiseConvHybridPerChannel; every
// profile).
func emitConvHybrid(c *opCtx) error {
	var (
		win        engine.Window
		outH, outW int
		depthwise  bool
		perChannel bool
		scale      float32
		scales     []float32
		lo, hi     float32
	)
	switch p := c.params.(type) {
	case *engine.HybridConv2DParams:
		win, outH, outW = p.Window, p.OutH, p.OutW
		perChannel, scale, scales, lo, hi = p.PerChannel, p.FilterScale, p.Scales, p.Min, p.Max
	case *engine.HybridDepthwiseConv2DParams:
		win, outH, outW, depthwise = p.Window, p.OutH, p.OutW, true
		perChannel, scale, scales, lo, hi = p.PerChannel, p.FilterScale, p.Scales, p.Min, p.Max
	}
	sc := "None"
	if perChannel {
		sc = c.array("scales", "filter scale per output channel", scales)
	}
	c.use("hybrid")
	c.set(0, fmt.Sprintf("conv_hybrid(%s, %s, %s, depthwise=%s, per_channel=%s, filter_scale=%s, scales=%s, %s, act_min=%s, act_max=%s)",
		c.in(0), c.in(1), c.in(2), pyBool(depthwise), pyBool(perChannel), pyF32(scale), sc, geometry(win, outH, outW), pyF32(lo), pyF32(hi)))
	return nil
}
