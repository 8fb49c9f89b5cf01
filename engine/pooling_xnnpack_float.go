package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// xnnAvgPoolFloat is a float32 AVERAGE_POOL_2D under the browser TFLite's
// XNNPACK delegate (f32-avgpool/pavgpool 9x microkernels). The window's
// taps are read column by column (fx outer, fy inner, XNNPACK's indirection
// order) into inputs i0…i8, taps in the padding and unused inputs reading
// zeros, and summed as a tree:
//
//	((i2+i3) + (i4+i5)) + (((i0+i1) + i8) + (i6+i7))
//
// then multiplied by 1/(taps inside the input), rounded to float32 (with
// padding, XNNPACK's pavgpool multiplier per output; without, 1/(window
// size)), and clamped to the fused activation's range. The delegate takes windows of up to 9 taps
// here. TFLite's reference sums row by row and divides.
type xnnAvgPoolFloat struct {
	*Pool2DParams
	Min Bound `json:"xnnpack_min"`
	Max Bound `json:"xnnpack_max"`
}

func init() {
	registerXNNPack(tflite.BuiltinOperatorAVERAGE_POOL_2D, xnnpackAvgPool)
}

func xnnpackAvgPool(c *prepCtx) (kernel, error) {
	in, out := c.in(0), c.out(0)
	if in == nil || in.Type != Float32 || out.Type != Float32 {
		return nil, fmt.Errorf("the XNNPACK delegate takes AVERAGE_POOL_2D only in float32")
	}
	o, _ := c.op.Options.(*tflite.Pool2DOptionsT)
	if o == nil {
		return nil, fmt.Errorf("no Pool2DOptions")
	}
	lo, hi, err := xnnFloatActivation(o.FusedActivationFunction)
	if err != nil {
		return nil, err
	}
	if o.StrideH > o.FilterHeight || o.StrideW > o.FilterWidth {
		return nil, fmt.Errorf("the XNNPACK delegate takes no pooling stride larger than the window")
	}
	k, err := preparePool2D(c, false)
	if err != nil {
		return nil, err
	}
	p := k.(*Pool2DParams)
	if k := (&xnnAvgPoolFloat{Pool2DParams: p}); !k.global() && p.FilterH*p.FilterW > 9 {
		return nil, fmt.Errorf("windows of more than 9 taps (XNNPACK's multipass average pooling) are not modelled")
	}
	return &xnnAvgPoolFloat{Pool2DParams: p, Min: Bound(lo), Max: Bound(hi)}, nil
}

// global reports whether the window covers the whole (padded) input, one
// output pixel: XNNPACK then runs global average pooling.
func (k *xnnAvgPoolFloat) global() bool {
	padH := max(0, (k.OutH-1)*k.StrideH+k.FilterH-k.InH)
	padW := max(0, (k.OutW-1)*k.StrideW+k.FilterW-k.InW)
	return k.OutH == 1 && k.OutW == 1 && k.InH+padH == k.FilterH && k.InW+padW == k.FilterW
}

// gavgpool is XNNPACK's f32-gavgpool 7x/7p7x sum of the input pixels
// (row-major) of channel c: the first seven as ((i0+i1)+i6) +
// ((i2+i3)+(i4+i5)), then each further seven (zeros past the end) added as
// ((i0+i1)+(i2+i3)) + ((i4+i5)+(i6+acc)).
func gavgpool(px func(j int) float32, n int) float32 {
	var v [7]float32
	load := func(from int) {
		for j := range v {
			v[j] = 0
			if from+j < n {
				v[j] = px(from + j)
			}
		}
	}
	load(0)
	acc := ((v[0] + v[1]) + v[6]) + ((v[2] + v[3]) + (v[4] + v[5]))
	for from := 7; from < n; from += 7 {
		load(from)
		acc = ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + acc))
	}
	return acc
}

// average is output element i before the clamp, and the multiplier.
func (k *xnnAvgPoolFloat) average(in []float32, i int) (sum, mult float32) {
	b, y, x, c := nhwc(i, k.OutH, k.OutW, k.Depth)
	if k.global() {
		n := k.InH * k.InW
		return gavgpool(func(j int) float32 { return in[(b*n+j)*k.Depth+c] }, n), 1 / float32(n)
	}
	var v [9]float32
	n, inside := 0, 0
	for fx := 0; fx < k.FilterW; fx++ {
		for fy := 0; fy < k.FilterH; fy++ {
			iy, ix := y*k.StrideH-k.PadH+fy, x*k.StrideW-k.PadW+fx
			if iy >= 0 && iy < k.InH && ix >= 0 && ix < k.InW {
				v[n] = in[((b*k.InH+iy)*k.InW+ix)*k.Depth+c]
				inside++
			}
			n++
		}
	}
	sum = ((v[2] + v[3]) + (v[4] + v[5])) + (((v[0] + v[1]) + v[8]) + (v[6] + v[7]))
	return sum, 1 / float32(inside)
}

func (k *xnnAvgPoolFloat) eval(r *run, op *Op) error {
	in, out := r.f32(k.in), r.f32(k.out)
	for i := range out {
		s, m := k.average(in, i)
		out[i] = s * m
	}
	clampGo(out, float32(k.Min), float32(k.Max))
	return nil
}

func (k *xnnAvgPoolFloat) explain(res *Result, op *Op, index int) (*Explanation, error) {
	s, m := k.average(AsFloat32(res.Tensors[k.in]), index)
	v := min(max(s*m, float32(k.Min)), float32(k.Max))
	return &Explanation{Steps: []Step{
		{"sum", "window taps column by column as i0…i8 (padding 0), ((i2+i3)+(i4+i5)) + (((i0+i1)+i8)+(i6+i7)) in float32", float64(s)},
		{"multiplier", "1 / taps, rounded to float32", float64(m)},
		{"output", fmt.Sprintf("clamp(%.9g × %.9g, %g, %g)", s, m, k.Min, k.Max), float64(v)},
	}, Arithmetic: "XNNPACK f32 average pooling: tree sum times 1/n"}, nil
}
