package engine

import "github.com/int8scope/int8scope/engine/tflite"

// DIV in the browser TFLite (tflite-xnnpack): the XNNPACK delegate takes
// float32 DIV (an IEEE division, the same as TFLite's). TFLite's builtin
// kernel has float32, int32 and uint8 (the reference arithmetic of div.go,
// including the sign flip of a negative divisor, and RoundingDivideByPOT
// exponents beyond 31 as the WebAssembly code computes them); it refuses int8 DIV ("Div only supports FLOAT32,
// INT32 and quantized UINT8 now"), see tfliteRefuses.

func init() {
	registerXNNPack(tflite.BuiltinOperatorDIV, xnnFloatNode)
}
