package difftest

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
	"github.com/int8scope/int8scope/internal/oracle"
)

// opSubModel returns model reduced to its op k: the op's non-constant
// inputs become the subgraph inputs (in that order), its outputs the
// subgraph outputs. With the inputs the whole model computed for them, it
// checks one op of a model whose other ops the engine may not have.
func opSubModel(model []byte, k int) (sub []byte, inputs []int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("malformed model: %v", r)
		}
	}()
	m := tflite.GetRootAsModel(model, 0).UnPack()
	sg := m.Subgraphs[0]
	if k < 0 || k >= len(sg.Operators) {
		return nil, nil, fmt.Errorf("op %d out of range", k)
	}
	op := sg.Operators[k]
	for _, t := range op.Inputs {
		if t >= 0 {
			b := sg.Tensors[t].Buffer
			if b == 0 || len(m.Buffers[b].Data) == 0 {
				if !slices.Contains(inputs, int(t)) {
					inputs = append(inputs, int(t))
				}
			}
		}
	}
	sg.Operators = []*tflite.OperatorT{op}
	sg.Inputs = nil
	for _, t := range inputs {
		sg.Inputs = append(sg.Inputs, int32(t))
	}
	sg.Outputs = op.Outputs
	m.Subgraphs = m.Subgraphs[:1]
	m.SignatureDefs = nil
	return tfbuild.Pack(m), inputs, nil
}

// writtenByOps lists the tensors the ops of subgraph 0 write, read from the
// file (the engine may not load the model).
func writtenByOps(model []byte) []int {
	sg := tflite.GetRootAsModel(model, 0).UnPack().Subgraphs[0]
	var ts []int
	for _, op := range sg.Operators {
		for _, t := range op.Outputs {
			if t >= 0 && !slices.Contains(ts, int(t)) {
				ts = append(ts, int(t))
			}
		}
	}
	return ts
}

// fileInputs draws the subgraph inputs of model (read from the file: the
// engine may not load it): random bytes, floats
// uniform in [−1, 1), int32 in [0, 4) (token ids and positions).
func fileInputs(model []byte, seed int64) [][]byte {
	sg := tflite.GetRootAsModel(model, 0).UnPack().Subgraphs[0]
	rng := rand.New(rand.NewSource(seed))
	var ins [][]byte
	for _, ti := range sg.Inputs {
		t := sg.Tensors[ti]
		n := 1
		for _, d := range t.Shape {
			n *= int(d)
		}
		size := engine.DType(t.Type).Size()
		b := make([]byte, n*size)
		rng.Read(b)
		for j := 0; j+4 <= len(b); j += 4 {
			switch t.Type {
			case tflite.TensorTypeFLOAT32:
				binary.LittleEndian.PutUint32(b[j:], math.Float32bits(rng.Float32()*2-1))
			case tflite.TensorTypeINT32:
				binary.LittleEndian.PutUint32(b[j:], uint32(rng.Intn(4)))
			}
		}
		ins = append(ins, b)
	}
	return ins
}

// checkWildOps runs model in the real TFLite with every op output exposed,
// then each op whose name is in builtins as a one-op model fed with the
// values TFLite computed for its inputs, in the engine (tflite-xnnpack) and
// in TFLite, and compares them. It returns the elements compared.
func checkWildOps(t *testing.T, o *oracle.Oracle, model []byte, builtins []string, seed int64) int {
	t.Helper()
	written := writtenByOps(model)
	exposed, err := oracle.ExposeTensors(model, written)
	if err != nil {
		t.Fatal(err)
	}
	ins := fileInputs(model, seed)
	outs, err := o.Run(exposed, ins)
	if err != nil {
		t.Fatal(err)
	}
	fm := tflite.GetRootAsModel(model, 0).UnPack()
	sg := fm.Subgraphs[0]
	val := map[int][]byte{}
	for k, ti := range sg.Inputs {
		val[int(ti)] = ins[k]
	}
	for _, ot := range outs[len(outs)-len(written):] {
		val[ot.Tensor] = ot.Data
	}
	compared := 0
	for k, op := range sg.Operators {
		oc := fm.OperatorCodes[op.OpcodeIndex]
		name := max(oc.BuiltinCode, tflite.BuiltinOperator(oc.DeprecatedBuiltinCode)).String()
		if oc.CustomCode != "" {
			name = "CUSTOM:" + oc.CustomCode
		}
		if !slices.Contains(builtins, name) {
			continue
		}
		sub, ins, err := opSubModel(model, k)
		if err != nil {
			t.Fatal(err)
		}
		c := &Case{Gen: fmt.Sprintf("op%d", k), Seed: seed, Model: sub}
		for _, ti := range ins {
			c.Inputs = append(c.Inputs, val[ti])
		}
		res, err := Check(o, c, engine.XNNPack)
		if err != nil {
			t.Fatalf("op %d (%s): %v", k, name, err)
		}
		if res.Differ > 0 {
			t.Errorf("op %d (%s): %s", k, name, res.Report())
		}
		// The one-op model must compute what the whole model did.
		for _, ot := range op.Outputs {
			m, _ := engine.Load(sub)
			r, err := m.Run(c.Inputs, engine.Options{Profile: engine.XNNPack})
			if err != nil {
				t.Fatal(err)
			}
			a, b := engine.Values(m.Tensors[ot].Type, val[int(ot)]), engine.Values(m.Tensors[ot].Type, r.Tensors[ot])
			for i := range a {
				if a[i] != b[i] {
					t.Errorf("op %d (%s) tensor %d element %d: TFLite (whole model) %v, engine %v", k, name, ot, i, a[i], b[i])
					break
				}
			}
		}
		compared += res.Elements
	}
	return compared
}

