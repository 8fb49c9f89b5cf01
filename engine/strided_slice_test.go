package engine

import (
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

type ssOpts struct {
	begin, end, ellipsis, newAxis, shrink int32
	offset                                bool
}

func (o ssOpts) opts() *tflite.BuiltinOptionsT {
	return &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsStridedSliceOptions, Value: &tflite.StridedSliceOptionsT{
		BeginMask: o.begin, EndMask: o.end, EllipsisMask: o.ellipsis, NewAxisMask: o.newAxis, ShrinkAxisMask: o.shrink, Offset: o.offset}}
}

// ssCase builds a STRIDED_SLICE case on x with begin/end/strides.
func ssCase(name string, o ssOpts, x tt, begin, end, strides []int32, outShape []int, want []byte, wantErr string) opCase {
	n := []int{len(begin)}
	return opCase{name: name, opts: o.opts(), ins: []tt{x, constI32(n, begin...), constI32(n, end...), constI32([]int{len(strides)}, strides...)},
		out: tt{typ: x.typ, shape: outShape}, want: want, wantErr: wantErr}
}

func TestStridedSlice(t *testing.T) {
	i8 := tflite.TensorTypeINT8
	v := func(n ...int8) []byte { return tfbuild.I8(n...) }
	x10 := tt{typ: i8, shape: []int{10}, feed: seq8(10, 0)}
	x34 := tt{typ: i8, shape: []int{3, 4}, feed: seq8(12, 0)}
	x322 := tt{typ: i8, shape: []int{2, 3, 2}, feed: seq8(12, 0)}
	s := func(n ...int32) []int32 { return n }
	runOpCases(t, tflite.BuiltinOperatorSTRIDED_SLICE, []opCase{
		ssCase("stride 3", ssOpts{}, x10, s(1), s(8), s(3), []int{3}, v(1, 4, 7), ""),
		ssCase("negative stride, masks", ssOpts{begin: 1, end: 1}, x10, s(0), s(0), s(-2), []int{5}, v(9, 7, 5, 3, 1), ""),
		ssCase("negative indices", ssOpts{}, x10, s(-3), s(-1), s(1), []int{2}, v(7, 8), ""),
		ssCase("clamped forward", ssOpts{}, x10, s(-100), s(100), s(1), []int{10}, seq8(10, 0), ""),
		ssCase("clamped backward", ssOpts{}, x10, s(100), s(-100), s(-1), []int{10}, v(9, 8, 7, 6, 5, 4, 3, 2, 1, 0), ""),
		ssCase("empty", ssOpts{}, x10, s(5), s(2), s(1), []int{0}, []byte{}, ""),
		ssCase("2-D strides", ssOpts{}, x34, s(0, 1), s(3, 4), s(2, 2), []int{2, 2}, v(1, 3, 9, 11), ""),
		ssCase("shrink row", ssOpts{shrink: 1}, x34, s(1, 0), s(2, 4), s(1, 1), []int{4}, v(4, 5, 6, 7), ""),
		ssCase("shrink negative", ssOpts{shrink: 1}, x34, s(-1, 0), s(0, 4), s(1, 1), []int{4}, v(8, 9, 10, 11), ""),
		ssCase("shrink both", ssOpts{shrink: 3}, x34, s(2, 1), s(3, 2), s(1, 1), []int{}, v(9), ""),
		ssCase("fewer indices than dims", ssOpts{}, x34, s(2), s(3), s(1), []int{1, 4}, v(8, 9, 10, 11), ""),
		// [..., 1:2] on [2,3,2]
		ssCase("ellipsis", ssOpts{ellipsis: 1}, x322, s(0, 1), s(0, 2), s(1, 1), []int{2, 3, 1}, v(1, 3, 5, 7, 9, 11), ""),
		// [0:1, ..., 1] (shrink the last)
		ssCase("ellipsis in the middle", ssOpts{ellipsis: 2, shrink: 4}, x322, s(1, 0, 1), s(2, 0, 2), s(1, 1, 1), []int{1, 3}, v(7, 9, 11), ""),
		// [newaxis, 0:2] on [3]
		ssCase("new axis", ssOpts{newAxis: 1}, tt{typ: i8, shape: []int{3}, feed: v(5, 6, 7)}, s(0, 0), s(0, 2), s(1, 1), []int{1, 2}, v(5, 6), ""),
		ssCase("offset", ssOpts{offset: true}, tt{typ: i8, shape: []int{5}, feed: seq8(5, 0)}, s(1), s(2), s(1), []int{2}, v(1, 2), ""),
		// seanet's shape: begin_mask 13, end_mask 15 keeps dims 0, 2, 3 whole.
		ssCase("seanet masks", ssOpts{begin: 13, end: 15}, tt{typ: i8, shape: []int{1, 3, 2, 1}, feed: seq8(6, 0)},
			s(0, 1, 0, 0), s(0, 0, 0, 0), s(1, 1, 1, 1), []int{1, 2, 2, 1}, v(2, 3, 4, 5), ""),
		ssCase("stride 0", ssOpts{}, x10, s(0), s(5), s(0), []int{5}, nil, "stride of dimension 0 is 0"),
		ssCase("shrink out of range", ssOpts{shrink: 1}, x10, s(10), s(11), s(1), []int{}, nil, "shrunk"),
		ssCase("shrink backwards", ssOpts{shrink: 1}, x10, s(3), s(4), s(-1), []int{}, nil, "shrunk"),
		ssCase("offset past the end", ssOpts{offset: true}, tt{typ: i8, shape: []int{5}, feed: seq8(5, 0)}, s(3), s(4), s(1), []int{4}, nil, "runs past"),
		ssCase("output shape", ssOpts{}, x10, s(1), s(8), s(3), []int{4}, nil, "computes [3]"),
		ssCase("too many indices", ssOpts{}, x10, s(0, 0), s(1, 1), s(1, 1), []int{1}, nil, "begin has 2 values"),
		ssCase("two ellipses", ssOpts{ellipsis: 3}, x34, s(0, 0), s(1, 1), s(1, 1), []int{3, 4}, nil, "more than one bit"),
		{name: "count mismatch", opts: ssOpts{}.opts(), ins: []tt{x10, constI32([]int{1}, 0), constI32([]int{1}, 1), constI32([]int{2}, 1, 1)},
			out: tt{typ: i8, shape: []int{1}}, wantErr: "same count"},
		// begin fed at run time: [3:5] of 0..9, output stored as [1].
		{name: "begin not constant", opts: ssOpts{}.opts(), ins: []tt{x10, {typ: tflite.TensorTypeINT32, shape: []int{1}, feed: tfbuild.I32(3)}, constI32([]int{1}, 5), constI32([]int{1}, 1)},
			out: tt{typ: i8, shape: []int{1}}, want: v(3, 4)},
		{name: "rank 6", opts: ssOpts{}.opts(), ins: []tt{{typ: i8, shape: []int{1, 1, 1, 1, 1, 1}, feed: v(1)},
			constI32([]int{1}, 0), constI32([]int{1}, 1), constI32([]int{1}, 1)}, out: tt{typ: i8, shape: []int{1, 1, 1, 1, 1, 1}}, wantErr: "up to 5"},
	})
}

func TestStridedSliceFloatAndInt16(t *testing.T) {
	runOpCases(t, tflite.BuiltinOperatorSTRIDED_SLICE, []opCase{
		ssCase("float", ssOpts{}, tt{typ: tflite.TensorTypeFLOAT32, shape: []int{4}, feed: tfbuild.F32(0.5, 1.5, 2.5, 3.5)},
			[]int32{3}, []int32{0}, []int32{-2}, []int{2}, tfbuild.F32(3.5, 1.5), ""),
		ssCase("int16 inner stride 2", ssOpts{}, tt{typ: tflite.TensorTypeINT16, shape: []int{2, 4}, feed: tfbuild.I16(0, 1000, 2000, 3000, -1, -2, -3, -4)},
			[]int32{0, 1}, []int32{2, 4}, []int32{1, 2}, []int{2, 2}, tfbuild.I16(1000, 3000, -2, -4), ""),
	})
}
