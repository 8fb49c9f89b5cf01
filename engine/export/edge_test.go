package export

import (
	"fmt"
	"math"
	"path/filepath"
	"testing"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// edgeFloats are float32 values where C's and NumPy's arithmetic part ways
// if the program is careless: NaN, signed zeros, infinities, values beyond
// the integer ranges, halves.
var edgeFloats = []float32{float32(math.NaN()), float32(math.Copysign(0, -1)), 0, float32(math.Inf(1)),
	float32(math.Inf(-1)), 3e9, -3e9, 1.5, -2.5, 1e20, float32(math.Copysign(0, -1)), -7}

// edgeOp builds a model of one op on a float32 [3, 4] input x (edgeFloats)
// and the constant inputs consts adds, with one output of type out and
// shape outShape.
func edgeOp(code tflite.BuiltinOperator, opts *tflite.BuiltinOptionsT, consts func(b *tfbuild.Builder) []int, out tflite.TensorType, outShape []int) []byte {
	b := tfbuild.New()
	x := b.Tensor("x", tflite.TensorTypeFLOAT32, []int{3, 4}, nil, nil)
	ins := []int{x}
	if consts != nil {
		ins = append(ins, consts(b)...)
	}
	y := b.Tensor("y", out, outShape, nil, nil)
	b.Inputs(x)
	b.Outputs(y)
	b.Op(code, 0, opts, ins, []int{y})
	return b.Bytes()
}

func constI32(v ...int32) func(b *tfbuild.Builder) []int {
	return func(b *tfbuild.Builder) []int {
		return []int{b.Tensor("c", tflite.TensorTypeINT32, []int{len(v)}, nil, tfbuild.I32(v...))}
	}
}

// TestEdgeValues runs the exported programs of the ops whose float32
// results depend on NaN, signed zeros, infinities or summation order on
// such values, under every profile, and compares every tensor with the
// engine's.
func TestEdgeValues(t *testing.T) {
	f32 := tflite.TensorTypeFLOAT32
	reducer := func(keep bool) *tflite.BuiltinOptionsT {
		return &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsReducerOptions, Value: &tflite.ReducerOptionsT{KeepDims: keep}}
	}
	reversed := func(b *tfbuild.Builder) []int {
		v := make([]float32, len(edgeFloats))
		for i := range v {
			v[i] = edgeFloats[len(v)-1-i]
		}
		return []int{b.Tensor("c", f32, []int{3, 4}, nil, tfbuild.F32(v...))}
	}
	divisor := func(b *tfbuild.Builder) []int {
		return []int{b.Tensor("c", f32, []int{4}, nil, tfbuild.F32(2, -0.75, float32(math.Inf(1)), -3))}
	}
	models := map[string][]byte{}
	for _, to := range []tflite.TensorType{tflite.TensorTypeINT32, tflite.TensorTypeINT8, tflite.TensorTypeUINT8, tflite.TensorTypeINT16, tflite.TensorTypeINT64, tflite.TensorTypeBOOL} {
		models["CAST_"+to.String()] = edgeOp(tflite.BuiltinOperatorCAST, nil, nil, to, []int{3, 4})
	}
	for _, code := range []tflite.BuiltinOperator{tflite.BuiltinOperatorREDUCE_MAX, tflite.BuiltinOperatorREDUCE_MIN, tflite.BuiltinOperatorSUM, tflite.BuiltinOperatorREDUCE_PROD} {
		models[code.String()+"_1"] = edgeOp(code, reducer(false), constI32(1), f32, []int{3})
		models[code.String()+"_0"] = edgeOp(code, reducer(true), constI32(0), f32, []int{1, 4})
		models[code.String()+"_all"] = edgeOp(code, reducer(false), constI32(1, 0), f32, []int{})
	}
	for _, o := range []tflite.CumsumOptionsT{{}, {Exclusive: true}, {Reverse: true}, {Exclusive: true, Reverse: true}} {
		models[fmt.Sprintf("CUMSUM_%v_%v", o.Exclusive, o.Reverse)] = edgeOp(tflite.BuiltinOperatorCUMSUM,
			&tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsCumsumOptions, Value: &o}, func(b *tfbuild.Builder) []int {
				return []int{b.Tensor("axis", tflite.TensorTypeINT32, []int{}, nil, tfbuild.I32(1))}
			}, f32, []int{3, 4})
	}
	models["ARG_MAX"] = edgeOp(tflite.BuiltinOperatorARG_MAX, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsArgMaxOptions,
		Value: &tflite.ArgMaxOptionsT{OutputType: tflite.TensorTypeINT32}}, constI32(1), tflite.TensorTypeINT32, []int{3})
	models["ARG_MIN"] = edgeOp(tflite.BuiltinOperatorARG_MIN, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsArgMinOptions,
		Value: &tflite.ArgMinOptionsT{OutputType: tflite.TensorTypeINT64}}, constI32(0), tflite.TensorTypeINT64, []int{4})
	for _, code := range []tflite.BuiltinOperator{tflite.BuiltinOperatorMAXIMUM, tflite.BuiltinOperatorMINIMUM} {
		models[code.String()] = edgeOp(code, nil, reversed, f32, []int{3, 4})
	}
	for _, code := range []tflite.BuiltinOperator{tflite.BuiltinOperatorEQUAL, tflite.BuiltinOperatorNOT_EQUAL, tflite.BuiltinOperatorLESS, tflite.BuiltinOperatorGREATER_EQUAL} {
		models[code.String()] = edgeOp(code, nil, reversed, tflite.TensorTypeBOOL, []int{3, 4})
	}
	for _, code := range []tflite.BuiltinOperator{tflite.BuiltinOperatorFLOOR_DIV, tflite.BuiltinOperatorFLOOR_MOD} {
		models[code.String()] = edgeOp(code, nil, divisor, f32, []int{3, 4})
	}
	input := [][]byte{tfbuild.F32(edgeFloats...)}
	var cases []*pyCase
	tmp := t.TempDir()
	for name, b := range models {
		m, err := engine.Load(b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, p := range engine.Profiles() {
			c := exportCase(t, name, m, p, input, filepath.Join(tmp, name+"-"+string(p)))
			if c == nil {
				t.Errorf("%s under %s does not export", name, p)
				continue
			}
			cases = append(cases, c)
		}
	}
	n, el := runPython(t, cases)
	t.Logf("%d models, %d runs, %d tensors, %d elements equal", len(models), len(cases), n, el)
}

