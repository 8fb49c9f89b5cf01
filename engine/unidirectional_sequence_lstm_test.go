package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/int8scope/int8scope/engine/fixedpoint"
	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// lstmOnly rewrites a model to run only its first op, with that op's outputs
// as the subgraph outputs, so the LSTM can be checked against the goldens
// whatever the later ops' state.
func lstmOnly(t *testing.T, b []byte) []byte {
	t.Helper()
	m := tflite.GetRootAsModel(b, 0).UnPack()
	sg := m.Subgraphs[0]
	sg.Operators = sg.Operators[:1]
	sg.Outputs = sg.Operators[0].Outputs
	return tfbuild.Pack(m)
}

// TestLSTMGoldens compares the LSTM's output and its final hidden and cell
// state with TFLite Micro's, byte for byte, on the corpus's int8 MNIST LSTM.
func TestLSTMGoldens(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "goldens", "trained_lstm_int8")
	b, err := os.ReadFile(filepath.Join(dir, "..", "..", "models", "trained_lstm_int8.tflite"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Load(lstmOnly(t, b))
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	op := m.Ops[0]
	if op.code != tflite.BuiltinOperatorUNIDIRECTIONAL_SEQUENCE_LSTM {
		t.Fatalf("op 0 is %s", op.Builtin)
	}
	// Derived by hand from the model: input zero point −128, hidden state
	// zero point 0, cell scale 0.00024414063 = 2^-12 (so tanh(c) needs no
	// shift: (15 − 12) − 3 = 0), cell_clip 10 / 2^-12 = 40960 → 32767.
	p := op.Params.(*UnidirectionalSequenceLSTMParams)
	if p.Batches != 1 || p.TimeSteps != 28 || p.InputSize != 28 || p.Units != 20 || p.TimeMajor ||
		p.InputOffset != 128 || p.HiddenOffset != 0 || p.HiddenZeroPoint != 0 || p.CellScalePower != -12 ||
		p.QuantizedCellClip != 32767 || p.TanhCellMultiplier != 3 || p.TanhCellShift != 0 {
		t.Errorf("prepared parameters %+v", p)
	}
	// The forget gate's input FC: s_x·s_W/2^-12 with s_x = 0.003921569,
	// s_W = 0.007401021 (input 2 is tensor 14).
	if got, want := p.Gates[lstmForgetGate].InputFC.Real, float64(float32(0.003921569))*float64(float32(0.007401021))*4096; math.Abs(got-want) > 1e-12 {
		t.Errorf("forget gate input FC multiplier %v, want %v", got, want)
	}
	written := map[int]bool{}
	for _, i := range append(append([]int{}, op.Outputs...), op.Inputs[18], op.Inputs[19]) {
		written[i] = true
	}
	cases, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(cases) == 0 {
		t.Fatal("no cases")
	}
	for _, cd := range cases {
		in, err := os.ReadFile(filepath.Join(cd, "inputs", "input0.bin"))
		if err != nil {
			t.Fatal(err)
		}
		m.Reset() // each golden is the first inference of a new interpreter
		res, err := m.Run([][]byte{in}, Options{state: storedState(m)})
		if err != nil {
			t.Fatal(err)
		}
		var idx goldenIndex
		ib, err := os.ReadFile(filepath.Join(cd, "tensors", "index.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(ib, &idx); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, g := range idx.Tensors {
			if !written[g.Index] {
				continue
			}
			want, err := os.ReadFile(filepath.Join(cd, "tensors", fmt.Sprintf("tensor%d.bin", g.Index)))
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Tensors[g.Index]; !bytes.Equal(got, want) {
				t.Errorf("%s: tensor %d (%q): %s", filepath.Base(cd), g.Index, g.Name, firstDiff(m.Tensors[g.Index], got, want))
			}
			n++
		}
		if n != 3 {
			t.Errorf("%s: compared %d tensors, want the output and the two states", filepath.Base(cd), n)
		}
	}
}

// lstmSpec describes a small self-built UNIDIRECTIONAL_SEQUENCE_LSTM: float
// weights, inputs and initial state, which the quantized variants quantize.
type lstmSpec struct {
	typ        tflite.TensorType // activations: FLOAT32, INT8 or INT16
	B, T, I, S int
	timeMajor  bool
	clip       float32
	cellPower  int // quantized: cell state scale 2^cellPower
	xScale     float32
	xZP        int64
	hScale     float32
	hZP        int64
	W, R, bias [4][]float64 // gate order input, forget, cell, output
	x, h0, c0  []float64    // x in the op's layout; nil state = zeros
}

// randomLSTM fills a spec with reproducible values (a small LCG, no shared
// state).
func randomLSTM(s lstmSpec, seed uint64) lstmSpec {
	next := func(lo, hi float64) float64 {
		seed = seed*6364136223846793005 + 1442695040888963407
		return lo + (hi-lo)*float64(seed>>11)/float64(1<<53)
	}
	fill := func(n int, lo, hi float64) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = next(lo, hi)
		}
		return v
	}
	for g := range 4 {
		s.W[g] = fill(s.S*s.I, -0.9, 0.9)
		s.R[g] = fill(s.S*s.S, -0.9, 0.9)
		s.bias[g] = fill(s.S, -0.5, 0.5)
	}
	s.x = fill(s.B*s.T*s.I, -1, 1)
	return s
}

