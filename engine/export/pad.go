package export

import (
	"fmt"
	"strings"

	"github.com/int8scope/int8scope/engine"
)

func init() { register(emitPad, "PadParams") }

// emitPad: PAD and PADV2, exact in every profile.
func emitPad(c *opCtx) error {
	p := c.params.(*engine.PadParams)
	var pads []string
	for d := range p.Left {
		pads = append(pads, fmt.Sprintf("(%d, %d)", p.Left[d], p.Right[d]))
	}
	value := fmt.Sprint(p.PadValue)
	if c.inT(0).Type == engine.Float32 {
		value = pyF32(float32(p.PadValue))
	}
	if p.PadTensor >= 0 {
		if c.m.Tensors[p.PadTensor].Const {
			c.consts[p.PadTensor] = true
		}
		value = fmt.Sprintf("t[%d].reshape(-1)[0]", p.PadTensor)
	}
	c.use("pad")
	c.set(0, fmt.Sprintf("pad(%s, [%s], %s)", c.in(0), strings.Join(pads, ", "), value))
	return nil
}
