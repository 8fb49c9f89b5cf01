package export

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// activationModel is one op of code from an input of type in to an output of
// type out with the quantizations given (nil: float32).
func activationModel(code tflite.BuiltinOperator, opts *tflite.BuiltinOptionsT, in, out tflite.TensorType, shape []int, qin, qout *tfbuild.Quant) []byte {
	b := tfbuild.New()
	x := b.Tensor("x", in, shape, qin, nil)
	y := b.Tensor("y", out, shape, qout, nil)
	b.Op(code, 1, opts, []int{x}, []int{y})
	b.Inputs(x)
	b.Outputs(y)
	return b.Bytes()
}

// TestSigmoidSoftmaxVariants covers the variants no difftest generator
// makes: int16 SOFTMAX (and int8 → int16), int16 and float32 LOGISTIC and
// TANH, random scales (powers of two among them) and full-range inputs,
// under every profile.
func TestSigmoidSoftmaxVariants(t *testing.T) {
	n := 8
	if *long {
		n = 60
	}
	r := rand.New(rand.NewPCG(13, 1))
	logScale := func(lo, hi float64) float32 {
		if r.IntN(4) == 0 {
			return float32(math.Exp2(math.Round(lo + r.Float64()*(hi-lo))))
		}
		return float32(math.Exp2(lo + r.Float64()*(hi-lo)))
	}
	var cases []*pyCase
	tmp := t.TempDir()
	for i := range n {
		shape := []int{1 + r.IntN(3), 1 + r.IntN(40)}
		softmax := &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsSoftmaxOptions, Value: &tflite.SoftmaxOptionsT{Beta: float32(0.25 + 2*r.Float64())}}
		models := map[string][]byte{
			"SOFTMAX_int16": activationModel(tflite.BuiltinOperatorSOFTMAX, softmax, tflite.TensorTypeINT16, tflite.TensorTypeINT16, shape,
				tfbuild.Q(logScale(-16, -6), 0), tfbuild.Q(1.0/32768, 0)),
			"SOFTMAX_int8_int16": activationModel(tflite.BuiltinOperatorSOFTMAX, softmax, tflite.TensorTypeINT8, tflite.TensorTypeINT16, shape,
				tfbuild.Q(logScale(-8, -1), int64(r.IntN(256)-128)), tfbuild.Q(1.0/65536, -32768)),
			"LOGISTIC_int16": activationModel(tflite.BuiltinOperatorLOGISTIC, nil, tflite.TensorTypeINT16, tflite.TensorTypeINT16, shape,
				tfbuild.Q(logScale(-15, -9), 0), tfbuild.Q(1.0/32768, 0)),
			"TANH_int16": activationModel(tflite.BuiltinOperatorTANH, nil, tflite.TensorTypeINT16, tflite.TensorTypeINT16, shape,
				tfbuild.Q(logScale(-15, -9), 0), tfbuild.Q(1.0/32768, 0)),
			"LOGISTIC_float": activationModel(tflite.BuiltinOperatorLOGISTIC, nil, tflite.TensorTypeFLOAT32, tflite.TensorTypeFLOAT32, shape, nil, nil),
			"TANH_float":     activationModel(tflite.BuiltinOperatorTANH, nil, tflite.TensorTypeFLOAT32, tflite.TensorTypeFLOAT32, shape, nil, nil),
		}
		for name, b := range models {
			m, err := engine.Load(b)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			in := m.Tensors[m.Inputs[0]]
			data := make([]byte, in.NumBytes())
			for j := range data {
				data[j] = byte(r.IntN(256))
			}
			if in.Type == engine.Float32 {
				for j := 0; j < len(data); j += 4 {
					binary.LittleEndian.PutUint32(data[j:], math.Float32bits(float32(40*r.Float64()-20)))
				}
			}
			for _, p := range engine.Profiles() {
				if _, err := m.Run([][]byte{data}, engine.Options{Profile: p}); err != nil {
					continue // a value the kernel refuses
				}
				cases = mustExport(t, cases, name, m, p, [][]byte{data}, filepath.Join(tmp, fmt.Sprintf("%s-%d-%s", name, i, p)))
			}
		}
	}
	runAndLog(t, cases)
}