func maxAbs(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m = math.Max(m, math.Abs(x))
	}
	return m
}

func quantizeTo(v []float64, scale float64, zp, lo, hi int64) []int64 {
	q := make([]int64, len(v))
	for i, x := range v {
		q[i] = min(max(int64(math.Round(x/scale))+zp, lo), hi)
	}
	return q
}

// build writes the model. For quantized specs it replaces the spec's float
// values by the dequantized values the model holds, so the float reference
// sees exactly the model's numbers.
func (s *lstmSpec) build() []byte { return tfbuild.Pack(s.model()) }

// model is build before packing, for tests that break it.
func (s *lstmSpec) model() *tflite.ModelT {
	b := tfbuild.New()
	qlo, qhi := int64(-128), int64(127)
	if s.typ == tflite.TensorTypeINT16 {
		qlo, qhi = -32768, 32767
	}
	encode := func(typ tflite.TensorType, q []int64) []byte {
		switch typ {
		case tflite.TensorTypeINT8:
			v := make([]int8, len(q))
			for i := range q {
				v[i] = int8(q[i])
			}
			return tfbuild.I8(v...)
		case tflite.TensorTypeINT16:
			v := make([]int16, len(q))
			for i := range q {
				v[i] = int16(q[i])
			}
			return tfbuild.I16(v...)
		case tflite.TensorTypeINT32:
			v := make([]int32, len(q))
			for i := range q {
				v[i] = int32(q[i])
			}
			return tfbuild.I32(v...)
		}
		return tfbuild.I64(q...)
	}
	f32 := func(v []float64) []byte {
		f := make([]float32, len(v))
		for i := range v {
			f[i] = float32(v[i])
		}
		return tfbuild.F32(f...)
	}
	dequant := func(q []int64, scale float64, zp int64) []float64 {
		v := make([]float64, len(q))
		for i := range q {
			v[i] = float64(q[i]-zp) * scale
		}
		return v
	}
	xShape := []int{s.B, s.T, s.I}
	outShape := []int{s.B, s.T, s.S}
	if s.timeMajor {
		xShape, outShape = []int{s.T, s.B, s.I}, []int{s.T, s.B, s.S}
	}
	quant := s.typ != tflite.TensorTypeFLOAT32
	state := func(v []float64) []float64 {
		if v == nil {
			return make([]float64, s.B*s.S)
		}
		return v
	}
	s.h0, s.c0 = state(s.h0), state(s.c0)
	var x, h, c int
	var w, rw, bias [4]int
	if !quant {
		x = b.Tensor("x", s.typ, xShape, nil, nil)
		for g := range 4 {
			w[g] = b.Tensor("w", s.typ, []int{s.S, s.I}, nil, f32(s.W[g]))
			rw[g] = b.Tensor("r", s.typ, []int{s.S, s.S}, nil, f32(s.R[g]))
			bias[g] = b.Tensor("b", s.typ, []int{s.S}, nil, f32(s.bias[g]))
		}
		h = b.Tensor("h", s.typ, []int{s.B, s.S}, nil, f32(s.h0))
		c = b.Tensor("c", s.typ, []int{s.B, s.S}, nil, f32(s.c0))
	} else {
		sx, sh, sc := float64(s.xScale), float64(s.hScale), math.Ldexp(1, s.cellPower)
		x = b.Tensor("x", s.typ, xShape, tfbuild.Q(s.xScale, s.xZP), nil)
		biasType := tflite.TensorTypeINT32
		if s.typ == tflite.TensorTypeINT16 {
			biasType = tflite.TensorTypeINT64
		}
		for g := range 4 {
			sw := float32(maxAbs(s.W[g]) / 127)
			qw := quantizeTo(s.W[g], float64(sw), 0, -127, 127)
			w[g] = b.Tensor("w", tflite.TensorTypeINT8, []int{s.S, s.I}, tfbuild.Q(sw, 0), encode(tflite.TensorTypeINT8, qw))
			s.W[g] = dequant(qw, float64(sw), 0)
			sr := float32(maxAbs(s.R[g]) / 127)
			qr := quantizeTo(s.R[g], float64(sr), 0, -127, 127)
			rw[g] = b.Tensor("r", tflite.TensorTypeINT8, []int{s.S, s.S}, tfbuild.Q(sr, 0), encode(tflite.TensorTypeINT8, qr))
			s.R[g] = dequant(qr, float64(sr), 0)
			sb := float64(s.xScale) * float64(sw)
			qb := quantizeTo(s.bias[g], sb, 0, math.MinInt32, math.MaxInt32)
			bias[g] = b.Tensor("b", biasType, []int{s.S}, tfbuild.Q(float32(sb), 0), encode(biasType, qb))
			s.bias[g] = dequant(qb, sb, 0)
		}
		qh := quantizeTo(s.h0, sh, s.hZP, qlo, qhi)
		h = b.Tensor("h", s.typ, []int{s.B, s.S}, tfbuild.Q(s.hScale, s.hZP), encode(s.typ, qh))
		s.h0 = dequant(qh, sh, s.hZP)
		qc := quantizeTo(s.c0, sc, 0, -32768, 32767)
		c = b.Tensor("c", tflite.TensorTypeINT16, []int{s.B, s.S}, tfbuild.Q(float32(sc), 0), encode(tflite.TensorTypeINT16, qc))
		s.c0 = dequant(qc, sc, 0)
		s.x = dequant(quantizeTo(s.x, sx, s.xZP, qlo, qhi), sx, s.xZP)
	}
	var outQ *tfbuild.Quant
	if quant {
		outQ = tfbuild.Q(s.hScale, s.hZP)
	}
	out := b.Tensor("out", s.typ, outShape, outQ, nil)
	addLSTM(b, x, w, rw, bias, h, c, out, &tflite.UnidirectionalSequenceLSTMOptionsT{
		FusedActivationFunction: tflite.ActivationFunctionTypeTANH, CellClip: s.clip, TimeMajor: s.timeMajor})
	return b.M
}

