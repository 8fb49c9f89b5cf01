//go:build js && wasm

// Command wasm is the browser bridge to the engine: it exposes a global
// int8scope object whose functions take and return typed arrays and JSON
// strings. It holds one loaded model and its last result; all logic lives in
// package engine. Every call recovers from panics and returns {error}, so a
// bad model never kills the instance.
package main

import (
	"encoding/json"
	"fmt"
	"math"
	"unsafe"

	"github.com/hack-pad/safejs"
	"github.com/int8scope/int8scope/engine"
)

var (
	model *engine.Model
	last  = map[engine.Profile]*engine.Result{} // the latest result per profile
)

func main() {
	api, err := safejs.ValueOf(map[string]any{})
	if err != nil {
		panic(err)
	}
	export(api, "load", load)
	export(api, "run", run)
	export(api, "explain", explain)
	export(api, "reset", reset)
	export(api, "accelerate", accelerate) // simd.go
	export(api, "gemm", gemmAPI)
	export(api, "info", func([]safejs.Value) (map[string]any, error) {
		b, _ := json.Marshal(map[string]any{"profiles": engine.Profiles(), "ops": engine.SupportedOps(), "simd": simdStatus()})
		return map[string]any{"info": string(b)}, nil
	})
	if err := safejs.Global().Set("int8scope", api); err != nil {
		panic(err)
	}
	if ready, err := safejs.Global().Get("int8scopeReady"); err == nil && ready.Type().String() == "function" {
		_, _ = ready.Invoke()
	}
	select {}
}

// export installs fn as api[name], turning errors and panics into {error}.
func export(api safejs.Value, name string, fn func(args []safejs.Value) (map[string]any, error)) {
	f, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) (ret any) {
		defer func() {
			if r := recover(); r != nil {
				ret = map[string]any{"error": fmt.Sprintf("internal error in %s: %v", name, r)}
			}
		}()
		out, err := fn(args)
		if err != nil {
			return map[string]any{"error": err.Error()}
		}
		return out
	})
	if err != nil {
		panic(err)
	}
	if err := api.Set(name, f.Value()); err != nil {
		panic(err)
	}
}

// bytesArg copies a Uint8Array argument into Go.
func bytesArg(v safejs.Value) ([]byte, error) {
	n, err := v.Length()
	if err != nil {
		return nil, fmt.Errorf("expected a Uint8Array: %w", err)
	}
	b := make([]byte, n)
	if _, err := safejs.CopyBytesToGo(b, v); err != nil {
		return nil, fmt.Errorf("expected a Uint8Array: %w", err)
	}
	return b, nil
}

// toJS copies bytes into a new Uint8Array.
func toJS(b []byte) (safejs.Value, error) {
	ctor, err := safejs.Global().Get("Uint8Array")
	if err != nil {
		return safejs.Value{}, err
	}
	a, err := ctor.New(len(b))
	if err != nil {
		return safejs.Value{}, err
	}
	_, err = safejs.CopyBytesToJS(a, b)
	return a, err
}

// load(bytes: Uint8Array, signature?: string) → {model: JSON} | {error}
func load(args []safejs.Value) (map[string]any, error) {
	if len(args) < 1 || len(args) > 2 {
		return nil, fmt.Errorf("load takes the model bytes and an optional signature")
	}
	b, err := bytesArg(args[0])
	if err != nil {
		return nil, err
	}
	signature := ""
	if len(args) == 2 && args[1].Type() == safejs.TypeString {
		if signature, err = args[1].String(); err != nil {
			return nil, err
		}
	}
	m, err := engine.LoadSignature(b, signature)
	if err != nil {
		return nil, err
	}
	j, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	model, last = m, map[engine.Profile]*engine.Result{}
	return map[string]any{"model": string(j), "macs": float64(m.MACs())}, nil
}

