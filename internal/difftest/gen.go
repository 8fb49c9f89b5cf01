package difftest

import (
	"fmt"
	"math"
	"math/rand"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// gen is the state of one generator run: a seeded PRNG and the model being
// built.
type gen struct {
	rng       *rand.Rand
	b         *tfbuild.Builder
	desc      []string
	inputs    []int
	inputData [][]byte
	// pot makes scale draw powers of two, so that requantized values land
	// exactly on .5 ties and the rounding rule shows.
	pot bool
	// noPoison keeps finish from adding the poison branch.
	noPoison bool
}

func newGen(seed int64) *gen {
	g := &gen{rng: rand.New(rand.NewSource(seed)), b: tfbuild.New()}
	g.pot = g.chance(0.3)
	if g.pot {
		g.note("pot-scales")
	}
	return g
}

func (g *gen) note(format string, args ...any) { g.desc = append(g.desc, fmt.Sprintf(format, args...)) }

// intn draws an int in [lo, hi].
func (g *gen) intn(lo, hi int) int { return lo + g.rng.Intn(hi-lo+1) }

func (g *gen) chance(p float64) bool { return g.rng.Float64() < p }

func pick[T any](g *gen, xs ...T) T { return xs[g.rng.Intn(len(xs))] }

// scale draws a quantization scale log-uniformly in [lo, hi] (a power of two
// in pot mode).
func (g *gen) scale(lo, hi float64) float32 {
	e := math.Log2(lo) + g.rng.Float64()*(math.Log2(hi)-math.Log2(lo))
	if g.pot {
		return float32(math.Exp2(math.Round(e)))
	}
	return float32(math.Exp2(e))
}

// scaleNear draws a scale around s (within a factor 2^±spread).
func (g *gen) scaleNear(s float64, spread float64) float32 {
	return g.scale(s*math.Exp2(-spread), s*math.Exp2(spread))
}

// zp draws an int8 zero point, often one of the edges.
func (g *gen) zp() int64 {
	switch g.rng.Intn(8) {
	case 0:
		return -128
	case 1:
		return 127
	case 2:
		return 0
	}
	return int64(g.intn(-128, 127))
}

// act draws a fused activation.
func (g *gen) act() tflite.ActivationFunctionType {
	return pick(g, tflite.ActivationFunctionTypeNONE, tflite.ActivationFunctionTypeNONE,
		tflite.ActivationFunctionTypeRELU, tflite.ActivationFunctionTypeRELU6, tflite.ActivationFunctionTypeRELU_N1_TO_1)
}

// i8 draws n int8 values: uniform, or crowded at the edges.
func (g *gen) i8(n int) []byte {
	b := make([]byte, n)
	g.rng.Read(b)
	if g.chance(0.2) {
		for i := range b {
			if g.chance(0.3) {
				b[i] = pick(g, byte(0x80), byte(0x7f), byte(0), byte(0xff), byte(1))
			}
		}
	}
	return b
}

// weights draws n int8 weights in [-127, 127] (TFLite's symmetric range).
func (g *gen) weights(n int) []byte {
	b := g.i8(n)
	for i := range b {
		if b[i] == 0x80 {
			b[i] = 0x81
		}
	}
	return b
}

func q(s float32, zp int64) *tfbuild.Quant { return tfbuild.Q(s, zp) }

// input adds an int8 subgraph input with random data.
func (g *gen) input(name string, shape []int, qq *tfbuild.Quant) int {
	t := g.b.Tensor(name, tflite.TensorTypeINT8, shape, qq, nil)
	g.inputs = append(g.inputs, t)
	g.inputData = append(g.inputData, g.i8(prod(shape)))
	return t
}

// inputF32 adds a float32 subgraph input with values uniform in [lo, hi).
func (g *gen) inputF32(name string, shape []int, lo, hi float64) int {
	t := g.b.Tensor(name, tflite.TensorTypeFLOAT32, shape, nil, nil)
	g.inputs = append(g.inputs, t)
	v := make([]float32, prod(shape))
	for i := range v {
		v[i] = float32(lo + g.rng.Float64()*(hi-lo))
	}
	g.inputData = append(g.inputData, tfbuild.F32(v...))
	return t
}

// i8t adds a non-constant int8 tensor.
func (g *gen) i8t(name string, shape []int, qq *tfbuild.Quant) int {
	return g.b.Tensor(name, tflite.TensorTypeINT8, shape, qq, nil)
}

func (g *gen) constI32(name string, v ...int32) int {
	return g.b.Tensor(name, tflite.TensorTypeINT32, []int{len(v)}, nil, tfbuild.I32(v...))
}

// finish sets the subgraph inputs and outputs. Sometimes it first adds a
// "poison" branch: an independent ADD whose fused RELU has an empty range
// (output zero point 127), which TFLite's builtin ADD computes but XNNPACK
// refuses to create; TFLite then drops the delegate, so every other op of
// the model runs its builtin kernel.
func (g *gen) finish(outputs ...int) {
	if !g.noPoison && g.chance(0.15) {
		pq := q(1.0/16, 0)
		p := g.input("poison_in", []int{1, 2}, pq)
		po := g.i8t("poison_out", []int{1, 2}, q(1.0/16, 127))
		g.b.Op(tflite.BuiltinOperatorADD, 2, opts(tflite.BuiltinOptionsAddOptions,
			&tflite.AddOptionsT{FusedActivationFunction: tflite.ActivationFunctionTypeRELU}), []int{p, p}, []int{po})
		outputs = append(outputs, po)
		g.note("poison-branch")
	}
	g.b.Inputs(g.inputs...)
	g.b.Outputs(outputs...)
}

func prod(s []int) int {
	n := 1
	for _, d := range s {
		n *= d
	}
	return n
}

func opts(t tflite.BuiltinOptions, v any) *tflite.BuiltinOptionsT {
	return &tflite.BuiltinOptionsT{Type: t, Value: v}
}

// typicalDot is the typical magnitude of a dot product of n products of
// zero-centred int8 values.
func typicalDot(n int) float64 { return 5000 * math.Sqrt(float64(n)) }

// generators maps a generator name to its function; needs lists the
// builtin ops each emits, so the test runs only generators whose ops the
// engine supports.
var (
	generators = map[string]func(*gen) error{}
	needs      = map[string][]string{}
)

func register(name string, f func(*gen) error, ops ...string) {
	if len(ops) == 0 {
		ops = []string{name}
	}
	ops = append(ops, "ADD") // the poison branch of finish
	generators[name] = f
	needs[name] = ops
}
