package engine

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// svdfBenchCase is an int8 SVDF with an int16 state and constant weights,
// prepared as prepareSVDF does, for benchmarks.
func svdfBenchCase(in, units, rank, mem int) (*SVDFParams, *run) {
	rng := rand.New(rand.NewPCG(1, 2))
	p := &SVDFParams{Rank: rank, Batches: 1, InputSize: in, Units: units, Filters: units * rank, Memory: mem,
		InputZeroPoint: -7, OutputZeroPoint: -128, ActMin: -128, ActMax: 127, StateMin: -32768, StateMax: 32767,
		in: 0, wf: 1, wt: 2, bias: 3, state: 4, out: 5, typ: Int8, stateType: Int16}
	q1, q2 := newRequant(0.9), newRequant(0.00002)
	p.Scale1, p.Scale2 = &q1, &q2
	F := p.Filters
	vals := [][]byte{alignedBytes(in), alignedBytes(F * in), alignedBytes(2 * F * mem), alignedBytes(4 * units), alignedBytes(2 * F * mem), alignedBytes(units)}
	for _, v := range vals[:5] {
		for i := range v {
			v[i] = byte(rng.Uint32())
		}
	}
	for i := range AsInt32(vals[3]) {
		AsInt32(vals[3])[i] >>= 12
	}
	p.featAdd = svdfFeatAdd(p, AsInt8(vals[1]))
	m1, m2 := newSVDFRequant(q1), newSVDFRequant(q2)
	p.q1, p.q2 = &m1, &m2
	g := &gemmWeights{w: AsInt8(vals[1])}
	g.packRows(F, in)
	p.wfPacked = g.packed
	p.unitAdd = svdfUnitAdd(p, AsInt16(vals[2]), AsInt32(vals[3]))
	return p, &run{vals: vals}
}

// BenchmarkSVDFInt times svdfInt and svdfIntOld on keyword_scrambled's
// SVDF shapes (natively, or under GOOS=js GOARCH=wasm with Go's
// go_js_wasm_exec on the PATH).
func BenchmarkSVDFInt(b *testing.B) {
	for _, s := range []struct{ in, units, rank, mem int }{{16, 64, 1, 8}, {96, 64, 1, 8}, {32, 32, 1, 32}} {
		b.Run(fmt.Sprintf("I%d_U%d_R%d_M%d", s.in, s.units, s.rank, s.mem), func(b *testing.B) {
			p, r := svdfBenchCase(s.in, s.units, s.rank, s.mem)
			for b.Loop() {
				svdfInt(p, r, r.i16(p.wt), r.i16(p.state))
			}
		})
		b.Run(fmt.Sprintf("old_I%d_U%d_R%d_M%d", s.in, s.units, s.rank, s.mem), func(b *testing.B) {
			p, r := svdfBenchCase(s.in, s.units, s.rank, s.mem)
			wfSum := rowSums(p.Filters, p.InputSize, r.i8(p.wf), nil)
			for b.Loop() {
				svdfIntOld(p, r, r.i16(p.wt), r.i16(p.state), wfSum)
			}
		})
	}
}

