package engine

import (
	"math/rand/v2"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// TestFCTriRows compares fcTriRows (FULLY_CONNECTED's pure-Go product for up
// to three rows, weights packed three channels to an int64) with the plain
// loop: one to three rows, every channel count 1–25 and some larger (a
// partial last group of six, an odd number of groups), depths around the
// chunk lengths and the four-step loop's tails, random and extreme values
// (all −128, which takes the shorter chunk, and −127/127 with the longer).
func TestFCTriRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	var shapes [][3]int
	for n := 1; n <= 25; n++ {
		for _, k := range []int{1, 3, 4, 7, 55, 56, 57, 63, 64, 65, 129} {
			shapes = append(shapes, [3]int{1 + rng.IntN(3), n, k})
		}
	}
	shapes = append(shapes, [3]int{1, 10, 784}, [3]int{1, 128, 640}, [3]int{1, 128, 128}, [3]int{1, 8, 128}, [3]int{1, 128, 8}, [3]int{2, 37, 301}, [3]int{3, 64, 1000})
	for _, sh := range shapes {
		m, n, k := sh[0], sh[1], sh[2]
		for _, fill := range []int{0, 1, 2, 3} { // random, random with extremes, all −128, −128 by ±127
			a, b := randInt8(rng, m*k, fill == 1), randInt8(rng, n*k, fill == 1)
			switch fill {
			case 2:
				for i := range a {
					a[i] = -128
				}
				for i := range b {
					b[i] = -128
				}
			case 3:
				for i := range a {
					a[i] = -128
				}
				for i := range b {
					b[i] = int8(127 - 254*(i/k%2)) // whole channels at +127 or −127: the lanes at their extremes
				}
			}
			g := &gemmWeights{w: b}
			pk := g.triples(n, k)
			if pk == nil {
				t.Fatalf("m=%d n=%d k=%d: triples packed nothing", m, n, k)
			}
			got, want := make([]int32, m*n), make([]int32, m*n)
			for i := range got {
				got[i] = 12345 // every output is set, not added to
			}
			fcTriRows(m, n, k, a, pk, g.triK, got)
			naiveGEMM(m, n, k, a, b, want)
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("m=%d n=%d k=%d fill=%d chunk %d: out[%d] = %d, want %d", m, n, k, fill, g.triK, i, got[i], want[i])
				}
			}
		}
	}
}

// TestFloatFCHasNoAccumulators: a float32 FULLY_CONNECTED has no integer
// accumulators, so a traced run, eager or lazy, counts none and
// Result.Accumulators returns nil (it once counted batches × channels and
// returned zeros).
func TestFloatFCHasNoAccumulators(t *testing.T) {
	ins := []tt{
		{typ: tflite.TensorTypeFLOAT32, shape: []int{1, 3}, feed: tfbuild.F32(1, 2, 3)},
		{typ: tflite.TensorTypeFLOAT32, shape: []int{2, 3}, data: tfbuild.F32(1, 0, -1, 0.5, 0.5, 0.5)},
		{typ: tflite.TensorTypeFLOAT32, shape: []int{2}, data: tfbuild.F32(0.25, -1)},
	}
	o := &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsFullyConnectedOptions, Value: &tflite.FullyConnectedOptionsT{}}
	_, res, err := runOneOp(tflite.BuiltinOperatorFULLY_CONNECTED, o, ins, tt{typ: tflite.TensorTypeFLOAT32, shape: []int{1, 2}})
	if err != nil {
		t.Fatal(err)
	}
	for _, lazy := range []bool{false, true} {
		r, err := res.Model.Run([][]byte{tfbuild.F32(1, 2, 3)}, Options{Trace: true, LazyAccumulators: lazy})
		if err != nil {
			t.Fatal(err)
		}
		if got := AsFloat32(r.Tensors[res.Model.Outputs[0]]); got[0] != -1.75 || got[1] != 2 {
			t.Fatalf("outputs %v, want [-1.75 2]", got)
		}
		if n := r.Trace.Ops[0].AccumulatorCount(); n != -1 {
			t.Errorf("lazy %v: %d accumulators, want none (-1)", lazy, n)
		}
		if acc, err := r.Accumulators(0); err != nil || acc != nil {
			t.Errorf("lazy %v: Accumulators = %v, %v; want nil", lazy, acc, err)
		}
	}
}
