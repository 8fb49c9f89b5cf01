package engine

import (
	"fmt"
	"slices"
	"sort"

	"github.com/int8scope/int8scope/engine/tflite"
)

// State is what a TFLite interpreter keeps from one Invoke to the next, for
// one profile (each profile stands for a TFLite runtime of its own): the
// resource variables that VAR_HANDLE names and ASSIGN_VARIABLE writes, and
// which CALL_ONCE init subgraphs have run (TFLite's resource::ResourceMap
// and InitializationStatusMap). Runs of a model carry it over until
// Model.Reset, which brings back a fresh interpreter's state.
type State struct {
	vars        map[int]*Variable // by resource id
	initialized map[int]bool      // CALL_ONCE init subgraph index → done
	// tensors holds the variable tensors (SVDF and LSTM state) after the
	// last run, by subgraph and tensor index: TFLite resets them when it
	// allocates tensors, not between Invoke calls.
	tensors map[varTensor][]byte
}

// varTensor names a variable tensor of one of the file's subgraphs.
type varTensor struct{ subgraph, tensor int }

// loadVariables copies the variable tensors of subgraph m that st holds
// into vals; the others keep their initial value.
func (st *State) loadVariables(m *Model, vals [][]byte) {
	for _, t := range m.Tensors {
		if !t.Variable || vals[t.Index] == nil {
			continue // (no map look-up for the tensors that are not state)
		}
		if v, ok := st.tensors[varTensor{m.Subgraph, t.Index}]; ok {
			copy(vals[t.Index], v)
		}
	}
}

// saveVariables keeps copies of the variable tensors of subgraph m from
// vals for the next run, in the buffers of the last run's copies when
// their sizes match (only st holds them), so that a stateful model's run
// allocates nothing for its state.
func (st *State) saveVariables(m *Model, vals [][]byte) {
	for _, t := range m.Tensors {
		if t.Variable && vals[t.Index] != nil {
			k := varTensor{m.Subgraph, t.Index}
			if old, ok := st.tensors[k]; ok && len(old) == len(vals[t.Index]) {
				copy(old, vals[t.Index])
			} else {
				st.tensors[k] = slices.Clone(vals[t.Index])
			}
		}
	}
}

// Variable is one resource variable: its container and shared name (the
// VAR_HANDLE options that identify it), its resource id, and the type,
// shape, quantization and value of the tensor last assigned to it.
type Variable struct {
	ID         int       `json:"id"`
	Container  string    `json:"container"`
	SharedName string    `json:"shared_name"`
	Type       DType     `json:"type"`
	Shape      []int     `json:"shape"`
	Quant      *Quant    `json:"quant,omitempty"`
	Data       []byte    `json:"-"`
	Values     []float64 `json:"values"` // Data as numbers (not dequantized), for display
}

// resourceKey identifies a resource variable, as TFLite's
// Subgraph::resource_ids does: container and shared name.
type resourceKey struct{ container, sharedName string }

// resourceID returns the id of the resource variable container/sharedName
// of m's file, numbering new ones in the order VAR_HANDLE ops are prepared
// (TFLite's var_handle.cc).
func (m *Model) resourceID(container, sharedName string) int {
	top := m.top()
	k := resourceKey{container, sharedName}
	if i := slices.Index(top.resources, k); i >= 0 {
		return i
	}
	top.resources = append(top.resources, k)
	return len(top.resources) - 1
}

// Reset brings the model's state, under every profile, back to what a newly
// created TFLite interpreter has: no resource variables, no CALL_ONCE run,
// variable tensors (the SVDF and LSTM state) at their initial value.
func (m *Model) Reset() {
	top := m.top()
	for _, p := range profiles {
		top.states[p.name] = &State{vars: map[int]*Variable{}, initialized: map[int]bool{}, tensors: map[varTensor][]byte{}}
	}
}

