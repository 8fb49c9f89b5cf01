package engine

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// fuzzSeeds are small valid models covering many kernels, so the fuzzer
// starts from inputs that reach deep into prepare and eval.
func fuzzSeeds() [][]byte {
	seeds := [][]byte{fcModel().Bytes(), tfbuild.RunningSum([]float32{1, 2}).Bytes(), loopModel(nil), dynamicModel()}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, op := range []tflite.BuiltinOperator{tflite.BuiltinOperatorCONV_2D, tflite.BuiltinOperatorDEPTHWISE_CONV_2D, tflite.BuiltinOperatorTRANSPOSE_CONV} {
		for _, typ := range []DType{Int8, Int16, Uint8} {
			m, _ := randomCV(rng, op, typ).model()
			seeds = append(seeds, m)
		}
	}
	x := q8([]int{1, 2, 2, 2}, 0.5, -3, 1, 2, 3, 4, 5, 6, 7, 8)
	y := q8([]int{1, 1, 1, 2}, 0.25, 7, 9, -9)
	o := q8([]int{1, 2, 2, 2}, 0.75, 1)
	for _, code := range []tflite.BuiltinOperator{tflite.BuiltinOperatorADD, tflite.BuiltinOperatorSUB, tflite.BuiltinOperatorMUL} {
		seeds = append(seeds, oneOp(code, nil, []tt{x, y}, o))
	}
	for _, code := range []tflite.BuiltinOperator{tflite.BuiltinOperatorRELU, tflite.BuiltinOperatorRELU6,
		tflite.BuiltinOperatorHARD_SWISH, tflite.BuiltinOperatorDEQUANTIZE, tflite.BuiltinOperatorQUANTIZE} {
		out := o
		if code == tflite.BuiltinOperatorRELU6 {
			out = q8([]int{1, 2, 2, 2}, 0.5, -3)
		}
		if code == tflite.BuiltinOperatorDEQUANTIZE {
			out = f32t([]int{1, 2, 2, 2})
		}
		seeds = append(seeds, oneOp(code, nil, []tt{x}, out))
	}
	seeds = append(seeds,
		oneOp(tflite.BuiltinOperatorSOFTMAX, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsSoftmaxOptions, Value: &tflite.SoftmaxOptionsT{Beta: 1}}, []tt{x}, q8([]int{1, 2, 2, 2}, 1.0/256, -128)),
		oneOp(tflite.BuiltinOperatorLOGISTIC, nil, []tt{x}, q8([]int{1, 2, 2, 2}, 1.0/256, -128)),
		oneOp(tflite.BuiltinOperatorTANH, nil, []tt{x}, q8([]int{1, 2, 2, 2}, 1.0/128, 0)),
		oneOp(tflite.BuiltinOperatorMAX_POOL_2D, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsPool2DOptions, Value: &tflite.Pool2DOptionsT{
			Padding: tflite.PaddingSAME, StrideW: 1, StrideH: 1, FilterWidth: 2, FilterHeight: 2}}, []tt{x}, q8([]int{1, 2, 2, 2}, 0.5, -3)),
		oneOp(tflite.BuiltinOperatorTRANSPOSE, nil, []tt{x, constI32([]int{4}, 0, 3, 1, 2)}, q8([]int{1, 2, 2, 2}, 0.5, -3)),
		oneOp(tflite.BuiltinOperatorPAD, nil, []tt{x, constI32([]int{4, 2}, 0, 0, 1, 1, 0, 0, 0, 0)}, q8([]int{1, 4, 2, 2}, 0.5, -3)),
	)
	return seeds
}

// FuzzLoad feeds arbitrary bytes to Load and, when a model loads and is
// small, runs it with zero inputs and explains its first output: nothing may
// panic. Seeds are the project's own generated models and
// testdata/fuzz/FuzzLoad regressions.
func FuzzLoad(f *testing.F) {
	for i, s := range fuzzSeeds() {
		if _, err := Load(s); err != nil {
			f.Fatalf("seed %d does not load: %v", i, err)
		}
	}
	for _, s := range fuzzSeeds() {
		f.Add(s)
	}
	seeds, _ := filepath.Glob(filepath.Join("testdata", "models", "*.tflite"))
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) { fuzzRun(b, Reference) })
}

// fuzzRun loads b and, if it loads, runs it traced under profile p and
// explains element 0 of every op: nothing may panic.
func fuzzRun(b []byte, p Profile) {
	m, err := Load(b)
	if err != nil {
		return
	}
	total := 0
	for _, t := range m.Tensors {
		total += t.NumBytes()
	}
	if total > 1<<20 || m.MACs() > 1<<26 {
		return // valid but slow: the fuzzer looks for crashes, not big models
	}
	if p == XNNPack {
		m.XNNPackDelegated()
	}
	var inputs [][]byte
	for _, i := range m.Inputs {
		inputs = append(inputs, make([]byte, m.Tensors[i].NumBytes()))
	}
	res, err := m.Run(inputs, Options{Profile: p, Trace: true})
	if err != nil {
		return
	}
	for i := range m.Ops {
		res.Explain(i, 0)
	}
}
