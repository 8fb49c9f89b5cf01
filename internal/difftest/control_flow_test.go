package difftest

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

var (
	qx = tfbuild.Q(0.3, -3)
	qy = tfbuild.Q(0.2, 5)
	qz = tfbuild.Q(0.2, 5)
)

// ifModel: z = IF(cond, x, y) with then = ADD(x, y) (subgraph 1) and
// else = SUB(x, y) (subgraph 2), int8 [1,4] (x and y of different scales).
func ifModel() []byte {
	b := tfbuild.New()
	cond, x, y, z := addIf(b, 1)
	b.Inputs(cond, x, y)
	b.Outputs(z)
	return b.Bytes()
}

// statefulIfModel is tfbuild.RunningSum (its init subgraph is 1, and its
// subgraph 0 has resource tensors) with ifModel's IF added to subgraph 0,
// branches 2 and 3. Inputs: the running sum's x, cond, x8, y8; outputs:
// the sum and z (tensor 7).
func statefulIfModel() []byte {
	b := tfbuild.RunningSum([]float32{1})
	cond, x, y, z := addIf(b, 2)
	b.Inputs(0, cond, x, y)
	b.Outputs(3, z)
	return b.Bytes()
}

// addIf adds to subgraph 0 of b the tensors cond, x, y, z and the IF op,
// and the then (ADD) and else (SUB) subgraphs as first and first+1.
func addIf(b *tfbuild.Builder, first int32) (cond, x, y, z int) {
	i8 := tflite.TensorTypeINT8
	cond = b.Tensor("cond", tflite.TensorTypeBOOL, []int{1}, nil, nil)
	x = b.Tensor("x", i8, []int{1, 4}, qx, nil)
	y = b.Tensor("y", i8, []int{1, 4}, qy, nil)
	z = b.Tensor("z", i8, []int{1, 4}, qz, nil)
	b.Op(tflite.BuiltinOperatorIF, 0, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsIfOptions,
		Value: &tflite.IfOptionsT{ThenSubgraphIndex: first, ElseSubgraphIndex: first + 1}}, []int{cond, x, y}, []int{z})
	for _, br := range []struct {
		name string
		code tflite.BuiltinOperator
		opts *tflite.BuiltinOptionsT
	}{
		{"then", tflite.BuiltinOperatorADD, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsAddOptions, Value: &tflite.AddOptionsT{}}},
		{"else", tflite.BuiltinOperatorSUB, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsSubOptions, Value: &tflite.SubOptionsT{}}},
	} {
		b.Subgraph(br.name)
		a := b.Tensor("a", i8, []int{1, 4}, qx, nil)
		c := b.Tensor("b", i8, []int{1, 4}, qy, nil)
		o := b.Tensor("o", i8, []int{1, 4}, qz, nil)
		b.Inputs(a, c)
		b.Outputs(o)
		b.Op(br.code, 0, br.opts, []int{a, c}, []int{o})
	}
	b.Use(0)
	return cond, x, y, z
}

// whileModel: loop variables (b0, b1, b2 bool [1], x int8 [1,4]); cond
// (subgraph 1) is b0; the body (subgraph 2) shifts the bools,
// (b0, b1, b2) ← (b1, b2, b2), and doubles x with a quantized ADD(x, x)
// (it saturates). The body runs as many times as b0, b1, b2 start with
// true (never all three). Outputs: the last x and b0.
func whileModel() []byte {
	i8, bl := tflite.TensorTypeINT8, tflite.TensorTypeBOOL
	vars := func(b *tfbuild.Builder) []int {
		return []int{b.Tensor("b0", bl, []int{1}, nil, nil), b.Tensor("b1", bl, []int{1}, nil, nil),
			b.Tensor("b2", bl, []int{1}, nil, nil), b.Tensor("x", i8, []int{1, 4}, qx, nil)}
	}
	b, _, out := tfbuild.WhileLoop(vars, func(b *tfbuild.Builder, d []int) []int {
		y := b.Tensor("x2", i8, []int{1, 4}, qx, nil)
		b.Op(tflite.BuiltinOperatorADD, 0, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsAddOptions, Value: &tflite.AddOptionsT{}},
			[]int{d[3], d[3]}, []int{y})
		return []int{d[1], d[2], d[2], y}
	})
	b.Outputs(out[3], out[0])
	return b.Bytes()
}

// randI8 returns n int8 values in [-r, r] (mostly unsaturated sums).
func randI8(rng *rand.Rand, n, r int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(int8(rng.IntN(2*r+1) - r))
	}
	return b
}

func boolByte(v bool) []byte {
	if v {
		return []byte{1}
	}
	return []byte{0}
}

