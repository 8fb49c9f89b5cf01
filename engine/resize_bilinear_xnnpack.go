package engine

import (
	"fmt"
	"math"

	"github.com/int8scope/int8scope/engine/tflite"
)

// RESIZE_BILINEAR in the browser TFLite (tflite-xnnpack). The XNNPACK
// delegate takes float32, int8 and uint8 RESIZE_BILINEAR with a constant size
// and input and output quantized alike (xnn_define_static_resize_bilinear_2d); its indirection setup
// (xnn_indirection_init_resize_bilinear2d_hwc_*) computes each output's
// input coordinate in float32 and its ibilinear microkernels interpolate
// twice along x, then along y. TFLite's builtin kernel runs the rest:
// optimized_ops::ResizeBilinear for float32 (a 2× upsampling kernel, else
// ResizeBilinearGeneric) and uint8 (ResizeBilinear888Uint8 for 8×
// half-pixel upsampling, else ResizeBilinearGenericSmallChannel); int8 and
// int16 take the reference integer kernel. PROFILES.md has the evidence.

func init() {
	registerXNNPack(tflite.BuiltinOperatorRESIZE_BILINEAR, xnnpackResizeBilinear)
	registerBuiltin(tflite.BuiltinOperatorRESIZE_BILINEAR, builtinResizeBilinear)
}

// builtinResizeBilinear is TFLite's optimized kernel where it differs from
// the reference one (float32, uint8).
func builtinResizeBilinear(c *prepCtx) (kernel, error) {
	p, err := resizeBilinearShape(c)
	if err != nil {
		return nil, err
	}
	switch p.typ {
	case Float32:
		if !p.AlignCorners && !p.HalfPixelCenters && p.OutHeight == 2*p.InHeight && p.OutWidth == 2*p.InWidth {
			p.setKernel(bilinear2x2)
		} else {
			p.setKernel(bilinearGeneric)
		}
	case Uint8:
		if p.is888() {
			p.setKernel(bilinear888)
		} else {
			p.setKernel(bilinearSmallChannel)
		}
	default:
		return nil, nil // the reference integer kernel, double rounding
	}
	p.prepareAxes(c)
	return p, nil
}

// is888 reports whether TFLite's uint8 kernel takes its 8× half-pixel
// upsampling path (ResizeBilinear888Uint8).
func (p *ResizeBilinearParams) is888() bool {
	if p.AlignCorners || !p.HalfPixelCenters || p.Depth%8 != 0 {
		return false
	}
	s := p.OutHeight / p.InHeight
	return s == 8 && p.OutHeight >= 8 && p.OutWidth >= 8 && p.InHeight*s == p.OutHeight && p.InWidth*s == p.OutWidth
}

// xnnpackResizeBilinear is the delegate's node: float32 (ibilinear f32),
// int8 and uint8 (ibilinear s8/u8, Q11 weights) with a constant size.
func xnnpackResizeBilinear(c *prepCtx) (kernel, error) {
	in, size, out := c.in(0), c.in(1), c.out(0)
	if in == nil || size == nil || !size.Const {
		return nil, fmt.Errorf("the size is not a constant tensor")
	}
	switch in.Type {
	case Float32:
	case Int8, Uint8:
		if in.Quant.PerChannel() || out.Quant.PerChannel() {
			return nil, fmt.Errorf("per-channel quantization is not supported by the XNNPACK delegate")
		}
		if in.Quant.Scale[0] != out.Quant.Scale[0] || in.ZeroPoint() != out.ZeroPoint() {
			return nil, fmt.Errorf("the input and output quantization differ (the XNNPACK delegate needs them equal)")
		}
	default:
		return nil, fmt.Errorf("the XNNPACK delegate takes RESIZE_BILINEAR in float32, int8 and uint8 only, not %v", in.Type)
	}
	p, err := resizeBilinearShape(c)
	if err != nil {
		return nil, err
	}
	if p.typ == Float32 {
		p.setKernel(bilinearXNNFloat)
	} else {
		p.setKernel(bilinearXNNQ11)
	}
	p.prepareAxes(c)
	return p, nil
}

// xnnBilinearScale is XNNPACK's float32 scale: in/out, or (in−1)/(out−1)
// with align_corners.
func xnnBilinearScale(in, out int, alignCorners bool) float32 {
	adj := 0
	if alignCorners && out != 1 {
		adj = 1
	}
	return float32(in-adj) / float32(out-adj)
}

// xnnBilinearAxis is XNNPACK's sampling point of output coordinate v:
// v·scale (align_corners and TensorFlow's legacy mode), or
// v·scale + (scale/2 − 1/2) clamped to [0, size−1] (half-pixel centres),
// all in float32; the top (left) neighbour is its integer part, the bottom
// (right) one the next, clamped, and α the fraction.
func xnnBilinearAxis(v int, scale float32, size int, legacy bool) axisPoint {
	var f float32
	if legacy {
		f = float32(v) * scale
	} else {
		off := float32(0.5*scale) - 0.5
		f = float32(float32(v)*scale) + off
		f = min(max(f, 0), float32(size-1))
	}
	lo := int(int32(f))
	a := axisPoint{lo: lo, hi: min(lo+1, size-1), f: f}
	a.alpha = f - float32(lo)
	a.q11 = int32(math.RoundToEven(float64(float32(a.alpha * 2048))))
	return a
}

// xnnBilinearInterp is XNNPACK's ibilinear microkernels' arithmetic on the
// neighbours n = (tl, tr, bl, br).
func xnnBilinearInterp(k bilinearKernel, n [4]float64, py, px axisPoint, l stepLog) float64 {
	if k == bilinearXNNQ11 {
		tl, tr, bl, br := int32(n[0]), int32(n[1]), int32(n[2]), int32(n[3])
		ah, av := px.q11, py.q11
		top := tl<<11 + (tr-tl)*ah
		bottom := bl<<11 + (br-bl)*ah
		acc := top<<11 + (bottom-top)*av
		v := (acc + 1<<21) >> 22
		l.add("top", float64(top), func() string { return fmt.Sprintf("tl·2048 + (tr − tl)·αx = %d·2048 + (%d)·%d", tl, tr-tl, ah) })
		l.add("bottom", float64(bottom), func() string { return fmt.Sprintf("bl·2048 + (br − bl)·αx = %d·2048 + (%d)·%d", bl, br-bl, ah) })
		l.add("acc", float64(acc), func() string {
			return fmt.Sprintf("top·2048 + (bottom − top)·αy = %d·2048 + (%d)·%d", top, bottom-top, av)
		})
		l.add("round", float64(v), func() string { return fmt.Sprintf("(%d + 2^21) >> 22: half up", acc) })
		return float64(v)
	}
	tl, tr, bl, br := float32(n[0]), float32(n[1]), float32(n[2]), float32(n[3])
	ah, av := px.alpha, py.alpha
	top := tl + float32((tr-tl)*ah)
	bottom := bl + float32((br-bl)*ah)
	v := top + float32((bottom-top)*av)
	l.add("top", float64(top), func() string { return fmt.Sprintf("tl + (tr − tl)·αx = %g + (%.9g)·%.9g", tl, tr-tl, ah) })
	l.add("bottom", float64(bottom), func() string { return fmt.Sprintf("bl + (br − bl)·αx = %g + (%.9g)·%.9g", bl, br-bl, ah) })
	l.add("output", float64(v), func() string {
		return fmt.Sprintf("top + (bottom − top)·αy = %.9g + (%.9g)·%.9g, float32", top, bottom-top, av)
	})
	return float64(v)
}
