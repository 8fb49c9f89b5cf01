package engine

import (
	"bytes"
	"testing"

	"github.com/int8scope/int8scope/engine/fixedpoint"
	"github.com/int8scope/int8scope/engine/tflite"
)

// TestLSTMInt8FastMatchesGeneric runs random int8 LSTMs — odd sizes, batch
// and time major, zero points, cell scales, clipping, large weights that
// saturate the gates, random initial state — through lstmEvalInt8 and
// through the step-by-step lstmEvalInteger (p.fast cleared), under the
// reference and single-rounding profiles, and wants every tensor equal.
func TestLSTMInt8FastMatchesGeneric(t *testing.T) {
	forRandomInt8LSTMs(t, func(i int, s lstmSpec, data, in []byte) {
		for _, prof := range []Profile{Reference, SingleRounding} {
			run := func(fast bool) *Result {
				m, err := Load(data)
				if err != nil {
					t.Fatalf("case %d: %v", i, err)
				}
				p := m.plans[prof].kernels[0].(*UnidirectionalSequenceLSTMParams)
				if p.fast == nil {
					t.Fatalf("case %d: the fast path was not prepared", i)
				}
				if !fast {
					p.fast = nil
				}
				res, err := m.Run([][]byte{in}, Options{Profile: prof, state: storedState(m)})
				if err != nil {
					t.Fatal(err)
				}
				return res
			}
			a, b := run(true), run(false)
			for ti := range a.Tensors {
				if !bytes.Equal(a.Tensors[ti], b.Tensors[ti]) {
					t.Errorf("case %d (%+v), %s: tensor %d differs: %s", i, s, prof, ti, firstDiff(a.Model.Tensors[ti], a.Tensors[ti], b.Tensors[ti]))
				}
			}
		}
	})
}

// forRandomInt8LSTMs calls f with 40 random int8 LSTM models (the spec, the
// model, an input): odd sizes, batch and time major, zero points, cell
// scales, clipping, large weights that saturate the gates, random initial
// state.
func forRandomInt8LSTMs(t *testing.T, f func(i int, s lstmSpec, data, in []byte)) {
	t.Helper()
	seed := uint64(11)
	rnd := func(n int) int {
		seed = seed*6364136223846793005 + 1442695040888963407
		return int(seed>>33) % n
	}
	for i := range 40 {
		s := lstmSpec{typ: tflite.TensorTypeINT8, B: 1 + rnd(3), T: 1 + rnd(5), I: 1 + rnd(37), S: 1 + rnd(23),
			timeMajor: rnd(2) == 0, cellPower: []int{-11, -12, -15, -9, -16}[rnd(5)],
			xScale: []float32{1.0 / 128, 2.0 / 255, 0.05}[rnd(3)], xZP: int64(rnd(256) - 128),
			hScale: []float32{1.0 / 128, 1.0 / 200, 0.02}[rnd(3)], hZP: int64(rnd(21) - 10)}
		if rnd(3) == 0 {
			s.clip = []float32{0.3, 2, 10}[rnd(3)]
		}
		s = randomLSTM(s, uint64(i)+100)
		if rnd(2) == 0 { // large weights: saturated FCs and gates
			for g := range 4 {
				for j := range s.W[g] {
					s.W[g][j] *= 40
				}
				for j := range s.R[g] {
					s.R[g][j] *= 40
				}
			}
		}
		s.h0, s.c0 = make([]float64, s.B*s.S), make([]float64, s.B*s.S)
		for j := range s.h0 {
			s.h0[j] = float64(rnd(200)-100) / 100
			s.c0[j] = float64(rnd(400)-200) / 100
		}
		f(i, s, s.build(), s.input())
	}
}

// TestLSTMLUTMemo checks the memoized int16 LUT sigmoid and tanh of the
// integer LSTM against computing them, at every int16 input and at the
// input scalings TFLite Micro's LSTM uses (gates (3, 0); cell state
// 2^-9 … 2^-16), twice (computed, then remembered).
func TestLSTMLUTMemo(t *testing.T) {
	for _, sc := range []struct {
		mul   int32
		shift int
	}{{3, 0}, {6, 0}, {12, 0}, {3, 1}, {3, 4}} {
		for fn, f := range map[int]func(int16, int32, int) int16{memoLogistic: fixedpoint.LogisticInt16, memoTanh: fixedpoint.TanhInt16} {
			m := lutMemoOf(fn, sc.mul, sc.shift)
			if lutMemoOf(fn, sc.mul, sc.shift) != m {
				t.Fatal("lutMemoOf made a second memo for the same function")
			}
			for range 2 {
				for x := -32768; x <= 32767; x++ {
					if got, want := m.at(int16(x)), f(int16(x), sc.mul, sc.shift); got != want {
						t.Fatalf("fn %d, (%d, %d), at %d: %d, want %d", fn, sc.mul, sc.shift, x, got, want)
					}
				}
			}
		}
	}
}

// TestLSTMMatVec3 checks the three-rows-per-int64 mat-vec against the
// plain int32 one on random and extreme int8 values (−128·−128 products
// everywhere), row counts not a multiple of three and depths around the
// chunk size and beyond int32 (the accumulator wraps, as TFLite's does).
func TestLSTMMatVec3(t *testing.T) {
	seed := uint64(3)
	rnd := func() int8 {
		seed = seed*6364136223846793005 + 1442695040888963407
		return int8(seed >> 56)
	}
	for _, rows := range []int{1, 2, 3, 4, 7, 80} {
		for _, n := range []int{1, 2, 5, 62, 63, 64, 126, 127, 200, 4000, 140000} { // 140000·2^14 wraps int32
			if n > 4000 && rows > 4 {
				continue
			}
			for _, fill := range []string{"random", "min", "mixed"} {
				w, x := make([]int8, rows*n), make([]int8, n)
				bias := make([]int32, rows)
				for i := range w {
					switch fill {
					case "random":
						w[i] = rnd()
					case "min":
						w[i] = -128
					default:
						w[i] = []int8{-128, 127}[(i/n+i)%2]
					}
				}
				for i := range x {
					x[i] = rnd()
					if fill != "random" {
						x[i] = -128
					}
				}
				for i := range bias {
					bias[i] = int32(uint32(rnd())<<24 | uint32(uint8(rnd())))
				}
				xs := make([]int64, n)
				for i, v := range x {
					xs[i] = int64(v)
				}
				got := make([]int32, rows)
				lstmMatVec3(lstmPack3(w, rows, n), xs, bias, got)
				for u := range rows {
					want := bias[u]
					for i := range n {
						want += int32(w[u*n+i]) * int32(x[i])
					}
					if got[u] != want {
						t.Fatalf("%d rows, depth %d, %s: row %d: %d, want %d", rows, n, fill, u, got[u], want)
					}
				}
			}
		}
	}
}
