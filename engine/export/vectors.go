package export

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"

	"github.com/int8scope/int8scope/engine"
)

// File is one file of an export, by its path relative to the export's
// directory.
type File struct {
	Name string
	Data []byte
}

// VectorOp is one op's entry in the vectors' index.json.
type VectorOp struct {
	Op      int               `json:"op"`
	Builtin string            `json:"builtin"`
	Dir     string            `json:"dir"`
	Files   map[string]string `json:"files"` // file name → what it holds
}

// Vectors writes per-layer test vectors of a run made with Trace on: for
// each op, a directory op<N>_<BUILTIN>/ with its inputs (input<i>.npy,
// constants included), outputs (output<i>.npy), its accumulators if it has
// them (acc.npy: int32, or int64 for 16x8 ops, shaped like the output),
// and params.json, the profile's prepared parameters exactly as
// `int8scope inspect --json` shows them under "profiles"; plus index.json.
func Vectors(res *engine.Result) ([]File, error) {
	if res.Trace == nil {
		return nil, fmt.Errorf("export: the run has no trace (run with Options.Trace)")
	}
	m := res.Model
	var files []File
	var index []VectorOp
	tensorNPY := func(ti int) ([]byte, error) {
		t := m.Tensors[ti]
		if res.Tensors[ti] == nil {
			return nil, fmt.Errorf("export: tensor %d (%q) has no value after the run", ti, t.Name)
		}
		return NPY(t.Type, t.Shape, res.Tensors[ti])
	}
	for _, op := range m.Ops {
		dir := fmt.Sprintf("op%03d_%s", op.Index, safeName(op.Builtin))
		e := VectorOp{Op: op.Index, Builtin: op.Builtin, Dir: dir, Files: map[string]string{}}
		add := func(name, what string, b []byte) {
			files = append(files, File{dir + "/" + name, b})
			e.Files[name] = what
		}
		for role, list := range map[string][]int{"input": op.Inputs, "output": op.Outputs} {
			for i, ti := range list {
				if ti < 0 {
					continue
				}
				b, err := tensorNPY(ti)
				if err != nil {
					return nil, err
				}
				t := m.Tensors[ti]
				add(fmt.Sprintf("%s%d.npy", role, i), fmt.Sprintf("tensor %d %q, %v %v", ti, t.Name, t.Type, t.Shape), b)
			}
		}
		var acc []int64
		if op.Index < len(res.Trace.Ops) {
			// Recorded by the run, or computed now (a run with
			// engine.Options.LazyAccumulators, as the page's).
			var err error
			if acc, err = res.Accumulators(op.Index); err != nil {
				return nil, err
			}
		}
		if acc != nil {
			out := m.Tensors[op.Outputs[0]]
			typ, raw := engine.Int32, []byte(nil)
			if wideAcc(m, op) {
				typ = engine.Int64
				raw, _ = binary.Append(nil, binary.LittleEndian, acc)
			} else {
				for _, a := range acc {
					raw = binary.LittleEndian.AppendUint32(raw, uint32(int32(a)))
				}
			}
			shape := out.Shape
			if out.NumElements() != len(acc) {
				shape = []int{len(acc)}
			}
			b, err := NPY(typ, shape, raw)
			if err != nil {
				return nil, fmt.Errorf("export: op %d accumulators: %w", op.Index, err)
			}
			add("acc.npy", fmt.Sprintf("the %v accumulators after the bias, before requantization, in output order", typ), b)
		}
		if op.Index < len(res.Trace.Ops) && res.Trace.Ops[op.Index].Hybrid != nil {
			h := res.Trace.Ops[op.Index].Hybrid
			hj, err := json.MarshalIndent(h, "", " ")
			if err != nil {
				return nil, err
			}
			add("hybrid.json", "how the float input was quantized on the fly: per row its scale, zero point and int8 values", append(hj, '\n'))
		}
		prep, err := m.Prepared(res.Profile, op.Index)
		if err != nil {
			return nil, fmt.Errorf("export: %w", err)
		}
		pj, err := json.MarshalIndent(prep, "", " ")
		if err != nil {
			return nil, fmt.Errorf("export: op %d (%s): its params cannot be written as JSON: %w", op.Index, op.Builtin, err)
		}
		add("params.json", "the prepared parameters of the profile (as inspect --json's \"profiles\")", append(pj, '\n'))
		index = append(index, e)
	}
	ij, err := json.MarshalIndent(map[string]any{"profile": res.Profile, "inputs": m.Inputs, "outputs": m.Outputs, "ops": index}, "", " ")
	if err != nil {
		return nil, err
	}
	return append(files, File{"index.json", append(ij, '\n')}), nil
}

// wideAcc reports whether op's accumulators are int64 (16x8 ops: an int16
// input) rather than int32.
func wideAcc(m *engine.Model, op *engine.Op) bool {
	for _, t := range op.Inputs {
		if t >= 0 && m.Tensors[t].Type == engine.Int16 {
			return true
		}
	}
	return false
}

// safeName keeps letters, digits and _ of a builtin name (custom ops have
// "CUSTOM:name").
func safeName(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			b[i] = '_'
		}
	}
	return string(b)
}

// Files is the program as files: BASE.py and BASE.npz.
func (p *Program) Files(base string) ([]File, error) {
	var z bytes.Buffer
	if err := WriteNPZ(&z, p.Arrays); err != nil {
		return nil, err
	}
	return []File{{base + ".py", p.Source}, {base + ".npz", z.Bytes()}}, nil
}

// Zip packs files into an uncompressed zip archive (for downloads).
func Zip(files []File) ([]byte, error) {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for _, f := range files {
		w, err := z.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Store})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(f.Data); err != nil {
			return nil, err
		}
	}
	if err := z.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