// controlFlowCases returns the IF and WHILE models with inputs that take
// every branch and 0, 1 and 2 iterations.
func controlFlowCases() []*Case {
	rng := rand.New(rand.NewPCG(7, 7))
	var cs []*Case
	for i := range 60 {
		cs = append(cs, &Case{Gen: "IF", Seed: int64(i), Desc: fmt.Sprintf("cond %v", i%2 == 0), Model: ifModel(),
			Inputs: [][]byte{boolByte(i%2 == 0), randI8(rng, 4, 60), randI8(rng, 4, 60)}})
	}
	for i, bs := range [][3]bool{{false, true, true}, {true, false, false}, {true, false, true}, {true, true, false}} {
		for j := range 10 {
			cs = append(cs, &Case{Gen: "WHILE", Seed: int64(10*i + j), Desc: fmt.Sprintf("bools %v", bs), Model: whileModel(),
				Inputs: [][]byte{boolByte(bs[0]), boolByte(bs[1]), boolByte(bs[2]), randI8(rng, 4, 40)}})
		}
	}
	return cs
}

// TestControlFlowTFLite compares IF and WHILE models, under every branch
// and iteration count, with the browser TFLite (tflite-xnnpack), outputs
// byte for byte. Some cases must tell the XNNPACK delegate's ADD and SUB
// (which TFLite applies to the called subgraphs too) from the builtin
// kernels'.
func TestControlFlowTFLite(t *testing.T) {
	o := startOracle(t)
	n, telling := 0, 0
	for _, c := range controlFlowCases() {
		want, err := o.Run(c.Model, c.Inputs)
		if err != nil {
			t.Fatalf("%s (%s): %v", c.ID(), c.Desc, err)
		}
		m, err := engine.Load(c.Model)
		if err != nil {
			t.Fatal(err)
		}
		res, err := m.Run(c.Inputs, engine.Options{Profile: engine.XNNPack, Trace: true})
		if err != nil {
			t.Fatalf("%s: %v", c.ID(), err)
		}
		ref, err := m.Run(c.Inputs, engine.Options{Profile: engine.Reference})
		if err != nil {
			t.Fatalf("%s: %v", c.ID(), err)
		}
		if !bytes.Equal(ref.Tensors[m.Outputs[0]], res.Tensors[m.Outputs[0]]) {
			telling++
		}
		for j, w := range want {
			got := res.Tensors[m.Outputs[j]]
			if !bytes.Equal(got, w.Data) {
				t.Errorf("%s (%s) output %d: engine %v, TFLite %v (%s)", c.ID(), c.Desc, j, got, w.Data, res.Trace.Ops[0].Note)
			}
			n += len(got)
		}
	}
	if telling == 0 {
		t.Errorf("no case where the reference and tflite-xnnpack differ: the test cannot tell which arithmetic TFLite runs in the subgraphs")
	}
	t.Logf("%d output bytes of IF and WHILE models equal to TFLite; %d of the cases tell the XNNPACK delegate from the builtin kernels", n, telling)
}

// TestControlFlowTFLM compares the same models under the reference profile
// with TFLite Micro, every tensor of subgraph 0.
func TestControlFlowTFLM(t *testing.T) {
	r := startTFLM(t)
	n := 0
	for _, c := range controlFlowCases() {
		out, err := CheckTFLM(context.Background(), r, c)
		if err != nil {
			t.Fatalf("%v (%s)", err, c.Desc)
		}
		if out.Differ > 0 {
			t.Errorf("%s", out.Report())
		}
		n += out.Elements
	}
	t.Logf("%d elements of IF and WHILE models equal to TFLite Micro", n)
}

// TestStatefulIfTFLite: TFLite applies its XNNPACK delegate to the
// subgraphs in order and stops at the first with a dynamic-sized
// (resource) tensor, so when subgraph 0 holds resource variables the IF
// branches run TFLite's builtin ADD and SUB, not XNNPACK's. The same IF
// without state runs them in XNNPACK; some cases must tell the two apart.
func TestStatefulIfTFLite(t *testing.T) {
	o := startOracle(t)
	model := statefulIfModel()
	m, err := engine.Load(model)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := engine.Load(ifModel())
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 3))
	telling := 0
	for i := range 60 {
		x, y := randI8(rng, 4, 60), randI8(rng, 4, 60)
		in := [][]byte{tfbuild.F32(1), boolByte(i%2 == 0), x, y}
		want, err := o.Run(model, in)
		if err != nil {
			t.Fatal(err)
		}
		m.Reset()
		res, err := m.Run(in, engine.Options{Profile: engine.XNNPack})
		if err != nil {
			t.Fatal(err)
		}
		if got := res.Tensors[m.Outputs[1]]; !bytes.Equal(got, want[1].Data) {
			t.Errorf("case %d: engine %v, TFLite %v", i, got, want[1].Data)
		}
		del, err := plain.Run(in[1:], engine.Options{Profile: engine.XNNPack})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(del.Tensors[plain.Outputs[0]], res.Tensors[m.Outputs[1]]) {
			telling++
		}
	}
	if telling == 0 {
		t.Errorf("no case tells XNNPACK's ADD/SUB from the builtin kernels'")
	}
	t.Logf("60 IF cases in a stateful model equal to TFLite; %d of them would differ had XNNPACK run the branches", telling)
}