// TestBoolBytes runs the ops that read bool tensors on stored bytes other
// than 0 and 1 (TFLite reads the byte: 37 is true, and CAST and EQUAL see
// 37), under every profile, and a STRIDED_SLICE with ellipsis and new-axis
// masks, comparing every tensor with the engine's.
func TestBoolBytes(t *testing.T) {
	bl, i32 := tflite.TensorTypeBOOL, tflite.TensorTypeINT32
	b := tfbuild.New()
	x := b.Tensor("x", bl, []int{2, 4}, nil, nil)
	y := b.Tensor("y", bl, []int{2, 4}, nil, nil)
	b.Inputs(x, y)
	var outs []int
	op := func(code tflite.BuiltinOperator, opts *tflite.BuiltinOptionsT, typ tflite.TensorType, shape []int, ins ...int) int {
		o := b.Tensor(code.String(), typ, shape, nil, nil)
		b.Op(code, 0, opts, ins, []int{o})
		outs = append(outs, o)
		return o
	}
	op(tflite.BuiltinOperatorLOGICAL_AND, nil, bl, []int{2, 4}, x, y)
	op(tflite.BuiltinOperatorLOGICAL_OR, nil, bl, []int{2, 4}, x, y)
	op(tflite.BuiltinOperatorLOGICAL_NOT, nil, bl, []int{2, 4}, x)
	op(tflite.BuiltinOperatorEQUAL, nil, bl, []int{2, 4}, x, y)
	op(tflite.BuiltinOperatorNOT_EQUAL, nil, bl, []int{2, 4}, x, y)
	op(tflite.BuiltinOperatorCAST, nil, i32, []int{2, 4}, x)
	op(tflite.BuiltinOperatorCAST, nil, tflite.TensorTypeFLOAT32, []int{2, 4}, x)
	op(tflite.BuiltinOperatorCAST, nil, bl, []int{2, 4}, x)
	op(tflite.BuiltinOperatorSELECT_V2, nil, bl, []int{2, 4}, x, y, x)
	axis := b.Tensor("axis", i32, []int{1}, nil, tfbuild.I32(1))
	op(tflite.BuiltinOperatorARG_MAX, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsArgMaxOptions,
		Value: &tflite.ArgMaxOptionsT{OutputType: i32}}, i32, []int{2}, x, axis)
	begin := b.Tensor("begin", i32, []int{3}, nil, tfbuild.I32(0, 0, 3))
	end := b.Tensor("end", i32, []int{3}, nil, tfbuild.I32(0, 0, 0))
	strides := b.Tensor("strides", i32, []int{3}, nil, tfbuild.I32(1, 1, -2))
	op(tflite.BuiltinOperatorSTRIDED_SLICE, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsStridedSliceOptions,
		Value: &tflite.StridedSliceOptionsT{EllipsisMask: 1, NewAxisMask: 2, EndMask: 4}}, bl, []int{2, 1, 2}, y, begin, end, strides)
	b.Outputs(outs...)
	m, err := engine.Load(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	input := [][]byte{{0, 1, 37, 200, 1, 0, 2, 0}, {37, 1, 0, 200, 1, 37, 2, 0}}
	var cases []*pyCase
	for _, p := range engine.Profiles() {
		c := exportCase(t, "bool bytes", m, p, input, filepath.Join(t.TempDir(), string(p)))
		if c == nil {
			t.Fatalf("the bool model does not export under %s", p)
		}
		cases = append(cases, c)
	}
	n, el := runPython(t, cases)
	t.Logf("%d runs, %d tensors, %d elements equal", len(cases), n, el)
}
