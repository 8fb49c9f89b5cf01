package difftest

import (
	"fmt"
	"math"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// Generators for the ops that move, pick or fill elements and for shape
// arithmetic (RESIZE_NEAREST_NEIGHBOR, SPLIT, PACK, GATHER, CAST, …), in
// every element type TFLite has for each.

func init() {
	register("RESIZE_NEAREST_NEIGHBOR", genResizeNearest)
	register("SPLIT", genSplit)
	register("SPLIT_V", genSplitV)
	register("PACK", genPack)
	register("UNPACK", genUnpack)
	register("GATHER", genGather)
	register("CAST", genCast)
	register("SHAPE", genShape)
	register("FILL", genFill)
	register("TILE", genTile)
	register("RANGE", genRange)
	register("SLICE", genSlice)
	register("GATHER_ND", genGatherNd)
	for _, code := range []tflite.BuiltinOperator{tflite.BuiltinOperatorEQUAL, tflite.BuiltinOperatorNOT_EQUAL, tflite.BuiltinOperatorLESS,
		tflite.BuiltinOperatorLESS_EQUAL, tflite.BuiltinOperatorGREATER, tflite.BuiltinOperatorGREATER_EQUAL} {
		register(code.String(), func(g *gen) error { return genComparison(g, code) })
	}
	register("LOGICAL_AND", func(g *gen) error { return genLogical(g, tflite.BuiltinOperatorLOGICAL_AND) })
	register("LOGICAL_OR", func(g *gen) error { return genLogical(g, tflite.BuiltinOperatorLOGICAL_OR) })
	register("LOGICAL_NOT", func(g *gen) error { return genLogical(g, tflite.BuiltinOperatorLOGICAL_NOT) })
	register("ZEROS_LIKE", genZerosLike)
	register("SELECT", func(g *gen) error { return genSelect(g, false) })
	register("SELECT_V2", func(g *gen) error { return genSelect(g, true) })
	register("ARG_MIN", genArgMin)
	register("BROADCAST_TO", genBroadcastTo)
	register("MIRROR_PAD", genMirrorPad)
	register("SPACE_TO_BATCH_ND", func(g *gen) error { return genSpaceBatch(g, true) })
	register("BATCH_TO_SPACE_ND", func(g *gen) error { return genSpaceBatch(g, false) })
	register("CUMSUM", genCumsum)
	register("TOPK_V2", genTopK)
	register("REDUCE_MAX", func(g *gen) error { return genReduceMax(g, tflite.BuiltinOperatorREDUCE_MAX) })
	register("REDUCE_MIN", func(g *gen) error { return genReduceMax(g, tflite.BuiltinOperatorREDUCE_MIN) })
	register("DEPTH_TO_SPACE", func(g *gen) error { return genDepthSpace(g, true) })
	register("SPACE_TO_DEPTH", func(g *gen) error { return genDepthSpace(g, false) })
}

// typedQuant draws quantization parameters for a tensor of type typ: int8
// and uint8 get a scale and a zero point, int16 a scale with zero point 0,
// other types none.
func (g *gen) typedQuant(typ tflite.TensorType) *tfbuild.Quant {
	switch typ {
	case tflite.TensorTypeINT8:
		return g.anyQuant()
	case tflite.TensorTypeUINT8:
		return q(g.scale(1.0/128, 1.0/4), int64(pick(g, 0, 128, 255, g.intn(0, 255))))
	case tflite.TensorTypeINT16:
		return q(g.scale(1.0/32768, 1.0/64), 0)
	}
	return nil
}

// values draws n random values of type typ as raw bytes: integers over
// their whole range (int32 and int64 often small), bools, and float32
// values in [−8, 8] that repeat often (ties matter to comparisons and
// reductions).
func (g *gen) values(typ tflite.TensorType, n int) []byte {
	switch typ {
	case tflite.TensorTypeINT8, tflite.TensorTypeUINT8:
		return g.i8(n)
	case tflite.TensorTypeBOOL:
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(g.rng.Intn(2))
		}
		return b
	case tflite.TensorTypeINT16:
		v := make([]int16, n)
		for i := range v {
			v[i] = int16(g.rng.Intn(65536) - 32768)
		}
		return tfbuild.I16(v...)
	case tflite.TensorTypeINT32:
		v := make([]int32, n)
		small := g.chance(0.5)
		for i := range v {
			if small {
				v[i] = int32(g.intn(-20, 20))
			} else {
				v[i] = int32(g.rng.Uint32())
			}
		}
		return tfbuild.I32(v...)
	case tflite.TensorTypeINT64:
		v := make([]int64, n)
		for i := range v {
			v[i] = int64(g.rng.Uint64())
			if g.chance(0.5) {
				v[i] = int64(g.intn(-20, 20))
			}
		}
		return tfbuild.I64(v...)
	case tflite.TensorTypeFLOAT32:
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(math.Round(g.rng.Float64()*64-32) / 4)
			if g.chance(0.5) {
				v[i] = float32(g.rng.Float64()*16 - 8)
			}
		}
		return tfbuild.F32(v...)
	}
	panic("difftest: no values for type " + typ.String())
}