// TestTransposeConvFloat covers float32 TRANSPOSE_CONV, whose products
// reach each output in the kernel's scatter order (no generator makes it).
func TestTransposeConvFloat(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	f32s := func(n int) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(2*r.Float64() - 1)
		}
		return v
	}
	var cases []*pyCase
	tmp := t.TempDir()
	for i := range 12 {
		h, w, c, co := 1+r.IntN(5), 1+r.IntN(5), 1+r.IntN(4), 1+r.IntN(4)
		kh, kw := 1+r.IntN(4), 1+r.IntN(4)
		sh, sw := 1+r.IntN(min(kh, 3)), 1+r.IntN(min(kw, 3))
		pad := []tflite.Padding{tflite.PaddingSAME, tflite.PaddingVALID}[r.IntN(2)]
		oh, ow := h*sh, w*sw
		if pad == tflite.PaddingVALID {
			oh, ow = (h-1)*sh+kh, (w-1)*sw+kw
		}
		b := tfbuild.New()
		shape := b.Tensor("output_shape", tflite.TensorTypeINT32, []int{4}, nil, tfbuild.I32(1, int32(oh), int32(ow), int32(co)))
		f := b.Tensor("filter", tflite.TensorTypeFLOAT32, []int{co, kh, kw, c}, nil, tfbuild.F32(f32s(co*kh*kw*c)...))
		x := b.Tensor("x", tflite.TensorTypeFLOAT32, []int{1, h, w, c}, nil, nil)
		bias := b.Tensor("bias", tflite.TensorTypeFLOAT32, []int{co}, nil, tfbuild.F32(f32s(co)...))
		y := b.Tensor("y", tflite.TensorTypeFLOAT32, []int{1, oh, ow, co}, nil, nil)
		b.Op(tflite.BuiltinOperatorTRANSPOSE_CONV, 3, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsTransposeConvOptions,
			Value: &tflite.TransposeConvOptionsT{Padding: pad, StrideH: int32(sh), StrideW: int32(sw)}}, []int{shape, f, x, bias}, []int{y})
		b.Inputs(x)
		b.Outputs(y)
		m, err := engine.Load(b.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		in := tfbuild.F32(f32s(h * w * c)...)
		for _, p := range engine.Profiles() {
			cases = mustExport(t, cases, "TRANSPOSE_CONV_float", m, p, [][]byte{in}, filepath.Join(tmp, fmt.Sprintf("%d-%s", i, p)))
		}
	}
	runAndLog(t, cases)
}

