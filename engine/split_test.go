package engine

import (
	"bytes"
	"strings"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// runMultiOp loads and runs a model with one op of several outputs and
// returns the outputs' bytes.
func runMultiOp(code tflite.BuiltinOperator, opts *tflite.BuiltinOptionsT, ins []tt, outs []tt) ([][]byte, *Result, error) {
	b := tfbuild.New()
	var inIdx, feeds []int
	var data [][]byte
	for i, x := range ins {
		ti := b.Tensor("in"+string(rune('0'+i)), x.typ, x.shape, x.q, x.data)
		if x.data == nil {
			feeds = append(feeds, ti)
			data = append(data, x.feed)
		}
		inIdx = append(inIdx, ti)
	}
	var outIdx []int
	for i, o := range outs {
		outIdx = append(outIdx, b.Tensor("out"+string(rune('0'+i)), o.typ, o.shape, o.q, nil))
	}
	b.Op(code, 1, opts, inIdx, outIdx)
	b.Inputs(feeds...)
	b.Outputs(outIdx...)
	m, err := Load(b.Bytes())
	if err != nil {
		return nil, nil, err
	}
	res, err := m.Run(data, Options{Trace: true})
	if err != nil {
		return nil, nil, err
	}
	var got [][]byte
	for _, o := range m.Outputs {
		got = append(got, res.Tensors[o])
	}
	return got, res, nil
}

// multiCase is a table entry for an op with several outputs.
type multiCase struct {
	name    string
	opts    *tflite.BuiltinOptionsT
	ins     []tt
	outs    []tt
	want    [][]byte
	wantErr string
}

func runMultiCases(t *testing.T, code tflite.BuiltinOperator, cases []multiCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, _, err := runMultiOp(code, tc.opts, tc.ins, tc.outs)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for k := range tc.want {
				if !bytes.Equal(got[k], tc.want[k]) {
					t.Errorf("output %d = %v, want %v", k, got[k], tc.want[k])
				}
			}
		})
	}
}

func splitOpts(n int) *tflite.BuiltinOptionsT {
	return &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsSplitOptions, Value: &tflite.SplitOptionsT{NumSplits: int32(n)}}
}

func TestSplit(t *testing.T) {
	i8 := tflite.TensorTypeINT8
	// x[2][4] = 1..8
	x := tt{typ: i8, shape: []int{2, 4}, feed: tfbuild.I8(1, 2, 3, 4, 5, 6, 7, 8)}
	o22 := tt{typ: i8, shape: []int{2, 2}}
	runMultiCases(t, tflite.BuiltinOperatorSPLIT, []multiCase{
		{name: "axis 1", opts: splitOpts(2), ins: []tt{constI32(nil, 1), x}, outs: []tt{o22, o22},
			want: [][]byte{tfbuild.I8(1, 2, 5, 6), tfbuild.I8(3, 4, 7, 8)}},
		{name: "axis -1", opts: splitOpts(2), ins: []tt{constI32(nil, -1), x}, outs: []tt{o22, o22},
			want: [][]byte{tfbuild.I8(1, 2, 5, 6), tfbuild.I8(3, 4, 7, 8)}},
		{name: "axis 0", opts: splitOpts(2), ins: []tt{constI32([]int{1}, 0), x}, outs: []tt{{typ: i8, shape: []int{1, 4}}, {typ: i8, shape: []int{1, 4}}},
			want: [][]byte{tfbuild.I8(1, 2, 3, 4), tfbuild.I8(5, 6, 7, 8)}},
		{name: "float four ways", opts: splitOpts(4), ins: []tt{constI32(nil, 1), {typ: tflite.TensorTypeFLOAT32, shape: []int{1, 4}, feed: tfbuild.F32(1, 2, 3, 4)}},
			outs: []tt{{typ: tflite.TensorTypeFLOAT32, shape: []int{1, 1}}, {typ: tflite.TensorTypeFLOAT32, shape: []int{1, 1}}, {typ: tflite.TensorTypeFLOAT32, shape: []int{1, 1}}, {typ: tflite.TensorTypeFLOAT32, shape: []int{1, 1}}},
			want: [][]byte{tfbuild.F32(1), tfbuild.F32(2), tfbuild.F32(3), tfbuild.F32(4)}},
		{name: "uneven", opts: splitOpts(3), ins: []tt{constI32(nil, 1), x}, outs: []tt{o22, o22, o22}, wantErr: "3 equal parts"},
		{name: "outputs", opts: splitOpts(2), ins: []tt{constI32(nil, 1), x}, outs: []tt{o22}, wantErr: "want 2"},
		{name: "axis range", opts: splitOpts(2), ins: []tt{constI32(nil, 2), x}, outs: []tt{o22, o22}, wantErr: "out of range"},
		{name: "shape", opts: splitOpts(2), ins: []tt{constI32(nil, 1), x}, outs: []tt{o22, {typ: i8, shape: []int{2, 1}}}, wantErr: "computes [2 2]"},
		{name: "int64", opts: splitOpts(1), ins: []tt{constI32(nil, 0), {typ: tflite.TensorTypeINT64, shape: []int{1}, feed: tfbuild.I64(1)}}, outs: []tt{{typ: tflite.TensorTypeINT64, shape: []int{1}}}, wantErr: "not supported"},
	})
}

func TestSplitExplain(t *testing.T) {
	x := tt{typ: tflite.TensorTypeINT16, shape: []int{2, 4}, feed: tfbuild.I16(1, 2, 3, 4, 5, 6, 7, 8)}
	o := tt{typ: tflite.TensorTypeINT16, shape: []int{2, 2}}
	_, res, err := runMultiOp(tflite.BuiltinOperatorSPLIT, splitOpts(2), []tt{constI32(nil, 1), x}, []tt{o, o})
	if err != nil {
		t.Fatal(err)
	}
	e, err := res.Explain(0, 3) // output 0 [1][1] = x[1][1] = 6
	if err != nil {
		t.Fatal(err)
	}
	if e.Value != 6 || !strings.Contains(e.Steps[1].Formula, "[1 1]") {
		t.Fatalf("explanation %+v", e)
	}
}
