package engine

import (
	"fmt"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// The per-op benchmarks run one int8 op at a time, on shapes like the
// layers of small MobileNet/ResNet/DS-CNN models, under each profile with
// and without a trace:
//
//	go test ./engine -run '^$' -bench BenchmarkOps
//
// They report GMAC/s (and GMAC/s-cpu, in CPU time) for the ops that
// multiply-accumulate, counted like Model.MACs, and Gelem/s (output
// elements, or for pooling window taps) for the others.

// opBench is one single-op model.
type opBench struct {
	name  string
	model func() []byte
	// elems is the work of one run of an op without MACs (0 for MAC ops).
	elems int64
}

const (
	benchAct  = tflite.ActivationFunctionTypeRELU6
	benchSame = tflite.PaddingSAME
)

// opBenches are the single-op models, each a few hundred thousand to a few
// million MACs: a run takes about a millisecond.
var opBenches = []opBench{
	{"FULLY_CONNECTED_1024x256", func() []byte { return benchFC(1, 1024, 256) }, 0},
	{"FULLY_CONNECTED_batch8_256x64", func() []byte { return benchFC(8, 256, 64) }, 0},
	{"CONV_2D_3x3_24x24x16to32", func() []byte {
		return benchConv(tflite.BuiltinOperatorCONV_2D, 24, 24, 16, 32, 3, 1)
	}, 0},
	{"CONV_2D_3x3s2_48x48x3to8", func() []byte {
		return benchConv(tflite.BuiltinOperatorCONV_2D, 48, 48, 3, 8, 3, 2)
	}, 0},
	{"CONV_2D_1x1_24x24x32to64", func() []byte {
		return benchConv(tflite.BuiltinOperatorCONV_2D, 24, 24, 32, 64, 1, 1)
	}, 0},
	{"CONV_2D_1x1_48x48x8to8", func() []byte {
		return benchConv(tflite.BuiltinOperatorCONV_2D, 48, 48, 8, 8, 1, 1)
	}, 0},
	{"DEPTHWISE_CONV_2D_3x3_48x48x32", func() []byte {
		return benchConv(tflite.BuiltinOperatorDEPTHWISE_CONV_2D, 48, 48, 32, 32, 3, 1)
	}, 0},
	{"DEPTHWISE_CONV_2D_3x3s2_48x48x32", func() []byte {
		return benchConv(tflite.BuiltinOperatorDEPTHWISE_CONV_2D, 48, 48, 32, 32, 3, 2)
	}, 0},
	{"DEPTHWISE_CONV_2D_3x3_24x24x16m2", func() []byte { // depth multiplier 2
		return benchConv(tflite.BuiltinOperatorDEPTHWISE_CONV_2D, 24, 24, 16, 32, 3, 1)
	}, 0},
	{"DEPTHWISE_CONV_2D_7x7s2_48x40x1m8", func() []byte { // micro_speech's first layer, square
		return benchConv(tflite.BuiltinOperatorDEPTHWISE_CONV_2D, 48, 40, 1, 8, 7, 2)
	}, 0},
	{"TRANSPOSE_CONV_3x3s2_12x12x32to16", func() []byte {
		return benchConv(tflite.BuiltinOperatorTRANSPOSE_CONV, 12, 12, 32, 16, 3, 2)
	}, 0},
	{"ADD_48x48x32", func() []byte { return benchBinary(tflite.BuiltinOperatorADD, 48, 48, 32) }, 48 * 48 * 32},
	{"MUL_48x48x32", func() []byte { return benchBinary(tflite.BuiltinOperatorMUL, 48, 48, 32) }, 48 * 48 * 32},
	{"AVERAGE_POOL_2D_2x2s2_24x24x64", func() []byte {
		return benchPool(tflite.BuiltinOperatorAVERAGE_POOL_2D, 24, 24, 64, 2, 2)
	}, 12 * 12 * 64 * 4},
	{"AVERAGE_POOL_2D_global_6x6x256", func() []byte {
		return benchPool(tflite.BuiltinOperatorAVERAGE_POOL_2D, 6, 6, 256, 6, 1)
	}, 36 * 256},
	{"MAX_POOL_2D_3x3s2_48x48x32", func() []byte {
		return benchPool(tflite.BuiltinOperatorMAX_POOL_2D, 48, 48, 32, 3, 2)
	}, 24 * 24 * 32 * 9},
	{"MAX_POOL_2D_2x2s2_28x28x24", func() []byte {
		return benchPool(tflite.BuiltinOperatorMAX_POOL_2D, 28, 28, 24, 2, 2)
	}, 14 * 14 * 24 * 4},
	{"SOFTMAX_32x256", func() []byte { return benchSoftmax(32, 256) }, 32 * 256},
}

// benchGen is a deterministic generator of int8 and int32 test data.
type benchGen uint32

func (g *benchGen) next() uint32 { *g = *g*1664525 + 1013904223; return uint32(*g) }

func (g *benchGen) i8(n int) []byte {
	b := make([]int8, n)
	for i := range b {
		b[i] = int8(g.next() >> 24)
		if b[i] == -128 {
			b[i] = -127 // symmetric int8 weights, as the converter makes them
		}
	}
	return tfbuild.I8(b...)
}

func (g *benchGen) i32(n, span int) []byte {
	b := make([]int32, n)
	for i := range b {
		b[i] = int32(g.next()%uint32(2*span+1)) - int32(span)
	}
	return tfbuild.I32(b...)
}

// perChannel is per-channel int8 weight quantization along axis, scales
// varying by channel.
func perChannel(n int, axis int32) *tfbuild.Quant {
	q := &tfbuild.Quant{Axis: axis}
	for c := range n {
		q.Scale = append(q.Scale, 0.002+0.0005*float32(c%7))
		q.ZeroPoint = append(q.ZeroPoint, 0)
	}
	return q
}

// benchFC is int8 [batch, in] → FULLY_CONNECTED (per-tensor weights, int32
// bias, RELU6) → [batch, out].
func benchFC(batch, in, out int) []byte {
	g := benchGen(1)
	b := tfbuild.New()
	x := b.Tensor("x", tflite.TensorTypeINT8, []int{batch, in}, tfbuild.Q(0.05, -3), nil)
	w := b.Tensor("w", tflite.TensorTypeINT8, []int{out, in}, tfbuild.Q(0.004, 0), g.i8(out*in))
	bias := b.Tensor("bias", tflite.TensorTypeINT32, []int{out}, tfbuild.Q(0.05*0.004, 0), g.i32(out, 2000))
	y := b.Tensor("y", tflite.TensorTypeINT8, []int{batch, out}, tfbuild.Q(0.1, -128), nil)
	b.Op(tflite.BuiltinOperatorFULLY_CONNECTED, 4, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsFullyConnectedOptions,
		Value: &tflite.FullyConnectedOptionsT{FusedActivationFunction: benchAct}}, []int{x, w, bias}, []int{y})
	b.Inputs(x)
	b.Outputs(y)
	return b.Bytes()
}

