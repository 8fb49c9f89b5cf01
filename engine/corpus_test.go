package engine

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/int8scope/int8scope/internal/sharedtest"
)

// sharedDir returns ../shared/corpus, skipping the test when it is missing,
// except under CI=true, where it must be there.
func sharedDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("..", "..", "shared", "corpus")
	sharedtest.Need(t, dir, "the shared corpus (../shared/corpus)")
	return dir
}

// corpusModel loads models/name of the shared corpus (skipping, or failing
// under CI=true, without it).
func corpusModel(t testing.TB, name string) *Model {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(sharedDir(t), "models", name))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Load(data)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

type goldenIndex struct {
	Tensors []struct {
		Index int    `json:"index"`
		Name  string `json:"name"`
	} `json:"tensors"`
}

// TestGoldens runs every case of corpus/goldens and compares every tensor
// TFLite Micro's reference kernels produced, byte for byte.
func TestGoldens(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "goldens")
	models, _ := filepath.Glob(filepath.Join(dir, "*"))
	var cases, tensors int
	for _, md := range models {
		name := filepath.Base(md)
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(dir, "..", "models", name+".tflite"))
			if err != nil {
				t.Fatal(err)
			}
			m, err := Load(b)
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			cdirs, _ := filepath.Glob(filepath.Join(md, "*"))
			for _, cd := range cdirs {
				var inputs [][]byte
				for i := range m.Inputs {
					in, err := os.ReadFile(filepath.Join(cd, "inputs", fmt.Sprintf("input%d.bin", i)))
					if err != nil {
						t.Fatal(err)
					}
					inputs = append(inputs, in)
				}
				m.Reset() // each golden is the first inference of a new interpreter
				res, err := m.Run(inputs, Options{Trace: true})
				if err != nil {
					t.Fatalf("%s: run: %v", filepath.Base(cd), err)
				}
				var idx goldenIndex
				ib, err := os.ReadFile(filepath.Join(cd, "tensors", "index.json"))
				if err != nil {
					t.Fatal(err)
				}
				if err := json.Unmarshal(ib, &idx); err != nil {
					t.Fatal(err)
				}
				for _, g := range idx.Tensors {
					want, err := os.ReadFile(filepath.Join(cd, "tensors", fmt.Sprintf("tensor%d.bin", g.Index)))
					if err != nil {
						t.Fatal(err)
					}
					got := res.Tensors[g.Index]
					if !bytes.Equal(got, want) {
						t.Errorf("%s: tensor %d (%q): %s", filepath.Base(cd), g.Index, g.Name, firstDiff(m.Tensors[g.Index], got, want))
					}
					tensors++
				}
				cases++
			}
		})
	}
	t.Logf("goldens: %d cases, %d tensors compared", cases, tensors)
}

// firstDiff describes how two tensor values differ.
func firstDiff(t *Tensor, got, want []byte) string {
	if len(got) != len(want) {
		return fmt.Sprintf("got %d bytes, want %d", len(got), len(want))
	}
	g, w := Values(t.Type, got), Values(t.Type, alignedCopy(want))
	n, first := 0, -1
	for i := range g {
		if g[i] != w[i] {
			if first < 0 {
				first = i
			}
			n++
		}
	}
	return fmt.Sprintf("%d of %d elements differ; first at %d: got %v, want %v", n, len(g), first, g[first], w[first])
}

func alignedCopy(b []byte) []byte {
	a := alignedBytes(len(b))
	copy(a, b)
	return a
}

// TestSeanet runs TFLite Micro's own 16x8 integration tests and compares
// with TFLite Micro's outputs.
func TestSeanet(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "seanet")
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*.tflite"))
	sort.Strings(files)
	pass := 0
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".tflite")
		want, err := os.ReadFile(filepath.Join(dir, "..", "seanet-tflm", name+"_output.bin"))
		if err != nil {
			continue // a model without a case
		}
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			m, err := Load(b)
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			var inputs [][]byte
			for i, ti := range m.Inputs {
				csvs, _ := filepath.Glob(filepath.Join(filepath.Dir(f), fmt.Sprintf("%s_input%d_*.csv", name, i)))
				if len(csvs) != 1 {
					t.Fatalf("input %d: want one csv, found %v", i, csvs)
				}
				in, err := readCSV(csvs[0], m.Tensors[ti].Type)
				if err != nil {
					t.Fatal(err)
				}
				inputs = append(inputs, in)
			}
			res, err := m.Run(inputs, Options{})
			if err != nil {
				t.Fatalf("run: %v", err)
			}
			out := m.Outputs[0]
			if got := res.Tensors[out]; !bytes.Equal(got, want) {
				t.Fatalf("output: %s", firstDiff(m.Tensors[out], got, want))
			}
			pass++
		})
	}
	t.Logf("seanet: %d of %d cases equal TFLite Micro", pass, len(files))
}

// readCSV reads one line of comma-separated integers as raw tensor bytes.
func readCSV(path string, typ DType) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	for _, f := range strings.Split(strings.TrimSpace(string(b)), ",") {
		v, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		switch typ.Size() {
		case 1:
			out.WriteByte(byte(v))
		case 2:
			binary.Write(&out, binary.LittleEndian, int16(v))
		case 4:
			binary.Write(&out, binary.LittleEndian, int32(v))
		case 8:
			binary.Write(&out, binary.LittleEndian, v)
		}
	}
	return out.Bytes(), nil
}