// typedInput adds a subgraph input of type typ with random values.
func (g *gen) typedInput(name string, typ tflite.TensorType, shape []int, qq *tfbuild.Quant) int {
	t := g.b.Tensor(name, typ, shape, qq, nil)
	g.inputs = append(g.inputs, t)
	g.inputData = append(g.inputData, g.values(typ, prod(shape)))
	return t
}

// tensor adds a non-constant tensor.
func (g *gen) tensor(name string, typ tflite.TensorType, shape []int, qq *tfbuild.Quant) int {
	return g.b.Tensor(name, typ, shape, qq, nil)
}

func genResizeNearest(g *gen) error {
	typ := pick(g, tflite.TensorTypeINT8, tflite.TensorTypeINT8, tflite.TensorTypeUINT8, tflite.TensorTypeINT16, tflite.TensorTypeFLOAT32)
	s := []int{g.intn(1, 2), g.intn(1, 7), g.intn(1, 7), g.intn(1, 4)}
	oh, ow := g.intn(1, 13), g.intn(1, 13)
	if g.chance(0.4) { // the common case: an integer upscale
		k := g.intn(2, 3)
		oh, ow = s[1]*k, s[2]*k
	}
	o := &tflite.ResizeNearestNeighborOptionsT{AlignCorners: g.chance(0.3), HalfPixelCenters: g.chance(0.4)}
	if o.AlignCorners && o.HalfPixelCenters && g.chance(0.5) {
		o.HalfPixelCenters = false
	}
	qq := g.typedQuant(typ)
	x := g.typedInput("x", typ, s, qq)
	y := g.tensor("y", typ, []int{s[0], oh, ow, s[3]}, qq)
	g.note("RESIZE_NEAREST_NEIGHBOR %v %v → [%d %d] align_corners %v half_pixel_centers %v", typ, s, oh, ow, o.AlignCorners, o.HalfPixelCenters)
	g.b.Op(tflite.BuiltinOperatorRESIZE_NEAREST_NEIGHBOR, 3, opts(tflite.BuiltinOptionsResizeNearestNeighborOptions, o),
		[]int{x, g.constI32("size", int32(oh), int32(ow))}, []int{y})
	g.finish(y)
	return nil
}

// anyType draws one of types.
func (g *gen) anyType(types ...tflite.TensorType) tflite.TensorType { return pick(g, types...) }

var (
	f32, i8t, u8t, i16t, i32t, i64t, boolT = tflite.TensorTypeFLOAT32, tflite.TensorTypeINT8, tflite.TensorTypeUINT8,
		tflite.TensorTypeINT16, tflite.TensorTypeINT32, tflite.TensorTypeINT64, tflite.TensorTypeBOOL
)

func genSplit(g *gen) error {
	typ := g.anyType(i8t, i8t, u8t, i16t, i32t, f32)
	s := g.shape(1, 4, 300)
	axis := g.intn(0, len(s)-1)
	n := g.intn(1, 4)
	s[axis] = n * g.intn(1, 3)
	qq := g.typedQuant(typ)
	x := g.typedInput("x", typ, s, qq)
	os := append([]int{}, s...)
	os[axis] /= n
	var outs []int
	for k := 0; k < n; k++ {
		oq := qq
		if qq != nil && g.chance(0.1) { // TFLite copies the bytes whatever the outputs' quantization
			oq = g.typedQuant(typ)
			g.note("y%d requantized", k)
		}
		outs = append(outs, g.tensor(fmt.Sprintf("y%d", k), typ, os, oq))
	}
	a := int32(axis)
	if g.chance(0.3) {
		a -= int32(len(s))
	}
	g.note("SPLIT %v %v axis %d into %d", typ, s, a, n)
	g.b.Op(tflite.BuiltinOperatorSPLIT, 2, opts(tflite.BuiltinOptionsSplitOptions, &tflite.SplitOptionsT{NumSplits: int32(n)}),
		[]int{g.b.Tensor("axis", i32t, nil, nil, tfbuild.I32(a)), x}, outs)
	g.finish(outs...)
	return nil
}

// outQuant is the quantization of an output that TFLite copies bytes into:
// usually the input's, sometimes (when differ) another one.
func (g *gen) outQuant(typ tflite.TensorType, qq *tfbuild.Quant, name string) *tfbuild.Quant {
	if qq != nil && g.chance(0.1) {
		g.note("%s requantized", name)
		return g.typedQuant(typ)
	}
	return qq
}

