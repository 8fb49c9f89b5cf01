package engine

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// TestBoundJSON: a float32 FULLY_CONNECTED without activation, delegated to
// XNNPACK, clamps to [−∞, +∞]; its parameters (and so the model, which
// inspect --json and the page marshal) must still encode, with the
// infinities as strings, and the clamp must keep an infinite sum.
func TestBoundJSON(t *testing.T) {
	for _, c := range []struct {
		b    Bound
		want string
	}{{Bound(math.Inf(1)), `"Infinity"`}, {Bound(math.Inf(-1)), `"-Infinity"`}, {6, `6`}, {-0.5, `-0.5`}} {
		if got, err := json.Marshal(c.b); err != nil || string(got) != c.want {
			t.Errorf("Marshal(%v) = %s, %v; want %s", float32(c.b), got, err, c.want)
		}
	}
	f32 := func(v ...float32) []byte {
		b := make([]byte, 4*len(v))
		for i, x := range v {
			binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
		}
		return b
	}
	b := tfbuild.New()
	x := b.Tensor("x", tflite.TensorTypeFLOAT32, []int{1, 2}, nil, nil)
	w := b.Tensor("w", tflite.TensorTypeFLOAT32, []int{1, 2}, nil, f32(math.MaxFloat32, math.MaxFloat32))
	bias := b.Tensor("bias", tflite.TensorTypeFLOAT32, []int{1}, nil, f32(0))
	y := b.Tensor("y", tflite.TensorTypeFLOAT32, []int{1, 1}, nil, nil)
	b.Op(tflite.BuiltinOperatorFULLY_CONNECTED, 1, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsFullyConnectedOptions,
		Value: &tflite.FullyConnectedOptionsT{}}, []int{x, w, bias}, []int{y})
	b.Inputs(x)
	b.Outputs(y)
	m, err := Load(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	j, err := json.Marshal(m)
	if err != nil {
		t.Fatalf("the model does not marshal: %v", err)
	}
	if !strings.Contains(string(j), `"Infinity"`) {
		t.Errorf("no XNNPACK bound of +Infinity in the model's JSON")
	}
	res, err := m.Run([][]byte{f32(2, 2)}, Options{Profile: XNNPack})
	if err != nil {
		t.Fatal(err)
	}
	if got := math.Float32frombits(binary.LittleEndian.Uint32(res.Tensors[y])); !math.IsInf(float64(got), 1) {
		t.Errorf("tflite-xnnpack: y = %v, want +Inf (XNNPACK's clamp keeps it)", got)
	}
	res, err = m.Run([][]byte{f32(2, 2)}, Options{Profile: Reference})
	if err != nil {
		t.Fatal(err)
	}
	if got := math.Float32frombits(binary.LittleEndian.Uint32(res.Tensors[y])); got != math.MaxFloat32 {
		t.Errorf("reference: y = %v, want FLT_MAX (TFLite's clamp to ±FLT_MAX)", got)
	}
}

// TestClampGo wants clampGo's x bit for bit equal to Go's
// min(max(x, lo), hi) on every pair of special values (±0, ±Inf, NaNs,
// the smallest subnormals, ±1, the largest finite) and on random bit
// patterns.
func TestClampGo(t *testing.T) {
	specials := []float32{0, float32(math.Copysign(0, -1)), 1, -1, 6, float32(math.Inf(1)), float32(math.Inf(-1)),
		float32(math.NaN()), math.Float32frombits(0xffc00001), math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32,
		math.MaxFloat32, -math.MaxFloat32, 0.5, -0.5}
	check := func(x, lo, hi float32) {
		v := []float32{x}
		clampGo(v, lo, hi)
		got, want := v[0], min(max(x, lo), hi)
		// Go's min and max return some NaN; any NaN is the same answer.
		if math.Float32bits(got) != math.Float32bits(want) && !(got != got && want != want) {
			t.Fatalf("clampGo(%v [%#x], %v, %v) = %v [%#x], want %v [%#x]", x, math.Float32bits(x), lo, hi,
				got, math.Float32bits(got), want, math.Float32bits(want))
		}
	}
	for _, x := range specials {
		for _, lo := range specials {
			for _, hi := range specials {
				check(x, lo, hi)
			}
		}
	}
	seed := uint64(1)
	rnd := func() float32 {
		seed = seed*6364136223846793005 + 1442695040888963407
		return math.Float32frombits(uint32(seed >> 32))
	}
	for range 200000 {
		x, lo, hi := rnd(), rnd(), rnd()
		check(x, lo, hi)
		check(x, specials[int(seed>>8)%len(specials)], hi)
		check(x, lo, specials[int(seed>>16)%len(specials)])
	}
}