// input returns the raw input bytes: the spec's x, quantized as build did.
func (s *lstmSpec) input() []byte {
	switch s.typ {
	case tflite.TensorTypeFLOAT32:
		f := make([]float32, len(s.x))
		for i := range s.x {
			f[i] = float32(s.x[i])
		}
		return tfbuild.F32(f...)
	case tflite.TensorTypeINT8:
		q := quantizeTo(s.x, float64(s.xScale), s.xZP, -128, 127)
		v := make([]int8, len(q))
		for i := range q {
			v[i] = int8(q[i])
		}
		return tfbuild.I8(v...)
	}
	q := quantizeTo(s.x, float64(s.xScale), s.xZP, -32768, 32767)
	v := make([]int16, len(q))
	for i := range q {
		v[i] = int16(q[i])
	}
	return tfbuild.I16(v...)
}

// reference is the LSTM written out in float64, one batch and one step at a
// time: output in the op's layout, then the final h and c.
func (s *lstmSpec) reference() (out, h, c []float64) {
	sigmoid := func(v float64) float64 { return 1 / (1 + math.Exp(-v)) }
	out = make([]float64, s.B*s.T*s.S)
	h, c = append([]float64{}, s.h0...), append([]float64{}, s.c0...)
	for b := range s.B {
		hb, cb := h[b*s.S:(b+1)*s.S], c[b*s.S:(b+1)*s.S]
		for t := range s.T {
			row := b*s.T + t
			if s.timeMajor {
				row = t*s.B + b
			}
			x := s.x[row*s.I : (row+1)*s.I]
			var z [4][]float64
			for g := range 4 {
				z[g] = make([]float64, s.S)
				for u := range s.S {
					v := s.bias[g][u]
					for d := range s.I {
						v += s.W[g][u*s.I+d] * x[d]
					}
					for d := range s.S {
						v += s.R[g][u*s.S+d] * hb[d]
					}
					z[g][u] = v
				}
			}
			for u := range s.S {
				i, f, g, o := sigmoid(z[0][u]), sigmoid(z[1][u]), math.Tanh(z[2][u]), sigmoid(z[3][u])
				cb[u] = f*cb[u] + i*g
				if s.clip > 0 {
					cb[u] = math.Max(-float64(s.clip), math.Min(float64(s.clip), cb[u]))
				}
				hb[u] = o * math.Tanh(cb[u])
				out[row*s.S+u] = hb[u]
			}
		}
	}
	return out, h, c
}

