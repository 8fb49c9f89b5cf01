package difftest

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/internal/oracle"
)

// TestWildFloatXNNPack compares the float32 models of ../shared/corpus/wild
// with the browser TFLite on every tensor the ops write, delegation
// included, and explains every op in every profile: deeplabv3 (XNNPACK's
// float convolutions, depthwise convolutions, pooling, bilinear resizing)
// on three seeded inputs, and the transformer block with two signatures,
// each signature on three sets of valid inputs (token ids inside the
// embedding table: others make GATHER_ND fail in TFLite too).
func TestWildFloatXNNPack(t *testing.T) {
	o := startOracle(t)
	t.Run("deeplabv3.tflite", func(t *testing.T) {
		model, err := os.ReadFile(filepath.Join(sharedCorpus(t), "wild", "deeplabv3.tflite"))
		if err != nil {
			t.Fatal(err)
		}
		compareWild(t, o, "deeplabv3.tflite", model)
	})
	t.Run("toy_model_with_kv_cache_multi_signature.tflite", func(t *testing.T) {
		const name = "toy_model_with_kv_cache_multi_signature.tflite"
		model, err := os.ReadFile(filepath.Join(sharedCorpus(t), "wild", name))
		if err != nil {
			t.Fatal(err)
		}
		m, err := engine.Load(model)
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Signatures) < 2 {
			t.Fatalf("%d signatures, want 2", len(m.Signatures))
		}
		for _, sig := range m.Signatures {
			t.Run(sig.Key, func(t *testing.T) { compareSignature(t, o, name, model, sig) })
		}
	})
}

// compareSignature runs one signature of model: the engine loads it by key,
// the browser TFLite runs a copy of the file in which the signature's
// subgraph is subgraph 0 (oracle.PrimarySubgraph), and every tensor the
// ops write is compared.
func compareSignature(t *testing.T, o *oracle.Oracle, name string, model []byte, sig engine.Signature) {
	m, err := engine.LoadSignature(model, sig.Key)
	if err != nil {
		t.Fatal(err)
	}
	primary, err := oracle.PrimarySubgraph(model, sig.Subgraph)
	if err != nil {
		t.Fatal(err)
	}
	pm, err := engine.Load(primary)
	if err != nil {
		t.Fatal(err)
	}
	for k := int64(0); k < 3; k++ {
		ins := tokenInputs(m, k)
		c := &Case{Gen: name + ":" + sig.Key, Seed: k, Model: primary, Inputs: ins}
		out, err := Check(o, c, engine.XNNPack)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range out.Delegation {
			t.Errorf("input set %d: delegation: %s", k, d)
		}
		if out.Differ > 0 {
			t.Errorf("input set %d: %s", k, out.Report())
		} else {
			t.Logf("input set %d: %d tensors, %d elements equal TFLite", k, out.Tensors, out.Elements)
		}
		// The signature loaded by key computes what subgraph 0 of the
		// rearranged file does.
		a, err := m.Run(ins, engine.Options{Profile: engine.XNNPack})
		if err != nil {
			t.Fatal(err)
		}
		b, err := pm.Run(ins, engine.Options{Profile: engine.XNNPack})
		if err != nil {
			t.Fatal(err)
		}
		for ti := range m.Tensors {
			if !bytes.Equal(a.Tensors[ti], b.Tensors[ti]) {
				t.Errorf("input set %d: tensor %d differs between --signature %s and the rearranged file", k, ti, sig.Key)
			}
		}
		if k == 0 {
			explainEveryOp(t, m, ins)
		}
	}
}

// tokenInputs draws valid inputs for a language-model block: int32 inputs
// named like token ids within ±size of the embedding table (negative ids
// count from its end, as the converted jnp.take does), positions within
// the cache, other int32 in [0, 4), floats uniform in [−1, 1), other types
// random bytes.
func tokenInputs(m *engine.Model, seed int64) [][]byte {
	rng := rand.New(rand.NewSource(seed + 11))
	var vocab int
	for _, t := range m.Tensors {
		if t.Const && t.Type == engine.Float32 && len(t.Shape) == 2 && t.Shape[0] > vocab {
			vocab = t.Shape[0] // the largest table: the embeddings
		}
	}
	var ins [][]byte
	for _, ti := range m.Inputs {
		t := m.Tensors[ti]
		b := make([]byte, t.NumBytes())
		if t.Type != engine.Float32 && t.Type != engine.Int32 {
			rng.Read(b)
			ins = append(ins, b)
			continue
		}
		for j := 0; j+4 <= len(b); j += 4 {
			var v uint32
			switch {
			case t.Type == engine.Float32:
				v = math.Float32bits(rng.Float32()*2 - 1)
			case t.Type == engine.Int32 && strings.Contains(t.Name, "token"):
				v = uint32(int32(rng.Intn(2*vocab) - vocab))
			case t.Type == engine.Int32 && strings.Contains(t.Name, "position"):
				v = uint32(rng.Intn(t.Shape[len(t.Shape)-1]))
			default:
				v = uint32(rng.Intn(4))
			}
			binary.LittleEndian.PutUint32(b[j:], v)
		}
		ins = append(ins, b)
	}
	return ins
}
