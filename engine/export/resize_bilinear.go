package export

import (
	"fmt"
	"strings"

	"github.com/int8scope/int8scope/engine"
)

func init() { register(emitResizeBilinear, "ResizeBilinearParams") }

// bilinearKernels names py/resize_bilinear.py's kernel for each of the
// engine's (engine.ResizeBilinearParams.Kernel, which begins with TFLite's
// or XNNPACK's function name).
var bilinearKernels = []struct{ prefix, name string }{
	{"reference_ops::ResizeBilinearInteger:", "integer"},
	{"reference_ops::ResizeBilinear:", "reference"},
	{"optimized_ops::ResizeBilinearGeneric:", "generic"},
	{"optimized_ops::ResizeBilinear2x2:", "2x2"},
	{"optimized_ops::ResizeBilinearGenericSmallChannel:", "small_channel"},
	{"optimized ResizeBilinear888Uint8:", "888"},
	{"XNNPACK f32 ibilinear:", "xnn_float"},
	{"XNNPACK ibilinear with Q11 weights:", "xnn_q11"},
}

// emitResizeBilinear: RESIZE_BILINEAR, every kernel the profiles prepare
// (TFLite's reference and optimized ones, XNNPACK's ibilinear).
func emitResizeBilinear(c *opCtx) error {
	p := c.params.(*engine.ResizeBilinearParams)
	kernel := ""
	for _, k := range bilinearKernels {
		if strings.HasPrefix(p.Kernel, k.prefix) {
			kernel = k.name
		}
	}
	if kernel == "" {
		return c.unsupported("%s", p.Kernel)
	}
	c.use("resize_bilinear")
	rounding := "None"
	if p.Rounding != "" {
		rounding = fmt.Sprintf("%q", string(p.Rounding))
	}
	c.set(0, fmt.Sprintf("resize_bilinear(%s, %q, out_height=%d, out_width=%d, scale_h=%s, scale_w=%s, scale10_h=%d, scale10_w=%d, align_corners=%s, half_pixel_centers=%s, rounding=%s)",
		c.in(0), kernel, p.OutHeight, p.OutWidth, pyF32(p.HeightScale), pyF32(p.WidthScale), p.HeightScale10, p.WidthScale10,
		pyBool(p.AlignCorners), pyBool(p.HalfPixelCenters), rounding))
	return nil
}
