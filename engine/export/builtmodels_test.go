package export

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// compareBuilt exports models that build makes (for models that
// internal/difftest does not generate) under every profile whose TFLite
// takes them and compares every tensor of the programs' runs with the
// engine's, in one Python process: n models of each type in types (more
// with -long), the random source seeded by seed; runs the engine refuses
// (values the kernel rejects, as TFLite does) are left out. It logs the
// kernels the profiles prepared for op 0.
func compareBuilt(t *testing.T, name string, n int, seed uint64, types []tflite.TensorType, build func(r *rand.Rand, typ tflite.TensorType) ([]byte, [][]byte)) {
	t.Helper()
	if *long {
		n *= 8
	}
	tmp := t.TempDir()
	var cases []*pyCase
	r := rand.New(rand.NewPCG(seed, seed))
	kinds := map[string]int{}
	for i := range n {
		for _, typ := range types {
			model, ins := build(r, typ)
			m, err := engine.Load(model)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range engine.Profiles() {
				prep, _ := m.Prepared(p, 0)
				if prep.Params == nil {
					continue
				}
				if _, err := m.Run(ins, engine.Options{Profile: p}); err != nil {
					continue // a value the kernel refuses (as TFLite does)
				}
				kinds[fmt.Sprintf("%v %T", typ, prep.Params)]++
				id := fmt.Sprintf("%s-%v-%d-%s", name, typ, i, p)
				if pc := exportCase(t, id, m, p, ins, filepath.Join(tmp, id)); pc != nil {
					cases = append(cases, pc)
				}
			}
		}
	}
	var ks []string
	for k, v := range kinds {
		ks = append(ks, fmt.Sprintf("%s ×%d", k, v))
	}
	sort.Strings(ks)
	nt, el := runPython(t, cases)
	t.Logf("kernels: %s; %d runs, %d tensors, %d elements equal", strings.Join(ks, ", "), len(cases), nt, el)
}

// randomElementwise builds the elementwise variants internal/difftest
// does not generate: int8 DIV (TFLite Micro's; dividends kept away from
// their zero point, where its gemmlowp would assert), float32 HARD_SWISH
// and int64 NEG, chosen by typ.
func randomElementwise(r *rand.Rand, typ tflite.TensorType) ([]byte, [][]byte) {
	b := tfbuild.New()
	shape := []int{1 + r.IntN(3), 1 + r.IntN(30)}
	n := shape[0] * shape[1]
	switch typ {
	case tflite.TensorTypeINT8:
		q1 := tfbuild.Q(float32(0.01+0.1*r.Float64()), int64(r.IntN(21)-10))
		q2 := tfbuild.Q(float32(0.01+0.1*r.Float64()), int64(r.IntN(21)-10))
		qo := tfbuild.Q(float32(0.02+0.5*r.Float64()), int64(r.IntN(41)-20))
		x1 := b.Tensor("x1", typ, shape, q1, nil)
		x2 := b.Tensor("x2", typ, shape, q2, nil)
		y := b.Tensor("y", typ, shape, qo, nil)
		act := []tflite.ActivationFunctionType{tflite.ActivationFunctionTypeNONE, tflite.ActivationFunctionTypeRELU}[r.IntN(2)]
		b.Op(tflite.BuiltinOperatorDIV, 2, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsDivOptions, Value: &tflite.DivOptionsT{FusedActivationFunction: act}},
			[]int{x1, x2}, []int{y})
		b.Inputs(x1, x2)
		b.Outputs(y)
		v1, v2 := make([]int8, n), make([]int8, n)
		for i := range v1 {
			v1[i] = int8(q1.ZeroPoint[0] + int64([]int{-1, 1}[r.IntN(2)]*(20+r.IntN(90))))
			v2[i] = int8(q2.ZeroPoint[0] + int64([]int{-1, 1}[r.IntN(2)]*(1+r.IntN(110))))
		}
		return b.Bytes(), [][]byte{tfbuild.I8(v1...), tfbuild.I8(v2...)}
	case tflite.TensorTypeFLOAT32:
		x := b.Tensor("x", typ, shape, nil, nil)
		y := b.Tensor("y", typ, shape, nil, nil)
		b.Op(tflite.BuiltinOperatorHARD_SWISH, 1, nil, []int{x}, []int{y})
		b.Inputs(x)
		b.Outputs(y)
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(r.Float64()*16 - 8)
		}
		return b.Bytes(), [][]byte{tfbuild.F32(v...)}
	}
	x := b.Tensor("x", tflite.TensorTypeINT64, shape, nil, nil)
	y := b.Tensor("y", tflite.TensorTypeINT64, shape, nil, nil)
	b.Op(tflite.BuiltinOperatorNEG, 1, nil, []int{x}, []int{y})
	b.Inputs(x)
	b.Outputs(y)
	v := make([]int64, n)
	for i := range v {
		v[i] = int64(r.Uint64())
	}
	v[0] = math.MinInt64
	return b.Bytes(), [][]byte{tfbuild.I64(v...)}
}

// TestElementwiseVariants compares int8 DIV, float32 HARD_SWISH and int64
// NEG under every profile that takes them.
func TestElementwiseVariants(t *testing.T) {
	compareBuilt(t, "elementwise", 6, 23, []tflite.TensorType{tflite.TensorTypeINT8, tflite.TensorTypeFLOAT32, tflite.TensorTypeINT64}, randomElementwise)
}
