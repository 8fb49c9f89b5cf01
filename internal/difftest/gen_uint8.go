package difftest

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// Generators for uint8 models, the arithmetic of TF1 quantization-aware
// models (MobileNet v1/v2 "_quant", SSD, DeepLab). Most are the int8
// generators' models turned into their uint8 twins by asUint8: every int8
// tensor becomes uint8 with its zero point moved up by 128 and its values
// with it, so the real values (and the generator's choice of scales) are
// unchanged; filters become per-tensor (uint8 has no per-channel
// quantization) with a zero point of their own. The rest build what only
// uint8 has: CONCATENATION with rescaling and QUANTIZE between uint8 and
// int8.

func init() {
	for _, b := range []struct {
		base string
		ops  []string
	}{
		{"FULLY_CONNECTED", nil}, {"CONV_2D", nil}, {"DEPTHWISE_CONV_2D", nil}, {"TRANSPOSE_CONV", nil},
		{"ADD", nil}, {"SUB", nil}, {"MUL", nil}, {"SOFTMAX", nil}, {"QUANTIZE", nil},
		{"LEAKY_RELU", nil}, {"LOGISTIC", nil}, {"TANH", nil}, {"LOGISTIC_table", []string{"LOGISTIC"}}, {"TANH_table", []string{"TANH"}},
		{"AVERAGE_POOL_2D", nil}, {"MAX_POOL_2D", nil}, {"MEAN", nil}, {"HARD_SWISH", nil}, {"RELU", nil}, {"RELU6", nil}, {"DEQUANTIZE", nil}, {"ARG_MAX", nil},
		{"RESHAPE", nil}, {"SQUEEZE", nil}, {"EXPAND_DIMS", nil}, {"CONCATENATION", nil},
		{"PAD", nil}, {"PADV2", nil}, {"TRANSPOSE", nil}, {"STRIDED_SLICE", nil},
		{"chain_cnn", []string{"CONV_2D", "DEPTHWISE_CONV_2D", "ADD", "MAX_POOL_2D", "AVERAGE_POOL_2D",
			"MEAN", "RESHAPE", "FULLY_CONNECTED", "SOFTMAX", "LOGISTIC"}},
		{"chain_elementwise", []string{"QUANTIZE", "ADD", "MUL", "SUB", "LEAKY_RELU", "CONCATENATION",
			"TRANSPOSE", "DEQUANTIZE", "TANH", "HARD_SWISH", "RELU"}},
	} {
		base, ops := b.base, b.ops
		if ops == nil {
			ops = []string{base}
		}
		register(base+"_uint8", func(g *gen) error { return asUint8(g, generators[base]) }, ops...)
		tflmLacks[base+"_uint8"] = noUint8
	}
	register("CONCATENATION_uint8_rescale", genConcatRescale, "CONCATENATION")
	register("QUANTIZE_uint8_int8", genQuantizeMixed, "QUANTIZE")
	tflmLacks["CONCATENATION_uint8_rescale"], tflmLacks["QUANTIZE_uint8_int8"] = noUint8, noUint8
}

// noUint8 is why TestDifferentialTFLM leaves the uint8 generators out: the
// reference profile's uint8 paths follow TFLite's kernels and are checked by
// hand-derived tests (engine/uint8_test.go).
const noUint8 = "TFLite Micro runs no uint8 model"

// tflmLacks names the generators whose models TFLite Micro cannot run, and
// why.
var tflmLacks = map[string]string{}

// uint8Filters are the ops whose input 1 is a filter.
var uint8Filters = map[tflite.BuiltinOperator]bool{
	tflite.BuiltinOperatorFULLY_CONNECTED: true, tflite.BuiltinOperatorCONV_2D: true,
	tflite.BuiltinOperatorDEPTHWISE_CONV_2D: true, tflite.BuiltinOperatorTRANSPOSE_CONV: true,
}

