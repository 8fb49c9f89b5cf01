//go:build js && wasm

package main

// The WebAssembly SIMD kernels: Go's WebAssembly backend emits no SIMD, so
// the int8 matrix product of FULLY_CONNECTED and CONV_2D can run in a
// second, small module (wasm/simd/kernels.wat, built into
// web/static/simd.wasm) that imports this instance's memory. JS
// (web/static/simd.js) instantiates it on our exported memory and hands its
// exports to accelerate; the engine then calls its kernels with the
// addresses of Go slices. Without it the engine runs its pure-Go kernels,
// which are also the reference the SIMD ones are tested against
// (web/test/simd.test.js).
//
// How a kernel is called: as a //go:wasmimport function of the import
// module "int8scope_simd", with plain numbers (int32 sizes, uint32
// addresses from memAddr): no syscall/js, no allocation, about as cheap as
// a Go call. JS provides that module when it instantiates the Go program
// (int8scopeSIMD.link in simd.js): each import forwards to the export of the
// same name of the kernels accelerate was last given. To add a kernel:
//
//  1. export it from wasm/simd/kernels.wat (make simd);
//  2. declare it here, next to simdGemmS8:
//     //go:wasmimport int8scope_simd my_kernel
//     func simdMyKernel(n int32, in, out uint32)
//  3. call it from a wrapper that slices its operands to their exact
//     lengths first (the kernels check no bounds) and keeps them alive, and
//     install the wrapper in accelerate when the kernels have the export
//     (kernelsHave), like gemmSIMD.
//
// A kernel that traps (an out-of-bounds access) kills the instance like any
// fatal Go error; the wrappers' slicing is what keeps the addresses inside
// Go's slices. Go's collector does not move heap objects, and no goroutine
// stack can move during an imported call, so the addresses stay valid.

import (
	"fmt"
	"runtime"
	"unsafe"

	"github.com/hack-pad/safejs"
	"github.com/int8scope/int8scope/engine"
)

// The kernels of wasm/simd/kernels.wat (see there for their contracts).

//go:wasmimport int8scope_simd gemm_s8
func simdGemmS8(m, n, k int32, a, b, out uint32)

//go:wasmimport int8scope_simd dw_s8
func simdDwS8(batches, inH, inW, c, outH, outW, filterH, filterW, strideH, strideW, padH, padW, dilationH, dilationW, inputOffset int32, in, w, bias, acc uint32)

//go:wasmimport int8scope_simd gemm_rq_s8
func simdGemmRqS8(m, n, k int32, a, b, acc, add uint32, ib int32, out uint32, ldo int32, rq uint32, c0 int32)

//go:wasmimport int8scope_simd im2col_s8
func simdIm2colS8(in, patches uint32, p0, mb, goff, fill, inH, inW, inC, outH, outW, filterH, filterW, filterC, strideH, strideW, padH, padW, dilationH, dilationW int32)

//go:wasmimport int8scope_simd dw_s8o
func simdDwS8O(batches, inH, inW, c, outH, outW, filterH, filterW, strideH, strideW, padH, padW, dilationH, dilationW, inputOffset, filterOffset int32, in, w, bias, acc uint32)

//go:wasmimport int8scope_simd dw_rq_s8
func simdDwRqS8(batches, inH, inW, c, outH, outW, filterH, filterW, strideH, strideW, padH, padW, dilationH, dilationW, inputOffset, filterOffset int32, in, w, bias, acc, rq, out uint32)

//go:wasmimport int8scope_simd rq_fixed
func simdRqFixed(acc uint32, n, channels int32, add, par uint32, single, zp, lo, hi int32, out uint32)

//go:wasmimport int8scope_simd rq_fp32
func simdRqFP32(acc uint32, n, channels int32, add, scales uint32, scaleStep, zp, lo, hi int32, out uint32)