// Stateful reports whether the model keeps state from one run to the next:
// resource variables, or variable tensors (SVDF, LSTM) in any subgraph it
// runs.
func (m *Model) Stateful() bool {
	top := m.top()
	if len(top.resources) > 0 {
		return true
	}
	hasVariable := func(g *Model) bool {
		return g != nil && slices.ContainsFunc(g.Tensors, func(t *Tensor) bool { return t.Variable })
	}
	if hasVariable(top) {
		return true
	}
	if len(top.Subgraphs) == 0 {
		return false // (no map iteration: the page asks on every run)
	}
	for _, g := range top.Subgraphs { // no allocation: the page asks on every run
		if hasVariable(g) {
			return true
		}
	}
	return false
}

// State returns a copy of the model's state under profile p after the last
// run: its resource variables by id, those not yet assigned left out.
func (m *Model) State(p Profile) ([]Variable, error) {
	p, err := ParseProfile(string(p))
	if err != nil {
		return nil, err
	}
	return m.top().states[p].snapshot(), nil
}

// variable returns resource variable id, created unassigned if it is new.
func (s *State) variable(m *Model, id int) *Variable {
	v := s.vars[id]
	if v == nil {
		k := m.top().resources[id]
		v = &Variable{ID: id, Container: k.container, SharedName: k.sharedName}
		s.vars[id] = v
	}
	return v
}

// snapshot copies the assigned variables, in id order.
func (s *State) snapshot() []Variable {
	if len(s.vars) == 0 {
		return nil // (no map iteration: every run of a model without variables asks)
	}
	var out []Variable
	for _, v := range s.vars {
		if v.Data == nil {
			continue
		}
		c := *v
		c.Shape = slices.Clone(v.Shape)
		c.Data = slices.Clone(v.Data)
		c.Values = Values(v.Type, c.Data)
		out = append(out, c)
	}
	// (sort.Slice: slices.SortFunc would instantiate pdqsort for Variable,
	// 20 KB of the WebAssembly module; ids are unique. Not for fewer than
	// two: sort.Slice's reflection costs every run of a model without
	// variables a noticeable part of a microsecond in WebAssembly.)
	if len(out) > 1 {
		sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	}
	return out
}

// firstDynamicSubgraph returns the index of the first subgraph of the
// file that has a RESOURCE tensor, or the number of subgraphs. TFLite
// allocates every resource tensor as dynamic-sized (VAR_HANDLE's output,
// and READ_VARIABLE's when it has rank 0), and its default XNNPACK
// delegate refuses a subgraph that has one ("Attempting to use a delegate
// that only supports static-sized tensors with a graph that has
// dynamic-sized tensors"). Interpreter::ModifyGraphWithDelegate applies the
// delegate to the subgraphs in order and stops at the first that refuses,
// so from that subgraph on every op runs TFLite's builtin kernel. A
// subgraph whose vectors do not fit the file is left to its own load.
func (p *parser) firstDynamicSubgraph(fm *tflite.Model) int {
	var sg tflite.SubGraph
	var t tflite.Tensor
	for g := 0; g < fm.SubgraphsLength(); g++ {
		fm.Subgraphs(&sg, g)
		if p.vec("subgraph tensors", sg.TensorsLength(), 4) != nil {
			continue
		}
		for i := 0; i < sg.TensorsLength(); i++ {
			sg.Tensors(&t, i)
			if t.Type() == tflite.TensorTypeRESOURCE {
				return g
			}
		}
	}
	return fm.SubgraphsLength()
}

// xnnpackDropped says why TFLite's default XNNPACK delegate is not applied
// to subgraph m (see firstDynamicSubgraph), or "".
func xnnpackDropped(m *Model) string {
	if m.Subgraph < m.firstDynamic {
		return ""
	}
	why := "\"Attempting to use a delegate that only supports static-sized tensors with a graph that has dynamic-sized tensors\""
	for _, t := range m.Tensors {
		if t.Type == Resource {
			return fmt.Sprintf("%v is dynamic-sized (%s)", t, why)
		}
	}
	return fmt.Sprintf("subgraph %d, before this one, has a dynamic-sized resource tensor (%s), and TFLite stops applying the delegate there", m.firstDynamic, why)
}