// TestLSTMAgainstFloatReference runs self-built LSTMs and compares with the
// float64 derivation: float32 models to 1e-6, int8 ones to 1.5 steps of the
// hidden state's scale (1/128), int16 ones to 1e-3.
func TestLSTMAgainstFloatReference(t *testing.T) {
	base := func(typ tflite.TensorType, B, T, I, S int) lstmSpec {
		return lstmSpec{typ: typ, B: B, T: T, I: I, S: S, cellPower: -11, xScale: 1.0 / 128, hScale: 1.0 / 128}
	}
	type tc struct {
		name string
		spec lstmSpec
		tol  float64 // on real values of output and hidden state
	}
	var cases []tc
	add := func(name string, s lstmSpec, seed uint64, tol float64, edit func(*lstmSpec)) {
		s = randomLSTM(s, seed)
		if edit != nil {
			edit(&s)
		}
		cases = append(cases, tc{name, s, tol})
	}
	add("float batch major", base(tflite.TensorTypeFLOAT32, 2, 4, 3, 5), 1, 1e-6, nil)
	add("float time major", base(tflite.TensorTypeFLOAT32, 3, 4, 3, 2), 2, 1e-6, func(s *lstmSpec) { s.timeMajor = true })
	add("float cell clip and initial state", base(tflite.TensorTypeFLOAT32, 2, 5, 2, 3), 3, 1e-6, func(s *lstmSpec) {
		s.clip = 0.3
		s.h0 = []float64{0.5, -0.25, 0.75, -1, 0.1, 0.2}
		s.c0 = []float64{2, -3, 0.5, 0.25, -0.1, 1.5}
	})
	add("int8 batch major", base(tflite.TensorTypeINT8, 2, 4, 3, 5), 4, 1.5/128, nil)
	add("int8 time major, zero points -128 and 5", base(tflite.TensorTypeINT8, 3, 4, 3, 2), 5, 1.5/128, func(s *lstmSpec) {
		s.timeMajor, s.xZP, s.hZP = true, -128, 5
		s.xScale = 2.0 / 255
		for i := range s.x {
			s.x[i] = (s.x[i] + 1) / 2 * 0.99
		}
	})
	add("int8 input zero point 127, cell 2^-15, clip", base(tflite.TensorTypeINT8, 1, 6, 4, 3), 6, 1.5/128, func(s *lstmSpec) {
		s.xZP, s.cellPower, s.clip = 127, -15, 0.4
		s.xScale = 1.0 / 256
		for i := range s.x {
			s.x[i] = -(s.x[i] + 1) / 2 * 0.99
		}
	})
	add("int8 cell 2^-10, initial state", base(tflite.TensorTypeINT8, 2, 3, 3, 3), 7, 1.5/128, func(s *lstmSpec) {
		s.cellPower = -10
		s.h0 = []float64{0.5, -0.25, 0.75, -0.9, 0.1, 0.2}
		s.c0 = []float64{2, -3, 0.5, 0.25, -0.1, 1.5}
	})
	add("int16 activations", base(tflite.TensorTypeINT16, 2, 4, 3, 4), 8, 1e-3, func(s *lstmSpec) {
		s.xScale, s.hScale = 1.0/32768, 1.0/32768
	})
	add("int16 time major", base(tflite.TensorTypeINT16, 2, 3, 2, 3), 9, 1e-3, func(s *lstmSpec) {
		s.xScale, s.hScale, s.timeMajor, s.cellPower = 1.0/16384, 1.0/32768, true, -12
	})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := c.spec
			m, err := Load(s.build())
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			p := m.Ops[0].Params.(*UnidirectionalSequenceLSTMParams)
			wantOut, wantH, wantC := s.reference()
			for run := range 2 { // the state starts over on every run
				res, err := m.Run([][]byte{s.input()}, Options{state: storedState(m)})
				if err != nil {
					t.Fatal(err)
				}
				deq := func(ti int) []float64 {
					tt := m.Tensors[ti]
					v := Values(tt.Type, res.Tensors[ti])
					if tt.Quant != nil {
						for i := range v {
							v[i] = (v[i] - float64(tt.ZeroPoint())) * tt.Scale()
						}
					}
					return v
				}
				for _, x := range []struct {
					what string
					got  []float64
					want []float64
					tol  float64
				}{{"output", deq(p.out), wantOut, c.tol}, {"hidden", deq(p.hidden), wantH, c.tol}, {"cell", deq(p.cell), wantC, c.tol}} {
					for i := range x.want {
						if d := math.Abs(x.got[i] - x.want[i]); !(d <= x.tol) {
							t.Errorf("run %d: %s[%d] = %v, float reference %v (off by %.3g, tolerance %.3g)", run, x.what, i, x.got[i], x.want[i], d, x.tol)
						}
					}
				}
			}
		})
	}
}