// asUint8 runs the int8 generator f and turns its model into uint8.
func asUint8(g *gen, f func(*gen) error) error {
	if err := f(g); err != nil {
		return err
	}
	m := g.b.M
	sg := m.Subgraphs[0]
	// Filters: per tensor, a zero point of their own; the bias scale
	// follows.
	for _, op := range sg.Operators {
		code := m.OperatorCodes[op.OpcodeIndex].BuiltinCode
		if !uint8Filters[code] || len(op.Inputs) < 2 {
			continue
		}
		in, filter := sg.Tensors[op.Inputs[0]], sg.Tensors[op.Inputs[1]]
		bias := -1
		if code == tflite.BuiltinOperatorTRANSPOSE_CONV {
			in = sg.Tensors[op.Inputs[2]]
			if len(op.Inputs) > 3 {
				bias = int(op.Inputs[3])
			}
		} else if len(op.Inputs) > 2 {
			bias = int(op.Inputs[2])
		}
		fq := filter.Quantization
		fq.Scale, fq.ZeroPoint, fq.QuantizedDimension = fq.Scale[:1], []int64{0}, 0
		if g.chance(0.7) { // after the +128 below: anywhere in [64, 192]
			fq.ZeroPoint[0] = int64(g.intn(-64, 64))
		}
		if bias >= 0 {
			bq := sg.Tensors[bias].Quantization
			bq.Scale, bq.ZeroPoint, bq.QuantizedDimension = []float32{in.Quantization.Scale[0] * fq.Scale[0]}, []int64{0}, 0
		}
	}
	isInput := map[int32]int{}
	for i, t := range g.inputs {
		isInput[int32(t)] = i
	}
	for ti, t := range sg.Tensors {
		if t.Type != tflite.TensorTypeINT8 {
			continue
		}
		t.Type = tflite.TensorTypeUINT8
		if tq := t.Quantization; tq != nil {
			zp := make([]int64, len(tq.ZeroPoint)) // a copy: tensors may share the generator's slice
			for i, z := range tq.ZeroPoint {
				zp[i] = z + 128
			}
			tq.ZeroPoint = zp
		}
		if buf := m.Buffers[t.Buffer]; buf != nil {
			flip(buf.Data)
		}
		if i, ok := isInput[int32(ti)]; ok {
			flip(g.inputData[i])
		}
	}
	g.note("as-uint8")
	return nil
}

// flip moves int8 bytes to the uint8 values 128 above them.
func flip(b []byte) {
	for i := range b {
		b[i] ^= 0x80
	}
}

// u8input adds a uint8 subgraph input with random data.
func (g *gen) u8input(name string, shape []int, qq *tfbuild.Quant) int {
	t := g.b.Tensor(name, tflite.TensorTypeUINT8, shape, qq, nil)
	g.inputs = append(g.inputs, t)
	g.inputData = append(g.inputData, g.i8(prod(shape)))
	return t
}

// zpU8 draws a uint8 zero point, often one of the edges.
func (g *gen) zpU8() int64 { return g.zp() + 128 }

// genConcatRescale is a uint8 CONCATENATION whose inputs have scales and
// zero points of their own (TFLite's ConcatenationWithScaling).
func genConcatRescale(g *gen) error {
	s := g.shape(1, 4, 200)
	axis := g.intn(0, len(s)-1)
	n := g.intn(1, 3)
	sOut := g.scale(1.0/128, 1.0/4)
	var ins []int
	os := append([]int{}, s...)
	os[axis] = 0
	for i := 0; i < n; i++ {
		si := append([]int{}, s...)
		si[axis] = g.intn(1, 4)
		os[axis] += si[axis]
		qi := q(g.scaleNear(float64(sOut), 1.5), g.zpU8())
		if g.chance(0.25) {
			qi = q(sOut, 0)
		}
		ins = append(ins, g.u8input(fmt.Sprint("x", i), si, qi))
	}
	zOut := g.zpU8()
	if g.chance(0.25) {
		zOut = 0
	}
	y := g.b.Tensor("y", tflite.TensorTypeUINT8, os, q(sOut, zOut), nil)
	g.note("CONCATENATION uint8 rescaling %d inputs → %v axis %d", n, os, axis)
	g.b.Op(tflite.BuiltinOperatorCONCATENATION, 1, opts(tflite.BuiltinOptionsConcatenationOptions,
		&tflite.ConcatenationOptionsT{Axis: int32(axis)}), ins, []int{y})
	g.finish(y)
	return nil
}

// genQuantizeMixed is QUANTIZE from uint8 to int8 or back (a requantize).
func genQuantizeMixed(g *gen) error {
	s := g.shape(1, 4, 300)
	sOut := g.scale(1.0/128, 1.0/4)
	inT, outT, zIn, zOut := tflite.TensorTypeUINT8, tflite.TensorTypeINT8, g.zpU8(), g.zp()
	if g.chance(0.5) {
		inT, outT, zIn, zOut = outT, inT, zOut, zIn
	}
	sIn := sOut
	if g.chance(0.6) {
		sIn = g.scaleNear(float64(sOut), 2)
	}
	x := g.b.Tensor("x", inT, s, q(sIn, zIn), nil)
	g.inputs, g.inputData = append(g.inputs, x), append(g.inputData, g.i8(prod(s)))
	y := g.b.Tensor("y", outT, s, q(sOut, zOut), nil)
	g.note("QUANTIZE %v→%v %v", inT, outT, s)
	g.b.Op(tflite.BuiltinOperatorQUANTIZE, 2, nil, []int{x}, []int{y})
	g.finish(y)
	return nil
}
