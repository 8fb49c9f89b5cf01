package engine

import (
	"fmt"
	"math"

	"github.com/int8scope/int8scope/engine/tflite"
)

// FloorDivParams are FLOOR_DIV's and FLOOR_MOD's prepared parameters.
//
// Mirrors TFLite's floor_div.cc and floor_mod.cc (reference_ops::FloorDiv,
// FloorMod) and TFLite Micro's floor_div.cc and floor_mod.cc (float32
// only), for float32 and int32, with broadcasting:
//
//	FLOOR_DIV: out = floor(double(x) / double(y)), converted to the type
//	FLOOR_MOD: m = fmod(x, y) (x % y for int32); out = m + y if m ≠ 0 and m, y differ in sign, else m
//
// A zero divisor is an error, as in TFLite ("Division by 0").
type FloorDivParams struct {
	Mod       bool  `json:"mod,omitempty"` // FLOOR_MOD
	Type      DType `json:"type"`
	Broadcast bool  `json:"broadcast,omitempty"`

	in1, in2, out int
	bc            *broadcast
}

func init() {
	register(tflite.BuiltinOperatorFLOOR_DIV, func(c *prepCtx) (kernel, error) { return prepareFloorDiv(c, false) })
	register(tflite.BuiltinOperatorFLOOR_MOD, func(c *prepCtx) (kernel, error) { return prepareFloorDiv(c, true) })
}

func prepareFloorDiv(c *prepCtx, mod bool) (kernel, error) {
	if err := c.io(2, 2, 1); err != nil {
		return nil, err
	}
	in1, in2, out := c.in(0), c.in(1), c.out(0)
	if in1.Type != out.Type || in2.Type != out.Type || (out.Type != Float32 && out.Type != Int32) {
		return nil, c.unsupportedTypes()
	}
	bc, err := c.broadcast4D(in1, in2, out)
	if err != nil {
		return nil, err
	}
	return &FloorDivParams{Mod: mod, Type: out.Type, Broadcast: !bc.same, in1: in1.Index, in2: in2.Index, out: out.Index, bc: bc}, nil
}

// broadcast4D broadcasts a binary op's inputs for TFLite's
// BroadcastBinaryFunction4DSlow (up to rank 4) and checks the output shape.
func (c *prepCtx) broadcast4D(in1, in2, out *Tensor) (*broadcast, error) {
	bc, err := newBroadcast(in1.Shape, in2.Shape)
	if err != nil {
		return nil, c.errorf("%v", err)
	}
	if !bc.same && len(bc.out) > 4 {
		return nil, c.errorf("broadcasting shapes %v and %v: TFLite's BroadcastBinaryFunction4DSlow broadcasts up to rank 4", in1.Shape, in2.Shape)
	}
	return bc, c.sameShape(out, bc.out)
}

func floorDivFloat(x, y float32) float32 { return float32(math.Floor(float64(x) / float64(y))) }

func floorModFloat(x, y float32) float32 {
	m := float32(math.Mod(float64(x), float64(y))) // fmodf is exact
	if m != 0 && (y < 0) != (m < 0) {
		return m + y
	}
	return m
}

func floorDivInt(x, y int32) int32 { return int32(math.Floor(float64(x) / float64(y))) }

func floorModInt(x, y int32) int32 {
	m := x % y
	if m != 0 && (y < 0) != (m < 0) {
		return m + y
	}
	return m
}

func (p *FloorDivParams) eval(r *run, op *Op) error {
	if p.Type == Float32 {
		for i, y := range r.f32(p.in2) {
			if y == 0 {
				return fmt.Errorf("op %d (%s): divisor element %d is 0 (TFLite: \"Division by 0\")", op.Index, op.Builtin, i)
			}
		}
		f := floorDivFloat
		if p.Mod {
			f = floorModFloat
		}
		p.bc.binaryFloats(r, p.in1, p.in2, p.out, f)
		return nil
	}
	for i, y := range r.i32(p.in2) {
		if y == 0 {
			return fmt.Errorf("op %d (%s): divisor element %d is 0 (TFLite: \"Division by 0\")", op.Index, op.Builtin, i)
		}
	}
	var err error
	f := func(x, y int32) int32 {
		if x == math.MinInt32 && y == -1 {
			err = fmt.Errorf("op %d (%s): %d / −1 overflows int32", op.Index, op.Builtin, x)
			return 0
		}
		if p.Mod {
			return floorModInt(x, y)
		}
		return floorDivInt(x, y)
	}
	p.bc.binaryInts(r, Int32, p.in1, p.in2, p.out, f)
	return err
}

func (p *FloorDivParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	if p.Type == Float32 {
		if p.Mod {
			return explainFloatBinary(res, p.bc, p.in1, p.in2, index, "m = fmodf(x, y); m ≠ 0 and sign(m) ≠ sign(y) ? m + y : m", floorModFloat), nil
		}
		return explainFloatBinary(res, p.bc, p.in1, p.in2, index, "floor(double(x) / double(y))", floorDivFloat), nil
	}
	i1, i2 := p.bc.index(index)
	x, y := int32(res.intAt(p.in1, i1)), int32(res.intAt(p.in2, i2))
	if y == 0 {
		return nil, fmt.Errorf("op %d (%s): division by 0", op.Index, op.Builtin)
	}
	steps := []Step{{"input1", fmt.Sprintf("x = input1[%d]", i1), float64(x)}, {"input2", fmt.Sprintf("y = input2[%d]", i2), float64(y)}}
	var v int32
	if p.Mod {
		v = floorModInt(x, y)
		steps = append(steps, Step{"remainder", fmt.Sprintf("%d %% %d (truncated)", x, y), float64(x % y)},
			Step{"floor mod", "add y when the remainder is nonzero and its sign differs from y's", float64(v)})
	} else {
		v = floorDivInt(x, y)
		steps = append(steps, Step{"floor div", fmt.Sprintf("floor(double(%d) / double(%d))", x, y), float64(v)})
	}
	return &Explanation{Steps: steps, Value: int64(v), Arithmetic: "int32 floor division"}, nil
}