// TestLSTMCellSaturationAndClip checks a hand-derived step. With x = 0, h = 0
// and biases of ±50, every gate pre-activation saturates at ±32767/−32768
// (Q3.12), so f = i = o = sigmoid16(32767) = 32757 (T[191] = 65513,
// T[192] = 65514, 509/512 of the way: (65513·512 + 509 + 512) >> 10) and
// g = tanh16(−32768) = −32767. From c = −8.0 = −32768 (scale 2^-12),
// f·c ≈ −32757 and i·g ≈ −4095 add to below −32768 and saturate there;
// cell_clip 10 (40960, quantized to 32767) then gives −32767, while no clip
// leaves −32768. h = o·tanh(c) ≈ −1.0 → −128 at scale 1/128.
func TestLSTMCellSaturationAndClip(t *testing.T) {
	for _, c := range []struct {
		clip     float32
		wantCell int16
	}{{10, -32767}, {0, -32768}} {
		s := lstmSpec{typ: tflite.TensorTypeINT8, B: 1, T: 1, I: 1, S: 1, clip: c.clip, cellPower: -12,
			xScale: 1.0 / 128, hScale: 1.0 / 128, c0: []float64{-8}, x: []float64{0}}
		for g := range 4 {
			s.W[g], s.R[g], s.bias[g] = []float64{0.5}, []float64{0.5}, []float64{50}
		}
		s.bias[lstmCellGate][0] = -50
		m, err := Load(s.build())
		if err != nil {
			t.Fatal(err)
		}
		p := m.Ops[0].Params.(*UnidirectionalSequenceLSTMParams)
		if c.clip > 0 && p.QuantizedCellClip != 32767 {
			t.Errorf("clip %v: quantized cell clip %d, want 32767", c.clip, p.QuantizedCellClip)
		}
		res, err := m.Run([][]byte{s.input()}, Options{state: storedState(m)})
		if err != nil {
			t.Fatal(err)
		}
		if got := AsInt16(res.Tensors[p.cell])[0]; got != c.wantCell {
			t.Errorf("clip %v: cell state %d, want %d", c.clip, got, c.wantCell)
		}
		if h, o := AsInt8(res.Tensors[p.hidden])[0], AsInt8(res.Tensors[p.out])[0]; h != -128 || o != -128 {
			t.Errorf("clip %v: hidden %d, output %d, want -128", c.clip, h, o)
		}
	}
}

