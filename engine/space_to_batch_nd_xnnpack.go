package engine

import "github.com/int8scope/int8scope/engine/tflite"

func init() { registerBuiltin(tflite.BuiltinOperatorSPACE_TO_BATCH_ND, builtinSpaceToBatchND) }

// builtinSpaceToBatchND is TFLite's own SPACE_TO_BATCH_ND kernel
// (kernels/space_to_batch_nd.cc, reference and optimized alike), which pads
// int8 and uint8 with the output zero point where TFLite Micro pads with 0.
func builtinSpaceToBatchND(c *prepCtx) (kernel, error) {
	k, err := prepareSpaceToBatchND(c)
	if err != nil {
		return nil, err
	}
	p := k.(*SpaceToBatchNDParams)
	if out := c.out(0); out.Type == Int8 || out.Type == Uint8 {
		p.PadValue = out.ZeroPoint()
		p.note = "pads with the output zero point"
	}
	return p, nil
}

func (p *SpaceToBatchNDParams) builtinNote() string { return p.note }
