// Package engine runs TensorFlow Lite models, int8 above all, bit-exactly like
// TFLite does, and records why every integer is what it is.
//
// The life of a model follows TFLite Micro's kernels:
//
//   - Load parses and validates a .tflite file, then calls each op's prepare
//     step, which checks types and shapes and derives the op's integer
//     parameters (multipliers, shifts, offsets, activation ranges) once. The
//     result is Op.Params: a plain exported struct per op, the same numbers the
//     arithmetic uses.
//   - Model.Run evaluates the ops in order under an arithmetic Profile
//     (Reference, SingleRounding, or XNNPack: what the browser TFLite
//     computes; PROFILES.md says op by op) and, if asked, records a Trace:
//     per op, its timing, which kernel's arithmetic ran and, for
//     FULLY_CONNECTED, CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV and SVDF,
//     the int32 accumulators before requantization.
//   - Result.Explain derives one output integer step by step.
//
// Limits (MaxTensorBytes, MaxMACs, MaxRank) are checked at load;
// Model.RunBytes tells a caller with little memory what a run will allocate
// before it starts.
//
// Malformed input never panics: every index, length and shape is checked
// before use, and errors name the tensor, op or field that is wrong.
package engine