func genSplitV(g *gen) error {
	typ := g.anyType(i8t, i8t, u8t, i16t, i32t, f32)
	s := g.shape(1, 4, 300)
	axis := g.intn(0, len(s)-1)
	n := g.intn(1, 4)
	sizes := make([]int32, n)
	total := 0
	for k := range sizes {
		sizes[k] = int32(g.intn(0, 4))
		total += int(sizes[k])
	}
	if g.chance(0.4) {
		sizes[g.rng.Intn(n)] = -1
	}
	s[axis] = max(total, 1)
	if total == 0 {
		for k := range sizes {
			if sizes[k] == 0 {
				sizes[k] = 1
				break
			}
		}
		if sizes[0] == -1 && n == 1 {
			sizes[0] = -1
		}
	}
	qq := g.typedQuant(typ)
	x := g.typedInput("x", typ, s, qq)
	rest := s[axis]
	for _, v := range sizes {
		if v > 0 {
			rest -= int(v)
		}
	}
	var outs []int
	for k, v := range sizes {
		os := append([]int{}, s...)
		os[axis] = int(v)
		if v < 0 {
			os[axis] = rest
		}
		outs = append(outs, g.tensor(fmt.Sprintf("y%d", k), typ, os, g.outQuant(typ, qq, fmt.Sprintf("y%d", k))))
	}
	var st int
	if g.chance(0.3) {
		v := make([]int64, n)
		for k := range v {
			v[k] = int64(sizes[k])
		}
		st = g.b.Tensor("size_splits", i64t, []int{n}, nil, tfbuild.I64(v...))
	} else {
		st = g.constI32("size_splits", sizes...)
	}
	g.note("SPLIT_V %v %v axis %d sizes %v", typ, s, axis, sizes)
	g.b.Op(tflite.BuiltinOperatorSPLIT_V, 2, opts(tflite.BuiltinOptionsSplitVOptions, &tflite.SplitVOptionsT{NumSplits: int32(n)}),
		[]int{x, st, g.b.Tensor("axis", i32t, nil, nil, tfbuild.I32(int32(axis)))}, outs)
	g.finish(outs...)
	return nil
}

func genPack(g *gen) error {
	typ := g.anyType(i8t, i8t, u8t, i16t, i32t, f32)
	s := g.shape(0, 3, 200)
	n := g.intn(1, 4)
	axis := g.intn(0, len(s))
	qq := g.typedQuant(typ)
	var ins []int
	for k := 0; k < n; k++ {
		ins = append(ins, g.typedInput(fmt.Sprintf("x%d", k), typ, s, qq))
	}
	os := append(append(append([]int{}, s[:axis]...), n), s[axis:]...)
	y := g.tensor("y", typ, os, qq)
	a := int32(axis)
	if g.chance(0.3) {
		a -= int32(len(s) + 1)
	}
	g.note("PACK %v %d × %v axis %d", typ, n, s, a)
	g.b.Op(tflite.BuiltinOperatorPACK, 2, opts(tflite.BuiltinOptionsPackOptions, &tflite.PackOptionsT{ValuesCount: int32(n), Axis: a}), ins, []int{y})
	g.finish(y)
	return nil
}

func genUnpack(g *gen) error {
	typ := g.anyType(i8t, i8t, u8t, i16t, i32t, f32, boolT)
	s := g.shape(1, 4, 200)
	axis := g.intn(0, len(s)-1)
	s[axis] = g.intn(1, 4)
	qq := g.typedQuant(typ)
	x := g.typedInput("x", typ, s, qq)
	os := append(append([]int{}, s[:axis]...), s[axis+1:]...)
	var outs []int
	for k := 0; k < s[axis]; k++ {
		outs = append(outs, g.tensor(fmt.Sprintf("y%d", k), typ, os, qq))
	}
	a := int32(axis)
	if g.chance(0.3) {
		a -= int32(len(s))
	}
	g.note("UNPACK %v %v axis %d", typ, s, a)
	g.b.Op(tflite.BuiltinOperatorUNPACK, 2, opts(tflite.BuiltinOptionsUnpackOptions, &tflite.UnpackOptionsT{Num: int32(s[axis]), Axis: a}), []int{x}, outs)
	g.finish(outs...)
	return nil
}

// indices adds an int32 or int64 tensor of shape holding values drawn
// from [0, n): constant, or a subgraph input.
func (g *gen) indices(name string, shape []int, n int) int {
	v := make([]int64, prod(shape))
	for i := range v {
		v[i] = int64(g.rng.Intn(max(n, 1)))
	}
	return g.indexTensor(name, shape, v)
}

// indexTensor adds an int32 or int64 tensor holding v: constant, or (int32
// only: the oracle cannot feed int64) a subgraph input.
func (g *gen) indexTensor(name string, shape []int, v []int64) int {
	typ := g.anyType(i32t, i32t, i64t)
	var b []byte
	if typ == i32t {
		w := make([]int32, len(v))
		for i := range v {
			w[i] = int32(v[i])
		}
		b = tfbuild.I32(w...)
	} else {
		b = tfbuild.I64(v...)
	}
	if typ == i64t || g.chance(0.5) {
		return g.b.Tensor(name, typ, shape, nil, b)
	}
	t := g.b.Tensor(name, typ, shape, nil, nil)
	g.inputs = append(g.inputs, t)
	g.inputData = append(g.inputData, b)
	return t
}

