package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

func init() {
	registerXNNPack(tflite.BuiltinOperatorDEPTH_TO_SPACE, xnnDepthToSpace)
}

// xnnDepthToSpace is the XNNPACK delegate's DEPTH_TO_SPACE node
// (xnn_define_depth_to_space): float32, int8 and uint8 with a block size of
// at least 2. It copies the elements like TFLite's kernel, so the reference
// kernel computes it.
func xnnDepthToSpace(c *prepCtx) (kernel, error) {
	if err := xnnCopyTypes(c, c.in(0)); err != nil {
		return nil, err
	}
	if o, _ := c.op.Options.(*tflite.DepthToSpaceOptionsT); o == nil || o.BlockSize < 2 {
		return nil, fmt.Errorf("the XNNPACK delegate needs block_size ≥ 2")
	}
	return prepareOp(c.m, c.op, c.rounding)
}
