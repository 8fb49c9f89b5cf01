package engine

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// Independent re-derivations of TFLite's fixed-point arithmetic from its
// definitions, in arbitrary precision, for the elementwise op tests. They do
// not call the engine or package fixedpoint.

// refQuantizeMultiplier finds m, shift with real = m·2^(shift−31) and
// 2^30 <= m < 2^31, rounding m half away from zero (and renormalizing 2^31).
func refQuantizeMultiplier(real float64) (int32, int) {
	if real == 0 {
		return 0, 0
	}
	shift := 0
	for math.Abs(real)/math.Pow(2, float64(shift)) >= 1 {
		shift++
	}
	for math.Abs(real)/math.Pow(2, float64(shift)) < 0.5 {
		shift--
	}
	m := math.Round(real / math.Pow(2, float64(shift)) * (1 << 31))
	if math.Abs(m) == 1<<31 {
		m /= 2
		shift++
	}
	if shift < -31 {
		return 0, 0
	}
	return int32(m), shift
}

// refRoundHalfAway is n/d rounded to nearest, ties away from zero (d > 0).
func refRoundHalfAway(n, d *big.Int) *big.Int {
	twice := new(big.Int).Mul(n, big.NewInt(2))
	twice.Add(twice, new(big.Int).Mul(d, big.NewInt(int64(n.Sign())))) // n + sign(n)·d/2, doubled
	q, _ := new(big.Int).QuoRem(twice, new(big.Int).Mul(d, big.NewInt(2)), new(big.Int))
	return q // QuoRem truncates toward zero
}

// refSRDHM is a·b/2^31 rounded to nearest with ties toward +∞, saturated.
func refSRDHM(a, b int32) int32 {
	n := new(big.Int).Mul(big.NewInt(int64(a)), big.NewInt(int64(b)))
	n.Add(n.Mul(n, big.NewInt(2)), big.NewInt(1<<31)) // 2ab + 2^31
	q := new(big.Int).Div(n, big.NewInt(1<<32))       // Euclidean: floor for a positive divisor
	if q.Cmp(big.NewInt(math.MaxInt32)) > 0 {
		return math.MaxInt32
	}
	return int32(q.Int64())
}

// refMBQM is TFLite's double-rounding MultiplyByQuantizedMultiplier: x·2^left
// (wrapping to 32 bits), SRDHM by m, then division by 2^right rounded half
// away from zero.
func refMBQM(x, m int32, shift int) int32 {
	if shift > 0 {
		x = int32(uint32(x) << shift)
	}
	h := refSRDHM(x, m)
	if shift >= 0 {
		return h
	}
	return int32(refRoundHalfAway(big.NewInt(int64(h)), big.NewInt(1<<-shift)).Int64())
}

func refClamp(v, lo, hi int64) int64 { return min(max(v, lo), hi) }

func TestRefMath(t *testing.T) {
	// Hand-checked values of the oracle itself.
	for _, c := range []struct {
		a, b, want int32
	}{
		{1 << 30, 1 << 30, 1 << 29},
		{3, 1 << 30, 2},          // 1.5 → 2
		{-3, 1 << 30, -1},        // −1.5 → −1 (ties toward +∞)
		{-572, 1561796795, -416}, // the README's example
		{math.MinInt32, math.MinInt32, math.MaxInt32},
	} {
		if got := refSRDHM(c.a, c.b); got != c.want {
			t.Errorf("refSRDHM(%d, %d) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
	if got := refMBQM(-572, 1561796795, -6); got != -7 { // −6.5 → −7
		t.Errorf("refMBQM = %d, want -7", got)
	}
	if m, s := refQuantizeMultiplier(0.75); m != 3<<29 || s != 0 {
		t.Errorf("refQuantizeMultiplier(0.75) = %d, %d", m, s)
	}
	if m, s := refQuantizeMultiplier(1); m != 1<<30 || s != 1 {
		t.Errorf("refQuantizeMultiplier(1) = %d, %d", m, s)
	}
}

// Helpers to build test tensors.

func f32t(shape []int, v ...float32) tt {
	return tt{typ: tflite.TensorTypeFLOAT32, shape: shape, feed: tfbuild.F32(v...)}
}

func q8(shape []int, scale float32, zp int64, v ...int8) tt {
	return tt{typ: tflite.TensorTypeINT8, shape: shape, q: tfbuild.Q(scale, zp), feed: tfbuild.I8(v...)}
}

func q16(shape []int, scale float32, zp int64, v ...int16) tt {
	return tt{typ: tflite.TensorTypeINT16, shape: shape, q: tfbuild.Q(scale, zp), feed: tfbuild.I16(v...)}
}

// randInts returns n random integers of the type's range.
func randInts(rng *rand.Rand, typ DType, n int) []int64 {
	lo, hi := qrange(typ)
	v := make([]int64, n)
	for i := range v {
		v[i] = int64(lo) + rng.Int64N(int64(hi)-int64(lo)+1)
	}
	return v
}

// encodeInts writes values as raw tensor bytes of the type.
func encodeInts(typ DType, v []int64) []byte {
	switch typ {
	case Int8:
		b := make([]int8, len(v))
		for i, x := range v {
			b[i] = int8(x)
		}
		return tfbuild.I8(b...)
	case Uint8:
		b := make([]byte, len(v))
		for i, x := range v {
			b[i] = byte(x)
		}
		return b
	case Int16:
		b := make([]int16, len(v))
		for i, x := range v {
			b[i] = int16(x)
		}
		return tfbuild.I16(b...)
	}
	b := make([]int32, len(v))
	for i, x := range v {
		b[i] = int32(x)
	}
	return tfbuild.I32(b...)
}

// decodeInts reads raw tensor bytes of the type.
func decodeInts(typ DType, b []byte) []int64 {
	var v []int64
	for _, x := range Values(typ, alignedCopy(b)) {
		v = append(v, int64(x))
	}
	return v
}

func ttype(d DType) tflite.TensorType { return tflite.TensorType(d) }