func genGather(g *gen) error {
	typ := g.anyType(i8t, i8t, u8t, i16t, i32t, f32, boolT)
	s := g.shape(1, 4, 200)
	axis := g.intn(0, len(s)-1)
	bd := 0
	if axis > 0 && g.chance(0.3) {
		bd = g.intn(1, axis)
	}
	ps := append([]int{}, s[:bd]...)
	for k := g.intn(0, 2); k > 0; k-- {
		ps = append(ps, g.intn(1, 4))
	}
	qq := g.typedQuant(typ)
	x := g.typedInput("x", typ, s, qq)
	pos := g.indices("positions", ps, s[axis])
	os := append(append(append([]int{}, s[:axis]...), ps[bd:]...), s[axis+1:]...)
	y := g.tensor("y", typ, os, qq)
	a := int32(axis)
	if g.chance(0.3) {
		a -= int32(len(s))
	}
	g.note("GATHER %v %v axis %d batch_dims %d positions %v", typ, s, a, bd, ps)
	g.b.Op(tflite.BuiltinOperatorGATHER, 2, opts(tflite.BuiltinOptionsGatherOptions, &tflite.GatherOptionsT{Axis: a, BatchDims: int32(bd)}), []int{x, pos}, []int{y})
	g.finish(y)
	return nil
}

func genCast(g *gen) error {
	types := []tflite.TensorType{f32, i32t, u8t, i8t, i16t, boolT}
	from, to := g.anyType(types...), g.anyType(types...)
	s := g.shape(0, 4, 200)
	x := g.b.Tensor("x", from, s, g.typedQuant(from), nil)
	data := g.values(from, prod(s))
	if from == f32 && to == u8t { // C++ leaves float → uint8 of a negative value undefined
		v := engineF32(data)
		for i := range v {
			v[i] = float32(math.Abs(float64(v[i])))
		}
		data = tfbuild.F32(v...)
	}
	g.inputs, g.inputData = append(g.inputs, x), append(g.inputData, data)
	y := g.tensor("y", to, s, g.typedQuant(to))
	g.note("CAST %v → %v %v", from, to, s)
	g.b.Op(tflite.BuiltinOperatorCAST, 1, nil, []int{x}, []int{y})
	g.finish(y)
	return nil
}

// engineF32 reads little-endian float32 bytes.
func engineF32(b []byte) []float32 {
	v := make([]float32, len(b)/4)
	for i := range v {
		v[i] = math.Float32frombits(uint32(b[4*i]) | uint32(b[4*i+1])<<8 | uint32(b[4*i+2])<<16 | uint32(b[4*i+3])<<24)
	}
	return v
}

// constInts adds a constant 1-D int32 or (when allow64) int64 tensor.
func (g *gen) constInts(name string, allow64 bool, v ...int) int {
	if allow64 && g.chance(0.3) {
		w := make([]int64, len(v))
		for i := range v {
			w[i] = int64(v[i])
		}
		g.note("%s int64", name)
		return g.b.Tensor(name, i64t, []int{len(v)}, nil, tfbuild.I64(w...))
	}
	w := make([]int32, len(v))
	for i := range v {
		w[i] = int32(v[i])
	}
	return g.constI32(name, w...)
}

func genShape(g *gen) error {
	typ := g.anyType(i8t, u8t, i16t, i32t, f32, boolT)
	s := g.shape(0, 5, 200)
	x := g.typedInput("x", typ, s, g.typedQuant(typ))
	y := g.tensor("y", i32t, []int{len(s)}, nil)
	g.note("SHAPE %v %v", typ, s)
	g.b.Op(tflite.BuiltinOperatorSHAPE, 1, opts(tflite.BuiltinOptionsShapeOptions, &tflite.ShapeOptionsT{OutType: i32t}), []int{x}, []int{y})
	g.finish(y)
	return nil
}

func genFill(g *gen) error {
	typ := g.anyType(f32, i32t, boolT, i8t, i16t)
	s := g.shape(1, 4, 200)
	qq := g.typedQuant(typ)
	v := g.typedInput("value", typ, nil, qq)
	y := g.tensor("y", typ, s, qq)
	g.note("FILL %v %v", typ, s)
	g.b.Op(tflite.BuiltinOperatorFILL, 1, nil, []int{g.constInts("dims", true, s...), v}, []int{y})
	g.finish(y)
	return nil
}