// benchConv is int8 NHWC [1, h, w, c] through a k×k CONV_2D,
// DEPTHWISE_CONV_2D (oc = c) or TRANSPOSE_CONV (output stride× larger)
// with per-channel weights, int32 bias and SAME padding.
func benchConv(op tflite.BuiltinOperator, h, w, c, oc, k, stride int) []byte {
	g := benchGen(2)
	b := tfbuild.New()
	inQ, outQ := tfbuild.Q(0.03, -5), tfbuild.Q(0.05, -128)
	x := b.Tensor("x", tflite.TensorTypeINT8, []int{1, h, w, c}, inQ, nil)
	oh, ow := (h+stride-1)/stride, (w+stride-1)/stride
	biasQ := &tfbuild.Quant{Scale: make([]float32, oc), ZeroPoint: make([]int64, oc)}
	var opts *tflite.BuiltinOptionsT
	var filter, inputs []int
	switch op {
	case tflite.BuiltinOperatorCONV_2D:
		filter = []int{oc, k, k, c}
		opts = &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsConv2DOptions, Value: &tflite.Conv2DOptionsT{
			Padding: benchSame, StrideH: int32(stride), StrideW: int32(stride), DilationHFactor: 1, DilationWFactor: 1, FusedActivationFunction: benchAct}}
	case tflite.BuiltinOperatorDEPTHWISE_CONV_2D:
		filter = []int{1, k, k, oc}
		opts = &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsDepthwiseConv2DOptions, Value: &tflite.DepthwiseConv2DOptionsT{
			Padding: benchSame, StrideH: int32(stride), StrideW: int32(stride), DepthMultiplier: int32(oc / c), DilationHFactor: 1, DilationWFactor: 1, FusedActivationFunction: benchAct}}
	case tflite.BuiltinOperatorTRANSPOSE_CONV:
		filter = []int{oc, k, k, c}
		oh, ow = h*stride, w*stride
		opts = &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsTransposeConvOptions, Value: &tflite.TransposeConvOptionsT{
			Padding: benchSame, StrideH: int32(stride), StrideW: int32(stride)}}
	}
	axis := int32(0)
	if op == tflite.BuiltinOperatorDEPTHWISE_CONV_2D {
		axis = 3
	}
	fq := perChannel(oc, axis)
	for i := range oc {
		biasQ.Scale[i] = inQ.Scale[0] * fq.Scale[i]
	}
	n := 1
	for _, d := range filter {
		n *= d
	}
	f := b.Tensor("filter", tflite.TensorTypeINT8, filter, fq, g.i8(n))
	bias := b.Tensor("bias", tflite.TensorTypeINT32, []int{oc}, biasQ, g.i32(oc, 5000))
	y := b.Tensor("y", tflite.TensorTypeINT8, []int{1, oh, ow, oc}, outQ, nil)
	if op == tflite.BuiltinOperatorTRANSPOSE_CONV {
		shape := b.Tensor("output_shape", tflite.TensorTypeINT32, []int{4}, nil, tfbuild.I32(1, int32(oh), int32(ow), int32(oc)))
		inputs = []int{shape, f, x, bias}
	} else {
		inputs = []int{x, f, bias}
	}
	b.Op(op, 0, opts, inputs, []int{y})
	b.Inputs(x)
	b.Outputs(y)
	return b.Bytes()
}

