package engine

import (
	"bytes"
	"strings"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// tt describes one tensor of a single-op test model: const data (data set),
// a fed input (feed set), a variable (variable, with optional initial data),
// or an absent optional input (absent).
type tt struct {
	typ      tflite.TensorType
	shape    []int
	q        *tfbuild.Quant
	data     []byte
	feed     []byte
	variable bool
	absent   bool
}

// oneOp builds a model with one op whose inputs are ins and whose output is
// out.
func oneOp(code tflite.BuiltinOperator, opts *tflite.BuiltinOptionsT, ins []tt, out tt) []byte {
	b := tfbuild.New()
	var inIdx, feeds []int
	for i, x := range ins {
		if x.absent {
			inIdx = append(inIdx, -1)
			continue
		}
		ti := b.Tensor("in"+string(rune('0'+i)), x.typ, x.shape, x.q, x.data)
		if x.variable {
			b.M.Subgraphs[0].Tensors[ti].IsVariable = true
		}
		if x.data == nil && !x.variable {
			feeds = append(feeds, ti)
		}
		inIdx = append(inIdx, ti)
	}
	o := b.Tensor("out", out.typ, out.shape, out.q, nil)
	b.Op(code, 1, opts, inIdx, []int{o})
	b.Inputs(feeds...)
	b.Outputs(o)
	return b.Bytes()
}

// runOneOp loads and runs a one-op model and returns its output bytes.
func runOneOp(code tflite.BuiltinOperator, opts *tflite.BuiltinOptionsT, ins []tt, out tt) ([]byte, *Result, error) {
	m, err := Load(oneOp(code, opts, ins, out))
	if err != nil {
		return nil, nil, err
	}
	var feeds [][]byte
	for _, x := range ins {
		if x.data == nil && !x.variable && !x.absent {
			feeds = append(feeds, x.feed)
		}
	}
	res, err := m.Run(feeds, Options{Trace: true, state: storedState(m)})
	if err != nil {
		return nil, nil, err
	}
	return res.Tensors[m.Outputs[0]], res, nil
}

// storedState returns the buffers stored in the file for m's variable
// tensors, which tests use as the initial state (TFLite ignores them).
func storedState(m *Model) map[int][]byte {
	st := map[int][]byte{}
	for _, t := range m.Tensors {
		if t.Variable && t.Data != nil {
			st[t.Index] = t.Data
		}
	}
	return st
}

// opCase is a table entry for a single-op test: want is the output bytes,
// or, if wantErr is set, a substring of the load error.
type opCase struct {
	name    string
	opts    *tflite.BuiltinOptionsT
	ins     []tt
	out     tt
	want    []byte
	wantErr string
}

func runOpCases(t *testing.T, code tflite.BuiltinOperator, cases []opCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, _, err := runOneOp(code, tc.opts, tc.ins, tc.out)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// seq returns int8 values from, from+1, ….
func seq8(n int, from int8) []byte {
	v := make([]int8, n)
	for i := range v {
		v[i] = from + int8(i)
	}
	return tfbuild.I8(v...)
}

// constI32 is a constant int32 tensor.
func constI32(shape []int, v ...int32) tt {
	return tt{typ: tflite.TensorTypeINT32, shape: shape, data: tfbuild.I32(v...)}
}