func genTile(g *gen) error {
	typ := g.anyType(f32, i8t, i8t, u8t, i32t, boolT)
	s := g.shape(1, 4, 60)
	mult := make([]int, len(s))
	os := make([]int, len(s))
	for d := range s {
		mult[d] = g.intn(1, 3)
		if g.chance(0.05) {
			mult[d] = 0
		}
		os[d] = s[d] * mult[d]
	}
	qq := g.typedQuant(typ)
	x := g.typedInput("x", typ, s, qq)
	y := g.tensor("y", typ, os, qq)
	g.note("TILE %v %v × %v", typ, s, mult)
	g.b.Op(tflite.BuiltinOperatorTILE, 1, nil, []int{x, g.constInts("multiples", true, mult...)}, []int{y})
	g.finish(y)
	return nil
}

func genRange(g *gen) error {
	typ := g.anyType(i32t, f32)
	var args [3]int
	var n int
	if typ == i32t {
		start, delta := g.intn(-20, 20), g.intn(1, 5)
		if g.chance(0.4) {
			delta = -delta
		}
		limit := start + delta*g.intn(0, 30) + g.intn(0, 1)*delta/2
		n = 0
		for v := start; (delta > 0 && v < limit) || (delta < 0 && v > limit); v += delta {
			n++
		}
		args = [3]int{start, limit, delta}
		y := g.tensor("y", i32t, []int{n}, nil)
		var ins []int
		for k, name := range []string{"start", "limit", "delta"} {
			ins = append(ins, g.b.Tensor(name, i32t, nil, nil, tfbuild.I32(int32(args[k]))))
		}
		g.note("RANGE int32 %v → %d", args, n)
		g.b.Op(tflite.BuiltinOperatorRANGE, 1, nil, ins, []int{y})
		g.finish(y)
		return nil
	}
	start := float32(g.rng.Float64()*20 - 10)
	delta := float32(g.rng.Float64()*2 + 0.01)
	if g.chance(0.3) {
		delta = pick(g, float32(0.1), float32(0.2), float32(1.0/3), float32(0.5))
	}
	if g.chance(0.4) {
		delta = -delta
	}
	limit := start + delta*float32(g.intn(0, 40)) + delta*float32(g.rng.Float64())
	n = int(math.Ceil(float64(float32(math.Abs(float64((limit - start) / delta))))))
	y := g.tensor("y", f32, []int{n}, nil)
	var ins []int
	for _, v := range []struct {
		name string
		v    float32
	}{{"start", start}, {"limit", limit}, {"delta", delta}} {
		ins = append(ins, g.b.Tensor(v.name, f32, nil, nil, tfbuild.F32(v.v)))
	}
	g.note("RANGE float32 %v %v %v → %d", start, limit, delta, n)
	g.b.Op(tflite.BuiltinOperatorRANGE, 1, nil, ins, []int{y})
	g.finish(y)
	return nil
}

func genSlice(g *gen) error {
	typ := g.anyType(f32, i8t, i8t, u8t, i16t, i32t, boolT)
	s := g.shape(1, 5, 300)
	begin, size := make([]int, len(s)), make([]int, len(s))
	os := make([]int, len(s))
	for d := range s {
		begin[d] = g.intn(0, s[d]-1)
		size[d] = g.intn(1, s[d]-begin[d]) // the browser TFLite traps on empty slices
		os[d] = size[d]
		if g.chance(0.2) {
			size[d] = -1
			os[d] = s[d] - begin[d]
		}
	}
	qq := g.typedQuant(typ)
	x := g.typedInput("x", typ, s, qq)
	y := g.tensor("y", typ, os, qq)
	// int32 begin and size only: with int64 ones the browser TFLite reads
	// wrong values or traps (PROFILES.md).
	g.note("SLICE %v %v begin %v size %v", typ, s, begin, size)
	g.b.Op(tflite.BuiltinOperatorSLICE, 1, nil, []int{x, g.constInts("begin", false, begin...), g.constInts("size", false, size...)}, []int{y})
	g.finish(y)
	return nil
}

func genGatherNd(g *gen) error {
	typ := g.anyType(f32, i8t, i8t, u8t, i16t, i32t)
	s := g.shape(1, 4, 200)
	depth := g.intn(1, len(s))
	is := []int{}
	for k := g.intn(0, 2); k > 0; k-- {
		is = append(is, g.intn(1, 4))
	}
	is = append(is, depth)
	// each index in its own dimension's range
	v := make([]int64, prod(is))
	for i := range v {
		v[i] = int64(g.rng.Intn(s[i%depth]))
	}
	idx := g.indexTensor("indices", is, v)
	qq := g.typedQuant(typ)
	x := g.typedInput("x", typ, s, qq)
	os := append(append([]int{}, is[:len(is)-1]...), s[depth:]...)
	y := g.tensor("y", typ, os, qq)
	g.note("GATHER_ND %v %v indices %v", typ, s, is)
	g.b.Op(tflite.BuiltinOperatorGATHER_ND, 1, nil, []int{x, idx}, []int{y})
	g.finish(y)
	return nil
}