// run(inputs: Uint8Array[], profile: string, trace: bool) →
// {tensors: (Uint8Array|null)[], trace: JSON, acc: (Float64Array bytes|null)[],
// state: JSON (stateful models: the resource variables after the run)} | {error}
func run(args []safejs.Value) (map[string]any, error) {
	if model == nil {
		return nil, fmt.Errorf("no model loaded")
	}
	if len(args) != 3 {
		return nil, fmt.Errorf("run takes inputs, profile, trace")
	}
	trace, err := args[2].Bool()
	if err != nil {
		return nil, err
	}
	// Refuse a run that does not fit before copying its inputs into Go.
	trace, note, err := fitRun(model, trace)
	if err != nil {
		return nil, err
	}
	n, err := args[0].Length()
	if err != nil {
		return nil, fmt.Errorf("inputs must be an array of Uint8Array: %w", err)
	}
	inputs := make([][]byte, n)
	for i := range inputs {
		v, err := args[0].Index(i)
		if err != nil {
			return nil, err
		}
		if inputs[i], err = bytesArg(v); err != nil {
			return nil, fmt.Errorf("input %d: %w", i, err)
		}
	}
	profile, err := args[1].String()
	if err != nil {
		return nil, err
	}
	res, err := model.Run(inputs, engine.Options{Profile: engine.Profile(profile), Trace: trace})
	if err != nil {
		return nil, err
	}
	last[res.Profile] = res
	tensors := make([]any, len(res.Tensors))
	for i, b := range res.Tensors {
		if b == nil {
			tensors[i] = nil
			continue
		}
		a, err := toJS(b)
		if err != nil {
			return nil, err
		}
		tensors[i] = safejs.Unsafe(a) // nested values must be plain js.Values

	}
	out := map[string]any{"tensors": tensors}
	if model.Stateful() {
		j, _ := json.Marshal(res.State)
		out["state"] = string(j)
	}
	if note != "" {
		out["note"] = note
	}
	if res.Trace != nil {
		acc := make([]any, len(res.Trace.Ops))
		ops := make([]engine.OpTrace, len(res.Trace.Ops))
		for i, t := range res.Trace.Ops {
			if t.Acc != nil {
				f := make([]float64, len(t.Acc))
				for j, a := range t.Acc {
					f[j] = float64(a)
				}
				a, err := toJS(float64Bytes(f))
				if err != nil {
					return nil, err
				}
				acc[i] = safejs.Unsafe(a)
			}
			t.Acc = nil
			ops[i] = t
		}
		j, _ := json.Marshal(ops)
		out["trace"], out["acc"] = string(j), acc
	}
	return out, nil
}

// reset() → {} | {error}: brings the model's state (resource variables,
// CALL_ONCE) under every profile back to a fresh interpreter's.
func reset([]safejs.Value) (map[string]any, error) {
	if model == nil {
		return nil, fmt.Errorf("no model loaded")
	}
	model.Reset()
	return map[string]any{}, nil
}

// runBudget bounds what one run may allocate inside the 32-bit WebAssembly
// memory (whose Go heap dies, not errs, when it runs out).
const runBudget = 512 << 20

// fitRun decides whether a run fits the budget: traced, untraced with a
// note, or not at all with an error that says what to do instead. The
// trace's accumulators count twice: the engine's int64s and the float64
// copy handed to JS.
func fitRun(m *engine.Model, trace bool) (bool, string, error) {
	base := m.RunBytes(false)
	if base > runBudget {
		return false, "", fmt.Errorf("this model needs %s of activations per inference; the in-browser engine runs models up to %s. Run it with the command line instead: int8scope run MODEL.tflite --inputs DIR --out DIR", mib(base), mib(runBudget))
	}
	if !trace {
		return false, "", nil
	}
	if need := base + 2*(m.RunBytes(true)-base); need > runBudget {
		return false, fmt.Sprintf("Trace off for this model: recording its int32 accumulators would need %s, more than the in-browser engine's %s. Values and explanations still work; int8scope run --trace on the command line records everything.", mib(need), mib(runBudget)), nil
	}
	return true, "", nil
}

func mib(n int64) string {
	if n >= 1<<30 {
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	}
	return fmt.Sprintf("%d MiB", (n+1<<20-1)>>20)
}

// float64Bytes views f as bytes (wasm is little-endian).
func float64Bytes(f []float64) []byte {
	if len(f) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&f[0])), len(f)*8)
}

// explain(op: number, index: number, profile: string, all?: bool) → {explanation: JSON} | {error};
// all lists every term of the sum (Result.ExplainAll), not only the first engine.MaxTerms.
func explain(args []safejs.Value) (map[string]any, error) {
	if len(args) != 3 && len(args) != 4 {
		return nil, fmt.Errorf("explain takes op, index, profile and, optionally, all (list every term)")
	}
	ps, err := args[2].String()
	if err != nil {
		return nil, err
	}
	p, err := engine.ParseProfile(ps)
	if err != nil {
		return nil, err
	}
	res := last[p]
	if res == nil {
		return nil, fmt.Errorf("nothing has run with profile %s yet", p)
	}
	op, err := args[0].Float()
	if err != nil {
		return nil, err
	}
	idx, err := args[1].Float()
	if err != nil {
		return nil, err
	}
	if op != math.Trunc(op) || idx != math.Trunc(idx) {
		return nil, fmt.Errorf("op and index must be integers")
	}
	explainFn := res.Explain
	if len(args) == 4 {
		all, err := args[3].Truthy()
		if err != nil {
			return nil, err
		}
		if all {
			explainFn = res.ExplainAll
		}
	}
	e, err := explainFn(int(op), int(idx))
	if err != nil {
		return nil, err
	}
	j, err := json.Marshal(e)
	if err != nil {
		return nil, err
	}
	return map[string]any{"explanation": string(j)}, nil
}
