package engine

import (
	"fmt"
	"slices"
)

// Resize returns a copy of the model whose subgraph inputs have the given
// shapes (shapes[i] for input i; nil keeps its shape), prepared anew in
// every profile, as TFLite's Interpreter::ResizeInputTensorStrict followed
// by AllocateTensors: every op's Prepare works its output shapes out again
// from the new input shapes. A dimension may change only where the input's
// shape_signature has −1 (a batch of any size); an input without a
// signature keeps its shape. The copy has its own state; m is unchanged.
func (m *Model) Resize(shapes [][]int) (*Model, error) {
	if m == nil {
		return nil, errNoModel
	}
	if m.root != nil {
		return nil, fmt.Errorf("subgraph %d is called by another: resize the model that holds it", m.Subgraph)
	}
	if len(shapes) != len(m.Inputs) {
		return nil, fmt.Errorf("model has %d inputs, got %d shapes", len(m.Inputs), len(shapes))
	}
	c := *m
	c.Tensors = make([]*Tensor, len(m.Tensors))
	for i, t := range m.Tensors {
		tc := *t
		tc.Shape, tc.inferred, tc.prepared = slices.Clone(t.Shape), false, nil
		c.Tensors[i] = &tc
	}
	for i, ti := range m.Inputs {
		if shapes[i] == nil {
			continue
		}
		t := c.Tensors[ti]
		if err := resizable(t, shapes[i]); err != nil {
			return nil, fmt.Errorf("input %d: %w", i, err)
		}
		t.Shape = slices.Clone(shapes[i])
	}
	// TFLite's AllocateTensors prepares every op again, and each resizes
	// its outputs: none of the stored shapes downstream holds.
	c.Ops = make([]*Op, len(m.Ops))
	for i, op := range m.Ops {
		c.Ops[i] = &Op{Index: op.Index, Builtin: op.Builtin, Version: op.Version, Inputs: op.Inputs, Outputs: op.Outputs,
			Intermediates: op.Intermediates, Options: op.Options, CustomCode: op.CustomCode, CustomOptions: op.CustomOptions, code: op.code}
		for _, t := range op.Outputs {
			if !c.Tensors[t].Const {
				c.Tensors[t].inferred = true
			}
		}
	}
	// The resource variables keep their ids (the called subgraphs, shared
	// with m, were numbered into m's list); the state starts afresh.
	c.plans, c.dynamic, c.resources, c.states = nil, "", slices.Clone(m.resources), map[Profile]*State{}
	if err := c.prepare(); err != nil {
		return nil, err
	}
	if err := c.checkInferred(); err != nil {
		return nil, err
	}
	if n := c.MACs(); n > MaxMACs {
		return nil, fmt.Errorf("resized, the model needs %.1f G multiply-accumulates per inference; int8scope runs models up to %d G", float64(n)/1e9, MaxMACs>>30)
	}
	c.Reset()
	return &c, nil
}

// resizable checks that input t may take shape: the same rank, and a
// different size only where its shape_signature has −1.
func resizable(t *Tensor, shape []int) error {
	if len(shape) != len(t.Shape) {
		return fmt.Errorf("%v cannot take shape %v: the rank must stay %d", t, shape, len(t.Shape))
	}
	for d, n := range shape {
		if n < 0 {
			return fmt.Errorf("%v cannot take shape %v: dimension %d is negative", t, shape, d)
		}
		if n == t.Shape[d] {
			continue
		}
		if t.ShapeSignature == nil {
			return fmt.Errorf("%v cannot take shape %v: the model has no shape_signature for it, so its shape is fixed", t, shape)
		}
		if len(t.ShapeSignature) != len(t.Shape) || t.ShapeSignature[d] != -1 {
			return fmt.Errorf("%v cannot take shape %v: dimension %d is fixed (shape_signature %v; only −1 dimensions may change)", t, shape, d, t.ShapeSignature)
		}
	}
	return nil
}