// TestInt16Ops covers the 16x8 and int16 kernels no generator makes:
// FULLY_CONNECTED and DEPTHWISE_CONV_2D (int16 activations, int8 weights,
// int64 bias), AVERAGE_POOL_2D, MAX_POOL_2D, MUL, MEAN, RELU and QUANTIZE
// int16 → int16, with random scales and full-range inputs.
func TestInt16Ops(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 8))
	scale := func() float32 { return float32(math.Exp2(-14 + 10*r.Float64())) }
	i8s := func(n int) []int8 {
		v := make([]int8, n)
		for i := range v {
			v[i] = int8(r.IntN(255) - 127)
		}
		return v
	}
	i64s := func(n int) []int64 {
		v := make([]int64, n)
		for i := range v {
			v[i] = int64(r.IntN(1<<20) - 1<<19)
		}
		return v
	}
	q16 := func() *tfbuild.Quant { return tfbuild.Q(scale(), 0) }
	var cases []*pyCase
	tmp := t.TempDir()
	opt := func(typ tflite.BuiltinOptions, v any) *tflite.BuiltinOptionsT {
		return &tflite.BuiltinOptionsT{Type: typ, Value: v}
	}
	for i := range 6 {
		models := map[string]func(b *tfbuild.Builder) (x, y int){
			"FULLY_CONNECTED_int16": func(b *tfbuild.Builder) (int, int) {
				d, c := 1+r.IntN(40), 1+r.IntN(8)
				x := b.Tensor("x", tflite.TensorTypeINT16, []int{2, d}, q16(), nil)
				w := b.Tensor("w", tflite.TensorTypeINT8, []int{c, d}, tfbuild.Q(scale(), 0), tfbuild.I8(i8s(c*d)...))
				bias := b.Tensor("bias", tflite.TensorTypeINT64, []int{c}, tfbuild.Q(1, 0), tfbuild.I64(i64s(c)...))
				y := b.Tensor("y", tflite.TensorTypeINT16, []int{2, c}, q16(), nil)
				b.Op(tflite.BuiltinOperatorFULLY_CONNECTED, 1, opt(tflite.BuiltinOptionsFullyConnectedOptions, &tflite.FullyConnectedOptionsT{}), []int{x, w, bias}, []int{y})
				return x, y
			},
			"DEPTHWISE_CONV_2D_int16": func(b *tfbuild.Builder) (int, int) {
				h, c, k := 3+r.IntN(5), 1+r.IntN(4), 1+r.IntN(3)
				x := b.Tensor("x", tflite.TensorTypeINT16, []int{1, h, h, c}, q16(), nil)
				w := b.Tensor("w", tflite.TensorTypeINT8, []int{1, k, k, c}, tfbuild.Q(scale(), 0), tfbuild.I8(i8s(k*k*c)...))
				bias := b.Tensor("bias", tflite.TensorTypeINT64, []int{c}, tfbuild.Q(1, 0), tfbuild.I64(i64s(c)...))
				y := b.Tensor("y", tflite.TensorTypeINT16, []int{1, h, h, c}, q16(), nil)
				b.Op(tflite.BuiltinOperatorDEPTHWISE_CONV_2D, 3, opt(tflite.BuiltinOptionsDepthwiseConv2DOptions, &tflite.DepthwiseConv2DOptionsT{
					Padding: tflite.PaddingSAME, StrideH: 1, StrideW: 1, DilationHFactor: 1, DilationWFactor: 1, DepthMultiplier: 1}), []int{x, w, bias}, []int{y})
				return x, y
			},
			"POOL_int16": func(b *tfbuild.Builder) (int, int) {
				code := []tflite.BuiltinOperator{tflite.BuiltinOperatorAVERAGE_POOL_2D, tflite.BuiltinOperatorMAX_POOL_2D}[r.IntN(2)]
				q := q16()
				x := b.Tensor("x", tflite.TensorTypeINT16, []int{1, 6, 6, 3}, q, nil)
				y := b.Tensor("y", tflite.TensorTypeINT16, []int{1, 3, 3, 3}, q, nil)
				b.Op(code, 2, opt(tflite.BuiltinOptionsPool2DOptions, &tflite.Pool2DOptionsT{Padding: tflite.PaddingSAME,
					StrideH: 2, StrideW: 2, FilterHeight: 3, FilterWidth: 3}), []int{x}, []int{y})
				return x, y
			},
			"MUL_int16": func(b *tfbuild.Builder) (int, int) {
				x := b.Tensor("x", tflite.TensorTypeINT16, []int{2, 5}, q16(), nil)
				k := b.Tensor("k", tflite.TensorTypeINT16, []int{5}, q16(), tfbuild.I16(int16(r.IntN(65536)-32768), 7, -9, 32767, -32768))
				y := b.Tensor("y", tflite.TensorTypeINT16, []int{2, 5}, tfbuild.Q(float32(math.Exp2(-2+6*r.Float64())), 0), nil)
				b.Op(tflite.BuiltinOperatorMUL, 2, opt(tflite.BuiltinOptionsMulOptions, &tflite.MulOptionsT{}), []int{x, k}, []int{y})
				return x, y
			},
			"MEAN_int16": func(b *tfbuild.Builder) (int, int) {
				x := b.Tensor("x", tflite.TensorTypeINT16, []int{1, 4, 5, 3}, q16(), nil)
				axes := b.Tensor("axes", tflite.TensorTypeINT32, []int{2}, nil, tfbuild.I32(1, 2))
				y := b.Tensor("y", tflite.TensorTypeINT16, []int{1, 1, 1, 3}, q16(), nil)
				b.Op(tflite.BuiltinOperatorMEAN, 2, opt(tflite.BuiltinOptionsReducerOptions, &tflite.ReducerOptionsT{KeepDims: true}), []int{x, axes}, []int{y})
				return x, y
			},
			"RELU_QUANTIZE_int16": func(b *tfbuild.Builder) (int, int) {
				x := b.Tensor("x", tflite.TensorTypeINT16, []int{3, 7}, q16(), nil)
				m := b.Tensor("m", tflite.TensorTypeINT16, []int{3, 7}, q16(), nil)
				y := b.Tensor("y", tflite.TensorTypeINT16, []int{3, 7}, q16(), nil)
				b.Op(tflite.BuiltinOperatorRELU, 1, nil, []int{x}, []int{m})
				b.Op(tflite.BuiltinOperatorQUANTIZE, 1, nil, []int{m}, []int{y})
				return x, y
			},
		}
		for name, build := range models {
			b := tfbuild.New()
			x, y := build(b)
			b.Inputs(x)
			b.Outputs(y)
			m, err := engine.Load(b.Bytes())
			if err != nil {
				t.Logf("%s: %v", name, err) // scales the kernel refuses
				continue
			}
			data := make([]byte, m.Tensors[x].NumBytes())
			for j := range data {
				data[j] = byte(r.IntN(256))
			}
			for _, p := range engine.Profiles() {
				if _, err := m.Run([][]byte{data}, engine.Options{Profile: p}); err != nil {
					continue
				}
				cases = mustExport(t, cases, name, m, p, [][]byte{data}, filepath.Join(tmp, fmt.Sprintf("%s-%d-%s", name, i, p)))
			}
		}
	}
	runAndLog(t, cases)
}
