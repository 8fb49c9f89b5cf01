package engine

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// twoSignatures is fcModel with a second subgraph, the same layer with a
// fused RELU, and a signature for each.
func twoSignatures() []byte {
	m := tflite.GetRootAsModel(fcModel().Bytes(), 0).UnPack()
	sg1 := tflite.GetRootAsModel(fcModel().Bytes(), 0).UnPack().Subgraphs[0]
	sg1.Operators[0].BuiltinOptions.Value.(*tflite.FullyConnectedOptionsT).FusedActivationFunction = tflite.ActivationFunctionTypeRELU
	m.Subgraphs = append(m.Subgraphs, sg1)
	for i, key := range []string{"plain", "relu"} {
		m.SignatureDefs = append(m.SignatureDefs, &tflite.SignatureDefT{SignatureKey: key, SubgraphIndex: uint32(i),
			Inputs:  []*tflite.TensorMapT{{Name: "x", TensorIndex: 0}},
			Outputs: []*tflite.TensorMapT{{Name: "y", TensorIndex: 3}}})
	}
	return tfbuild.Pack(m)
}

// TestSignatures: Load runs subgraph 0, LoadSignature the signature's
// subgraph; both list the signatures. Input [3, −1, 1] (zero point −1 →
// [4, 0, 2]): acc = [1·4 + 3·2 + 10, 4·4 − 6·2 − 20] = [20, −16], times 1/6
// → [3, −3], + zero point 3 → [6, 0]; with RELU the output clamps at the
// zero point 3.
func TestSignatures(t *testing.T) {
	b := twoSignatures()
	in := [][]byte{{3, 0xff, 1}}
	for _, c := range []struct {
		key      string
		subgraph int
		want     []byte
	}{{"", 0, []byte{6, 0}}, {"plain", 0, []byte{6, 0}}, {"relu", 1, []byte{6, 3}}} {
		m, err := LoadSignature(b, c.key)
		if err != nil {
			t.Fatalf("%q: %v", c.key, err)
		}
		if m.Subgraph != c.subgraph || m.Signature != c.key || len(m.Signatures) != 2 || m.Signatures[1].Outputs[0] != (SignatureArg{"y", 3}) {
			t.Errorf("%q: subgraph %d, signature %q, signatures %+v", c.key, m.Subgraph, m.Signature, m.Signatures)
		}
		res, err := m.Run(in, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := res.Tensors[3]; !bytes.Equal(got, c.want) {
			t.Errorf("%q: output %v, want %v", c.key, got, c.want)
		}
	}
	if _, err := LoadSignature(b, "serving_default"); err == nil || !strings.Contains(err.Error(), `no signature "serving_default" (it has 2: "plain", "relu")`) {
		t.Errorf("unknown signature: %v", err)
	}
	m := tflite.GetRootAsModel(b, 0).UnPack()
	m.SignatureDefs[1].Outputs[0].TensorIndex = 9
	if _, err := LoadSignature(tfbuild.Pack(m), "relu"); err == nil || !strings.Contains(err.Error(), "tensor index 9, out of range") {
		t.Errorf("bad tensor index: %v", err)
	}
	m.SignatureDefs[1].SubgraphIndex = 5
	if _, err := Load(tfbuild.Pack(m)); err == nil || !strings.Contains(err.Error(), "subgraph index 5 is out of range") {
		t.Errorf("bad subgraph index: %v", err)
	}
}

// TestWildSignatures opens both signatures of the shared corpus's
// two-signature transformer block, each its own subgraph.
func TestWildSignatures(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(sharedDir(t), "wild", "toy_model_with_kv_cache_multi_signature.tflite"))
	if err != nil {
		t.Fatal(err)
	}
	for i, key := range []string{"signature_1", "signature_2"} {
		m, err := LoadSignature(b, key)
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		if m.Subgraph != i || len(m.Signatures) != 2 || len(m.Ops) == 0 || len(m.Signatures[i].Inputs) != 4 {
			t.Errorf("%s: subgraph %d, %d signatures, %d ops", key, m.Subgraph, len(m.Signatures), len(m.Ops))
		}
	}
}
