//go:build js && wasm

// Command wasm is the browser bridge to the engine: it exposes a global
// int8scope object whose functions take and return typed arrays and JSON
// strings. It holds one loaded model and its last result; all logic lives in
// package engine. Every call recovers from panics and returns {error}, so a
// bad model never kills the instance. The exporter (engine/export) is a
// module of its own, export/main.go, which the page fetches only when the
// user asks for a download.
package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/hack-pad/safejs"
	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/internal/jsonenc"
	"github.com/int8scope/int8scope/wasm/internal/jsargs"
)

var (
	model *engine.Model
	lay   Layout // where model's tensors are in the buffers JS gets
	// The latest result per profile: runsOf and lastRun (run.go).
)

func main() {
	api, err := safejs.ValueOf(map[string]any{})
	if err != nil {
		panic(err)
	}
	export(api, "load", load)
	export(api, "constants", constants)
	export(api, "run", run)
	export(api, "accumulators", accumulators)
	export(api, "explain", explain)
	export(api, "reset", reset)
	export(api, "resize", resize)
	export(api, "accelerate", accelerate) // simd.go
	export(api, "gemm", gemmAPI)
	export(api, "checkGemmRequant", checkGemmRequantAPI) // simd.go
	export(api, "info", func([]safejs.Value) (map[string]any, error) {
		b, _ := jsonenc.Marshal(map[string]any{"profiles": engine.Profiles(), "ops": engine.SupportedOps(), "simd": simdStatus()})
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

// export installs fn as api[name] (jsargs.Export).
func export(api safejs.Value, name string, fn jsargs.Func) {
	jsargs.Export(api, name, name, fn)
}

// bytesArg copies a Uint8Array argument into Go.
func bytesArg(v safejs.Value) ([]byte, error) { return jsargs.Bytes(v) }

// uint8Array is the Uint8Array constructor, looked up once.
var uint8Array safejs.Value

// profileArg reads a profile's name.
func profileArg(v safejs.Value) (engine.Profile, error) {
	s, err := v.String()
	if err != nil {
		return "", err
	}
	return engine.ParseProfile(s)
}

// toJS copies bytes into a new Uint8Array.
func toJS(b []byte) (safejs.Value, error) {
	if uint8Array.IsUndefined() {
		ctor, err := safejs.Global().Get("Uint8Array")
		if err != nil {
			return safejs.Value{}, err
		}
		uint8Array = ctor
	}
	a, err := uint8Array.New(len(b))
	if err != nil {
		return safejs.Value{}, err
	}
	_, err = safejs.CopyBytesToJS(a, b)
	return a, err
}

// load(bytes: Uint8Array, signature?: string) → {model: JSON, macs, layout: JSON (Layout)} | {error}
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
	return use(m)
}

// use makes m the model the bridge runs and describes it as load does.
func use(m *engine.Model) (map[string]any, error) {
	j, err := jsonenc.Marshal(m)
	if err != nil {
		return nil, err
	}
	l := layoutOf(m)
	lj, err := jsonenc.Marshal(l)
	if err != nil {
		return nil, err
	}
	model, lay, ran = m, l, nil
	newIO(m)
	return map[string]any{"model": string(j), "macs": float64(m.MACs()), "layout": string(lj)}, nil
}

// resize(shapes: JSON, [[d, …] or null per model input]) → as load | {error}:
// the loaded model with its inputs resized (engine.Model.Resize: only
// shape_signature −1 dimensions may change; null keeps an input's shape),
// which replaces it; the constants stay where they were.
func resize(args []safejs.Value) (map[string]any, error) {
	if model == nil {
		return nil, fmt.Errorf("no model loaded")
	}
	if len(args) != 1 || args[0].Type() != safejs.TypeString {
		return nil, fmt.Errorf("resize takes the input shapes as JSON")
	}
	js, err := args[0].String()
	if err != nil {
		return nil, err
	}
	shapes, err := parseShapes(js)
	if err != nil {
		return nil, fmt.Errorf("resize: shapes %q: %w", js, err)
	}
	m, err := model.Resize(shapes)
	if err != nil {
		return nil, err
	}
	return use(m)
}

// constants() → {values: Uint8Array (Layout.Constants bytes)} | {error}:
// every constant tensor of the loaded model, at its layout offset. The page
// asks once per model; runs never copy constants.
func constants([]safejs.Value) (map[string]any, error) {
	if model == nil {
		return nil, fmt.Errorf("no model loaded")
	}
	vals := make([][]byte, len(model.Tensors))
	for i, t := range model.Tensors {
		vals[i] = t.Data
	}
	buf := make([]byte, lay.Constants)
	if err := lay.pack(buf, inConstants, vals); err != nil {
		return nil, err
	}
	a, err := toJS(buf)
	if err != nil {
		return nil, err
	}
	return map[string]any{"values": safejs.Unsafe(a)}, nil
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

// explain(op: number, index: number, profile: string, all?: bool) → {explanation: JSON} | {error};
// all lists every term of the sum (Result.ExplainAll), not only the first engine.MaxTerms.
func explain(args []safejs.Value) (map[string]any, error) {
	if len(args) != 3 && len(args) != 4 {
		return nil, fmt.Errorf("explain takes op, index, profile and, optionally, all (list every term)")
	}
	p, err := profileArg(args[2])
	if err != nil {
		return nil, err
	}
	res, _ := lastRun(p)
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
	j, err := jsonenc.Marshal(e)
	if err != nil {
		return nil, err
	}
	return map[string]any{"explanation": string(j)}, nil
}

// parseShapes reads resize's JSON argument, an array of arrays of integers
// or nulls: [[1, 224, 224, 3], null]. (The module has no JSON decoder:
// internal/jsonenc only encodes.)
func parseShapes(s string) ([][]int, error) {
	p := 0
	skip := func() {
		for p < len(s) && (s[p] == ' ' || s[p] == '\t' || s[p] == '\n' || s[p] == '\r') {
			p++
		}
	}
	expect := func(c byte) bool {
		skip()
		if p < len(s) && s[p] == c {
			p++
			return true
		}
		return false
	}
	bad := func() error {
		if p >= len(s) {
			return fmt.Errorf("unexpected end of JSON input")
		}
		return fmt.Errorf("unexpected %q at offset %d (want [[int, ...] or null, ...])", s[p], p)
	}
	// list reads '[' item (',' item)* ']' or '[' ']'.
	list := func(item func() error) error {
		if !expect('[') {
			return bad()
		}
		if expect(']') {
			return nil
		}
		for {
			if err := item(); err != nil {
				return err
			}
			if expect(']') {
				return nil
			}
			if !expect(',') {
				return bad()
			}
		}
	}
	shapes := [][]int{}
	err := list(func() error {
		skip()
		if strings.HasPrefix(s[p:], "null") {
			p += 4
			shapes = append(shapes, nil)
			return nil
		}
		shape := []int{}
		err := list(func() error {
			skip()
			q := p
			if p < len(s) && s[p] == '-' {
				p++
			}
			for p < len(s) && s[p] >= '0' && s[p] <= '9' {
				p++
			}
			d, err := strconv.Atoi(s[q:p])
			if err != nil {
				p = q
				return bad()
			}
			shape = append(shape, d)
			return nil
		})
		shapes = append(shapes, shape)
		return err
	})
	if err != nil {
		return nil, err
	}
	if skip(); p != len(s) {
		return nil, bad()
	}
	return shapes, nil
}
