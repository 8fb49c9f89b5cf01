package export

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/int8scope/int8scope/engine"
)

// guards writes, for a dynamic model's run copy (engine.Result.Model), the
// checks that the program runs with the values its ops were prepared with:
// TFLite prepares such an op (TRANSPOSE_CONV with a computed output_shape,
// PAD with computed paddings, ...) when the model runs, and the program is
// that run's, so another value raises a ModelError asking for a re-export.
// op < 0 writes the checks of the model's inputs (at the start of
// forward()); op >= 0 those of the other tensors op read, before it.
func (b *builder) guards(m *engine.Model, op int) {
	if b.guarded == nil {
		b.guarded = map[int]bool{}
	}
	for _, r := range b.reads {
		input := slices.Contains(m.Inputs, r.Tensor)
		if b.guarded[r.Tensor] || (op < 0) != input || (op >= 0 && r.Op != op) {
			continue
		}
		b.guarded[r.Tensor] = true
		t := m.Tensors[r.Tensor]
		want := runValue(t.Type, r.Data)
		head := fmt.Sprintf("this program was exported for %s %s (tensor %d %q, read by op %d %s when the run prepared it), got ",
			r.Role, want, t.Index, t.Name, r.Op, m.Ops[r.Op].Builtin)
		msg := strings.ReplaceAll(head, "%", "%%") + "%s; re-export with these inputs (int8scope export --numpy OUT.py --inputs DIR)"
		b.body = append(b.body,
			"",
			fmt.Sprintf("    # tensor %d: the %s op %d was prepared with in the run this program was exported from", t.Index, r.Role, r.Op),
			fmt.Sprintf("    if np.ascontiguousarray(t[%d]).tobytes() != bytes.fromhex(%q):", t.Index, hex.EncodeToString(r.Data)),
			fmt.Sprintf("        raise ModelError(%s %% (np.asarray(t[%d]).ravel().tolist(),))", pyString(msg), t.Index))
	}
}

// runValue formats a run's value of type typ for a message: its integers,
// or its bytes in hex for another type.
func runValue(typ engine.DType, b []byte) string {
	var v []string
	switch typ {
	case engine.Int32:
		for i := 0; i+4 <= len(b); i += 4 {
			v = append(v, fmt.Sprint(int32(binary.LittleEndian.Uint32(b[i:]))))
		}
	case engine.Int64:
		for i := 0; i+8 <= len(b); i += 8 {
			v = append(v, fmt.Sprint(int64(binary.LittleEndian.Uint64(b[i:]))))
		}
	default:
		return "bytes " + hex.EncodeToString(b)
	}
	return "[" + strings.Join(v, ", ") + "]"
}
