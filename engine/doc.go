// Package engine runs TensorFlow Lite models, int8 above all, bit-exactly like
// TFLite does, and records why every integer is what it is.
//
// The life of a model follows TFLite Micro's kernels:
//
//   - Load parses and validates a .tflite file, then each arithmetic Profile
//     (Reference, SingleRounding, or XNNPack: what the browser TFLite
//     computes; PROFILES.md says op by op) prepares its plan of the model:
//     each op's prepare step checks types and shapes and derives the op's
//     integer parameters (multipliers, shifts, offsets, activation ranges)
//     once, for that profile. The result is, per op and profile, a plain
//     exported struct, the same numbers the arithmetic uses
//     (Op.Profiles; Op.Params is the reference's).
//   - Model.Run evaluates the ops of one profile's plan in order and, if
//     asked, records a Trace:
//     per op, its timing, which kernel's arithmetic ran and, for
//     FULLY_CONNECTED, CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV, SVDF and
//     quantized BATCH_MATMUL,
//     the int32 accumulators before requantization.
//   - A stateful model (resource variables under CALL_ONCE, as streaming
//     models keep their state) carries its State from one Run to the next,
//     per profile, until Model.Reset; the subgraphs that CALL_ONCE, IF and
//     WHILE call are loaded and prepared with the model (Model.Subgraphs).
//   - Result.Explain derives one output integer step by step.
//
// Where an op lives: NAME.go is TFLite's reference kernel (register,
// Prepare into a params struct, eval, explain), with a doc comment naming
// the TFLite kernel and the formula. Where the profiles differ, the kernel
// is handed a value, never a profile name: each Requant carries its rounding
// (prepCtx.requant), and multiply-accumulate ops pass their accumulators to
// an outputStage (FixedPointOutput or XNNPackOutput, requantize.go).
// NAME_xnnpack.go holds what the browser TFLite runs instead, where that
// differs: the XNNPACK delegate's node (registerXNNPack) and TFLite's
// builtin kernel (registerBuiltin). Shared helpers sit in files named for
// what they do: clamp.go, window.go, conv_common.go, dot.go, values.go,
// broadcast.go, and package fixedpoint.
//
// Limits (MaxTensorBytes, MaxMACs, MaxRank) are checked at load;
// Model.RunBytes tells a caller with little memory what a run will allocate
// before it starts.
//
// Malformed input never panics: every index, length and shape is checked
// before use, and errors name the tensor, op or field that is wrong.
package engine