// TestWildOpsC checks RESIZE_BILINEAR, BATCH_MATMUL and
// TFLite_Detection_PostProcess in the real-world models of the
// shared corpus against the real TFLite, op by op (the models' other ops
// may not be in the engine).
func TestWildOpsC(t *testing.T) {
	dir := filepath.Join(sharedCorpus(t), "wild")
	o := startOracle(t)
	for _, tc := range []struct {
		model string
		ops   []string
	}{
		{"deeplabv3.tflite", []string{"RESIZE_BILINEAR"}},
		{"deeplabv3_mnv2_dm05_pascal_quant.tflite", []string{"RESIZE_BILINEAR"}},
		{"movenet_single_pose_lightning_ptq.tflite", []string{"RESIZE_BILINEAR"}},
		{"toy_model_with_kv_cache_multi_signature.tflite", []string{"BATCH_MATMUL"}},
		{"coco_ssd_mobilenet_v1_1.0_quant_2018_06_29.tflite", []string{"CUSTOM:" + "TFLite_Detection_PostProcess"}},
	} {
		t.Run(tc.model, func(t *testing.T) {
			model, err := os.ReadFile(filepath.Join(dir, tc.model))
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for seed := int64(1); seed <= 2; seed++ {
				n += checkWildOps(t, o, model, tc.ops, seed)
			}
			if n == 0 {
				t.Fatalf("no %v op compared", tc.ops)
			}
			t.Logf("%d elements of %v equal to TFLite", n, tc.ops)
		})
	}
}

// TestRfft2dCancellation measures RFFT2D where it is not bit-exact: on
// small-integer inputs some parts of the transform are exactly zero, and
// TFLite's FFT (Ooura's, in double) and the engine's (radix 2, in double)
// leave different rounding noise there. The differing elements reported
// (the first MaxDiffs of each case) must be such noise: below 1e-12 in
// both.
func TestRfft2dCancellation(t *testing.T) {
	o := startOracle(t)
	cases, differ, elems := 0, 0, 0
	for seed := int64(1); seed <= 300; seed++ {
		g := newGen(seed)
		g.noPoison = true
		if err := genRfft2d(g, true); err != nil {
			t.Fatal(err)
		}
		c := &Case{Gen: "RFFT2D-cancel", Seed: seed, Model: g.b.Bytes(), Inputs: g.inputData}
		out, err := Check(o, c, engine.XNNPack)
		if err != nil {
			t.Fatal(err)
		}
		cases++
		elems += out.Elements
		differ += out.Differ
		for _, d := range out.Diffs {
			if math.Abs(d.Oracle) > 1e-12 || math.Abs(d.Engine) > 1e-12 {
				t.Errorf("%s: %s", c.ID(), out.Report())
				break
			}
		}
	}
	t.Logf("%d cases, %d of %d elements differ, all below 1e-12 (cancellation noise)", cases, differ, elems)
}

// TestWildMoveNet compares the whole int8 MoveNet pose model (its
// RESIZE_BILINEAR ops among the rest) with the real TFLite, every tensor.
func TestWildMoveNet(t *testing.T) {
	const name = "movenet_single_pose_lightning_ptq.tflite"
	model, err := os.ReadFile(filepath.Join(sharedCorpus(t), "wild", name))
	if err != nil {
		t.Fatal(err)
	}
	o := startOracle(t)
	m, err := engine.Load(model)
	if err != nil {
		t.Fatal(err)
	}
	names, inputs := randomInputs(m, 2)
	checkXNNPack(t, o, name, model, names, inputs)
}