// TestLSTMInt16Activations checks the int16 sigmoid and tanh with the input
// scalings the LSTM uses (gates Q3.12; cell states 2^-11, 2^-12, 2^-15) at
// hand-derived points and, over every int16 input, against the functions
// they approximate.
func TestLSTMInt16Activations(t *testing.T) {
	for _, c := range []struct {
		name      string
		got, want int16
	}{
		{"sigmoid(0)", fixedpoint.LogisticInt16(0, 3, 0), 16384},         // (32768·512 + 512) >> 10
		{"sigmoid(32767)", fixedpoint.LogisticInt16(32767, 3, 0), 32757}, // see TestLSTMCellSaturationAndClip
		{"sigmoid(-32768)", fixedpoint.LogisticInt16(-32768, 3, 0), 11},  // (2^25 − 65514·512 + 511) >> 10
		{"tanh(0)", fixedpoint.TanhInt16(0, 3, 0), 0},                    // (32768·256 − 2^23 + 128) >> 8
		{"tanh(-32768)", fixedpoint.TanhInt16(-32768, 3, 0), -32767},     // saturated: (−0xFFFF·256 + 2^23 + 127) >> 8
		{"tanh(32767)", fixedpoint.TanhInt16(32767, 3, 0), 32767},        // saturated: (0xFFFF·256 − 2^23 + 128) >> 8
		{"tanh(1) Q0.15 shift 3", fixedpoint.TanhInt16(1, 3, 3), 0},      // in = (3 + 4) >> 3 = 0
		{"tanh(3) Q0.15 shift 3", fixedpoint.TanhInt16(3, 3, 3), 3},      // in = (9 + 4) >> 3 = 1: (32768·256 + 683 − 2^23 + 128) >> 8 = 811 >> 8
		{"tanh(-1) Q0.15 shift 3", fixedpoint.TanhInt16(-1, 3, 3), 0},    // in = (−3 + 4) >> 3 = 0
		{"tanh(-4) Q0.15 shift 3", fixedpoint.TanhInt16(-4, 3, 3), -3},   // in = −1: (−(32768·256 + 683) + 2^23 + 127) >> 8 = −556 >> 8
	} {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
		}
	}
	sig := func(v float64) float64 { return 1 / (1 + math.Exp(-v)) }
	for _, c := range []struct {
		name       string
		f          func(int16) int16
		real       func(float64) float64
		inputScale float64
		tol        float64
	}{
		{"sigmoid Q3.12", func(x int16) int16 { return fixedpoint.LogisticInt16(x, 3, 0) }, sig, 1.0 / 4096, 1.5},
		{"tanh Q3.12", func(x int16) int16 { return fixedpoint.TanhInt16(x, 3, 0) }, math.Tanh, 1.0 / 4096, 2},
		{"tanh Q4.11 (cell 2^-11)", func(x int16) int16 { return fixedpoint.TanhInt16(x, 6, 0) }, math.Tanh, 1.0 / 2048, 2},
		{"tanh Q0.15 (cell 2^-15)", func(x int16) int16 { return fixedpoint.TanhInt16(x, 3, 3) }, math.Tanh, 1.0 / 32768, 3},
	} {
		worst := 0.0
		for x := math.MinInt16; x <= math.MaxInt16; x++ {
			want := math.Min(c.real(float64(x)*c.inputScale)*32768, 32767)
			d := math.Abs(float64(c.f(int16(x))) - want)
			worst = math.Max(worst, d)
			if d > c.tol {
				t.Fatalf("%s(%d) = %d, want %.2f ± %v", c.name, x, c.f(int16(x)), want, c.tol)
			}
		}
		t.Logf("%s: worst error %.2f LSB", c.name, worst)
	}
}