//go:wasmimport int8scope_simd im2col1_s8
func simdIm2col1S8(inH, inW, outH, outW, filterH, filterW, strideH, strideW, padH, padW, dilationH, dilationW, fill, p0, mb int32, in, patches uint32)

//go:wasmimport int8scope_simd add_s8
func simdAddS8(n int32, a, b, out, tab uint32) int32

//go:wasmimport int8scope_simd gemm_rq_c4_s8
func simdGemmRqC4S8(m, n, k int32, a, b, acc, add uint32, ib int32, out uint32, ldo int32, rq uint32, c0 int32, w uint32)

var (
	simdOn  bool
	simdErr string // why the SIMD kernels were turned off after a failure
)

// haveC4 is whether the kernels have gemm_rq_c4_s8, which gemmRequantSIMD
// then runs for blocks of a multiple of 4 channels and short k (8…64);
// c4Scratch is where it packs the block's weights.
var (
	haveC4    bool
	c4Scratch []byte
)

// accelerate(kernels: {gemm_s8: Function, dw_s8?: Function, …} | null) →
// {simd: bool} | {error}: with the exports of the SIMD module (instantiated
// on this instance's memory, and bound to our int8scope_simd imports by
// simd.js), the engine's int8 matrix products, depthwise convolutions and
// output stages run there; with null, in Go. A kernel the object lacks
// stays in Go (dw_s8o needs dw_s8; rq_fixed and rq_fp32 go together).
func accelerate(args []safejs.Value) (map[string]any, error) {
	if len(args) != 1 {
		return nil, fmt.Errorf("accelerate takes the SIMD module's exports, or null")
	}
	if t := args[0].Type(); t == safejs.TypeNull || t == safejs.TypeUndefined {
		simdOff("")
		return map[string]any{"simd": false}, nil
	}
	k := args[0]
	if !kernelsHave(k, "gemm_s8") {
		return nil, fmt.Errorf("accelerate: the kernels have no gemm_s8 function")
	}
	simdOn, simdErr = true, ""
	engine.SetGEMM(gemmSIMD)
	engine.SetDepthwise(nil)
	if kernelsHave(k, "dw_s8") {
		engine.SetDepthwise(depthwiseSIMD)
	}
	engine.SetGEMMRequant(nil)
	if kernelsHave(k, "gemm_rq_s8") {
		engine.SetGEMMRequant(gemmRequantSIMD)
	}
	haveC4 = kernelsHave(k, "gemm_rq_c4_s8")
	engine.SetIm2Col(nil)
	if kernelsHave(k, "im2col_s8") {
		engine.SetIm2Col(im2colSIMD)
	}
	engine.SetDepthwiseOffset(nil)
	if kernelsHave(k, "dw_s8o") {
		engine.SetDepthwiseOffset(depthwiseOffsetSIMD)
	}
	engine.SetDepthwiseRequant(nil)
	if kernelsHave(k, "dw_s8") && kernelsHave(k, "dw_rq_s8") {
		engine.SetDepthwiseRequant(depthwiseRequantSIMD)
	}
	engine.SetRequant(nil, nil)
	if kernelsHave(k, "rq_fixed") && kernelsHave(k, "rq_fp32") {
		engine.SetRequant(requantFixedSIMD, requantFP32SIMD)
	}
	engine.SetIm2ColOne(nil)
	if kernelsHave(k, "im2col1_s8") {
		engine.SetIm2ColOne(im2colOneSIMD)
	}
	engine.SetAdd(nil)
	if kernelsHave(k, "add_s8") {
		engine.SetAdd(addSIMD)
	}
	return map[string]any{"simd": true}, nil
}

// kernelsHave says whether the kernels object has a function name.
func kernelsHave(kernels safejs.Value, name string) bool {
	f, err := kernels.Get(name)
	return err == nil && f.Type() == safejs.TypeFunction
}

