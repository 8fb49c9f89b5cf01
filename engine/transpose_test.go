package engine

import (
	"bytes"
	"math/rand"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

func TestTranspose(t *testing.T) {
	i8 := tflite.TensorTypeINT8
	x := tt{typ: i8, shape: []int{2, 3}, feed: tfbuild.I8(1, 2, 3, 4, 5, 6)}
	// [2,3,2] = a[i][j][k] = 10i + 2j + k (0..15 pattern below), perm [2,0,1] → [2,2,3].
	y := tt{typ: i8, shape: []int{2, 3, 2}, feed: tfbuild.I8(0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15)}
	runOpCases(t, tflite.BuiltinOperatorTRANSPOSE, []opCase{
		{name: "2-D", ins: []tt{x, constI32([]int{2}, 1, 0)}, out: tt{typ: i8, shape: []int{3, 2}}, want: tfbuild.I8(1, 4, 2, 5, 3, 6)},
		{name: "identity", ins: []tt{x, constI32([]int{2}, 0, 1)}, out: tt{typ: i8, shape: []int{2, 3}}, want: tfbuild.I8(1, 2, 3, 4, 5, 6)},
		// out[k][i][j] = in[i][j][k]
		{name: "3-D", ins: []tt{y, constI32([]int{3}, 2, 0, 1)}, out: tt{typ: i8, shape: []int{2, 2, 3}},
			want: tfbuild.I8(0, 2, 4, 10, 12, 14, 1, 3, 5, 11, 13, 15)},
		{name: "float", ins: []tt{{typ: tflite.TensorTypeFLOAT32, shape: []int{1, 2}, feed: tfbuild.F32(1.5, -3)}, constI32([]int{2}, 1, 0)},
			out: tt{typ: tflite.TensorTypeFLOAT32, shape: []int{2, 1}}, want: tfbuild.F32(1.5, -3)},
		{name: "int64 perm", ins: []tt{x, {typ: tflite.TensorTypeINT64, shape: []int{2}, data: tfbuild.I64(1, 0)}}, out: tt{typ: i8, shape: []int{3, 2}},
			want: tfbuild.I8(1, 4, 2, 5, 3, 6)},
		{name: "repeated perm", ins: []tt{x, constI32([]int{2}, 0, 0)}, out: tt{typ: i8, shape: []int{2, 2}}, wantErr: "not a permutation"},
		{name: "perm out of range", ins: []tt{x, constI32([]int{2}, 0, 2)}, out: tt{typ: i8, shape: []int{2, 3}}, wantErr: "not a permutation"},
		{name: "perm length", ins: []tt{x, constI32([]int{3}, 0, 1, 2)}, out: tt{typ: i8, shape: []int{2, 3}}, wantErr: "want [2]"},
		{name: "output shape", ins: []tt{x, constI32([]int{2}, 1, 0)}, out: tt{typ: i8, shape: []int{2, 3}}, wantErr: "computes [3 2]"},
		{name: "rank 7", ins: []tt{{typ: i8, shape: []int{1, 1, 1, 1, 1, 1, 1}, feed: tfbuild.I8(1)}, constI32([]int{7}, 0, 1, 2, 3, 4, 5, 6)},
			out: tt{typ: i8, shape: []int{1, 1, 1, 1, 1, 1, 1}}, wantErr: "up to 6"},
	})
}

// TestTransposeRandom checks 1- to 6-D int16 transposes against a
// per-element re-derivation.
func TestTransposeRandom(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	for iter := 0; iter < 30; iter++ {
		rank := 1 + rng.Intn(6)
		in := make([]int, rank)
		for d := range in {
			in[d] = 1 + rng.Intn(3)
		}
		perm := rng.Perm(rank)
		out := make([]int, rank)
		var p32 []int32
		for d, s := range perm {
			out[d] = in[s]
			p32 = append(p32, int32(s))
		}
		x := make([]int16, numElements(in))
		for i := range x {
			x[i] = int16(rng.Intn(65536) - 32768)
		}
		want := make([]int16, len(x))
		for o := range want {
			c := unflatten(o, out)
			ic := make([]int, rank)
			for d, s := range perm {
				ic[s] = c[d]
			}
			i := 0
			for d := range ic {
				i = i*in[d] + ic[d]
			}
			want[o] = x[i]
		}
		got, _, err := runOneOp(tflite.BuiltinOperatorTRANSPOSE, nil, []tt{
			{typ: tflite.TensorTypeINT16, shape: in, feed: tfbuild.I16(x...)}, constI32([]int{rank}, p32...)},
			tt{typ: tflite.TensorTypeINT16, shape: out})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, tfbuild.I16(want...)) {
			t.Fatalf("shape %v perm %v: got %v, want %v", in, perm, AsInt16(alignedCopy(got)), want)
		}
	}
}
