package difftest

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
	"github.com/int8scope/int8scope/internal/tflm"
)

// mergeCases packs the models of cases side by side into one model (one
// subgraph, tensors renumbered, operator codes shared), so that a single
// TFLite Micro process computes them all. base[i] is the index of case i's
// first tensor in the merged model; its inputs follow case i−1's.
func mergeCases(cases []*Case) (model []byte, inputs [][]byte, base []int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("merging models: %v", r)
		}
	}()
	out := &tflite.ModelT{Version: 3, Buffers: []*tflite.BufferT{{}}}
	sg := &tflite.SubGraphT{Name: "merged"}
	out.Subgraphs = []*tflite.SubGraphT{sg}
	codes := map[string]int32{}
	remap := func(ts []int32, off int) []int32 {
		r := make([]int32, len(ts))
		for i, t := range ts {
			r[i] = t
			if t >= 0 {
				r[i] = t + int32(off)
			}
		}
		return r
	}
	for _, c := range cases {
		m := tflite.GetRootAsModel(c.Model, 0).UnPack()
		if len(m.Subgraphs) != 1 {
			return nil, nil, nil, fmt.Errorf("%s has %d subgraphs", c.ID(), len(m.Subgraphs))
		}
		src, off := m.Subgraphs[0], len(sg.Tensors)
		base = append(base, off)
		for _, t := range src.Tensors {
			nt := *t
			if t.Buffer != 0 {
				nt.Buffer = uint32(len(out.Buffers))
				out.Buffers = append(out.Buffers, m.Buffers[t.Buffer])
			}
			sg.Tensors = append(sg.Tensors, &nt)
		}
		for _, op := range src.Operators {
			oc := m.OperatorCodes[op.OpcodeIndex]
			key := fmt.Sprintf("%d/%d/%s", oc.BuiltinCode, oc.Version, oc.CustomCode)
			idx, ok := codes[key]
			if !ok {
				idx = int32(len(out.OperatorCodes))
				codes[key] = idx
				out.OperatorCodes = append(out.OperatorCodes, oc)
			}
			nop := *op
			nop.OpcodeIndex = uint32(idx)
			nop.Inputs, nop.Outputs, nop.Intermediates = remap(op.Inputs, off), remap(op.Outputs, off), remap(op.Intermediates, off)
			sg.Operators = append(sg.Operators, &nop)
		}
		sg.Inputs = append(sg.Inputs, remap(src.Inputs, off)...)
		sg.Outputs = append(sg.Outputs, remap(src.Outputs, off)...)
		inputs = append(inputs, c.Inputs...)
	}
	return tfbuild.Pack(out), inputs, base, nil
}

// CheckTFLMBatch is CheckTFLM for many cases with one TFLite Micro process:
// their models are merged (mergeCases) and each case is compared with its
// part of the result. If the merged model fails in TFLite Micro, each case
// is run on its own, so the failure is reported on the case that causes it.
// It returns one outcome or error per case.
func CheckTFLMBatch(ctx context.Context, r *tflm.Runner, cases []*Case) ([]*Outcome, []error) {
	outs, errs := make([]*Outcome, len(cases)), make([]error, len(cases))
	single := func() ([]*Outcome, []error) {
		for i, c := range cases {
			outs[i], errs[i] = CheckTFLM(ctx, r, c)
		}
		return outs, errs
	}
	if len(cases) < 2 {
		return single()
	}
	model, inputs, base, err := mergeCases(cases)
	if err != nil {
		return single()
	}
	want, err := r.Run(ctx, model, inputs)
	var te *tflm.Error
	if errors.As(err, &te) || err != nil && strings.Contains(err.Error(), "signal") {
		return single()
	}
	if err != nil {
		for i := range errs {
			errs[i] = err
		}
		return outs, errs
	}
	for i, c := range cases {
		m, err := engine.Load(c.Model)
		if err != nil {
			errs[i] = fmt.Errorf("engine refused %s: %w", c.ID(), err)
			continue
		}
		res, err := m.Run(c.Inputs, engine.Options{Profile: engine.Reference})
		if err != nil {
			errs[i] = fmt.Errorf("engine failed on %s: %w", c.ID(), err)
			continue
		}
		part := &tflm.Result{Data: map[int][]byte{}}
		for _, t := range want.Tensors {
			if t.Index < base[i] || t.Index >= base[i]+len(m.Tensors) {
				continue
			}
			t.Index -= base[i]
			part.Tensors = append(part.Tensors, t)
			if d, ok := want.Data[t.Index+base[i]]; ok {
				part.Data[t.Index] = d
			}
		}
		outs[i], errs[i] = CompareTFLM(c, m, res, part)
	}
	return outs, errs
}
