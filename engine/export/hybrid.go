package export

import (
	"fmt"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/engine/fixedpoint"
)

func init() { register(emitHybridFC, "HybridFullyConnectedParams") }

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
