package difftest

import (
	"math"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// Generators for RESIZE_BILINEAR (every type), BATCH_MATMUL and
// TFLite_Detection_PostProcess.

func init() {
	for _, typ := range []tflite.TensorType{tflite.TensorTypeINT8, tflite.TensorTypeUINT8, tflite.TensorTypeINT16, tflite.TensorTypeFLOAT32} {
		name := "RESIZE_BILINEAR"
		if typ != tflite.TensorTypeINT8 {
			name += "_" + typeName(typ)
		}
		register(name, func(g *gen) error { return genResizeBilinear(g, typ) }, "RESIZE_BILINEAR")
	}
}

func typeName(t tflite.TensorType) string {
	switch t {
	case tflite.TensorTypeUINT8:
		return "uint8"
	case tflite.TensorTypeINT16:
		return "int16"
	case tflite.TensorTypeFLOAT32:
		return "float"
	}
	return "int8"
}

// inputOf adds a subgraph input of any type with random data: integers
// over their whole range (often at the edges), floats uniform in [−4, 4).
func (g *gen) inputOf(name string, typ tflite.TensorType, shape []int, qq *tfbuild.Quant) int {
	n := prod(shape)
	if typ == tflite.TensorTypeFLOAT32 {
		return g.inputF32(name, shape, -4, 4)
	}
	var data []byte
	switch typ {
	case tflite.TensorTypeINT8, tflite.TensorTypeUINT8:
		data = g.i8(n)
	case tflite.TensorTypeINT16:
		v := make([]int16, n)
		for i := range v {
			v[i] = int16(g.rng.Intn(1 << 16))
			if g.chance(0.1) {
				v[i] = pick(g, int16(math.MinInt16), int16(math.MaxInt16), 0, -1, 1)
			}
		}
		data = tfbuild.I16(v...)
	}
	t := g.b.Tensor(name, typ, shape, qq, nil)
	g.inputs = append(g.inputs, t)
	g.inputData = append(g.inputData, data)
	return t
}

// quantOf draws a per-tensor quantization for typ (nil for float32).
func (g *gen) quantOf(typ tflite.TensorType) *tfbuild.Quant {
	s := g.scale(1.0/256, 1.0/4)
	switch typ {
	case tflite.TensorTypeINT8:
		return q(s, g.zp())
	case tflite.TensorTypeUINT8:
		return q(s, g.zp()+128)
	case tflite.TensorTypeINT16:
		return q(s/256, 0)
	}
	return nil
}

func genResizeBilinear(g *gen, typ tflite.TensorType) error {
	n, h, w, c := g.intn(1, 2), g.intn(1, 8), g.intn(1, 8), g.intn(1, 10)
	oh, ow := g.intn(1, 20), g.intn(1, 20)
	align, half := false, false
	switch g.rng.Intn(3) {
	case 0:
		align = true
	case 1:
		half = true
	}
	switch {
	case g.chance(0.15): // TFLite's optimized float kernel has a 2× path
		oh, ow = 2*h, 2*w
		align, half = false, false
	case typ == tflite.TensorTypeUINT8 && g.chance(0.15): // and uint8 an 8× one
		h, w, c = g.intn(1, 4), g.intn(1, 4), 8*g.intn(1, 2)
		oh, ow = 8*h, 8*w
		align, half = false, true
	}
	qq := g.quantOf(typ)
	x := g.inputOf("x", typ, []int{n, h, w, c}, qq)
	size := g.constI32("size", int32(oh), int32(ow))
	qo := qq
	if qq != nil && g.chance(0.1) {
		qo = g.quantOf(typ)
		g.note("output-quant-differs")
	}
	y := g.b.Tensor("y", typ, []int{n, oh, ow, c}, qo, nil)
	g.note("RESIZE_BILINEAR %v [%d %d %d %d] → %dx%d align_corners=%v half_pixel_centers=%v", typeName(typ), n, h, w, c, oh, ow, align, half)
	g.b.Op(tflite.BuiltinOperatorRESIZE_BILINEAR, 3, opts(tflite.BuiltinOptionsResizeBilinearOptions,
		&tflite.ResizeBilinearOptionsT{AlignCorners: align, HalfPixelCenters: half}), []int{x, size}, []int{y})
	g.finish(y)
	return nil
}
