// Package tflsim runs the int8 models that cmd/mnist writes with the
// arithmetic of TFLite's reference kernels (TFLite Micro's): per-channel
// requantization with QuantizeMultiplier and the double-rounding
// MultiplyByQuantizedMultiplier. It supports exactly the operators those
// models use and reads everything from the parsed file, so it checks what was
// written, not what was meant.
package tflsim

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/int8scope/int8scope/cmd/mnist/internal/quant"
	"github.com/int8scope/int8scope/engine/tflite"
)

// Interpreter holds a prepared model.
type Interpreter struct {
	m    *tflite.ModelT
	sg   *tflite.SubGraphT
	ops  []prepared
	vals [][]int8    // int8 tensor values
	f32  [][]float32 // float tensor values
	// LogitsTensor is the input of the final SOFTMAX (or the int8 tensor
	// before the final DEQUANTIZE when there is no SOFTMAX): its argmax is
	// the prediction.
	LogitsTensor int
}

type prepared struct {
	code        tflite.BuiltinOperator
	op          *tflite.OperatorT
	mult        []int32
	shift       []int
	actMin      int32
	actMax      int32
	inZP, outZP int32
	bias        []int32
	weights     []int8
}

func q(t *tflite.TensorT) (float32, int32) {
	return t.Quantization.Scale[0], int32(t.Quantization.ZeroPoint[0])
}

// activationRange is CalculateActivationRangeQuantized for int8.
func activationRange(act tflite.ActivationFunctionType, t *tflite.TensorT) (int32, int32, error) {
	scale, zp := q(t)
	quantize := func(x float32) int32 { return zp + int32(math.Round(float64(x/scale))) }
	switch act {
	case tflite.ActivationFunctionTypeNONE:
		return -128, 127, nil
	case tflite.ActivationFunctionTypeRELU:
		return max(-128, quantize(0)), 127, nil
	case tflite.ActivationFunctionTypeRELU6:
		return max(-128, quantize(0)), min(127, quantize(6)), nil
	}
	return 0, 0, fmt.Errorf("unsupported activation %v", act)
}

func int8s(b []byte) []int8 {
	out := make([]int8, len(b))
	for i, v := range b {
		out[i] = int8(v)
	}
	return out
}

