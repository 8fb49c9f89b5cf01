//go:build js && wasm

// Command export is the exporter's WebAssembly module, web/static/export.wasm:
// the page's "Export" row (web/static/download.js) makes the NumPy program
// and the test vectors with it. It is a module of its own so that the
// engine the page loads first (../main.go, int8scope.wasm) carries neither
// engine/export (its Python sources, regexp, the program builder) nor its
// zip and .npy writers: the page fetches this module only when the user asks
// for a download (web/static/engine-worker.js).
//
// It has no access to the engine module's memory, so the worker replays into
// it what the engine did with the loaded model: load, resize, reset and the
// runs that matter (every run of a stateful model, the last one per profile
// otherwise), with the same inputs and trace flags. The engine is
// deterministic, so the replayed model and results are the engine module's,
// byte for byte, and exportFiles returns what the engine module returned
// when it exported itself.
//
// It exposes a global int8scopeExport: load, resize, run, reset and
// exportFiles, each returning {error} on failure or panic. The worker starts
// a fresh instance for each export and drops it after.
package main

import (
	"fmt"

	"github.com/hack-pad/safejs"
	"github.com/int8scope/int8scope/engine"
	numpyexport "github.com/int8scope/int8scope/engine/export"
	"github.com/int8scope/int8scope/wasm/internal/jsargs"
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
	export(api, "resize", resize)
	export(api, "run", run)
	export(api, "reset", reset)
	export(api, "exportFiles", exportFiles)
	if err := safejs.Global().Set("int8scopeExport", api); err != nil {
		panic(err)
	}
	select {}
}

// export installs fn as api[name] (jsargs.Export).
func export(api safejs.Value, name string, fn jsargs.Func) {
	jsargs.Export(api, name, "export "+name, fn)
}

// bytesArg copies a Uint8Array argument into Go.
func bytesArg(v safejs.Value) ([]byte, error) { return jsargs.Bytes(v) }

// load(bytes: Uint8Array, signature: string) → {} | {error}, as the
// engine module's load.
func load(args []safejs.Value) (map[string]any, error) {
	if len(args) != 2 {
		return nil, fmt.Errorf("load takes the model bytes and a signature")
	}
	b, err := bytesArg(args[0])
	if err != nil {
		return nil, err
	}
	signature, err := args[1].String()
	if err != nil {
		return nil, err
	}
	m, err := engine.LoadSignature(b, signature)
	if err != nil {
		return nil, err
	}
	model, last = m, map[engine.Profile]*engine.Result{}
	return map[string]any{}, nil
}

// resize(shapes: [[d, …] | null, …]) → {} | {error}, as the engine
// module's resize (there the shapes come as JSON).
func resize(args []safejs.Value) (map[string]any, error) {
	if model == nil {
		return nil, fmt.Errorf("no model loaded")
	}
	if len(args) != 1 {
		return nil, fmt.Errorf("resize takes the input shapes")
	}
	n, err := args[0].Length()
	if err != nil {
		return nil, err
	}
	shapes := make([][]int, n)
	for i := range shapes {
		s, err := args[0].Index(i)
		if err != nil {
			return nil, err
		}
		if s.IsNull() || s.IsUndefined() {
			continue
		}
		k, err := s.Length()
		if err != nil {
			return nil, err
		}
		shapes[i] = make([]int, k)
		for j := range shapes[i] {
			d, err := s.Index(j)
			if err != nil {
				return nil, err
			}
			if shapes[i][j], err = d.Int(); err != nil {
				return nil, err
			}
		}
	}
	m, err := model.Resize(shapes)
	if err != nil {
		return nil, err
	}
	model, last = m, map[engine.Profile]*engine.Result{}
	return map[string]any{}, nil
}

// run(inputs: Uint8Array[], profile: string, trace: bool) → {} | {error}:
// the run the engine module made, trace as it recorded it.
func run(args []safejs.Value) (map[string]any, error) {
	if model == nil {
		return nil, fmt.Errorf("no model loaded")
	}
	if len(args) != 3 {
		return nil, fmt.Errorf("run takes inputs, profile, trace")
	}
	inputs, err := jsargs.BytesList(args[0])
	if err != nil {
		return nil, err
	}
	profile, err := args[1].String()
	if err != nil {
		return nil, err
	}
	trace, err := args[2].Bool()
	if err != nil {
		return nil, err
	}
	res, err := model.Run(inputs, engine.Options{Profile: engine.Profile(profile), Trace: trace})
	if err != nil {
		return nil, err
	}
	last[res.Profile] = res
	return map[string]any{}, nil
}

// reset() → {} | {error}, as the engine module's.
func reset([]safejs.Value) (map[string]any, error) {
	if model == nil {
		return nil, fmt.Errorf("no model loaded")
	}
	model.Reset()
	return map[string]any{}, nil
}

// exportFiles(kind: "numpy" | "vectors", profile: string, name: string) →
// {zip: Uint8Array} | {error}: the loaded model's forward pass as a NumPy
// program (NAME.py and NAME.npz; a model with run-time shapes: the last
// run's under profile), or the per-op test vectors of the last
// traced run under profile (engine/export), packed in a zip.
func exportFiles(args []safejs.Value) (map[string]any, error) {
	if model == nil {
		return nil, fmt.Errorf("no model loaded")
	}
	if len(args) != 3 {
		return nil, fmt.Errorf("exportFiles takes kind, profile and name")
	}
	var s [3]string
	for i := range s {
		var err error
		if s[i], err = args[i].String(); err != nil {
			return nil, err
		}
	}
	p, err := engine.ParseProfile(s[1])
	if err != nil {
		return nil, err
	}
	var files []numpyexport.File
	switch s[0] {
	case "numpy":
		m := model
		if model.Dynamic() != "" {
			// Shapes only a run works out: the program of the last run's model.
			if last[p] == nil {
				return nil, fmt.Errorf("this model works some shapes out while it runs (%s); run it under %s first, and the program is exported for that run's shapes", model.Dynamic(), p)
			}
			m = last[p].Model
		}
		prog, err := numpyexport.NumPy(m, p, fileBase(s[2])+".tflite")
		if err != nil {
			return nil, err
		}
		if files, err = prog.Files(fileBase(s[2])); err != nil {
			return nil, err
		}
	case "vectors":
		res := last[p]
		if res == nil || res.Trace == nil {
			return nil, fmt.Errorf("the test vectors need a run under %s with the trace on; run the model first", p)
		}
		if files, err = numpyexport.Vectors(res); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("unknown export %q (numpy or vectors)", s[0])
	}
	z, err := numpyexport.Zip(files)
	if err != nil {
		return nil, err
	}
	ctor, err := safejs.Global().Get("Uint8Array")
	if err != nil {
		return nil, err
	}
	a, err := ctor.New(len(z))
	if err != nil {
		return nil, err
	}
	if _, err := safejs.CopyBytesToJS(a, z); err != nil {
		return nil, err
	}
	return map[string]any{"zip": safejs.Unsafe(a)}, nil
}

// fileBase keeps letters, digits, '-' and '_' of a model name for the
// exported file names ("model" if nothing is left).
func fileBase(name string) string {
	b := []byte(name)
	out := b[:0]
	for _, c := range b {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return "model"
	}
	return string(out)
}
