//go:build js && wasm

package main

// The WebAssembly SIMD kernels: Go's WebAssembly backend emits no SIMD, so
// the int8 matrix product of FULLY_CONNECTED and CONV_2D can run in a
// second, small module (wasm/simd/kernels.wat, built into
// web/static/simd.wasm) that imports this instance's memory. JS
// (web/static/simd.js) instantiates it on our exported memory and hands its
// exports to accelerate; the engine then calls gemm_s8 once per op with the
// addresses of Go slices. Without it the engine runs its pure-Go kernels,
// which are also the reference the SIMD ones are tested against
// (web/test/simd.test.js).

import (
	"fmt"
	"runtime"
	"unsafe"

	"github.com/hack-pad/safejs"
	"github.com/int8scope/int8scope/engine"
)

var (
	simdGEMM safejs.Value // the SIMD module's gemm_s8, when accelerate installed it
	simdDW   safejs.Value // its dw_s8
	simdDWO  safejs.Value // its dw_s8o
	simdRQF  safejs.Value // its rq_fixed
	simdRQ32 safejs.Value // its rq_fp32
	simdI2C  safejs.Value // its im2col1_s8
	simdOn   bool
	simdErr  string // why the SIMD kernels were turned off after a failure
)

// accelerate(kernels: {gemm_s8: Function, dw_s8?: Function} | null) →
// {simd: bool} | {error}: with the exports of the SIMD module (instantiated
// on this instance's memory), the engine's int8 matrix products and
// depthwise convolutions run there; with null, in Go.
func accelerate(args []safejs.Value) (map[string]any, error) {
	if len(args) != 1 {
		return nil, fmt.Errorf("accelerate takes the SIMD module's exports, or null")
	}
	if t := args[0].Type(); t == safejs.TypeNull || t == safejs.TypeUndefined {
		simdOff("")
		return map[string]any{"simd": false}, nil
	}
	f, err := args[0].Get("gemm_s8")
	if err != nil || f.Type() != safejs.TypeFunction {
		return nil, fmt.Errorf("accelerate: the kernels have no gemm_s8 function")
	}
	simdGEMM, simdOn, simdErr = f, true, ""
	engine.SetGEMM(gemmSIMD)
	engine.SetDepthwise(nil)
	if dw, err := args[0].Get("dw_s8"); err == nil && dw.Type() == safejs.TypeFunction {
		simdDW = dw
		engine.SetDepthwise(depthwiseSIMD)
	}
	accelerateDW(args[0])
	return map[string]any{"simd": true}, nil
}

// simdOff returns the engine to its pure-Go kernels; why, if not empty, is
// the failure that made it.
func simdOff(why string) {
	simdOn, simdErr, simdGEMM, simdDW = false, why, safejs.Undefined(), safejs.Undefined()
	simdDWO, simdRQF, simdRQ32, simdI2C = safejs.Undefined(), safejs.Undefined(), safejs.Undefined(), safejs.Undefined()
	engine.SetGEMM(nil)
	engine.SetDepthwise(nil)
	engine.SetDepthwiseOffset(nil)
	engine.SetRequant(nil, nil)
	engine.SetIm2ColOne(nil)
}

// simdStatus is what info reports: whether the SIMD kernels run, and why
// not if they failed.
func simdStatus() map[string]any {
	s := map[string]any{"on": simdOn}
	if simdErr != "" {
		s["error"] = simdErr
	}
	return s
}

// gemmSIMD is engine.GEMM on the SIMD module: it passes the addresses of
// a, b and out, which in Go's WebAssembly are offsets into the linear
// memory the module imports (Go's collector does not move heap objects, and
// the calling goroutine's stack cannot move while it waits for the call).
// Should the call fail, it turns the SIMD kernels off and computes the
// product in Go.
func gemmSIMD(m, n, k int, a, b []int8, out []int32) {
	if m <= 0 || n <= 0 {
		return
	}
	if k <= 0 {
		clear(out[:m*n])
		return
	}
	a, b, out = a[:m*k], b[:n*k], out[:m*n] // bounds: the module checks none
	_, err := simdGEMM.Invoke(m, n, k, memAddr(&a[0]), memAddr(&b[0]), memAddr(&out[0]))
	runtime.KeepAlive(a)
	runtime.KeepAlive(b)
	runtime.KeepAlive(out)
	if err != nil {
		simdOff(fmt.Sprintf("gemm_s8 failed: %v", err))
		engine.GoGEMM(m, n, k, a, b, out)
	}
}

