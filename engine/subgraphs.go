package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// loadGraph parses, validates and prepares one subgraph of the file: the
// signature's (subgraph < 0) or subgraph index subgraph, called by root's
// ops (nil: the graph is the root, the model Load returns).
func loadGraph(b []byte, signature string, subgraph int, root *Model) (*Model, error) {
	m, err := parse(b, signature, subgraph)
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

// call runs subgraph g with the run's profile and state: inputs are copied
// into its input tensors, and it returns the values of its tensors.
func (r *run) call(g *Model, inputs [][]byte) ([][]byte, error) {
	if len(inputs) != len(g.Inputs) {
		return nil, fmt.Errorf("subgraph %d has %d inputs, got %d", g.Subgraph, len(g.Inputs), len(inputs))
	}
	if r.depth >= maxCallDepth {
		return nil, fmt.Errorf("subgraph %d: subgraphs call each other more than %d deep", g.Subgraph, maxCallDepth)
	}
	c := &run{m: g, p: r.p, st: r.st, depth: r.depth + 1, vals: g.newValues(nil)}
	for i, ti := range g.Inputs {
		if len(inputs[i]) != len(c.vals[ti]) {
			return nil, fmt.Errorf("subgraph %d input %d (%v) needs %d bytes, got %d", g.Subgraph, i, g.Tensors[ti], len(c.vals[ti]), len(inputs[i]))
		}
		copy(c.vals[ti], inputs[i])
	}
	if err := c.exec(nil); err != nil {
		return nil, fmt.Errorf("subgraph %d: %w", g.Subgraph, err)
	}
	return c.vals, nil
}
