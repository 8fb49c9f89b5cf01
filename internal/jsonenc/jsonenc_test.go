package jsonenc_test

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/internal/jsonenc"
)

// same checks that jsonenc.Marshal(v) is json.Marshal(v), bytes or error.
func same(t *testing.T, what string, v any) {
	t.Helper()
	want, werr := json.Marshal(v)
	got, gerr := jsonenc.Marshal(v)
	if (werr != nil) != (gerr != nil) || werr != nil && werr.Error() != gerr.Error() {
		t.Fatalf("%s: error %v, encoding/json's %v", what, gerr, werr)
	}
	if string(got) != string(want) {
		t.Fatalf("%s:\n got %.2000s\nwant %.2000s", what, got, want)
	}
}

type text int

func (x text) MarshalText() ([]byte, error) { return []byte(fmt.Sprintf("t%d<", int(x))), nil }

type num float32

func (x num) MarshalJSON() ([]byte, error) { return []byte(fmt.Sprint(float32(x))), nil }

type zeroer struct{ A int }

func (z zeroer) IsZero() bool { return z.A == 7 }

type Inner struct {
	A int    `json:"a"`
	B string `json:"b,omitempty"`
	C int
}

type inner2 struct {
	C int `json:"C"`
	D []int
}

type outer struct {
	Inner
	*inner2
	E map[int]string         `json:"e"`
	F map[text]float64       `json:"f,omitempty"`
	G []byte                 `json:"g"`
	H any                    `json:"h"`
	I *Inner                 `json:"i,omitempty"`
	J [3]int                 `json:"j"`
	K zeroer                 `json:"k,omitzero"`
	L float32                `json:"l"`
	M float64                `json:"m,omitzero"`
	N num                    `json:"n"`
	O text                   `json:"o"`
	P map[string]json.Number `json:"-"`
	Q []*Inner               `json:"q"`
	R bool                   `json:"r,omitempty"`
	s int
	T uint8 `json:",omitempty"`
	U []text
	V map[string]any `json:"v"`
	X int            `json:"x y"`
	Dup1
	Dup2
}

// Dup1 and Dup2's Z, at the same depth, hide each other.
type Dup1 struct{ Z, Z1 int }
type Dup2 struct{ Z, Z2 int }

// TestMarshalValues: values of every kind the bridge writes, and the
// corners of encoding/json's rules.
func TestMarshalValues(t *testing.T) {
	o := outer{
		Inner: Inner{A: 1, C: 3}, inner2: &inner2{C: 4, D: []int{5}},
		E: map[int]string{10: "ten", 9: "nine", -1: "<&>"}, F: map[text]float64{2: 1e21, 1: 1e-7},
		G: []byte{0, 1, 2, 250}, H: []any{1.5, "x", nil, map[string]int{"b": 1, "a": 2}},
		J: [3]int{1, 2, 3}, K: zeroer{7}, L: 0.1, M: 0, N: 2.5, O: 4,
		Q: []*Inner{nil, {A: 2}}, s: 1, Dup1: Dup1{1, 2}, Dup2: Dup2{3, 4}, U: []text{1, 2}, V: map[string]any{"z": []float32{1e-7, 3.4e38, -0}},
	}
	same(t, "struct", o)
	same(t, "pointer", &o)
	o.inner2 = nil
	o.K = zeroer{1}
	same(t, "nil embedded pointer, non-zero omitzero", o)
	for _, s := range []string{"", "a\"b\\c", "\x00\x01\b\f\n\r\t\x1f", "<script>&", "\u2028\u2029", "é€😀", "\xff\xfe bad utf8 \xc3"} {
		same(t, fmt.Sprintf("string %q", s), s)
	}
	for _, f := range []float64{0, math.Copysign(0, -1), 1, -1.5, 1e-6, 9.99e-7, 1e20, 1e21, 123456789012345678, 5e-324, math.MaxFloat64, 1.0 / 3} {
		same(t, fmt.Sprint("float64 ", f), f)
		same(t, fmt.Sprint("float32 ", f), float32(f))
	}
	for _, f := range []float64{math.Inf(1), math.Inf(-1), math.NaN()} {
		same(t, fmt.Sprint("float64 ", f), f)
		same(t, fmt.Sprint("float32 ", f), []float32{float32(f)})
	}
	same(t, "nil", nil)
	same(t, "nil slice", []int(nil))
	same(t, "nil map", map[string]int(nil))
	same(t, "empty", []int{})
	same(t, "ints", []any{int8(-8), uint16(16), int64(math.MinInt64), uint64(math.MaxUint64)})
	same(t, "[][3]int", [][3]int{{1, 2, 3}})
	same(t, "a channel", map[string]any{"c": make(chan int)})
	var u *json.UnsupportedTypeError
	if _, err := json.Marshal(map[string]any{"c": make(chan int)}); !errors.As(err, &u) {
		t.Fatal(err)
	}
}

// TestMarshalModels: the JSON the bridge hands to the page for real models
// (the built-in ones, and the shared corpus when it is there): the model,
// each profile's run state and dynamic model, and explanations of elements
// of every op, is encoding/json's byte for byte.
func TestMarshalModels(t *testing.T) {
	files, _ := filepath.Glob("../../web/static/models/*.tflite")
	for _, d := range []string{"models", "wild"} {
		more, _ := filepath.Glob(filepath.Join("..", "..", "..", "shared", "corpus", d, "*.tflite"))
		files = append(files, more...)
	}
	if len(files) < 4 {
		t.Fatalf("found %d models", len(files))
	}
	rng := rand.New(rand.NewPCG(3, 4))
	models, explained := 0, 0
	defer func() { t.Logf("%d models, %d explanations", models, explained) }()
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m, err := engine.Load(b)
		if err != nil {
			continue // models the engine does not load are not the encoder's business
		}
		name := filepath.Base(f)
		same(t, name, m)
		models++
		if m.RunBytes(true) > 64<<20 {
			continue
		}
		inputs := make([][]byte, len(m.Inputs))
		for i, ti := range m.Inputs {
			tt := m.Tensors[ti]
			inputs[i] = make([]byte, tt.NumBytes())
			for j := range inputs[i] {
				inputs[i][j] = byte(rng.IntN(256))
			}
			if tt.Type == engine.Float32 {
				for j := 0; j+4 <= len(inputs[i]); j += 4 {
					binary.LittleEndian.PutUint32(inputs[i][j:], math.Float32bits(rng.Float32()*2-1))
				}
			}
		}
		for _, p := range engine.Profiles() {
			res, err := m.Run(inputs, engine.Options{Profile: p, Trace: true})
			if err != nil {
				continue
			}
			same(t, name+" state", res.State)
			if res.Model != m {
				same(t, name+" run model", res.Model)
			}
			for op := range res.Trace.Ops {
				for _, idx := range []int{0, 1, 7} {
					if e, err := res.Explain(op, idx); err == nil {
						same(t, fmt.Sprintf("%s %s op %d element %d", name, p, op, idx), e)
						explained++
					}
				}
			}
		}
	}
}