// TestLSTMLoadErrors checks that the LSTM variants and malformed LSTMs are
// refused at load with an error naming what is wrong.
func TestLSTMLoadErrors(t *testing.T) {
	base := func() lstmSpec {
		return randomLSTM(lstmSpec{typ: tflite.TensorTypeINT8, B: 1, T: 2, I: 3, S: 2, cellPower: -12,
			xScale: 1.0 / 128, hScale: 1.0 / 128}, 11)
	}
	type edit func(m *tflite.ModelT)
	op := func(m *tflite.ModelT) *tflite.OperatorT { return m.Subgraphs[0].Operators[0] }
	tensor := func(m *tflite.ModelT, input int) *tflite.TensorT {
		return m.Subgraphs[0].Tensors[op(m).Inputs[input]]
	}
	setInput := func(i, from int) edit {
		return func(m *tflite.ModelT) { op(m).Inputs[i] = op(m).Inputs[from] }
	}
	for _, c := range []struct {
		name string
		edit edit
		want string
	}{
		{"CIFG", func(m *tflite.ModelT) { op(m).Inputs[1], op(m).Inputs[5] = -1, -1 }, "CIFG"},
		{"peephole", setInput(10, 13), "peephole"},
		{"projection", setInput(16, 6), "projection"},
		{"layer norm", setInput(21, 13), "layer normalization"},
		{"20 inputs", func(m *tflite.ModelT) { op(m).Inputs = op(m).Inputs[:20] }, "has 20 inputs, want 24"},
		{"missing bias", func(m *tflite.ModelT) { op(m).Inputs[14] = -1 }, "cell gate bias"},
		{"missing cell state", func(m *tflite.ModelT) { op(m).Inputs[19] = -1 }, "cell state"},
		{"state not variable", func(m *tflite.ModelT) { tensor(m, 18).IsVariable = false }, "must be a variable tensor"},
		{"relu", func(m *tflite.ModelT) {
			op(m).BuiltinOptions.Value.(*tflite.UnidirectionalSequenceLSTMOptionsT).FusedActivationFunction = tflite.ActivationFunctionTypeRELU
		}, "cell gate activation RELU"},
		{"diagonal recurrent", func(m *tflite.ModelT) {
			op(m).BuiltinOptions.Value.(*tflite.UnidirectionalSequenceLSTMOptionsT).DiagonalRecurrentTensors = true
		}, "diagonal"},
		{"weight shape", func(m *tflite.ModelT) { tensor(m, 3).Shape = []int32{3, 2} }, "cell gate tensor"},
		{"2-D input", func(m *tflite.ModelT) { tensor(m, 0).Shape = []int32{2, 3} }, "want 3-D"},
		{"output shape", func(m *tflite.ModelT) { m.Subgraphs[0].Tensors[op(m).Outputs[0]].Shape = []int32{1, 2, 3} }, "computes [1 2 2]"},
		{"state size", func(m *tflite.ModelT) {
			tensor(m, 19).Shape = []int32{1, 1}
			m.Buffers[tensor(m, 19).Buffer].Data = m.Buffers[tensor(m, 19).Buffer].Data[:2]
		}, "state tensor"},
		{"hybrid", func(m *tflite.ModelT) {
			for _, ti := range []int32{op(m).Inputs[0], op(m).Inputs[18], op(m).Outputs[0]} {
				tt := m.Subgraphs[0].Tensors[ti]
				tt.Type, tt.Quantization = tflite.TensorTypeFLOAT32, nil
				if tt.Buffer != 0 {
					m.Buffers[tt.Buffer].Data = make([]byte, 4*2)
				}
			}
		}, "hybrid"},
		{"float cell state", func(m *tflite.ModelT) {
			tt := tensor(m, 19)
			tt.Type = tflite.TensorTypeFLOAT32
			m.Buffers[tt.Buffer].Data = make([]byte, 4*2)
		}, "are not supported"},
		{"int8 weights with int64 bias", func(m *tflite.ModelT) {
			for g := 12; g < 16; g++ {
				tt := tensor(m, g)
				tt.Type = tflite.TensorTypeINT64
				m.Buffers[tt.Buffer].Data = make([]byte, 8*2)
			}
		}, "are not supported"},
		{"per-channel weights", func(m *tflite.ModelT) {
			tensor(m, 2).Quantization = &tflite.QuantizationParametersT{Scale: []float32{0.01, 0.02}, ZeroPoint: []int64{0, 0}}
		}, "per channel"},
		{"unquantized weights", func(m *tflite.ModelT) { tensor(m, 6).Quantization = nil }, "no quantization"},
		{"unquantized cell state", func(m *tflite.ModelT) { tensor(m, 19).Quantization = nil }, "cell state tensor"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := base()
			m := s.model()
			c.edit(m)
			_, err := Load(tfbuild.Pack(m))
			if err == nil {
				t.Fatalf("loaded; want an error containing %q", c.want)
			}
			if !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "UNIDIRECTIONAL_SEQUENCE_LSTM") {
				t.Errorf("error %q; want it to name the op and contain %q", err, c.want)
			}
		})
	}
}