// svdfIntOld is svdfInt before the fused per-unit loop (commit 299137b,
// its wfSum then a prepared field), kept as the previous kernel that
// TestSVDFIntRandom compares with and the benchmark's baseline.
func svdfIntOld[T int8 | int16](p *SVDFParams, r *run, wt, state []T, wfSum []int32) {
	B, I, F, M := p.Batches, p.InputSize, p.Filters, p.Memory
	in, wf := r.i8(p.in), r.i8(p.wf)
	if len(state) > 0 {
		copy(state, state[1:])
	}
	s1, s2 := newQuantMul(*p.Scale1), newQuantMul(*p.Scale2) // as FixedPointOutput requantizes
	gs := &r.gs
	gs.accs = grow(gs.accs, B*F)
	dots := gs.accs
	if p.wfPacked != nil && gemmGo {
		gemmRowsPacked(B, F, I, in, p.wfPacked, dots)
	} else {
		gemm(B, F, I, in, wf, dots)
	}
	if wfSum == nil {
		wfSum = rowSums(F, I, wf, nil)
	}
	wfSum = wfSum[:F]
	for b := range B {
		row := dots[b*F:][:F]
		st := state[b*F*M:][:F*M]
		// Clamped to the state type before the zero point is added; the
		// sum is stored with C's wrapping conversion, as TFLite Micro does.
		// (The rounding chosen once, and min/max, lo < hi: no branch per
		// element; see requantizeInts.)
		zIn, sLo, sHi, zState := p.InputZeroPoint, p.StateMin, p.StateMax, p.StateZeroPoint
		if s1.single {
			for f, d := range row {
				st[f*M+M-1] = T(min(max(s1.apply(d-zIn*wfSum[f]), sLo), sHi) + zState)
			}
		} else {
			for f, d := range row {
				st[f*M+M-1] = T(min(max(s1.double(d-zIn*wfSum[f]), sLo), sHi) + zState)
			}
		}
	}
	unitAdd := p.unitAdd
	if unitAdd == nil {
		var bias []int32
		if p.bias >= 0 {
			bias = r.i32(p.bias)
		}
		unitAdd = svdfUnitAdd(p, wt, bias)
	}
	var accs []int64
	if r.tracing() {
		accs = r.accBuf(B * p.Units)
		r.tr.Acc = accs
	}
	out := r.i8(p.out)
	U := p.Units
	n := p.Rank * M // one unit's stretch of weights_time and of a batch's state
	zOut, lo, hi := p.OutputZeroPoint, p.ActMin, p.ActMax
	unitAdd = unitAdd[:U]
	wt = wt[:U*n]
	gs.tmp = grow(gs.tmp, U)
	sums := gs.tmp
	for b := range B {
		st := state[b*F*M:][:U*n]
		o := out[b*U:][:U]
		// Σ wt·(state − z_state) + bias as Σ wt·state + unitAdd[u]: the
		// same wrapping int32 sum, eight products a step where n allows
		// (a short loop per unit costs more than its products in
		// WebAssembly: each pass of a loop goes through Go's block
		// dispatcher there). With n = 8 (rank 1, memory 8) the units'
		// stretches, end to end in wt and st, take one flat loop.
		switch {
		case n == 8:
			for u, add := range unitAdd {
				a, v := wt[u*8:u*8+8:u*8+8], st[u*8:u*8+8:u*8+8]
				sums[u] = add + int32(a[0])*int32(v[0]) + int32(a[1])*int32(v[1]) +
					int32(a[2])*int32(v[2]) + int32(a[3])*int32(v[3]) +
					int32(a[4])*int32(v[4]) + int32(a[5])*int32(v[5]) +
					int32(a[6])*int32(v[6]) + int32(a[7])*int32(v[7])
			}
		case n%8 == 0:
			for u, add := range unitAdd {
				w, sv := wt[u*n:][:n], st[u*n:][:n]
				acc := add
				for j := 0; j+8 <= n; j += 8 {
					a, v := w[j:j+8:j+8], sv[j:j+8:j+8]
					acc += int32(a[0])*int32(v[0]) + int32(a[1])*int32(v[1]) +
						int32(a[2])*int32(v[2]) + int32(a[3])*int32(v[3]) +
						int32(a[4])*int32(v[4]) + int32(a[5])*int32(v[5]) +
						int32(a[6])*int32(v[6]) + int32(a[7])*int32(v[7])
				}
				sums[u] = acc
			}
		default:
			for u, add := range unitAdd {
				w, sv := wt[u*n:][:n], st[u*n:][:n]
				acc := add
				j := 0
				for ; j+4 <= n; j += 4 {
					a, c := w[j:j+4:j+4], sv[j:j+4:j+4]
					acc += int32(a[0])*int32(c[0]) + int32(a[1])*int32(c[1]) +
						int32(a[2])*int32(c[2]) + int32(a[3])*int32(c[3])
				}
				for ; j < n; j++ {
					acc += int32(w[j]) * int32(sv[j])
				}
				sums[u] = acc
			}
		}
		if accs != nil {
			for u, acc := range sums {
				accs[b*U+u] = int64(acc)
			}
		}
		if s2.single {
			for u, acc := range sums {
				o[u] = int8(min(max(s2.apply(acc)+zOut, lo), hi))
			}
		} else {
			for u, acc := range sums {
				o[u] = int8(min(max(s2.double(acc)+zOut, lo), hi))
			}
		}
	}
}
