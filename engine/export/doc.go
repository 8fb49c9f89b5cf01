// Package export writes a model's exact forward pass as a standalone NumPy
// program (NumPy), and per-layer test vectors of one run (Vectors), for
// people who port int8 models to their own hardware or code and need each
// layer's integer pipeline and vectors to check it against.
//
// The program is Python 3 with NumPy only: one readable function per op
// kind and arithmetic variant (py/*.py, embedded), a forward(inputs) that
// returns every tensor by index, and a command line
// (python3 OUT.py IN0.npy ... --out DIR) writing DIR/tensor<t>.npy for
// every tensor `int8scope run` writes. The constant tensors (t<index>) and
// the per-channel prepared parameters (op<N>_<field>) live in the side
// .npz; the program's docstring says which key holds what. Scalars are
// written into forward() as literals.
//
// A subgraph that the model's ops call (IF, WHILE, CALL_ONCE) is the
// function subgraph_<i>(inputs, P, S) returning its outputs; its .npz keys
// start with g<i>_. A model with called subgraphs or resource variables
// keeps its state (the variables by resource id, the CALL_ONCE flags) in
// the dict STATE, which persists from one forward() call to the next as a
// TFLite interpreter's does (py/control.py).
//
// # Shapes worked out at run time
//
// A model whose op reads a shape, paddings, begin or output_shape input
// computed when it runs (engine.Model.Dynamic: TFLite's dynamic tensors)
// has its shapes only in a run. NumPy refuses the loaded model and exports
// the model of a run (engine.Result.Model, its ops prepared with that
// run's shapes; `int8scope export --numpy OUT.py --inputs DIR`). Its
// forward() checks that each such value (engine.Model.RunReads) is the
// run's, at its start for a model input and before the op that reads it
// otherwise, and raises a ModelError naming the value it was exported for
// when it is not.
//
// # How an op is exported
//
// Each profile prepares, per op, a kernel: an exported params struct
// (engine.FullyConnectedParams, …) or, for the browser TFLite's variants, a
// kernel of the engine's own (xnnFCFloat, builtinSoftmaxNode, …).
// engine.Model.Prepared returns it. The exporter looks up an emitter by the
// kernel's Go type name (its "kind") and the emitter writes the op's lines
// of forward() from the prepared parameters, so the program computes with
// exactly the numbers the engine computes with, under that profile.
//
// # Adding an op
//
//  1. Find the kinds the op's kernels have under each profile: export the
//     model; an op without an emitter stops the export with
//     "export: op N (KIND) has no NumPy exporter yet (kernel K)", K being
//     the kind to register. The engine's NAME.go and NAME_xnnpack.go say
//     what each kernel computes (the doc comment of its params struct).
//  2. Write the arithmetic as Python in py/NAME.py: vectorised NumPy,
//     integers in int64 with wrap32 where C's int32 wraps, float32 math in
//     np.float32 in the engine's order (a loop over a reduction axis or
//     filter taps is fine, a loop over elements is not). A docstring names
//     the TFLite kernel and the formula. A first line "# needs: a b" pulls
//     in other helper files (fixedpoint, gemmlowp, quantize, window, …);
//     prelude.py (always present) has wrap32, trunc_div, type_range,
//     clamp_float, go_max/go_min, as_tensor, ModelError. The program keeps
//     only the defs it calls (by name, transitively), so one file may hold
//     several variants.
//  3. Write the emitter in NAME.go: func(c *opCtx) error, registered in
//     init with register(f, kinds...). Read the params by type assertion
//     (exported structs) or c.decode(&mirror) (a local struct with the
//     kernel's exported field names, for unexported kernels). Then
//     c.use("NAME") for the helpers, c.in(i) for input expressions
//     (constants are loaded from the .npz), c.array(field, doc, values) for
//     per-channel arrays, c.line for intermediate lines (e.g. the
//     accumulators), c.set(i, expr) for the output, and
//     c.outputStage(o, "acc", wide) for FixedPointOutput / XNNPackOutput.
//     A variant the emitter does not cover returns c.unsupported(...).
//  4. Test: go test ./engine/export runs the exported programs (one Python
//     process for all cases) and compares every tensor with the engine's,
//     byte for byte, under every profile: TestGenerated (random models of
//     every internal/difftest generator: a generator whose models use your
//     op starts counting as exported by itself; -gen REGEXP narrows it,
//     -long runs 25 seeds), TestCorpusModels (../shared/corpus), and
//     TestBuiltinModels. For variants no generator makes, add models built
//     with tfbuild as int16_test.go does. A test must fail when the Python
//     is wrong: perturb your function once and watch it fail.
//
// Kernels not exported yet stop the export with the UnsupportedError above;
// TestGenerated's log lists them with their counts ("not exported yet").
package export
