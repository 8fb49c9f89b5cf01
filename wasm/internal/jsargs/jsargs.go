//go:build js && wasm

// Package jsargs is what both WebAssembly modules (the engine, ../../main.go,
// and the exporter, ../../export) need to expose Go functions to JS: one
// function per page API call that turns errors and panics into {error}, and
// the copies of Uint8Array arguments into Go.
package jsargs

import (
	"fmt"

	"github.com/hack-pad/safejs"
)

// Func is one page API call: its result, or an error the caller gets as
// {error: message}.
type Func func(args []safejs.Value) (map[string]any, error)

// Export installs fn as api[name]. An error becomes {error}; a panic too,
// as "internal error in <what>: …", so one bad input fails that call only
// and the instance keeps working.
func Export(api safejs.Value, name, what string, fn Func) {
	f, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) (ret any) {
		defer func() {
			if r := recover(); r != nil {
				ret = map[string]any{"error": fmt.Sprintf("internal error in %s: %v", what, r)}
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

// Bytes copies a Uint8Array argument into Go.
func Bytes(v safejs.Value) ([]byte, error) {
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

// BytesList copies an array of Uint8Array (a run's inputs) into Go.
func BytesList(v safejs.Value) ([][]byte, error) {
	n, err := v.Length()
	if err != nil {
		return nil, fmt.Errorf("inputs must be an array of Uint8Array: %w", err)
	}
	out := make([][]byte, n)
	for i := range out {
		e, err := v.Index(i)
		if err != nil {
			return nil, err
		}
		if out[i], err = Bytes(e); err != nil {
			return nil, fmt.Errorf("input %d: %w", i, err)
		}
	}
	return out, nil
}
