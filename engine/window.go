package engine

import "github.com/int8scope/int8scope/engine/tflite"

// The geometry of sliding-window ops (convolutions, pooling): strides,
// dilations, padding and the taps of a window that fall inside the input.

// insideRange returns the filter taps [lo, hi) whose input coordinate
// origin + tap·dilation lies in [0, size).
func insideRange(origin, dilation, taps, size int) (lo, hi int) {
	if origin < 0 {
		lo = (-origin + dilation - 1) / dilation
	}
	hi = taps
	if last := origin + (taps-1)*dilation; last >= size {
		hi = 0
		if size-origin > 0 {
			hi = (size - origin + dilation - 1) / dilation
		}
	}
	hi = min(hi, taps)
	return lo, max(hi, lo)
}

// Window is the geometry of a sliding-window op (convolutions, pooling):
// strides, dilations, filter size and the padding TFLite's
// ComputePaddingHeightWidth derives, PadH rows above and PadW columns left
// of the input.
type Window struct {
	Padding   string `json:"padding"` // SAME or VALID
	StrideH   int    `json:"stride_h"`
	StrideW   int    `json:"stride_w"`
	DilationH int    `json:"dilation_h"`
	DilationW int    `json:"dilation_w"`
	FilterH   int    `json:"filter_height"`
	FilterW   int    `json:"filter_width"`
	PadH      int    `json:"pad_top"`
	PadW      int    `json:"pad_left"`
}

// window derives a Window and the output size like TFLite's
// ComputePaddingHeightWidth (kernels/padding.h).
func (c *prepCtx) window(pad tflite.Padding, sh, sw, dh, dw int32, inH, inW, fH, fW int) (w Window, outH, outW int, err error) {
	if pad != tflite.PaddingSAME && pad != tflite.PaddingVALID {
		return w, 0, 0, c.errorf("padding %v is not supported", pad)
	}
	if sh <= 0 || sw <= 0 {
		return w, 0, 0, c.errorf("strides %d×%d must be positive", sh, sw)
	}
	if dh <= 0 || dw <= 0 {
		return w, 0, 0, c.errorf("dilations %d×%d must be positive", dh, dw)
	}
	if fH <= 0 || fW <= 0 {
		return w, 0, 0, c.errorf("filter size %d×%d must be positive", fH, fW)
	}
	w = Window{Padding: pad.String(), StrideH: int(sh), StrideW: int(sw), DilationH: int(dh), DilationW: int(dw), FilterH: fH, FilterW: fW}
	// ComputeOutSize and ComputePaddingWithOffset, per dimension.
	dim := func(in, f, s, d int) (out, padding int) {
		eff := (f-1)*d + 1
		if pad == tflite.PaddingSAME {
			out = (in + s - 1) / s
		} else {
			out = (in + s - eff) / s
		}
		return out, max((out-1)*s+eff-in, 0) / 2
	}
	outH, w.PadH = dim(inH, fH, w.StrideH, w.DilationH)
	outW, w.PadW = dim(inW, fW, w.StrideW, w.DilationW)
	return w, outH, outW, nil
}

// rank4 checks that every tensor is 4-D.
func (c *prepCtx) rank4(ts ...*Tensor) error {
	for _, t := range ts {
		if len(t.Shape) != 4 && !t.inferred {
			return c.errorf("tensor %d (%q) has shape %v; want 4 dimensions", t.Index, t.Name, t.Shape)
		}
	}
	return nil
}

// insideTaps calls f, in filter order, for each tap (fy, fx) of the window
// of output pixel (y, x) whose input coordinate (iy, ix) lies inside an
// inH×inW input; taps in the padding are skipped.
func (w *Window) insideTaps(y, x, inH, inW int, f func(fy, fx, iy, ix int)) {
	iy0, ix0 := y*w.StrideH-w.PadH, x*w.StrideW-w.PadW
	fy0, fy1 := insideRange(iy0, w.DilationH, w.FilterH, inH)
	fx0, fx1 := insideRange(ix0, w.DilationW, w.FilterW, inW)
	for fy := fy0; fy < fy1; fy++ {
		for fx := fx0; fx < fx1; fx++ {
			f(fy, fx, iy0+fy*w.DilationH, ix0+fx*w.DilationW)
		}
	}
}

// nhwc splits a flat index into an [N, H, W, C] tensor into its coordinates.
func nhwc(i, h, w, c int) (b, y, x, ch int) {
	return i / (c * w * h), i / (c * w) % h, i / c % w, i % c
}
