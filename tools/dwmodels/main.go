// Command dwmodels writes random one-op DEPTHWISE_CONV_2D models for the
// differential tests of the WebAssembly SIMD depthwise kernels
// (web/test/simd.test.js), made with tfbuild so no model file is committed:
//
//	go run ./tools/dwmodels -out DIR [-n 80] [-seed 1]
//
// writes DIR/dw_<i>.tflite: int8 or uint8, depth multiplier 1…8, 1…9
// input channels (odd counts, tails of the 8-channel loops), 1…12 × 1…12
// inputs, one or two batches, filters 1…5 × 1…5, strides 1…3, dilations
// 1…2, SAME or VALID padding, every fused activation, zero points at the
// extremes or random, per-tensor or (int8) per-channel filter scales,
// output scales that make real multipliers below and above 1, no bias or
// an int32 one (sometimes near ±2^30, so sums wrap), the filter constant.
package main

import (
	"encoding/binary"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

func main() {
	out := flag.String("out", "", "directory to write the models into")
	n := flag.Int("n", 80, "how many models")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	if *out == "" {
		log.Fatal("dwmodels: -out DIR is required")
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(*seed, 7))
	for i := 0; i < *n; i++ {
		if err := os.WriteFile(filepath.Join(*out, fmt.Sprintf("dw_%d.tflite", i)), model(rng, i), 0o644); err != nil {
			log.Fatal(err)
		}
	}
}

// outSize is TFLite's ComputeOutSize.
func outSize(pad tflite.Padding, in, f, stride, dil int) int {
	eff := (f-1)*dil + 1
	if pad == tflite.PaddingSAME {
		return (in + stride - 1) / stride
	}
	return (in - eff + stride) / stride
}

// model is the i-th random case.
func model(rng *rand.Rand, i int) []byte {
	for {
		uint8Model := i%3 == 2
		n, h, w, c := 1+rng.IntN(2), 1+rng.IntN(12), 1+rng.IntN(12), 1+rng.IntN(9)
		dm := 1 + i%8
		fh, fw := 1+rng.IntN(5), 1+rng.IntN(5)
		sh, sw, dh, dw := 1+rng.IntN(3), 1+rng.IntN(3), 1+rng.IntN(2), 1+rng.IntN(2)
		pad := tflite.Padding(rng.IntN(2))
		oh, ow := outSize(pad, h, fh, sh, dh), outSize(pad, w, fw, sw, dw)
		if oh <= 0 || ow <= 0 {
			continue
		}
		oc := c * dm
		typ, lo, hi := tflite.TensorTypeINT8, int64(-128), int64(127)
		if uint8Model {
			typ, lo, hi = tflite.TensorTypeUINT8, 0, 255
		}
		zp := func() int64 {
			switch rng.IntN(4) {
			case 0:
				return lo
			case 1:
				return hi
			}
			return lo + rng.Int64N(hi-lo+1)
		}
		inS := 0.001 + rng.Float32()*0.1
		outS := 0.0005 + rng.Float32()*[]float32{0.002, 0.05, 1, 10}[rng.IntN(4)]
		fq := &tfbuild.Quant{Axis: 3}
		scales := 1
		if !uint8Model && rng.IntN(2) == 0 {
			scales = oc
		}
		fz := int64(0)
		if uint8Model {
			fz = zp()
		}
		for range scales {
			fq.Scale = append(fq.Scale, 0.001+rng.Float32()*0.05)
			fq.ZeroPoint = append(fq.ZeroPoint, fz)
		}
		b := tfbuild.New()
		x := b.Tensor("input", typ, []int{n, h, w, c}, tfbuild.Q(inS, zp()), nil)
		f := b.Tensor("filter", typ, []int{1, fh, fw, oc}, fq, randBytes(rng, fh*fw*oc))
		y := b.Tensor("output", typ, []int{n, oh, ow, oc}, tfbuild.Q(outS, zp()), nil)
		ins := []int{x, f}
		if rng.IntN(3) > 0 {
			bias := make([]byte, 4*oc)
			span := int64(1) << 20
			if rng.IntN(4) == 0 {
				span = 1 << 31
			}
			for j := 0; j < oc; j++ {
				binary.LittleEndian.PutUint32(bias[4*j:], uint32(int32(rng.Int64N(span)-span/2)))
			}
			bq := &tfbuild.Quant{}
			for j := 0; j < scales; j++ {
				bq.Scale = append(bq.Scale, inS*fq.Scale[j])
				bq.ZeroPoint = append(bq.ZeroPoint, 0)
			}
			ins = append(ins, b.Tensor("bias", tflite.TensorTypeINT32, []int{oc}, bq, bias))
		}
		act := []tflite.ActivationFunctionType{0, 1, 2, 3}[rng.IntN(4)]
		b.Op(tflite.BuiltinOperatorDEPTHWISE_CONV_2D, 2, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsDepthwiseConv2DOptions,
			Value: &tflite.DepthwiseConv2DOptionsT{Padding: pad, StrideH: int32(sh), StrideW: int32(sw),
				DilationHFactor: int32(dh), DilationWFactor: int32(dw), DepthMultiplier: int32(dm), FusedActivationFunction: act}},
			ins, []int{y})
		b.Inputs(x)
		b.Outputs(y)
		return b.Bytes()
	}
}

func randBytes(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.IntN(256))
	}
	return b
}
