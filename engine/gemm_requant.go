package engine

import (
	"math"
	"runtime"
	"sync"
)

// requantizeBlock is requantizeRows (requant_accel.go) for a block of
// accumulator rows of the pure-Go GEMM paths, no additions: in the
// WebAssembly build, when no SIMD output kernel is installed, it runs the
// profile's output stage over all rows in one loop instead of one
// requantizeInt8 call per row (in Go's WebAssembly output a call costs
// about as much as requantizing eight outputs; 8-channel rows ran 3×
// slower that way). The arithmetic per
// element is requantizeInt8's: TFLite's MultiplyByQuantizedMultiplier with
// the build's rounding, zero point and clamp (FixedPointOutput), or
// XNNPACK's fp32 requantization (XNNPackOutput,
// xnn_qs8_requantize_fp32 semantics via the magic-bias rounding).
func requantizeBlock(o outputStage, acc []int32, channels int, out []int8) {
	if len(acc) == 0 {
		return
	}
	// Native code keeps the call per row (it ran 5–15% faster there).
	if runtime.GOARCH == "wasm" && requantFixedS8 == nil && requantFP32S8 == nil && requantizeBlockGo(o, acc, channels, out) {
		return
	}
	requantizeRows(o, acc, nil, channels, out)
}

// requantizeBlockGo is requantizeBlock's loops over all rows, for the
// output stages it knows (false for others).
func requantizeBlockGo(o outputStage, acc []int32, channels int, out []int8) bool {
	if channels <= 0 || len(acc)%channels != 0 {
		return false
	}
	switch o := o.(type) {
	case *FixedPointOutput:
		if len(o.qm) == channels {
			fixedPointBlock(o, acc, channels, out[:len(acc)])
			return true
		}
	case *XNNPackOutput:
		if len(o.Scales) == 1 {
			o.requantizeInt8(acc, out[:len(acc)]) // one scale: any row length
			return true
		}
		if len(o.Scales) == channels {
			xnnBlock(o, acc, channels, out[:len(acc)])
			return true
		}
	}
	return false
}

// fixedPointBlock is FixedPointOutput.requantizeInt8 over the rows of
// channels accumulators in acc.
func fixedPointBlock(o *FixedPointOutput, acc []int32, channels int, out []int8) {
	qm := o.qm[:channels]
	zp, lo, hi := o.ZeroPoint, o.Min, o.Max
	if qm[0].single {
		for i := 0; i < len(acc); i += channels {
			row := acc[i : i+channels : i+channels]
			dst, qr := out[i:i+len(row)], qm[:len(row)] // lengths the compiler sees: no bounds checks
			for c, a := range row {
				q := &qr[c]
				dst[c] = int8(min(max(int32((int64(a)*q.m+q.round)>>(q.total&63))+zp, lo), hi))
			}
		}
		return
	}
	if fixedPointBlockOne(qm, zp, lo, hi, acc, channels, out) {
		return
	}
	for i := 0; i < len(acc); i += channels {
		row := acc[i : i+channels : i+channels]
		dst, qr := out[i:i+len(row)], qm[:len(row)]
		c := 0
		for ; c+4 <= len(row); c += 4 {
			a, d, q := row[c:c+4:c+4], dst[c:c+4:c+4], qr[c:c+4:c+4]
			d[0] = int8(min(max(q[0].double(a[0])+zp, lo), hi))
			d[1] = int8(min(max(q[1].double(a[1])+zp, lo), hi))
			d[2] = int8(min(max(q[2].double(a[2])+zp, lo), hi))
			d[3] = int8(min(max(q[3].double(a[3])+zp, lo), hi))
		}
		for ; c < len(row); c++ {
			dst[c] = int8(min(max(qr[c].double(row[c])+zp, lo), hi))
		}
	}
}

// xnnBlock is XNNPackOutput.requantizeInt8 with one scale per channel
// over the rows of channels accumulators in acc.
func xnnBlock(o *XNNPackOutput, acc []int32, channels int, out []int8) {
	zp := o.ZeroPoint
	lo, hi := int64(o.Min-zp), int64(o.Max-zp)
	const magic, magicBits = 12582912, 0x4B400000 // 1.5·2^23 and its float32 bits
	scales := o.Scales[:channels]
	for i := 0; i < len(acc); i += channels {
		row := acc[i : i+channels : i+channels]
		dst, sr := out[i:i+len(row)], scales[:len(row)]
		for c, a := range row {
			v := int64(int32(math.Float32bits(float32(float32(a)*sr[c])+magic))) - magicBits
			dst[c] = int8(int32(min(max(v, lo), hi)) + zp)
		}
	}
}

// oneShift is quantMul.double with its two rounding shifts as one, for a
// multiplier m with no left shift: with A = x·m + 2^30 (exact in int64),
// SaturatingRoundingDoublingHighMul gives v = floor(A / 2^31) and
// RoundingDivideByPOT floor((v + half − [v < 0]) / 2^right); since
// floor((floor(A/B) + C) / D) = floor((A + C·B) / (B·D)) for integers A, C
// and B, D > 0, and v < 0 exactly when A < 0, that is
//
//	(A + half·2^31 − [A < 0]·neg·2^31) >> (31 + right)
//
// (|x·m| < 2^62 and half·2^31 ≤ 2^61: no overflow). Three operations
// fewer per output, 13% faster in Go's WebAssembly output.
type oneShift struct {
	m, h, n int64 // the multiplier, half·2^31, neg·2^31
	r       uint8 // 31 + right
}

// oneShifts keeps fixedPointBlockOne's constants between calls.
var oneShifts = sync.Pool{New: func() any { return new([]oneShift) }}

// fixedPointBlockOne is fixedPointBlock's double rounding through oneShift
// when no channel's multiplier shifts left (false, doing nothing, when one
// does).
func fixedPointBlockOne(qm []quantMul, zp, lo, hi int32, acc []int32, channels int, out []int8) bool {
	for i := range qm {
		if qm[i].left != 0 {
			return false
		}
	}
	buf := oneShifts.Get().(*[]oneShift)
	defer oneShifts.Put(buf)
	cs := grow(*buf, len(qm))
	*buf = cs
	for c := range qm {
		cs[c] = oneShiftOf(&qm[c])
	}
	for i := 0; i < len(acc); i += channels {
		row := acc[i : i+channels : i+channels]
		dst, qr := out[i:i+len(row)], cs[:len(row)]
		c := 0
		for ; c+4 <= len(row); c += 4 { // four per step: a dispatch per iteration in WebAssembly
			a, d, q := row[c:c+4:c+4], dst[c:c+4:c+4], qr[c:c+4:c+4]
			d[0], d[1], d[2], d[3] = q[0].out(a[0], zp, lo, hi), q[1].out(a[1], zp, lo, hi), q[2].out(a[2], zp, lo, hi), q[3].out(a[3], zp, lo, hi)
		}
		for ; c < len(row); c++ {
			dst[c] = qr[c].out(row[c], zp, lo, hi)
		}
	}
	return true
}
