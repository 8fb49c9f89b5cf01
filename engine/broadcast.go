package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/fixedpoint"
	"github.com/int8scope/int8scope/engine/tflite"
)

// Shared by the elementwise binary ops (ADD, SUB, MUL): broadcasting, the
// typed elementwise loops, and the explanation of one requantization.

// maxBroadcastRank is the rank up to which TFLite's BroadcastAdd6DSlow,
// BroadcastSubSlow and friends broadcast.
const maxBroadcastRank = 6

// broadcast maps each output element of a binary op to the two input
// elements it reads, as TFLite's NdArrayDescsForElementwiseBroadcast does:
// the shapes are aligned at their last dimension, missing leading
// dimensions count as 1, and a dimension of size 1 repeats.
type broadcast struct {
	out    []int // output shape
	s1, s2 []int // per output dimension, each input's stride (0 where it repeats)
	same   bool  // both inputs have the output's shape: element i reads i and i
}

// newBroadcast broadcasts shapes a and b, or says why they do not broadcast.
func newBroadcast(a, b []int) (*broadcast, error) {
	if equalInts(a, b) {
		return &broadcast{out: append([]int{}, a...), same: true}, nil
	}
	n := max(len(a), len(b))
	if n > maxBroadcastRank {
		return nil, fmt.Errorf("shapes %v and %v need broadcasting, which TFLite does up to rank %d", a, b, maxBroadcastRank)
	}
	bc := &broadcast{out: make([]int, n), s1: make([]int, n), s2: make([]int, n)}
	dim := func(s []int, d int) int { // dimension d of s aligned right, 1 if missing
		if i := d - (n - len(s)); i >= 0 {
			return s[i]
		}
		return 1
	}
	for d := 0; d < n; d++ {
		da, db := dim(a, d), dim(b, d)
		switch {
		case da == db || db == 1:
			bc.out[d] = da
		case da == 1:
			bc.out[d] = db
		default:
			return nil, fmt.Errorf("shapes %v and %v do not broadcast (dimension %d: %d vs %d)", a, b, d, da, db)
		}
	}
	st1, st2 := 1, 1
	for d := n - 1; d >= 0; d-- {
		if da := dim(a, d); da != 1 || bc.out[d] == 1 {
			bc.s1[d] = st1
			st1 *= da
		}
		if db := dim(b, d); db != 1 || bc.out[d] == 1 {
			bc.s2[d] = st2
			st2 *= db
		}
	}
	return bc, nil
}

// index returns the flat indices into the two inputs that output element o reads.
func (bc *broadcast) index(o int) (i1, i2 int) {
	if bc.same {
		return o, o
	}
	for d := len(bc.out) - 1; d >= 0; d-- {
		c := o % bc.out[d]
		o /= bc.out[d]
		i1 += c * bc.s1[d]
		i2 += c * bc.s2[d]
	}
	return i1, i2
}

// each calls f for every output element o in order, with the input indices it reads.
func (bc *broadcast) each(f func(o, i1, i2 int)) {
	n := numElements(bc.out)
	if bc.same {
		for i := 0; i < n; i++ {
			f(i, i, i)
		}
		return
	}
	pos := make([]int, len(bc.out))
	i1, i2 := 0, 0
	for o := 0; o < n; o++ {
		f(o, i1, i2)
		for d := len(bc.out) - 1; d >= 0; d-- {
			pos[d]++
			i1 += bc.s1[d]
			i2 += bc.s2[d]
			if pos[d] < bc.out[d] {
				break
			}
			pos[d] = 0
			i1 -= bc.s1[d] * bc.out[d]
			i2 -= bc.s2[d] * bc.out[d]
		}
	}
}

// runs calls f for each run [o, o+n) of consecutive output elements along
// which each input either advances one element at a time (step1, step2) or
// repeats one element, in output order, with i1 and i2 the inputs' first
// elements: one run for equal shapes or a scalar input, runs of the
// innermost dimension (merged with the outer ones while both inputs stay
// contiguous or repeated) for the other broadcasts. It visits the same
// (o, i1, i2) as each.
func (bc *broadcast) runs(f func(o, i1, i2, n int, step1, step2 bool)) {
	total := numElements(bc.out)
	if total == 0 {
		return
	}
	if bc.same {
		f(0, 0, 0, total, true, true)
		return
	}
	// The dimensions of size > 1 (the others do not move the indices).
	var size, s1, s2 [maxBroadcastRank]int
	k := 0
	for d, n := range bc.out {
		if n > 1 {
			size[k], s1[k], s2[k] = n, bc.s1[d], bc.s2[d]
			k++
		}
	}
	if k == 0 {
		f(0, 0, 0, 1, true, true)
		return
	}
	// The innermost dimension, an input's stride there is 1 or 0; merge
	// the outer ones into the run while they continue it.
	k--
	n, step1, step2 := size[k], s1[k] != 0, s2[k] != 0
	for k--; k >= 0; k-- {
		if (step1 && s1[k] != n || !step1 && s1[k] != 0) || (step2 && s2[k] != n || !step2 && s2[k] != 0) {
			break
		}
		n *= size[k]
	}
	outer := k + 1
	var pos [maxBroadcastRank]int
	i1, i2 := 0, 0
	for o := 0; o < total; o += n {
		f(o, i1, i2, n, step1, step2)
		for d := outer - 1; d >= 0; d-- {
			pos[d]++
			i1 += s1[d]
			i2 += s2[d]
			if pos[d] < size[d] {
				break
			}
			pos[d] = 0
			i1 -= s1[d] * size[d]
			i2 -= s2[d] * size[d]
		}
	}
}

// vecChunk is the most elements binaryVec passes at once when an input
// repeats (it fills a buffer with copies of the repeated element).
const vecChunk = 256

