package export

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
	"github.com/int8scope/int8scope/internal/difftest"
)

// randomLSTM builds a random UNIDIRECTIONAL_SEQUENCE_LSTM model of
// activation type typ (float32; int8 or int16 with int8 weights and an int16
// cell state; int8 ones carry the five intermediates TFLite's builtin kernel
// reads) and its input; internal/difftest has no LSTM generator.
func randomLSTM(r *rand.Rand, typ tflite.TensorType) ([]byte, [][]byte) {
	B, T, I, S := 1+r.IntN(3), 1+r.IntN(5), 1+r.IntN(4), 1+r.IntN(5)
	timeMajor := r.IntN(2) == 0
	var clip float32
	if r.IntN(3) == 0 {
		clip = float32(0.2 + 2*r.Float64())
	}
	xShape, outShape := []int{B, T, I}, []int{B, T, S}
	if timeMajor {
		xShape, outShape = []int{T, B, I}, []int{T, B, S}
	}
	b := tfbuild.New()
	uni := func(n int, lo, hi float64) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = lo + (hi-lo)*r.Float64()
		}
		return v
	}
	f32 := func(v []float64) []byte {
		f := make([]float32, len(v))
		for i := range v {
			f[i] = float32(v[i])
		}
		return tfbuild.F32(f...)
	}
	var x, h, c int
	var w, rw, bias [4]int
	var in []byte
	nx := B * T * I
	if typ == tflite.TensorTypeFLOAT32 {
		x = b.Tensor("x", typ, xShape, nil, nil)
		for g := range 4 {
			w[g] = b.Tensor("w", typ, []int{S, I}, nil, f32(uni(S*I, -0.9, 0.9)))
			rw[g] = b.Tensor("r", typ, []int{S, S}, nil, f32(uni(S*S, -0.9, 0.9)))
			bias[g] = b.Tensor("b", typ, []int{S}, nil, f32(uni(S, -0.5, 0.5)))
		}
		h = b.Tensor("h", typ, []int{B, S}, nil, nil)
		c = b.Tensor("c", typ, []int{B, S}, nil, nil)
		in = f32(uni(nx, -2, 2))
	} else {
		xs, hs := float32(1.0/128), float32(1.0/128)
		xzp, hzp := int64(r.IntN(41)-20), int64(r.IntN(41)-20)
		biasType := tflite.TensorTypeINT32
		if typ == tflite.TensorTypeINT16 {
			xs, hs, xzp, hzp, biasType = 1.0/16384, 1.0/32768, 0, 0, tflite.TensorTypeINT64
		}
		x = b.Tensor("x", typ, xShape, tfbuild.Q(xs, xzp), nil)
		for g := range 4 {
			sw, sr := float32(0.9/127*(0.5+r.Float64())), float32(0.9/127*(0.5+r.Float64()))
			wv, rv := make([]int8, S*I), make([]int8, S*S)
			for i := range wv {
				wv[i] = int8(r.IntN(255) - 127)
			}
			for i := range rv {
				rv[i] = int8(r.IntN(255) - 127)
			}
			w[g] = b.Tensor("w", tflite.TensorTypeINT8, []int{S, I}, tfbuild.Q(sw, 0), tfbuild.I8(wv...))
			rw[g] = b.Tensor("r", tflite.TensorTypeINT8, []int{S, S}, tfbuild.Q(sr, 0), tfbuild.I8(rv...))
			sb := float64(xs) * float64(sw)
			bv := make([]int64, S)
			for i := range bv {
				bv[i] = int64(math.Round((r.Float64() - 0.5) / sb))
			}
			if biasType == tflite.TensorTypeINT32 {
				b32 := make([]int32, S)
				for i := range bv {
					b32[i] = int32(bv[i])
				}
				bias[g] = b.Tensor("b", biasType, []int{S}, tfbuild.Q(float32(sb), 0), tfbuild.I32(b32...))
			} else {
				bias[g] = b.Tensor("b", biasType, []int{S}, tfbuild.Q(float32(sb), 0), tfbuild.I64(bv...))
			}
		}
		h = b.Tensor("h", typ, []int{B, S}, tfbuild.Q(hs, hzp), nil)
		c = b.Tensor("c", tflite.TensorTypeINT16, []int{B, S}, tfbuild.Q(float32(math.Ldexp(1, -10-r.IntN(4))), 0), nil)
		if typ == tflite.TensorTypeINT8 {
			v := make([]int8, nx)
			for i := range v {
				v[i] = int8(r.IntN(256) - 128)
			}
			in = tfbuild.I8(v...)
		} else {
			v := make([]int16, nx)
			for i := range v {
				v[i] = int16(r.IntN(65536) - 32768)
			}
			in = tfbuild.I16(v...)
		}
	}
	var outQ *tfbuild.Quant
	if typ != tflite.TensorTypeFLOAT32 {
		q := b.M.Subgraphs[0].Tensors[h].Quantization
		outQ = tfbuild.Q(q.Scale[0], q.ZeroPoint[0])
	}
	out := b.Tensor("out", typ, outShape, outQ, nil)
	b.M.Subgraphs[0].Tensors[h].IsVariable = true
	b.M.Subgraphs[0].Tensors[c].IsVariable = true
	b.Inputs(x)
	b.Outputs(out)
	b.Op(tflite.BuiltinOperatorUNIDIRECTIONAL_SEQUENCE_LSTM, 1,
		&tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsUnidirectionalSequenceLSTMOptions,
			Value: &tflite.UnidirectionalSequenceLSTMOptionsT{FusedActivationFunction: tflite.ActivationFunctionTypeTANH,
				CellClip: clip, TimeMajor: timeMajor}},
		[]int{x, w[0], w[1], w[2], w[3], rw[0], rw[1], rw[2], rw[3], -1, -1, -1,
			bias[0], bias[1], bias[2], bias[3], -1, -1, h, c, -1, -1, -1, -1},
		[]int{out})
	if typ == tflite.TensorTypeINT8 {
		// The intermediates of TFLite's quantizer: four gate outputs in
		// Q3.12 and the hidden state's effective scale (zero point -1).
		var inter []int32
		for k := range 5 {
			q := tfbuild.Q(1.0/4096, 0)
			if k == 4 {
				q = tfbuild.Q(float32(0.004+0.004*r.Float64()), -1)
			}
			inter = append(inter, int32(b.Tensor(fmt.Sprintf("intermediate_%d", k), tflite.TensorTypeINT16, nil, q, nil)))
		}
		ops := b.M.Subgraphs[0].Operators
		ops[len(ops)-1].Intermediates = inter
	}
	return b.Bytes(), [][]byte{in}
}