// benchBinary is int8 ADD or MUL of two [1, h, w, c] tensors with different
// scales and zero points (the rescaling path every real model takes).
func benchBinary(op tflite.BuiltinOperator, h, w, c int) []byte {
	b := tfbuild.New()
	shape := []int{1, h, w, c}
	x := b.Tensor("x", tflite.TensorTypeINT8, shape, tfbuild.Q(0.03, -5), nil)
	z := b.Tensor("z", tflite.TensorTypeINT8, shape, tfbuild.Q(0.07, 11), nil)
	y := b.Tensor("y", tflite.TensorTypeINT8, shape, tfbuild.Q(0.09, -2), nil)
	opts := &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsAddOptions, Value: &tflite.AddOptionsT{FusedActivationFunction: benchAct}}
	if op == tflite.BuiltinOperatorMUL {
		opts = &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsMulOptions, Value: &tflite.MulOptionsT{FusedActivationFunction: benchAct}}
	}
	b.Op(op, 0, opts, []int{x, z}, []int{y})
	b.Inputs(x, z)
	b.Outputs(y)
	return b.Bytes()
}

// benchPool is int8 [1, h, w, c] through a k×k pool with the given stride
// (VALID padding).
func benchPool(op tflite.BuiltinOperator, h, w, c, k, stride int) []byte {
	b := tfbuild.New()
	q := tfbuild.Q(0.05, -7)
	x := b.Tensor("x", tflite.TensorTypeINT8, []int{1, h, w, c}, q, nil)
	oh, ow := (h-k)/stride+1, (w-k)/stride+1
	y := b.Tensor("y", tflite.TensorTypeINT8, []int{1, oh, ow, c}, q, nil)
	b.Op(op, 0, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsPool2DOptions, Value: &tflite.Pool2DOptionsT{
		Padding: tflite.PaddingVALID, StrideH: int32(stride), StrideW: int32(stride), FilterHeight: int32(k), FilterWidth: int32(k)}},
		[]int{x}, []int{y})
	b.Inputs(x)
	b.Outputs(y)
	return b.Bytes()
}