func genDepthSpace(g *gen, toSpace bool) error {
	typ := g.anyType(f32, i8t, i8t, u8t, i32t)
	b := g.intn(1, 3)
	n, h, w, c := g.intn(1, 2), g.intn(1, 4), g.intn(1, 4), g.intn(1, 4)
	in, out := []int{n, h, w, c * b * b}, []int{n, h * b, w * b, c}
	code := tflite.BuiltinOperatorDEPTH_TO_SPACE
	o := opts(tflite.BuiltinOptionsDepthToSpaceOptions, &tflite.DepthToSpaceOptionsT{BlockSize: int32(b)})
	if !toSpace {
		in, out = out, in
		code = tflite.BuiltinOperatorSPACE_TO_DEPTH
		o = opts(tflite.BuiltinOptionsSpaceToDepthOptions, &tflite.SpaceToDepthOptionsT{BlockSize: int32(b)})
	}
	qq := g.typedQuant(typ)
	x := g.typedInput("x", typ, in, qq)
	y := g.tensor("y", typ, out, qq)
	g.note("%v %v %v block %d", code, typ, in, b)
	g.b.Op(code, 1, o, []int{x}, []int{y})
	g.finish(y)
	return nil
}

func genReduceMax(g *gen, code tflite.BuiltinOperator) error {
	typ := g.anyType(f32, i8t, i8t, u8t, i16t, i32t)
	s := g.shape(1, 4, 300)
	var axes []int32
	for d := range s {
		if g.chance(0.5) {
			a := int32(d)
			if g.chance(0.3) {
				a -= int32(len(s))
			}
			axes = append(axes, a)
		}
	}
	if len(axes) == 0 {
		axes = []int32{int32(g.intn(0, len(s)-1))}
	}
	keep := g.chance(0.5)
	var os []int
	for d, v := range s {
		red := false
		for _, a := range axes {
			red = red || int(a) == d || int(a)+len(s) == d
		}
		if !red {
			os = append(os, v)
		} else if keep {
			os = append(os, 1)
		}
	}
	qq := g.typedQuant(typ)
	x := g.typedInput("x", typ, s, qq)
	y := g.tensor("y", typ, os, qq)
	g.note("%v %v %v axes %v keep_dims %v", code, typ, s, axes, keep)
	g.b.Op(code, 1, opts(tflite.BuiltinOptionsReducerOptions, &tflite.ReducerOptionsT{KeepDims: keep}), []int{x, g.constI32("axes", axes...)}, []int{y})
	g.finish(y)
	return nil
}

// quantizedPair draws int8 or uint8 quantization for two inputs that are
// compared: often the same, often scales a small factor apart.
func (g *gen) quantizedPair(typ tflite.TensorType) (*tfbuild.Quant, *tfbuild.Quant) {
	qa := g.typedQuant(typ)
	switch g.rng.Intn(3) {
	case 0:
		return qa, qa
	case 1:
		qb := *qa
		qb.Scale = []float32{qa.Scale[0] * pick(g, float32(2), float32(0.5), float32(4), float32(3))}
		return qa, &qb
	}
	return qa, g.typedQuant(typ)
}

func genComparison(g *gen, code tflite.BuiltinOperator) error {
	types := []tflite.TensorType{f32, f32, i32t, i8t, i8t, u8t}
	if code == tflite.BuiltinOperatorEQUAL || code == tflite.BuiltinOperatorNOT_EQUAL {
		types = append(types, boolT)
	}
	typ := g.anyType(types...)
	s := g.shape(1, 4, 200)
	t := g.broadcastOf(s)
	if g.chance(0.5) {
		s, t = t, s
	}
	var qa, qb *tfbuild.Quant
	if typ == i8t || typ == u8t {
		qa, qb = g.quantizedPair(typ) // scales below 1: TFLite aborts otherwise
		for qb.Scale[0] >= 1 || qa.Scale[0] >= 1 {
			qa.Scale[0], qb.Scale[0] = qa.Scale[0]/8, qb.Scale[0]/8
		}
		if g.chance(0.2) { // tiny scales: values a step apart can compare equal
			qa.Scale[0], qb.Scale[0] = qa.Scale[0]/256, qb.Scale[0]/256
		}
	}
	a := g.typedInput("a", typ, s, qa)
	b := g.typedInput("b", typ, t, qb)
	if typ == i32t || typ == i8t || typ == u8t || typ == f32 {
		// copy some of a's values into b so that ties occur
		da, db := g.inputData[len(g.inputData)-2], g.inputData[len(g.inputData)-1]
		sz := len(da) / prod(s)
		for i := 0; i+sz <= len(db); i += sz {
			if g.chance(0.3) {
				j := g.rng.Intn(prod(s)) * sz
				copy(db[i:i+sz], da[j:j+sz])
			}
		}
	}
	y := g.tensor("y", boolT, broadcastShape(s, t), nil)
	g.note("%v %v %v vs %v", code, typ, s, t)
	g.b.Op(code, 1, nil, []int{a, b}, []int{y})
	g.finish(y)
	return nil
}