// depthwiseSIMD is engine.DepthwiseS8 on the SIMD module's dw_s8, with
// addresses passed as in gemmSIMD. Should the call fail, it turns the SIMD
// kernels off and panics: that run reports the error, the next runs in Go.
func depthwiseSIMD(p *engine.DepthwiseConv2DParams, in, w []int8, bias, acc []int32) {
	n := p.Batches * p.OutH * p.OutW * p.OutC
	if n == 0 {
		return
	}
	// bounds: the module checks none
	in, w = in[:p.Batches*p.InH*p.InW*p.InC], w[:p.FilterH*p.FilterW*p.OutC]
	bias, acc = bias[:p.OutC], acc[:n]
	if p.InC != p.OutC {
		panic(fmt.Sprintf("dw_s8: depth multiplier %d", p.DepthMultiplier))
	}
	_, err := simdDW.Invoke(p.Batches, p.InH, p.InW, p.OutC, p.OutH, p.OutW, p.FilterH, p.FilterW,
		p.StrideH, p.StrideW, p.PadH, p.PadW, p.DilationH, p.DilationW, p.InputOffset,
		memAddr(&in[0]), memAddr(&w[0]), memAddr(&bias[0]), memAddr(&acc[0]))
	runtime.KeepAlive(in)
	runtime.KeepAlive(w)
	runtime.KeepAlive(bias)
	runtime.KeepAlive(acc)
	if err != nil {
		simdOff(fmt.Sprintf("dw_s8 failed: %v", err))
		panic(err)
	}
}

// memAddr is p's offset in the WebAssembly linear memory.
func memAddr[T any](p *T) int { return int(uintptr(unsafe.Pointer(p))) }

// gemm(m, n, k, a: Uint8Array, b: Uint8Array, simd: bool) →
// {out: Uint8Array (m·n little-endian int32)} | {error}: one int8 matrix
// product by the pure-Go kernel or the SIMD one, for the differential tests
// of the SIMD kernels and for benchmarks.
func gemmAPI(args []safejs.Value) (map[string]any, error) {
	if len(args) != 6 {
		return nil, fmt.Errorf("gemm takes m, n, k, a, b, simd")
	}
	var dims [3]int
	for i := range dims {
		f, err := args[i].Float()
		if err != nil || f != float64(int(f)) || f < 0 || f > 1<<24 {
			return nil, fmt.Errorf("gemm: argument %d must be an integer in [0, 2^24]", i)
		}
		dims[i] = int(f)
	}
	m, n, k := dims[0], dims[1], dims[2]
	a, err := bytesArg(args[3])
	if err != nil {
		return nil, err
	}
	b, err := bytesArg(args[4])
	if err != nil {
		return nil, err
	}
	if len(a) != m*k || len(b) != n*k {
		return nil, fmt.Errorf("gemm: a has %d bytes and b %d, want m·k = %d and n·k = %d", len(a), len(b), m*k, n*k)
	}
	simd, err := args[5].Truthy()
	if err != nil {
		return nil, err
	}
	out := make([]int32, m*n)
	switch {
	case !simd:
		engine.GoGEMM(m, n, k, engine.AsInt8(a), engine.AsInt8(b), out)
	case simdOn:
		gemmSIMD(m, n, k, engine.AsInt8(a), engine.AsInt8(b), out)
	default:
		return nil, fmt.Errorf("gemm: the SIMD kernels are not installed (accelerate)")
	}
	var bytes []byte
	if len(out) > 0 {
		bytes = unsafe.Slice((*byte)(unsafe.Pointer(&out[0])), 4*len(out))
	}
	js, err := toJS(bytes)
	if err != nil {
		return nil, err
	}
	return map[string]any{"out": safejs.Unsafe(js)}, nil
}

// accelerateDW installs the depthwise kernels beside dw_s8 that kernels
// has: dw_s8o (uint8 depthwise convolutions), im2col1_s8 (those of one
// input channel) and the output stages rq_fixed and rq_fp32, each only if
// present.
func accelerateDW(kernels safejs.Value) {
	get := func(name string) (safejs.Value, bool) {
		f, err := kernels.Get(name)
		return f, err == nil && f.Type() == safejs.TypeFunction
	}
	engine.SetDepthwiseOffset(nil)
	engine.SetRequant(nil, nil)
	engine.SetIm2ColOne(nil)
	if f, ok := get("im2col1_s8"); ok {
		simdI2C = f
		engine.SetIm2ColOne(im2colOneSIMD)
	}
	if f, ok := get("dw_s8o"); ok {
		simdDWO = f
		engine.SetDepthwiseOffset(depthwiseOffsetSIMD)
	}
	fixed, okF := get("rq_fixed")
	fp32, ok32 := get("rq_fp32")
	if okF && ok32 {
		simdRQF, simdRQ32 = fixed, fp32
		engine.SetRequant(requantFixedSIMD, requantFP32SIMD)
	}
}