// benchSoftmax is int8 [rows, n] → SOFTMAX (beta 1) → int8 with TFLite's
// fixed output quantization (1/256, -128).
func benchSoftmax(rows, n int) []byte {
	b := tfbuild.New()
	x := b.Tensor("x", tflite.TensorTypeINT8, []int{rows, n}, tfbuild.Q(0.1, 3), nil)
	y := b.Tensor("y", tflite.TensorTypeINT8, []int{rows, n}, tfbuild.Q(1.0/256, -128), nil)
	b.Op(tflite.BuiltinOperatorSOFTMAX, 0, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsSoftmaxOptions,
		Value: &tflite.SoftmaxOptionsT{Beta: 1}}, []int{x}, []int{y})
	b.Inputs(x)
	b.Outputs(y)
	return b.Bytes()
}

// loadOpBench loads one single-op model with seeded random inputs.
func loadOpBench(tb testing.TB, ob opBench) (*Model, [][]byte) {
	tb.Helper()
	m, err := Load(ob.model())
	if err != nil {
		tb.Fatalf("%s: %v", ob.name, err)
	}
	return m, randomInputs(m, 3)
}

// BenchmarkOps runs each single-op model: BenchmarkOps/OP/PROFILE/trace=BOOL.
func BenchmarkOps(b *testing.B) {
	for _, ob := range opBenches {
		m, inputs := loadOpBench(b, ob)
		for _, p := range Profiles() {
			for _, trace := range []bool{false, true} {
				b.Run(fmt.Sprintf("%s/%s/%s", ob.name, p, traceName(trace)), func(b *testing.B) {
					if ob.elems == 0 {
						benchRun(b, m, inputs, Options{Profile: p, Trace: trace})
						return
					}
					start := cpuTime()
					for b.Loop() {
						if _, err := m.Run(inputs, Options{Profile: p, Trace: trace}); err != nil {
							b.Fatal(err)
						}
					}
					if s := b.Elapsed().Seconds(); s > 0 {
						b.ReportMetric(float64(ob.elems)*float64(b.N)/s/1e9, "Gelem/s")
					}
					if d := cpuTime() - start; start > 0 && d > 0 {
						b.ReportMetric(float64(ob.elems)*float64(b.N)/d.Seconds()/1e9, "Gelem/s-cpu")
					}
				})
			}
		}
	}
}

// TestOpBenchModels keeps the benchmark models honest: each loads, is the
// one op it is named after, runs under every profile with a trace, and the
// MAC ops have the MAC count their shapes give.
func TestOpBenchModels(t *testing.T) {
	wantMACs := map[string]int64{
		"FULLY_CONNECTED_1024x256":          1024 * 256,
		"FULLY_CONNECTED_batch8_256x64":     8 * 256 * 64,
		"CONV_2D_3x3_24x24x16to32":          24 * 24 * 32 * 9 * 16,
		"CONV_2D_3x3s2_48x48x3to8":          24 * 24 * 8 * 9 * 3,
		"CONV_2D_1x1_24x24x32to64":          24 * 24 * 64 * 32,
		"CONV_2D_1x1_48x48x8to8":            48 * 48 * 8 * 8,
		"DEPTHWISE_CONV_2D_3x3_48x48x32":    48 * 48 * 32 * 9,
		"DEPTHWISE_CONV_2D_3x3s2_48x48x32":  24 * 24 * 32 * 9,
		"DEPTHWISE_CONV_2D_3x3_24x24x16m2":  24 * 24 * 32 * 9,
		"DEPTHWISE_CONV_2D_7x7s2_48x40x1m8": 24 * 20 * 8 * 49,
		"TRANSPOSE_CONV_3x3s2_12x12x32to16": 12 * 12 * 32 * 9 * 16,
	}
	for _, ob := range opBenches {
		m, inputs := loadOpBench(t, ob)
		if len(m.Ops) != 1 {
			t.Fatalf("%s: %d ops", ob.name, len(m.Ops))
		}
		if got := m.Ops[0].Builtin; len(ob.name) < len(got) || ob.name[:len(got)] != got {
			t.Errorf("%s: the op is %s", ob.name, got)
		}
		if want, ok := wantMACs[ob.name]; ok != (ob.elems == 0) || m.MACs() != want {
			t.Errorf("%s: %d MACs, want %d", ob.name, m.MACs(), want)
		}
		for _, p := range Profiles() {
			if _, err := m.Run(inputs, Options{Profile: p, Trace: true}); err != nil {
				t.Errorf("%s under %s: %v", ob.name, p, err)
			}
		}
	}
}