func genLogical(g *gen, code tflite.BuiltinOperator) error {
	s := g.shape(1, 4, 200)
	ins := []int{g.typedInput("a", boolT, s, nil)}
	os := s
	if code != tflite.BuiltinOperatorLOGICAL_NOT {
		t := g.broadcastOf(s)
		if g.chance(0.5) {
			s, t = t, s
			g.inputData[0] = g.values(boolT, prod(s))
			g.b.M.Subgraphs[0].Tensors[ins[0]].Shape = int32s(s)
		}
		ins = append(ins, g.typedInput("b", boolT, t, nil))
		os = broadcastShape(s, t)
	}
	y := g.tensor("y", boolT, os, nil)
	g.note("%v %v", code, s)
	g.b.Op(code, 1, nil, ins, []int{y})
	g.finish(y)
	return nil
}

func int32s(s []int) []int32 {
	v := make([]int32, len(s))
	for i := range s {
		v[i] = int32(s[i])
	}
	return v
}

func genZerosLike(g *gen) error {
	typ := g.anyType(f32, i32t)
	s := g.shape(0, 4, 200)
	x := g.typedInput("x", typ, s, nil)
	y := g.tensor("y", typ, s, nil)
	g.note("ZEROS_LIKE %v %v", typ, s)
	g.b.Op(tflite.BuiltinOperatorZEROS_LIKE, 1, nil, []int{x}, []int{y})
	g.finish(y)
	return nil
}

func genSelect(g *gen, v2 bool) error {
	typ := g.anyType(f32, i8t, i8t, u8t, i16t, i32t, boolT)
	s := g.shape(1, 4, 200)
	cs, xs, ys := s, s, s
	code := tflite.BuiltinOperatorSELECT
	if v2 {
		code = tflite.BuiltinOperatorSELECT_V2
		cs, xs, ys = g.broadcastOf(s), g.broadcastOf(s), g.broadcastOf(s)
		if g.chance(0.5) {
			cs, xs = xs, cs
		}
	} else if len(s) > 1 && g.chance(0.4) {
		cs = s[:1]
	}
	qq := g.typedQuant(typ)
	cond := g.typedInput("cond", boolT, cs, nil)
	x := g.typedInput("x", typ, xs, qq)
	yv := g.typedInput("y", typ, ys, qq)
	os := s
	if v2 {
		os = broadcastShape(broadcastShape(cs, xs), ys)
	}
	out := g.tensor("out", typ, os, qq)
	g.note("%v %v cond %v x %v y %v", code, typ, cs, xs, ys)
	g.b.Op(code, 1, nil, []int{cond, x, yv}, []int{out})
	g.finish(out)
	return nil
}

func genArgMin(g *gen) error {
	typ := g.anyType(f32, i8t, i8t, u8t, i32t, boolT)
	s := g.shape(1, 4, 300)
	axis := g.intn(0, len(s)-1)
	x := g.typedInput("x", typ, s, g.typedQuant(typ))
	var os []int
	for d, v := range s {
		if d != axis {
			os = append(os, v)
		}
	}
	y := g.tensor("y", i32t, os, nil) // int32: the oracle cannot read int64
	g.note("ARG_MIN %v %v axis %d", typ, s, axis)
	g.b.Op(tflite.BuiltinOperatorARG_MIN, 2, opts(tflite.BuiltinOptionsArgMinOptions, &tflite.ArgMinOptionsT{OutputType: i32t}), []int{x, g.constI32("axis", int32(axis))}, []int{y})
	g.finish(y)
	return nil
}

func genBroadcastTo(g *gen) error {
	typ := g.anyType(f32, i8t, i8t, u8t, i16t, i32t, boolT)
	os := g.shape(1, 5, 300)
	s := g.broadcastOf(os)
	qq := g.typedQuant(typ)
	x := g.typedInput("x", typ, s, qq)
	y := g.tensor("y", typ, os, qq)
	g.note("BROADCAST_TO %v %v → %v", typ, s, os)
	g.b.Op(tflite.BuiltinOperatorBROADCAST_TO, 2, nil, []int{x, g.constInts("shape", true, os...)}, []int{y})
	g.finish(y)
	return nil
}