// TestLSTMHiddenZeroPointSign pins how each profile applies the hidden
// state's zero point, on an LSTM whose gates see nothing (weights ≈ 0,
// zero input): i = f = o = σ(0) = ½, g = tanh(0) = 0, so c stays 0 and
// o·tanh(c) = 0. TFLite Micro (reference) writes h = 0 + zp = −1; the
// browser TFLite's CwiseMul subtracts the zero point of the op's hidden
// intermediate, h = 0 − (−1) = 1, at every step.
func TestLSTMHiddenZeroPointSign(t *testing.T) {
	s := lstmSpec{typ: tflite.TensorTypeINT8, B: 1, T: 3, I: 1, S: 2, cellPower: -12,
		xScale: 1.0 / 128, hScale: 1.0 / 128, hZP: -1, x: []float64{0, 0, 0}}
	for g := range 4 {
		s.W[g], s.R[g], s.bias[g] = []float64{1e-9, 0}, []float64{1e-9, 0, 0, 0}, []float64{0, 0}
	}
	mt := s.model()
	sg := mt.Subgraphs[0]
	for _, ten := range sg.Tensors {
		if ten.IsVariable {
			ten.Buffer = 0 // TFLite refuses a variable tensor with a buffer
		}
	}
	addLSTMIntermediates(sg, s.hScale, s.hZP)
	m, err := Load(tfbuild.Pack(mt))
	if err != nil {
		t.Fatal(err)
	}
	p := m.Ops[0].Params.(*UnidirectionalSequenceLSTMParams)
	for _, c := range []struct {
		prof Profile
		want int8
	}{{Reference, -1}, {SingleRounding, -1}, {XNNPack, 1}} {
		res, err := m.Run([][]byte{s.input()}, Options{Profile: c.prof})
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range AsInt8(res.Tensors[p.out]) {
			if v != c.want {
				t.Fatalf("%s: output[%d] = %d, want %d (all %v)", c.prof, i, v, c.want, AsInt8(res.Tensors[p.out]))
			}
		}
		if h := AsInt8(res.Tensors[p.hidden]); h[0] != c.want || h[1] != c.want {
			t.Errorf("%s: hidden state %v, want %d", c.prof, h, c.want)
		}
		if cs := AsInt16(res.Tensors[p.cell]); cs[0] != 0 || cs[1] != 0 {
			t.Errorf("%s: cell state %v, want 0", c.prof, cs)
		}
	}
}

// addLSTMIntermediates gives the subgraph's first op (an LSTM) the
// converter's five intermediates, the fifth with the hidden state's
// quantization (scale, zp), which TFLite's builtin integer LSTM (the
// tflite-xnnpack profile) needs.
func addLSTMIntermediates(sg *tflite.SubGraphT, scale float32, zp int64) {
	for i := range 5 {
		ten := &tflite.TensorT{Name: "intermediate", Type: tflite.TensorTypeFLOAT32, Shape: []int32{0}}
		if i == 4 {
			ten.Type = tflite.TensorTypeINT8
			ten.Quantization = &tflite.QuantizationParametersT{Scale: []float32{scale}, ZeroPoint: []int64{zp}}
		}
		sg.Operators[0].Intermediates = append(sg.Operators[0].Intermediates, int32(len(sg.Tensors)))
		sg.Tensors = append(sg.Tensors, ten)
	}
}
