package engine

import (
	"fmt"
	"math/rand"
	"os"
	"testing"
	"unsafe"
)

// Kernel benchmarks of QUANTIZE from float32 and batch-1 FULLY_CONNECTED,
// for the small dense models (issue 11); run natively or in Go's
// WebAssembly (GOOS=js GOARCH=wasm go test -exec go_js_wasm_exec).

func benchFloats(n int) []float32 {
	r := rand.New(rand.NewSource(1))
	x := make([]float32, n)
	for i := range x {
		x[i] = 2*r.Float32() - 1
	}
	return x
}

func BenchmarkQuantizeFloats(b *testing.B) {
	in := benchFloats(784)
	out := make([]int8, len(in))
	p := &QuantizeParams{Scale: 0.003921569, OutputZeroPoint: -128, Min: -128, Max: 127}
	b.Run("reference", func(b *testing.B) {
		start := cpuTime()
		for b.Loop() {
			quantizeFloats(p, in, out)
		}
		reportCPU(b, start, 0)
	})
	ob := make([]byte, len(in))
	b.Run("xnnpack", func(b *testing.B) {
		start := cpuTime()
		for b.Loop() {
			xnnFromFloatRow(in, ob, 1/p.Scale, -128, Int8)
		}
		reportCPU(b, start, 0)
	})
	b.Run("xnnpack1", func(b *testing.B) {
		start := cpuTime()
		for b.Loop() {
			xnnFromFloatRow1(in, ob, 1/p.Scale, -128, Int8)
		}
		reportCPU(b, start, 0)
	})
	b.Run("reference4", func(b *testing.B) {
		start := cpuTime()
		for b.Loop() {
			quantizeFloats4(p, in, out)
		}
		reportCPU(b, start, 0)
	})
	b.Run("reference1", func(b *testing.B) {
		start := cpuTime()
		for b.Loop() {
			quantizeFloatsRow(p, in, out)
		}
		reportCPU(b, start, 0)
	})
}

// BenchmarkDenseModels runs the built-in dense MNIST model and, when built
// (go run ./tools/mobilenet -models tiny), the FC autoencoder, reusing the
// previous result's buffers as the page does.
func BenchmarkDenseModels(b *testing.B) {
	for _, f := range []string{"../web/static/models/mnist_dense_int8.tflite", "../build/models/tiny_fc_autoencoder_int8.tflite", "fc_1x4x4", "fc_1x784x10", "fc_1x128x128", "fc_1x640x128"} {
		data, err := os.ReadFile(f)
		if err != nil {
			var in, out int
			if _, err := fmt.Sscanf(f, "fc_1x%dx%d", &in, &out); err != nil {
				continue
			}
			data = benchFC(1, in, out)
		}
		m, err := Load(data)
		if err != nil {
			b.Fatal(err)
		}
		var inputs [][]byte
		for _, ti := range m.Inputs {
			in := make([]byte, m.Tensors[ti].NumBytes())
			if m.Tensors[ti].Type == Float32 {
				f := benchFloats(len(in) / 4)
				copy(in, unsafe.Slice((*byte)(unsafe.Pointer(&f[0])), len(in)))
			}
			inputs = append(inputs, in)
		}
		for _, p := range []Profile{Reference, XNNPack} {
			b.Run(f[max(0, len(f)-20):]+"/"+string(p), func(b *testing.B) {
				res, err := m.Run(inputs, Options{Profile: p})
				if err != nil {
					b.Fatal(err)
				}
				start := cpuTime()
				for b.Loop() {
					if res, err = m.Run(inputs, Options{Profile: p, Reuse: res}); err != nil {
						b.Fatal(err)
					}
				}
				reportCPU(b, start, m.MACs())
			})
		}
	}
}
