package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// TRANSPOSE_CONV in the browser TFLite (tflite-xnnpack): the XNNPACK
// delegate takes int8 and uint8 transpose convolutions with a per-tensor
// constant filter and requantizes in float32 (XNNPackOutput); the rest run
// TFLite's builtin kernel, which rounds twice like the reference.

func init() { registerXNNPack(tflite.BuiltinOperatorTRANSPOSE_CONV, xnnpackTransposeConv) }

// xnnpackTransposeConv is the delegate's node: the reference kernel's
// accumulation with XNNPACK's output stage. Inputs: output shape, filter,
// input, optional bias.
func xnnpackTransposeConv(c *prepCtx) (kernel, error) {
	if in := c.in(2); in != nil && in.Type == Float32 {
		return xnnpackTransposeConvFloat(c)
	}
	xo, err := xnnGemmOutput(c.in(2), c.in(1), c.in(3), c.out(0), 0, false, tflite.ActivationFunctionTypeNONE)
	if err != nil {
		return nil, err
	}
	k, err := prepareTransposeConv(c)
	if err != nil {
		return nil, err
	}
	k.(*TransposeConvParams).Output = xo
	return k, nil
}

// xnnTransposeConvFloat is a float32 TRANSPOSE_CONV under XNNPACK
// (deconvolution: IGEMM, or per-stride-phase subconvolutions). Each output
// gathers the filter positions in row order (fy, fx) whose input position
// (y + PadH − fy)/StrideH, (x + PadW − fx)/StrideW is whole (a whole
// position outside the input reads the zero buffer: 0·filter), input
// channel by channel, float32 throughout, no fused multiply-add. With 8 or
// more output channels the f32 splat microkernel adds them to one sum that
// starts at the bias. With fewer, this XNNPACK's deconvolution picks its
// second GEMM, 4x2c4: four lanes, lane l taking input channels ≡ l mod 4 of
// every tap, lane 0 starting at the bias, reduced as (l0 + l2) + (l1 + l3).
// (Its convolution asks for that kernel at the wrong index and never gets
// it.) TFLite's kernel scatters the products in input order and adds the
// bias last.
type xnnTransposeConvFloat struct{ *TransposeConvParams }

func xnnpackTransposeConvFloat(c *prepCtx) (kernel, error) {
	filter, bias := c.in(1), c.in(3)
	if filter == nil || filter.Type != Float32 || !xnnStatic(c.m, filter) || (bias != nil && (bias.Type != Float32 || !xnnStatic(c.m, bias))) {
		return nil, fmt.Errorf("the XNNPACK delegate takes float32 TRANSPOSE_CONV with a static float32 filter and bias only")
	}
	k, err := prepareTransposeConv(c)
	if err != nil {
		return nil, err
	}
	return &xnnTransposeConvFloat{k.(*TransposeConvParams)}, nil
}

func (k *xnnTransposeConvFloat) sum(in, w, bias []float32, i int) float32 {
	b, y, x, c := nhwc(i, k.OutH, k.OutW, k.OutC)
	// With fewer than 8 output channels XNNPACK's deconvolution picks the
	// 4x2c4 microkernel: four lanes, lane l adding input channels ≡ l mod 4
	// of every tap, lane 0 starting at the bias, summed as (l0+l2)+(l1+l3)
	// at the end. Otherwise the splat microkernel: one sum from the bias.
	var lanes [4]float32
	if bias != nil {
		lanes[0] = bias[c]
	}
	c4 := k.OutC < 8
	for fy := range k.FilterH {
		ty := y + k.PadH - fy
		if ty%k.StrideH != 0 {
			continue
		}
		for fx := range k.FilterW {
			tx := x + k.PadW - fx
			if tx%k.StrideW != 0 {
				continue
			}
			iy, ix := ty/k.StrideH, tx/k.StrideW
			inside := ty >= 0 && tx >= 0 && iy < k.InH && ix < k.InW
			ws := w[((c*k.FilterH+fy)*k.FilterW+fx)*k.InC:][:k.InC]
			for ic, wv := range ws {
				v := float32(0)
				if inside {
					v = in[((b*k.InH+iy)*k.InW+ix)*k.InC+ic]
				}
				l := 0
				if c4 {
					l = ic % 4
				}
				lanes[l] += float32(v * wv)
			}
		}
	}
	if !c4 {
		return lanes[0]
	}
	return (lanes[0] + lanes[2]) + (lanes[1] + lanes[3])
}

func (k *xnnTransposeConvFloat) biasValues(vals [][]byte) []float32 {
	if k.bias < 0 {
		return nil
	}
	return AsFloat32(vals[k.bias])
}

func (k *xnnTransposeConvFloat) eval(r *run, op *Op) error {
	in, w, bias, out := r.f32(k.in), r.f32(k.filter), k.biasValues(r.vals), r.f32(k.out)
	for i := range out {
		out[i] = clampF(k.sum(in, w, bias, i), k.FloatMin, k.FloatMax)
	}
	return nil
}

func (k *xnnTransposeConvFloat) explain(res *Result, op *Op, index int) (*Explanation, error) {
	acc := k.sum(AsFloat32(res.Tensors[k.in]), AsFloat32(res.Tensors[k.filter]), k.biasValues(res.Tensors), index)
	return &Explanation{Steps: []Step{
		{"sum", fmt.Sprintf("bias[%d] (or 0), then input·filter over the filter positions (fy, fx) in row order that land on this element, input channel by channel, float32; with fewer than 8 output channels in four lanes by input channel mod 4, reduced as (l0+l2)+(l1+l3)", index%k.OutC), float64(acc)},
		{"clamp", fmt.Sprintf("clamp(%.9g, %g, %g)", acc, k.FloatMin, k.FloatMax), float64(clampF(acc, k.FloatMin, k.FloatMax))},
	}, Arithmetic: "XNNPACK f32 deconvolution: the bias first, then the gathered products in filter order"}, nil
}
