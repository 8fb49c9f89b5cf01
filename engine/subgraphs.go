package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// loadGraph parses, validates and prepares one subgraph of the file: the
// signature's (subgraph < 0) or subgraph index subgraph, called by root's
// ops (nil: the graph is the root, the model Load returns).
func loadGraph(b []byte, signature string, subgraph int, root *Model) (*Model, error) {
	m, err := parseGraph(b, signature, subgraph)
	if err != nil {
		return nil, err
	}
	m.root = root
	if root == nil {
		m.Subgraphs = map[int]*Model{}
		m.states = map[Profile]*State{}
	}
	if err := m.validate(); err != nil {
		return nil, err
	}
	if err := m.prepare(); err != nil {
		return nil, err
	}
	if err := m.checkInferred(); err != nil {
		return nil, err
	}
	return m, nil
}

// loadCalled loads every subgraph the root's ops call, and the ones those
// call, once each, into m.Subgraphs, and gives each profile a fresh State.
func (m *Model) loadCalled(b []byte) error {
	queue := []*Model{m}
	for len(queue) > 0 {
		g := queue[0]
		queue = queue[1:]
		for _, op := range g.Ops {
			for _, i := range calledSubgraphs(op) {
				if i == m.Subgraph || m.Subgraphs[i] != nil {
					continue
				}
				c, err := loadGraph(b, "", i, m)
				if err != nil {
					return fmt.Errorf("subgraph %d (called by op %d (%s) of subgraph %d): %w", i, op.Index, op.Builtin, g.Subgraph, err)
				}
				m.Subgraphs[i] = c
				queue = append(queue, c)
			}
		}
	}
	m.Reset()
	return nil
}

// calledSubgraphs lists the subgraph indices op's options name.
func calledSubgraphs(op *Op) []int {
	switch o := op.Options.(type) {
	case *tflite.CallOnceOptionsT:
		return []int{int(o.InitSubgraphIndex)}
	case *tflite.WhileOptionsT:
		return []int{int(o.CondSubgraphIndex), int(o.BodySubgraphIndex)}
	case *tflite.IfOptionsT:
		return []int{int(o.ThenSubgraphIndex), int(o.ElseSubgraphIndex)}
	}
	return nil
}

// top is the model Load returned, which holds the called subgraphs and the
// state.
func (m *Model) top() *Model {
	if m.root != nil {
		return m.root
	}
	return m
}

// subgraph checks a subgraph index an op's options name (in prepare) and
// returns it.
func (c *prepCtx) subgraph(what string, i int32) (int, error) {
	top := c.m.top()
	if i < 0 || int(i) >= c.m.nGraphs {
		return 0, c.errorf("%s subgraph index %d is out of range (model has %d subgraphs)", what, i, c.m.nGraphs)
	}
	if int(i) == top.Subgraph || int(i) == c.m.Subgraph {
		return 0, c.errorf("%s subgraph %d is the subgraph the op is in (recursion is not supported)", what, i)
	}
	return int(i), nil
}

// called returns the loaded subgraph i.
func (r *run) called(i int) (*Model, error) {
	g := r.m.top().Subgraphs[i]
	if g == nil {
		return nil, fmt.Errorf("subgraph %d is not loaded", i)
	}
	return g, nil
}

// maxCallDepth bounds how deep subgraphs may call each other (CALL_ONCE
// inside an init subgraph, nested WHILE and IF), so a model whose subgraphs
// call each other in a cycle fails instead of exhausting the stack.
const maxCallDepth = 32

// call runs subgraph g with the run's profile and state on vals, the
// values of tensors srcs (copied into g's inputs, which must have their
// types and sizes: int8scope's shapes are fixed at load, where TFLite would
// resize the callee's inputs), and returns g's outputs: their tensors and
// values.
func (r *run) call(g *Model, srcs []*Tensor, vals [][]byte) ([]*Tensor, [][]byte, error) {
	if len(srcs) != len(g.Inputs) {
		return nil, nil, fmt.Errorf("subgraph %d has %d inputs, the op passes %d", g.Subgraph, len(g.Inputs), len(srcs))
	}
	if r.depth >= maxCallDepth {
		return nil, nil, fmt.Errorf("subgraph %d: subgraphs call each other more than %d deep", g.Subgraph, maxCallDepth)
	}
	c := &run{m: g, p: r.p, st: r.st, depth: r.depth + 1, vals: g.newValues(r.st, nil, nil)}
	for i, ti := range g.Inputs {
		if err := sameValue(srcs[i], g.Tensors[ti]); err != nil {
			return nil, nil, fmt.Errorf("subgraph %d input %d: %w", g.Subgraph, i, err)
		}
		copy(c.vals[ti], vals[i])
	}
	if err := c.exec(nil); err != nil {
		return nil, nil, fmt.Errorf("subgraph %d: %w", g.Subgraph, err)
	}
	r.st.saveVariables(g, c.vals)
	ts := make([]*Tensor, len(g.Outputs))
	outs := make([][]byte, len(g.Outputs))
	for i, ti := range g.Outputs {
		ts[i], outs[i] = g.Tensors[ti], c.vals[ti]
	}
	return ts, outs, nil
}

// tensorsOf returns r.m's tensors ts (indices) and their values.
func (r *run) tensorsOf(ts []int) ([]*Tensor, [][]byte) {
	srcs := make([]*Tensor, len(ts))
	vals := make([][]byte, len(ts))
	for i, t := range ts {
		srcs[i], vals[i] = r.m.Tensors[t], r.vals[t]
	}
	return srcs, vals
}

// sameValue checks that a value of tensor src fits tensor dst: the same
// type and number of elements.
func sameValue(src, dst *Tensor) error {
	if src.Type != dst.Type || src.NumElements() != dst.NumElements() {
		return fmt.Errorf("%v does not fit %v (int8scope needs the same type and size: its shapes are fixed at load)", src, dst)
	}
	return nil
}

// setOutputs copies vals, the values of tensors srcs (a subgraph's
// outputs), into op's outputs.
func (r *run) setOutputs(op *Op, srcs []*Tensor, vals [][]byte) error {
	if len(srcs) != len(op.Outputs) {
		return fmt.Errorf("the subgraph has %d outputs, the op %d", len(srcs), len(op.Outputs))
	}
	for i, ti := range op.Outputs {
		if err := sameValue(srcs[i], r.m.Tensors[ti]); err != nil {
			return fmt.Errorf("output %d: %w", i, err)
		}
		copy(r.vals[ti], vals[i])
	}
	return nil
}