func genMirrorPad(g *gen) error {
	typ := g.anyType(f32, i8t, i8t, u8t, i32t)
	s := g.shape(1, 4, 150)
	mode := pick(g, tflite.MirrorPadModeREFLECT, tflite.MirrorPadModeSYMMETRIC)
	limit := 1
	if mode == tflite.MirrorPadModeSYMMETRIC {
		limit = 0
	}
	var pads []int
	os := make([]int, len(s))
	for d := range s {
		l, r := g.intn(0, s[d]-limit), g.intn(0, s[d]-limit)
		pads = append(pads, l, r)
		os[d] = s[d] + l + r
	}
	qq := g.typedQuant(typ)
	x := g.typedInput("x", typ, s, qq)
	y := g.tensor("y", typ, os, qq)
	var pt int
	if g.chance(0.3) {
		w := make([]int64, len(pads))
		for i := range pads {
			w[i] = int64(pads[i])
		}
		pt = g.b.Tensor("paddings", i64t, []int{len(s), 2}, nil, tfbuild.I64(w...))
	} else {
		w := make([]int32, len(pads))
		for i := range pads {
			w[i] = int32(pads[i])
		}
		pt = g.b.Tensor("paddings", i32t, []int{len(s), 2}, nil, tfbuild.I32(w...))
	}
	g.note("MIRROR_PAD %v %v %v paddings %v", typ, mode, s, pads)
	g.b.Op(tflite.BuiltinOperatorMIRROR_PAD, 2, opts(tflite.BuiltinOptionsMirrorPadOptions, &tflite.MirrorPadOptionsT{Mode: mode}), []int{x, pt}, []int{y})
	g.finish(y)
	return nil
}

func genSpaceBatch(g *gen, toBatch bool) error {
	typ := g.anyType(f32, i8t, i8t, u8t, i32t)
	rank := pick(g, 4, 4, 3)
	m := rank - 2
	block := make([]int, m)
	pads := make([]int, 2*m)
	n, c := g.intn(1, 2), g.intn(1, 3)
	sp := make([]int, m) // the spatial sizes of the space side
	for d := range m {
		block[d] = g.intn(1, 3)
		k := g.intn(1, 3)
		total := block[d] * k // padded (or uncropped) size
		pads[2*d] = g.intn(0, min(total-1, 2))
		pads[2*d+1] = g.intn(0, min(total-1-pads[2*d], 2))
		sp[d] = total - pads[2*d] - pads[2*d+1]
	}
	space := append(append([]int{n}, sp...), c)
	batch := []int{n * prod(block)}
	for d := range m {
		batch = append(batch, (sp[d]+pads[2*d]+pads[2*d+1])/block[d])
	}
	batch = append(batch, c)
	in, out := space, batch
	code, what := tflite.BuiltinOperatorSPACE_TO_BATCH_ND, "paddings"
	if !toBatch {
		in, out = batch, space
		code, what = tflite.BuiltinOperatorBATCH_TO_SPACE_ND, "crops"
	}
	qq := g.typedQuant(typ)
	x := g.typedInput("x", typ, in, qq)
	y := g.tensor("y", typ, out, qq)
	w := make([]int32, len(pads))
	for i := range pads {
		w[i] = int32(pads[i])
	}
	bt := g.constInts("block_shape", false, block...)
	pt := g.b.Tensor(what, i32t, []int{m, 2}, nil, tfbuild.I32(w...))
	g.note("%v %v %v block %v %s %v", code, typ, in, block, what, pads)
	g.b.Op(code, 2, nil, []int{x, bt, pt}, []int{y})
	g.finish(y)
	return nil
}

func genCumsum(g *gen) error {
	typ := g.anyType(f32, f32, i32t)
	s := g.shape(1, 4, 300)
	axis := g.intn(0, len(s)-1)
	o := &tflite.CumsumOptionsT{Exclusive: g.chance(0.5), Reverse: g.chance(0.5)}
	x := g.typedInput("x", typ, s, nil)
	y := g.tensor("y", typ, s, nil)
	a := int32(axis)
	if g.chance(0.3) {
		a -= int32(len(s))
	}
	g.note("CUMSUM %v %v axis %d exclusive %v reverse %v", typ, s, a, o.Exclusive, o.Reverse)
	g.b.Op(tflite.BuiltinOperatorCUMSUM, 1, opts(tflite.BuiltinOptionsCumsumOptions, o), []int{x, g.b.Tensor("axis", i32t, nil, nil, tfbuild.I32(a))}, []int{y})
	g.finish(y)
	return nil
}

func genTopK(g *gen) error {
	typ := g.anyType(f32, i8t, i8t, u8t, i32t)
	s := g.shape(1, 3, 200)
	k := g.intn(1, s[len(s)-1]) // k = 0: the browser TFLite traps on the empty outputs
	qq := g.typedQuant(typ)
	x := g.typedInput("x", typ, s, qq)
	os := append(append([]int{}, s[:len(s)-1]...), k)
	v := g.tensor("values", typ, os, qq)
	idx := g.tensor("indices", i32t, os, nil)
	g.note("TOPK_V2 %v %v k %d", typ, s, k)
	g.b.Op(tflite.BuiltinOperatorTOPK_V2, 1, nil, []int{x, g.b.Tensor("k", i32t, nil, nil, tfbuild.I32(int32(k)))}, []int{v, idx})
	g.finish(v, idx)
	return nil
}