func int32s(b []byte) []int32 {
	out := make([]int32, len(b)/4)
	for i := range out {
		out[i] = int32(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out
}

// New prepares m: it derives every op's multipliers, shifts and activation
// ranges as TFLite's Prepare functions do.
func New(m *tflite.ModelT) (*Interpreter, error) {
	if len(m.Subgraphs) != 1 {
		return nil, fmt.Errorf("tflsim: %d subgraphs", len(m.Subgraphs))
	}
	sg := m.Subgraphs[0]
	it := &Interpreter{m: m, sg: sg, vals: make([][]int8, len(sg.Tensors)), f32: make([][]float32, len(sg.Tensors)), LogitsTensor: -1}
	data := func(i int32) []byte { return m.Buffers[sg.Tensors[i].Buffer].Data }
	for k, o := range sg.Operators {
		code := m.OperatorCodes[o.OpcodeIndex].BuiltinCode
		p := prepared{code: code, op: o}
		out := sg.Tensors[o.Outputs[0]]
		in := sg.Tensors[o.Inputs[0]]
		switch code {
		case tflite.BuiltinOperatorCONV_2D, tflite.BuiltinOperatorDEPTHWISE_CONV_2D, tflite.BuiltinOperatorFULLY_CONNECTED:
			w := sg.Tensors[o.Inputs[1]]
			inScale, inZP := q(in)
			outScale, outZP := q(out)
			p.inZP, p.outZP = inZP, outZP
			p.weights = int8s(data(o.Inputs[1]))
			if len(o.Inputs) > 2 && o.Inputs[2] >= 0 {
				p.bias = int32s(data(o.Inputs[2]))
			}
			var act tflite.ActivationFunctionType
			switch opt := o.BuiltinOptions.Value.(type) {
			case *tflite.Conv2DOptionsT:
				act = opt.FusedActivationFunction
			case *tflite.DepthwiseConv2DOptionsT:
				act = opt.FusedActivationFunction
			case *tflite.FullyConnectedOptionsT:
				act = opt.FusedActivationFunction
			}
			var err error
			if p.actMin, p.actMax, err = activationRange(act, out); err != nil {
				return nil, fmt.Errorf("tflsim: op %d: %w", k, err)
			}
			if code == tflite.BuiltinOperatorFULLY_CONNECTED {
				// GetQuantizedConvolutionMultipler: the scale product in
				// float32, then the division in float64.
				real := float64(inScale*w.Quantization.Scale[0]) / float64(outScale)
				mu, sh := quant.QuantizeMultiplier(real)
				p.mult, p.shift = []int32{mu}, []int{sh}
			} else {
				// PopulateConvolutionQuantizationParams: per channel, in
				// float64.
				for _, ws := range w.Quantization.Scale {
					real := float64(inScale) * float64(ws) / float64(outScale)
					mu, sh := quant.QuantizeMultiplier(real)
					p.mult = append(p.mult, mu)
					p.shift = append(p.shift, sh)
				}
			}
		case tflite.BuiltinOperatorMAX_POOL_2D, tflite.BuiltinOperatorAVERAGE_POOL_2D:
			opt := o.BuiltinOptions.Value.(*tflite.Pool2DOptionsT)
			var err error
			if p.actMin, p.actMax, err = activationRange(opt.FusedActivationFunction, out); err != nil {
				return nil, fmt.Errorf("tflsim: op %d: %w", k, err)
			}
		case tflite.BuiltinOperatorSOFTMAX:
			it.LogitsTensor = int(o.Inputs[0])
		case tflite.BuiltinOperatorDEQUANTIZE:
			if it.LogitsTensor < 0 {
				it.LogitsTensor = int(o.Inputs[0])
			}
		case tflite.BuiltinOperatorQUANTIZE, tflite.BuiltinOperatorRESHAPE:
		default:
			return nil, fmt.Errorf("tflsim: op %d: unsupported operator %v", k, code)
		}
		it.ops = append(it.ops, p)
	}
	if it.LogitsTensor < 0 {
		it.LogitsTensor = int(sg.Outputs[0])
	}
	return it, nil
}

// Tensor returns the int8 value of tensor i after the last Run.
func (it *Interpreter) Tensor(i int) []int8 { return it.vals[i] }

// Output returns the value of the model output after the last Run,
// dequantized if the output tensor is int8.
func (it *Interpreter) Output() []float32 {
	i := it.sg.Outputs[0]
	if it.f32[i] != nil {
		return it.f32[i]
	}
	scale, zp := q(it.sg.Tensors[i])
	out := make([]float32, len(it.vals[i]))
	for k, v := range it.vals[i] {
		out[k] = float32(float64(scale) * float64(int32(v)-zp))
	}
	return out
}

// Logits returns the int8 logits of the last Run.
func (it *Interpreter) Logits() []int8 { return it.vals[it.LogitsTensor] }

// Run runs the model on one image given as floats in the model's input range;
// an int8 input is quantized with the input tensor's parameters first.
func (it *Interpreter) Run(image []float32) error {
	in := it.sg.Inputs[0]
	t := it.sg.Tensors[in]
	switch t.Type {
	case tflite.TensorTypeFLOAT32:
		it.f32[in] = image
	case tflite.TensorTypeINT8:
		scale, zp := q(t)
		v := make([]int8, len(image))
		for i, x := range image {
			v[i] = quant.QuantizeValue(x, scale, zp)
		}
		it.vals[in] = v
	default:
		return fmt.Errorf("tflsim: input type %v", t.Type)
	}
	for k := range it.ops {
		if err := it.eval(&it.ops[k]); err != nil {
			return fmt.Errorf("tflsim: op %d (%v): %w", k, it.ops[k].code, err)
		}
	}
	return nil
}

func dims4(t *tflite.TensorT) (int, int, int, int) {
	s := t.Shape
	return int(s[0]), int(s[1]), int(s[2]), int(s[3])
}

func (it *Interpreter) eval(p *prepared) error {
	o := p.op
	sg := it.sg
	inT, outT := sg.Tensors[o.Inputs[0]], sg.Tensors[o.Outputs[0]]
	n := 1
	for _, d := range outT.Shape {
		n *= int(d)
	}
	switch p.code {
	case tflite.BuiltinOperatorQUANTIZE:
		scale, zp := q(outT)
		x := it.f32[o.Inputs[0]]
		out := make([]int8, len(x))
		for i, v := range x {
			out[i] = quant.QuantizeValue(v, scale, zp)
		}
		it.vals[o.Outputs[0]] = out
	case tflite.BuiltinOperatorDEQUANTIZE:
		scale, zp := q(inT)
		x := it.vals[o.Inputs[0]]
		out := make([]float32, len(x))
		for i, v := range x {
			out[i] = float32(float64(scale) * float64(int32(v)-zp))
		}
		it.f32[o.Outputs[0]] = out
	case tflite.BuiltinOperatorRESHAPE:
		it.vals[o.Outputs[0]] = it.vals[o.Inputs[0]]
	case tflite.BuiltinOperatorCONV_2D:
		opt := o.BuiltinOptions.Value.(*tflite.Conv2DOptionsT)
		it.vals[o.Outputs[0]] = conv(p, it.vals[o.Inputs[0]], inT, sg.Tensors[o.Inputs[1]], outT, opt.Padding, int(opt.StrideH), int(opt.StrideW), false)
	case tflite.BuiltinOperatorDEPTHWISE_CONV_2D:
		opt := o.BuiltinOptions.Value.(*tflite.DepthwiseConv2DOptionsT)
		if opt.DepthMultiplier != 1 {
			return fmt.Errorf("depth multiplier %d", opt.DepthMultiplier)
		}
		it.vals[o.Outputs[0]] = conv(p, it.vals[o.Inputs[0]], inT, sg.Tensors[o.Inputs[1]], outT, opt.Padding, int(opt.StrideH), int(opt.StrideW), true)
	case tflite.BuiltinOperatorFULLY_CONNECTED:
		x := it.vals[o.Inputs[0]]
		w := sg.Tensors[o.Inputs[1]]
		units, depth := int(w.Shape[0]), int(w.Shape[1])
		if len(x)%depth != 0 {
			return fmt.Errorf("input of %d values for depth %d", len(x), depth)
		}
		out := make([]int8, len(x)/depth*units)
		for b := range len(x) / depth {
			for u := range units {
				var acc int32
				for d := range depth {
					acc += int32(p.weights[u*depth+d]) * (int32(x[b*depth+d]) - p.inZP)
				}
				if p.bias != nil {
					acc += p.bias[u]
				}
				acc = quant.MultiplyByQuantizedMultiplier(acc, p.mult[0], p.shift[0]) + p.outZP
				out[b*units+u] = int8(max(p.actMin, min(p.actMax, acc)))
			}
		}
		it.vals[o.Outputs[0]] = out
	case tflite.BuiltinOperatorMAX_POOL_2D, tflite.BuiltinOperatorAVERAGE_POOL_2D:
		opt := o.BuiltinOptions.Value.(*tflite.Pool2DOptionsT)
		x := it.vals[o.Inputs[0]]
		_, ih, iw, c := dims4(inT)
		_, oh, ow, _ := dims4(outT)
		padT := pad(opt.Padding, ih, oh, int(opt.StrideH), int(opt.FilterHeight))
		padL := pad(opt.Padding, iw, ow, int(opt.StrideW), int(opt.FilterWidth))
		out := make([]int8, n)
		for oy := range oh {
			for ox := range ow {
				for ch := range c {
					var acc, count int32
					best := int32(-128)
					for fy := range int(opt.FilterHeight) {
						iy := oy*int(opt.StrideH) - padT + fy
						for fx := range int(opt.FilterWidth) {
							ix := ox*int(opt.StrideW) - padL + fx
							if iy < 0 || iy >= ih || ix < 0 || ix >= iw {
								continue
							}
							v := int32(x[(iy*iw+ix)*c+ch])
							acc += v
							best = max(best, v)
							count++
						}
					}
					r := best
					if p.code == tflite.BuiltinOperatorAVERAGE_POOL_2D {
						if count == 0 {
							return fmt.Errorf("empty pooling window")
						}
						if acc > 0 {
							r = (acc + count/2) / count
						} else {
							r = (acc - count/2) / count
						}
					}
					out[(oy*ow+ox)*c+ch] = int8(max(p.actMin, min(p.actMax, r)))
				}
			}
		}
		it.vals[o.Outputs[0]] = out
	case tflite.BuiltinOperatorSOFTMAX:
		// Float softmax of the dequantized logits, quantized to the output
		// scale: within ±1 of TFLite's int8 kernels, which differ among
		// themselves. Accuracy is taken from the logits, not from here.
		beta := o.BuiltinOptions.Value.(*tflite.SoftmaxOptionsT).Beta
		inScale, _ := q(inT)
		outScale, outZP := q(outT)
		x := it.vals[o.Inputs[0]]
		mx := int8(-128)
		for _, v := range x {
			mx = max(mx, v)
		}
		e := make([]float64, len(x))
		var sum float64
		for i, v := range x {
			e[i] = math.Exp(float64(beta) * float64(inScale) * float64(int32(v)-int32(mx)))
			sum += e[i]
		}
		out := make([]int8, len(x))
		for i := range x {
			out[i] = int8(max(-128, min(127, int32(math.Round(e[i]/sum/float64(outScale)))+outZP)))
		}
		it.vals[o.Outputs[0]] = out
	}
	return nil
}

func pad(p tflite.Padding, in, out, stride, k int) int {
	if p != tflite.PaddingSAME {
		return 0
	}
	return max((out-1)*stride+k-in, 0) / 2
}

// conv is reference_integer_ops::ConvPerChannel (depthwise=false, filter
// [out,kh,kw,in]) and DepthwiseConvPerChannel with depth multiplier 1
// (filter [1,kh,kw,c]).
func conv(p *prepared, x []int8, inT, wT, outT *tflite.TensorT, padding tflite.Padding, sh, sw int, depthwise bool) []int8 {
	_, ih, iw, ic := dims4(inT)
	_, oh, ow, oc := dims4(outT)
	_, kh, kw, _ := dims4(wT)
	padT := pad(padding, ih, oh, sh, kh)
	padL := pad(padding, iw, ow, sw, kw)
	out := make([]int8, oh*ow*oc)
	for oy := range oh {
		for ox := range ow {
			for c := range oc {
				var acc int32
				for ky := range kh {
					iy := oy*sh - padT + ky
					if iy < 0 || iy >= ih {
						continue
					}
					for kx := range kw {
						ix := ox*sw - padL + kx
						if ix < 0 || ix >= iw {
							continue
						}
						if depthwise {
							acc += int32(p.weights[(ky*kw+kx)*oc+c]) * (int32(x[(iy*iw+ix)*ic+c]) - p.inZP)
							continue
						}
						for i := range ic {
							acc += int32(p.weights[((c*kh+ky)*kw+kx)*ic+i]) * (int32(x[(iy*iw+ix)*ic+i]) - p.inZP)
						}
					}
				}
				if p.bias != nil {
					acc += p.bias[c]
				}
				acc = quant.MultiplyByQuantizedMultiplier(acc, p.mult[c], p.shift[c]) + p.outZP
				out[(oy*ow+ox)*oc+c] = int8(max(p.actMin, min(p.actMax, acc)))
			}
		}
	}
	return out
}
