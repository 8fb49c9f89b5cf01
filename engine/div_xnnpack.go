package engine

import "github.com/int8scope/int8scope/engine/tflite"

// DIV in the browser TFLite (tflite-xnnpack): the XNNPACK delegate takes
// float32 DIV (an IEEE division, the same as TFLite's). TFLite's builtin
// kernel has float32, int32 and uint8 (the reference arithmetic of div.go,
// including the sign flip of a negative divisor; RoundingDivideByPOT
// exponents beyond 31, where TFLite Micro aborts, give what the WebAssembly
// code computes: builtinDiv); it refuses int8 DIV ("Div only supports FLOAT32,
// INT32 and quantized UINT8 now"), see tfliteRefuses.

func init() {
	registerXNNPack(tflite.BuiltinOperatorDIV, xnnFloatNode)
	registerBuiltin(tflite.BuiltinOperatorDIV, builtinDiv)
}

// builtinDiv is TFLite's uint8 DIV as the browser runs it: exponents beyond
// 31 do not abort (no assertions in that build) but compute what the
// WebAssembly code does.
func builtinDiv(c *prepCtx) (kernel, error) {
	k, err := prepareDiv(c)
	p, ok := k.(*DivParams)
	if err != nil || !ok || p.typ != Uint8 {
		return nil, nil
	}
	q := *p
	q.MaskedShift = true
	return &q, nil
}

func (p *DivParams) builtinNote() string {
	if p.MaskedShift {
		return "RoundingDivideByPOT exponents beyond 31 as the WebAssembly build computes them"
	}
	return ""
}
