package export

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/int8scope/int8scope/engine/fixedpoint"
	"github.com/int8scope/int8scope/internal/pynumpy"
)

// TestFixedPoint16Helpers checks the Python int16 functions against the
// engine's fixedpoint package on every int16 input: py/fixedpoint16.py's
// gemmlowp logistic and tanh (TFLite's builtin LSTM), and py/activation.py's
// int16 LOGISTIC and TANH table interpolation with the parameters TFLite
// Micro's LSTM uses.
func TestFixedPoint16Helpers(t *testing.T) {
	type fn struct {
		py  string
		go_ func(x int16) int16
	}
	var fns []fn
	for _, ib := range []int{0, 2, 3, 4, 5, 7} {
		fns = append(fns,
			fn{fmt.Sprintf("logistic16(x, %d)", ib), func(x int16) int16 { return fixedpoint.Logistic16(x, ib) }},
			fn{fmt.Sprintf("tanh16(x, %d)", ib), func(x int16) int16 { return fixedpoint.Tanh16(x, ib) }})
	}
	for _, ms := range [][2]int{{3, 0}, {0, 3}, {3 << 4, 0}, {3 << 28, 0}, {3, 9}} {
		m, s := int32(ms[0]), ms[1]
		fns = append(fns,
			fn{fmt.Sprintf("sigmoid_int16(x, False, %d, %d, table)", m, s), func(x int16) int16 { return fixedpoint.LogisticInt16(x, m, s) }},
			fn{fmt.Sprintf("sigmoid_int16(x, True, %d, %d, table)", m, s), func(x int16) int16 { return fixedpoint.TanhInt16(x, m, s) }})
	}
	dir := t.TempDir()
	var prog strings.Builder
	for _, n := range []string{"prelude", "fixedpoint", "fixedpoint16", "activation"} {
		prog.WriteString(snippet(n) + "\n")
	}
	tab := fixedpoint.SigmoidTableUint16()
	fmt.Fprintf(&prog, "import sys\nx = np.arange(-32768, 32768, dtype=np.int64)\ntable = np.array(%s)\n", strings.Join(strings.Fields(fmt.Sprint(tab[:])), ", "))
	for i, f := range fns {
		fmt.Fprintf(&prog, "np.asarray(%s, dtype=np.int16).tofile(sys.argv[1] + '/%d.bin')\n", f.py, i)
	}
	script := filepath.Join(dir, "check.py")
	if err := os.WriteFile(script, []byte(prog.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(pynumpy.Find(t), script, dir).CombinedOutput(); err != nil {
		t.Fatalf("python: %v\n%s", err, out)
	}
	for i, f := range fns {
		b, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("%d.bin", i)))
		if err != nil {
			t.Fatal(err)
		}
		got := make([]int16, 65536)
		if err := binary.Read(bytes.NewReader(b), binary.LittleEndian, got); err != nil {
			t.Fatalf("%s: %v", f.py, err)
		}
		bad := 0
		for k, g := range got {
			x := int16(k - 32768)
			if w := f.go_(x); g != w {
				if bad++; bad <= 3 {
					t.Errorf("%s at x = %d: Python %d, engine %d", f.py, x, g, w)
				}
			}
		}
	}
	t.Logf("%d functions × 65536 inputs equal", len(fns))
}