// depthwiseOffsetSIMD is engine.DepthwiseS8O on the SIMD module's dw_s8o,
// as depthwiseSIMD.
func depthwiseOffsetSIMD(p *engine.DepthwiseConv2DParams, in, w []int8, woff int32, bias, acc []int32) {
	n := p.Batches * p.OutH * p.OutW * p.OutC
	if n == 0 {
		return
	}
	// bounds: the module checks none
	in, w = in[:p.Batches*p.InH*p.InW*p.InC], w[:p.FilterH*p.FilterW*p.OutC]
	bias, acc = bias[:p.OutC], acc[:n]
	if p.InC != p.OutC {
		panic(fmt.Sprintf("dw_s8o: depth multiplier %d", p.DepthMultiplier))
	}
	_, err := simdDWO.Invoke(p.Batches, p.InH, p.InW, p.OutC, p.OutH, p.OutW, p.FilterH, p.FilterW,
		p.StrideH, p.StrideW, p.PadH, p.PadW, p.DilationH, p.DilationW, p.InputOffset, woff,
		memAddr(&in[0]), memAddr(&w[0]), memAddr(&bias[0]), memAddr(&acc[0]))
	runtime.KeepAlive(in)
	runtime.KeepAlive(w)
	runtime.KeepAlive(bias)
	runtime.KeepAlive(acc)
	if err != nil {
		simdOff(fmt.Sprintf("dw_s8o failed: %v", err))
		panic(err)
	}
}

// requantFixedSIMD is engine.RequantFixedS8 on the SIMD module's rq_fixed,
// as depthwiseSIMD.
func requantFixedSIMD(acc []int32, channels int, add, par []int32, single bool, zp, lo, hi int32, out []int8) {
	if len(acc) == 0 {
		return
	}
	out, par = out[:len(acc)], par[:4*channels] // bounds: the module checks none
	s := 0
	if single {
		s = 1
	}
	_, err := simdRQF.Invoke(memAddr(&acc[0]), len(acc), channels, addAddr(add, channels), memAddr(&par[0]), s, zp, lo, hi, memAddr(&out[0]))
	runtime.KeepAlive(acc)
	runtime.KeepAlive(add)
	runtime.KeepAlive(par)
	runtime.KeepAlive(out)
	if err != nil {
		simdOff(fmt.Sprintf("rq_fixed failed: %v", err))
		panic(err)
	}
}

// requantFP32SIMD is engine.RequantFP32S8 on the SIMD module's rq_fp32,
// as depthwiseSIMD.
func requantFP32SIMD(acc []int32, channels int, add []int32, scales []float32, zp, lo, hi int32, out []int8) {
	if len(acc) == 0 {
		return
	}
	out = out[:len(acc)] // bounds: the module checks none
	step := 4
	if len(scales) == 1 {
		step = 0
	} else {
		scales = scales[:channels]
	}
	_, err := simdRQ32.Invoke(memAddr(&acc[0]), len(acc), channels, addAddr(add, channels), memAddr(&scales[0]), step, zp, lo, hi, memAddr(&out[0]))
	runtime.KeepAlive(acc)
	runtime.KeepAlive(add)
	runtime.KeepAlive(scales)
	runtime.KeepAlive(out)
	if err != nil {
		simdOff(fmt.Sprintf("rq_fp32 failed: %v", err))
		panic(err)
	}
}

// addAddr is the address of add's first channels values for rq_fixed and
// rq_fp32, or 0 (no addition) for nil.
func addAddr(add []int32, channels int) int {
	if add == nil {
		return 0
	}
	add = add[:channels] // bounds: the module checks none
	return memAddr(&add[0])
}

// im2colOneSIMD is engine.Im2ColS8One on the SIMD module's im2col1_s8, as
// depthwiseSIMD.
func im2colOneSIMD(p *engine.DepthwiseConv2DParams, in []int8, fill int8, p0, mb int, patches []int8) {
	if mb <= 0 {
		return
	}
	// bounds: the module checks none
	in, patches = in[:p.Batches*p.InH*p.InW], patches[:mb*p.FilterH*p.FilterW]
	if p.InC != 1 || p0+mb > p.Batches*p.OutH*p.OutW {
		panic(fmt.Sprintf("im2col1_s8: %d input channels, pixels %d+%d", p.InC, p0, mb))
	}
	_, err := simdI2C.Invoke(p.InH, p.InW, p.OutH, p.OutW, p.FilterH, p.FilterW, p.StrideH, p.StrideW, p.PadH, p.PadW,
		p.DilationH, p.DilationW, int(fill), p0, mb, memAddr(&in[0]), memAddr(&patches[0]))
	runtime.KeepAlive(in)
	runtime.KeepAlive(patches)
	if err != nil {
		simdOff(fmt.Sprintf("im2col1_s8 failed: %v", err))
		panic(err)
	}
}