// TestLSTM compares random float32, int8 and int16 LSTMs under every
// profile: TFLite Micro's kernels, and TFLite's builtin int8 kernel of the
// browser TFLite (gemmlowp int16 gates, rounding-shift cell update).
func TestLSTM(t *testing.T) {
	compareBuilt(t, "lstm", 5, 13, []tflite.TensorType{tflite.TensorTypeFLOAT32, tflite.TensorTypeINT8, tflite.TensorTypeINT16}, randomLSTM)
}

// TestLSTMHybrid compares random hybrid LSTMs (internal/difftest's
// generator: float32 activations, int8 weights, both layouts and input
// quantizations) under every profile.
func TestLSTMHybrid(t *testing.T) {
	compareBuilt(t, "lstm_hybrid", 12, 19, []tflite.TensorType{tflite.TensorTypeFLOAT32}, func(r *rand.Rand, _ tflite.TensorType) ([]byte, [][]byte) {
		c, err := difftest.Generate("UNIDIRECTIONAL_SEQUENCE_LSTM_hybrid", r.Int64())
		if err != nil {
			t.Fatal(err)
		}
		return c.Model, c.Inputs
	})
}

// TestLSTMFloat compares random float32 LSTMs (internal/difftest's
// generator: depths up to 40 and batches up to 5, so that the browser
// TFLite's Eigen order splits its sums) under every profile.
func TestLSTMFloat(t *testing.T) {
	compareBuilt(t, "lstm_float", 12, 23, []tflite.TensorType{tflite.TensorTypeFLOAT32}, func(r *rand.Rand, _ tflite.TensorType) ([]byte, [][]byte) {
		c, err := difftest.Generate("UNIDIRECTIONAL_SEQUENCE_LSTM_float", r.Int64())
		if err != nil {
			t.Fatal(err)
		}
		return c.Model, c.Inputs
	})
}