// simdOff returns the engine to its pure-Go kernels; why, if not empty, is
// the failure that made it.
func simdOff(why string) {
	simdOn, simdErr = false, why
	engine.SetGEMM(nil)
	engine.SetDepthwise(nil)
	engine.SetGEMMRequant(nil)
	engine.SetIm2Col(nil)
	engine.SetDepthwiseOffset(nil)
	engine.SetDepthwiseRequant(nil)
	engine.SetRequant(nil, nil)
	engine.SetIm2ColOne(nil)
	engine.SetAdd(nil)
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

// gemmSIMD is engine.GEMM on the SIMD module's gemm_s8.
func gemmSIMD(m, n, k int, a, b []int8, out []int32) {
	if m <= 0 || n <= 0 {
		return
	}
	if k <= 0 {
		clear(out[:m*n])
		return
	}
	a, b, out = a[:m*k], b[:n*k], out[:m*n] // bounds: the module checks none
	simdGemmS8(int32(m), int32(n), int32(k), memAddr(&a[0]), memAddr(&b[0]), memAddr(&out[0]))
	runtime.KeepAlive(a)
	runtime.KeepAlive(b)
	runtime.KeepAlive(out)
}

// gemmRequantSIMD is engine.GEMMRequant on the SIMD module's gemm_rq_s8.
func gemmRequantSIMD(m, n, k int, a, b []int8, acc, add []int32, ib int32, out []int8, ldo int, rq []int32, c0 int) {
	if m <= 0 || n <= 0 {
		return
	}
	// bounds: the module checks none
	acc, add, out = acc[:m*n], add[:n], out[:(m-1)*ldo+n]
	rq = rq[:engine.RequantTableLen(int(rq[4]))]
	_ = rq[8+c0+n-1] // channels c0…c0+n−1 are in the table
	var pa, pb uint32
	if k > 0 {
		a, b = a[:m*k], b[:n*k]
		pa, pb = memAddr(&a[0]), memAddr(&b[0])
	}
	// the packed product (channels in fours, k in pairs) where gemm_s8's
	// horizontal sums cost most: short k; measured on MobileNet v2 it loses
	// from k = 64 on when a block has too few rows to repay the packing
	switch {
	case haveC4 && n%4 == 0 && k >= 8 && (k <= 32 || k <= 64 && m >= 32):
		if need := n / 4 * ((k + 7) / 8) * 64; len(c4Scratch) < need {
			c4Scratch = make([]byte, need)
		}
		simdGemmRqC4S8(int32(m), int32(n), int32(k), pa, pb, memAddr(&acc[0]), memAddr(&add[0]), ib,
			memAddr(&out[0]), int32(ldo), memAddr(&rq[0]), int32(c0), memAddr(&c4Scratch[0]))
	case haveC4 && n%4 == 0 && ib == 0: // gemm_s8's product, the output stage's row loop inside
		simdGemmRqC4S8(int32(m), int32(n), int32(k), pa, pb, memAddr(&acc[0]), memAddr(&add[0]), ib,
			memAddr(&out[0]), int32(ldo), memAddr(&rq[0]), int32(c0), 0)
	default:
		simdGemmRqS8(int32(m), int32(n), int32(k), pa, pb, memAddr(&acc[0]), memAddr(&add[0]), ib,
			memAddr(&out[0]), int32(ldo), memAddr(&rq[0]), int32(c0))
	}
	runtime.KeepAlive(a)
	runtime.KeepAlive(b)
	runtime.KeepAlive(acc)
	runtime.KeepAlive(add)
	runtime.KeepAlive(out)
	runtime.KeepAlive(rq)
}

// im2colSIMD is engine.Im2Col on the SIMD module's im2col_s8.
func im2colSIMD(p *engine.Conv2DParams, patches, in []int8, p0, mb, g int, fill int8) {
	k := p.FilterH * p.FilterW * p.FilterC
	if mb <= 0 || k == 0 {
		return
	}
	// bounds: the module checks none; it reads the input pixels of the
	// block's images and writes mb rows of patches
	pixels := p.Batches * p.OutH * p.OutW
	if p0 < 0 || p0+mb > pixels || g < 0 || g >= p.Groups || (g+1)*p.FilterC > p.InC {
		panic(fmt.Sprintf("im2col_s8: pixels %d…%d of %d, group %d", p0, p0+mb, pixels, g))
	}
	in, patches = in[:p.Batches*p.InH*p.InW*p.InC], patches[:mb*k]
	i32 := func(v int) int32 { return int32(v) }
	simdIm2colS8(memAddr(&in[0]), memAddr(&patches[0]), i32(p0), i32(mb), i32(g*p.FilterC), int32(fill),
		i32(p.InH), i32(p.InW), i32(p.InC), i32(p.OutH), i32(p.OutW), i32(p.FilterH), i32(p.FilterW), i32(p.FilterC),
		i32(p.StrideH), i32(p.StrideW), i32(p.PadH), i32(p.PadW), i32(p.DilationH), i32(p.DilationW))
	runtime.KeepAlive(in)
	runtime.KeepAlive(patches)
}

// depthwiseArgs checks p for the SIMD depthwise kernel named kernel (depth
// multiplier 1) and cuts in, w, bias and acc to the lengths it reads and
// writes (the module checks no bounds); ok is false when there is no output.
func depthwiseArgs(kernel string, p *engine.DepthwiseConv2DParams, in, w []int8, bias, acc []int32) ([]int8, []int8, []int32, []int32, bool) {
	n := p.Batches * p.OutH * p.OutW * p.OutC
	if n == 0 {
		return nil, nil, nil, nil, false
	}
	in, w = in[:p.Batches*p.InH*p.InW*p.InC], w[:p.FilterH*p.FilterW*p.OutC]
	bias, acc = bias[:p.OutC], acc[:n]
	if p.InC != p.OutC {
		panic(fmt.Sprintf("%s: depth multiplier %d", kernel, p.DepthMultiplier))
	}
	return in, w, bias, acc, true
}

// depthwiseSIMD is engine.DepthwiseS8 on the SIMD module's dw_s8.
func depthwiseSIMD(p *engine.DepthwiseConv2DParams, in, w []int8, bias, acc []int32) {
	in, w, bias, acc, ok := depthwiseArgs("dw_s8", p, in, w, bias, acc)
	if !ok {
		return
	}
	i32 := func(v int) int32 { return int32(v) }
	simdDwS8(i32(p.Batches), i32(p.InH), i32(p.InW), i32(p.OutC), i32(p.OutH), i32(p.OutW), i32(p.FilterH), i32(p.FilterW),
		i32(p.StrideH), i32(p.StrideW), i32(p.PadH), i32(p.PadW), i32(p.DilationH), i32(p.DilationW), p.InputOffset,
		memAddr(&in[0]), memAddr(&w[0]), memAddr(&bias[0]), memAddr(&acc[0]))
	runtime.KeepAlive(in)
	runtime.KeepAlive(w)
	runtime.KeepAlive(bias)
	runtime.KeepAlive(acc)
}

// depthwiseOffsetSIMD is engine.DepthwiseS8O on the SIMD module's dw_s8o,
// as depthwiseSIMD.
func depthwiseOffsetSIMD(p *engine.DepthwiseConv2DParams, in, w []int8, woff int32, bias, acc []int32) {
	in, w, bias, acc, ok := depthwiseArgs("dw_s8o", p, in, w, bias, acc)
	if !ok {
		return
	}
	i32 := func(v int) int32 { return int32(v) }
	simdDwS8O(i32(p.Batches), i32(p.InH), i32(p.InW), i32(p.OutC), i32(p.OutH), i32(p.OutW), i32(p.FilterH), i32(p.FilterW),
		i32(p.StrideH), i32(p.StrideW), i32(p.PadH), i32(p.PadW), i32(p.DilationH), i32(p.DilationW), p.InputOffset, woff,
		memAddr(&in[0]), memAddr(&w[0]), memAddr(&bias[0]), memAddr(&acc[0]))
	runtime.KeepAlive(in)
	runtime.KeepAlive(w)
	runtime.KeepAlive(bias)
	runtime.KeepAlive(acc)
}

// depthwiseRequantSIMD is engine.DepthwiseRequantS8 on the SIMD module's
// dw_rq_s8, as depthwiseSIMD.
func depthwiseRequantSIMD(p *engine.DepthwiseConv2DParams, in, w []int8, woff int32, bias, acc, rq []int32, out []int8) {
	in, w, bias, acc, ok := depthwiseArgs("dw_rq_s8", p, in, w, bias, acc)
	if !ok {
		return
	}
	// bounds: the module checks none; it reads the whole table
	if p.OutC%8 != 0 || len(rq) < 8 || int(rq[4]) != p.OutC {
		panic(fmt.Sprintf("dw_rq_s8: %d channels, a table of %d", p.OutC, len(rq)))
	}
	rq, out = rq[:engine.RequantTableLen(p.OutC)], out[:len(acc)]
	i32 := func(v int) int32 { return int32(v) }
	simdDwRqS8(i32(p.Batches), i32(p.InH), i32(p.InW), i32(p.OutC), i32(p.OutH), i32(p.OutW), i32(p.FilterH), i32(p.FilterW),
		i32(p.StrideH), i32(p.StrideW), i32(p.PadH), i32(p.PadW), i32(p.DilationH), i32(p.DilationW), p.InputOffset, woff,
		memAddr(&in[0]), memAddr(&w[0]), memAddr(&bias[0]), memAddr(&acc[0]), memAddr(&rq[0]), memAddr(&out[0]))
	runtime.KeepAlive(in)
	runtime.KeepAlive(w)
	runtime.KeepAlive(bias)
	runtime.KeepAlive(acc)
	runtime.KeepAlive(rq)
	runtime.KeepAlive(out)
}

// requantFixedSIMD is engine.RequantFixedS8 on the SIMD module's rq_fixed.
func requantFixedSIMD(acc []int32, channels int, add, par []int32, single bool, zp, lo, hi int32, out []int8) {
	if len(acc) == 0 {
		return
	}
	if channels <= 0 || len(acc)%channels != 0 {
		panic(fmt.Sprintf("rq_fixed: %d accumulators in rows of %d", len(acc), channels))
	}
	out, par = out[:len(acc)], par[:4*channels] // bounds: the module checks none
	var s int32
	if single {
		s = 1
	}
	simdRqFixed(memAddr(&acc[0]), int32(len(acc)), int32(channels), addAddr(add, channels), memAddr(&par[0]), s, zp, lo, hi, memAddr(&out[0]))
	runtime.KeepAlive(acc)
	runtime.KeepAlive(add)
	runtime.KeepAlive(par)
	runtime.KeepAlive(out)
}

// requantFP32SIMD is engine.RequantFP32S8 on the SIMD module's rq_fp32.
func requantFP32SIMD(acc []int32, channels int, add []int32, scales []float32, zp, lo, hi int32, out []int8) {
	if len(acc) == 0 {
		return
	}
	if channels <= 0 || len(acc)%channels != 0 {
		panic(fmt.Sprintf("rq_fp32: %d accumulators in rows of %d", len(acc), channels))
	}
	out = out[:len(acc)] // bounds: the module checks none
	var step int32 = 4
	if len(scales) == 1 {
		step = 0
	} else {
		scales = scales[:channels]
	}
	simdRqFP32(memAddr(&acc[0]), int32(len(acc)), int32(channels), addAddr(add, channels), memAddr(&scales[0]), step, zp, lo, hi, memAddr(&out[0]))
	runtime.KeepAlive(acc)
	runtime.KeepAlive(add)
	runtime.KeepAlive(scales)
	runtime.KeepAlive(out)
}

// addAddr is the address of add's first channels values for rq_fixed and
// rq_fp32, or 0 (no addition) for nil.
func addAddr(add []int32, channels int) uint32 {
	if add == nil {
		return 0
	}
	add = add[:channels] // bounds: the module checks none
	return memAddr(&add[0])
}

// im2colOneSIMD is engine.Im2ColS8One on the SIMD module's im2col1_s8.
func im2colOneSIMD(p *engine.DepthwiseConv2DParams, in []int8, fill int8, p0, mb int, patches []int8) {
	if mb <= 0 {
		return
	}
	// bounds: the module checks none
	if p.InC != 1 || p0 < 0 || p0+mb > p.Batches*p.OutH*p.OutW {
		panic(fmt.Sprintf("im2col1_s8: %d input channels, pixels %d+%d", p.InC, p0, mb))
	}
	in, patches = in[:p.Batches*p.InH*p.InW], patches[:mb*p.FilterH*p.FilterW]
	i32 := func(v int) int32 { return int32(v) }
	simdIm2col1S8(i32(p.InH), i32(p.InW), i32(p.OutH), i32(p.OutW), i32(p.FilterH), i32(p.FilterW), i32(p.StrideH), i32(p.StrideW),
		i32(p.PadH), i32(p.PadW), i32(p.DilationH), i32(p.DilationW), int32(fill), i32(p0), i32(mb), memAddr(&in[0]), memAddr(&patches[0]))
	runtime.KeepAlive(in)
	runtime.KeepAlive(patches)
}

// memAddr is p's offset in the WebAssembly linear memory.
func memAddr[T any](p *T) uint32 { return uint32(uintptr(unsafe.Pointer(p))) }

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

// checkGemmRequant(seed, cases) → {ok: true} | {error}: the differential
// tests of the SIMD gemm_rq_s8 (and gemm_rq_c4_s8), im2col_s8, add_s8, rq_fixed and rq_fp32
// against the pure-Go code they replace (engine.CheckGEMMRequant: random
// shapes and output stages of every profile; engine.CheckIm2Col: random
// geometries; engine.CheckAdd: random ADDs and SUBs; engine.CheckRequantRows:
// random output stages), on this instance, with the kernels accelerate
// installed.
func checkGemmRequantAPI(args []safejs.Value) (map[string]any, error) {
	if len(args) != 2 {
		return nil, fmt.Errorf("checkGemmRequant takes seed, cases")
	}
	seed, err := args[0].Int()
	if err != nil {
		return nil, err
	}
	cases, err := args[1].Int()
	if err != nil {
		return nil, err
	}
	if !simdOn {
		return nil, fmt.Errorf("checkGemmRequant: the SIMD kernels are not installed (accelerate)")
	}
	if err := engine.CheckGEMMRequant(gemmRequantSIMD, uint64(seed), cases); err != nil {
		return nil, err
	}
	if err := engine.CheckIm2Col(im2colSIMD, uint64(seed), cases); err != nil {
		return nil, err
	}
	if err := engine.CheckAdd(addSIMD, uint64(seed), cases); err != nil {
		return nil, err
	}
	if err := engine.CheckRequantRows(requantFixedSIMD, requantFP32SIMD, uint64(seed), cases); err != nil {
		return nil, err
	}
	if err := engine.CheckDepthwiseRequant(depthwiseRequantSIMD, uint64(seed), cases); err != nil {
		return nil, err
	}
	return map[string]any{"ok": true}, nil
}

// addSIMD is engine.AddS8 on the SIMD module's add_s8.
func addSIMD(a, b, out []int8, tab []int32) int {
	n := len(out)
	if n < 8 {
		return 0
	}
	a, b, tab = a[:n], b[:n], tab[:32] // bounds: the module checks none
	done := simdAddS8(int32(n), memAddr(&a[0]), memAddr(&b[0]), memAddr(&out[0]), memAddr(&tab[0]))
	runtime.KeepAlive(a)
	runtime.KeepAlive(b)
	runtime.KeepAlive(out)
	runtime.KeepAlive(tab)
	return int(done)
}
