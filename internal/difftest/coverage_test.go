package difftest

import (
	"slices"
	"testing"

	"github.com/int8scope/int8scope/engine"
)

// noGenerator lists the ops the differential generators do not cover, and
// what tests them instead.
var noGenerator = map[string]string{
	"UNIDIRECTIONAL_SEQUENCE_LSTM": "corpus trained_lstm_int8 and the wild LSTM models, every tensor and the state, against both runtimes (TestCorpusXNNPack, TestWildLSTMReference, TestWildLSTMXNNPack)",
	"VAR_HANDLE":                   stateful,
	"READ_VARIABLE":                stateful,
	"ASSIGN_VARIABLE":              stateful,
	"CALL_ONCE":                    stateful,
	"IF":                           controlFlow,
	"WHILE":                        controlFlow,
}

const (
	stateful    = "stateful models over consecutive runs against both runtimes (TestStatefulTFLite, TestStatefulTFLM)"
	controlFlow = "IF and WHILE models of random branches and trip counts against both runtimes (control_flow_test.go)"
)

// TestEveryOpHasGenerator fails when an op the engine supports has no
// generator, so that every op is compared with the real runtimes on random
// models, not only on hand-made ones.
func TestEveryOpHasGenerator(t *testing.T) {
	covered := map[string]bool{}
	for _, g := range Generators() {
		for _, op := range Needs(g) {
			covered[op] = true
		}
	}
	var missing []string
	for _, op := range engine.SupportedOps() {
		if !covered[op] && noGenerator[op] == "" {
			missing = append(missing, op)
		}
	}
	slices.Sort(missing)
	if len(missing) > 0 {
		t.Errorf("ops without a difftest generator: %v", missing)
	}
}