// binaryVec computes a binary op with row, the op's loop over slices of
// equal length (out[i] from a[i] and b[i]): once over the whole tensors for
// equal shapes, else once per run (see runs), an input that repeats along a
// run given as copies of its element, at most vecChunk at a time. The ops
// put their arithmetic in row's loop, where it inlines, instead of a
// function called per element.
func binaryVec[T, U any](bc *broadcast, a, b []T, out []U, row func(out []U, a, b []T)) {
	if bc.same {
		n := len(out)
		row(out, a[:n], b[:n])
		return
	}
	var rep1, rep2 [vecChunk]T
	bc.runs(func(o, i1, i2, n int, step1, step2 bool) {
		if step1 && step2 {
			row(out[o:o+n], a[i1:i1+n], b[i2:i2+n])
			return
		}
		if !step1 {
			fill(rep1[:min(n, vecChunk)], a[i1])
		}
		if !step2 {
			fill(rep2[:min(n, vecChunk)], b[i2])
		}
		for k := 0; k < n; k += vecChunk {
			c := min(vecChunk, n-k)
			x, y := rep1[:c], rep2[:c]
			if step1 {
				x = a[i1+k : i1+k+c]
			}
			if step2 {
				y = b[i2+k : i2+k+c]
			}
			row(out[o+k:o+k+c], x, y)
		}
	})
}

func fill[T any](s []T, v T) {
	for i := range s {
		s[i] = v
	}
}

// integer is the element types the quantized elementwise kernels read and write.
type integer interface {
	~int8 | ~uint8 | ~int16 | ~int32
}

// binaryInts applies f, computed in int32 like TFLite's kernels, to every
// output element of a same-typed integer binary op. f's result must already
// be clamped to the type's range (or wrap, as int32 arithmetic does).
func (bc *broadcast) binaryInts(r *run, typ DType, in1, in2, out int, f func(x, y int32) int32) {
	switch typ {
	case Int8:
		binaryInts(bc, r.i8(in1), r.i8(in2), r.i8(out), f)
	case Uint8:
		binaryInts(bc, r.u8(in1), r.u8(in2), r.u8(out), f)
	case Int16:
		binaryInts(bc, r.i16(in1), r.i16(in2), r.i16(out), f)
	case Int32:
		binaryInts(bc, r.i32(in1), r.i32(in2), r.i32(out), f)
	}
}

func binaryInts[T integer](bc *broadcast, a, b, out []T, f func(x, y int32) int32) {
	binaryVec(bc, a, b, out, func(out, a, b []T) {
		a, b = a[:len(out)], b[:len(out)]
		for i := range out {
			out[i] = T(f(int32(a[i]), int32(b[i])))
		}
	})
}

// binaryFloats applies f to every output element of a float32 binary op.
func (bc *broadcast) binaryFloats(r *run, in1, in2, out int, f func(x, y float32) float32) {
	binaryVec(bc, r.f32(in1), r.f32(in2), r.f32(out), func(out, a, b []float32) {
		a, b = a[:len(out)], b[:len(out)]
		for i := range out {
			out[i] = f(a[i], b[i])
		}
	})
}

// Binary is what the two-input elementwise ops (ADD, SUB, MUL) prepare
// alike: the inputs broadcast to the output, their offsets, and the clamp of
// the fused activation.
type Binary struct {
	Input1Offset int32 `json:"input1_offset"` // −input1 zero point
	Input2Offset int32 `json:"input2_offset"` // −input2 zero point
	OutputOffset int32 `json:"output_offset"` // output zero point
	ActMin       int32 `json:"act_min"`
	ActMax       int32 `json:"act_max"`
	// Float models: the clamp of the fused activation.
	FloatMin float32 `json:"float_min,omitempty"`
	FloatMax float32 `json:"float_max,omitempty"`
	// Broadcast is set when the input shapes differ.
	Broadcast bool `json:"broadcast,omitempty"`

	in1, in2, out int
	typ           DType
	bc            *broadcast
}

// binary prepares a two-input elementwise op with fused activation a: both
// inputs and the output of one type, float32, int32, or int8, uint8 or int16
// with all three tensors quantized. It returns the tensors and the
// activation for the op's own checks.
func (c *prepCtx) binary(a tflite.ActivationFunctionType) (b Binary, in1, in2, out *Tensor, act fixedpoint.Activation, err error) {
	if err = c.io(2, 2, 1); err != nil {
		return
	}
	in1, in2, out = c.in(0), c.in(1), c.out(0)
	if act, err = c.activation(a); err != nil {
		return
	}
	bc, berr := newBroadcast(in1.Shape, in2.Shape)
	if berr != nil {
		err = c.errorf("%v", berr)
		return
	}
	if err = c.sameShape(out, bc.out); err != nil {
		return
	}
	if in1.Type != out.Type || in2.Type != out.Type {
		err = c.unsupportedTypes()
		return
	}
	b = Binary{in1: in1.Index, in2: in2.Index, out: out.Index, typ: out.Type, bc: bc, Broadcast: !bc.same}
	switch out.Type {
	case Float32:
		b.FloatMin, b.FloatMax = floatActivation(act)
	case Int32:
		b.ActMin, b.ActMax = int32ActivationRange(act)
	case Int8, Uint8, Int16:
		for _, t := range []*Tensor{in1, in2, out} {
			if err = c.needQuant("input/output", t); err != nil {
				return
			}
		}
		b.Input1Offset, b.Input2Offset, b.OutputOffset = -in1.ZeroPoint(), -in2.ZeroPoint(), out.ZeroPoint()
		if b.ActMin, b.ActMax, err = quantizedActivation(act, out); err != nil {
			err = c.errorf("%v", err)
		}
	default:
		err = c.unsupportedTypes()
	}
	return
}
