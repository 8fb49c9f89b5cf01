package engine

import "github.com/int8scope/int8scope/engine/tflite"

// SubParams are SUB's prepared parameters: those of ADD (see AddParams),
// with the second scaled input subtracted instead of added.
//
// Mirrors TFLite Micro's sub.cc (CalculateOpDataSub) and the reference
// kernels reference/sub.h (Sub/SubElementwise, BroadcastQuantSubSlow,
// BroadcastSubSlow, SubWithActivation). For output element o reading x1, x2:
//
//	a1  = MultiplyByQuantizedMultiplier((x1 + Input1Offset)·2^LeftShift, Input1)
//	a2  = MultiplyByQuantizedMultiplier((x2 + Input2Offset)·2^LeftShift, Input2)
//	out = clamp(MultiplyByQuantizedMultiplier(a1 − a2, Output) + OutputOffset, ActMin, ActMax)
//
// Unlike ADD, TFLite Micro derives the three real multipliers in float32
// (2·max(s1, s2), s_i/that, that/(2^LeftShift·s_out)), so they can differ in
// the last bit from TFLite's double-precision ones; the outputs then differ
// by 1 in rare elements (seanet sub0, sub1, sub3). Float and int32 outputs are
// x1 − x2 clamped to the fused activation.
type SubParams struct {
	AddParams
	// Note says how the browser TFLite's builtin kernel derives the
	// parameters, where it differs from the reference (sub_xnnpack.go).
	Note string `json:"note,omitempty"`
}

func (p *SubParams) builtinNote() string { return p.Note }

func init() { register(tflite.BuiltinOperatorSUB, prepareSub) }

func prepareSub(c *prepCtx) (kernel, error) {
	p, err := prepareAddSub(c, true)
	if err != nil {
		return nil, err
	}
	return &SubParams{AddParams: *p}, nil
}
