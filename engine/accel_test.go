package engine

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/int8scope/int8scope/engine/tflite"
)

// gemmRequantStandIn is GEMMRequant written in Go from its contract and
// requantTable's description of the table (what gemm_rq_s8 computes, one
// channel at a time): it tests the table and the kernels' wiring natively.
func gemmRequantStandIn(m, n, k int, a, b []int8, acc, add []int32, ib int32, out []int8, ldo int, rq []int32, c0 int) {
	C := int(rq[4])
	T := func(i, c int) int32 { return rq[8+i*C+c] }
	zp, lo, hi := rq[1], rq[2], rq[3]
	for i := 0; i < m; i++ {
		var rs int32
		for _, v := range a[i*k:][:k] {
			rs += int32(v)
		}
		for j := 0; j < n; j++ {
			var s int32
			for kk := 0; kk < k; kk++ {
				s += int32(a[i*k+kk]) * int32(b[j*k+kk])
			}
			x := s + add[j] + ib*rs
			acc[i*n+j] = x
			c := c0 + j
			var v int32
			switch rq[0] {
			case RequantDouble:
				q := int32((int64(x*T(1, c))*int64(T(0, c)) + 1<<30) >> 31)
				mask := T(3, c)
				v = q>>uint(T(2, c)) + int32(uint32(mask>>1-q>>31-q&mask)>>31)
			case RequantSingle:
				t := uint(T(1, c))
				v = int32((int64(x)*int64(T(0, c)) + int64(1)<<t>>1) >> t)
			case RequantFP32:
				f := float32(x) * math.Float32frombits(uint32(T(0, c)))
				if flo := float32(lo - zp); f < flo {
					f = flo
				}
				if fhi := float32(hi - zp); f > fhi {
					f = fhi
				}
				out[i*ldo+j] = int8(int32(math.Float32bits(f+12582912)) - 0x4B400000 + zp)
				continue
			}
			out[i*ldo+j] = int8(min(max(v+zp, lo), hi))
		}
	}
}

// standInCalls counts withStandIns' GEMMRequant calls.
var standInCalls int

// withStandIns runs f with gemmRequantStandIn and a stand-in Im2Col
// installed, as the WebAssembly build installs its SIMD kernels.
func withStandIns(f func()) {
	SetGEMMRequant(func(m, n, k int, a, b []int8, acc, add []int32, ib int32, out []int8, ldo int, rq []int32, c0 int) {
		standInCalls++
		gemmRequantStandIn(m, n, k, a, b, acc, add, ib, out, ldo, rq, c0)
	})
	SetIm2Col(func(p *Conv2DParams, patches, in []int8, p0, mb, g int, fill int8) {
		p.Im2Col(patches, in, p0, mb, g, fill)
	})
	defer SetGEMMRequant(nil)
	defer SetIm2Col(nil)
	f()
}

func TestGEMMRequantStandIn(t *testing.T) {
	if err := CheckGEMMRequant(gemmRequantStandIn, 1, 3000); err != nil {
		t.Fatal(err)
	}
	// and the check can fail
	wrong := func(m, n, k int, a, b []int8, acc, add []int32, ib int32, out []int8, ldo int, rq []int32, c0 int) {
		gemmRequantStandIn(m, n, k, a, b, acc, add, ib, out, ldo, rq, c0)
		out[0]++
	}
	if err := CheckGEMMRequant(wrong, 1, 10); err == nil {
		t.Fatal("CheckGEMMRequant missed a wrong output")
	}
	if err := CheckIm2Col(func(p *Conv2DParams, patches, in []int8, p0, mb, g int, fill int8) {
		p.Im2Col(patches, in, p0, mb, g, fill)
		patches[0]++
	}, 1, 10); err == nil {
		t.Fatal("CheckIm2Col missed a wrong patch")
	}
}

// TestConv2DAccelerated is TestConvFamilyRandom's int8 and uint8 CONV_2D
// cases (groups, strides, dilations, padding, per-channel scales) with the
// accelerated hooks installed: outputs, accumulators and explanations
// against cvRef.
func TestConv2DAccelerated(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	withStandIns(func() {
		for _, typ := range []DType{Int8, Uint8} {
			for range 2 * cvRandomCases {
				checkCV(t, randomCV(rng, tflite.BuiltinOperatorCONV_2D, typ))
			}
		}
	})
}

// TestModelsAccelerated runs the built-in MNIST models and the corpus'
// int8 models under every profile, traced, with the accelerated hooks
// installed and without: every tensor and accumulator the same.
func TestModelsAccelerated(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "web", "static", "models", "*.tflite"))
	if len(files) < 3 {
		t.Fatalf("the built-in models are missing (%d found)", len(files))
	}
	if dir := filepath.Join("..", "..", "shared", "corpus", "models"); dirExists(dir) {
		for _, name := range []string{"person_detect", "keyword_scrambled", "micro_speech_quantized"} {
			files = append(files, filepath.Join(dir, name+".tflite"))
		}
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			m, err := Load(b)
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(5, 6))
			var inputs [][]byte
			for _, ti := range m.Inputs {
				in := make([]byte, m.Tensors[ti].NumBytes())
				for i := range in {
					in[i] = byte(rng.IntN(256))
				}
				if m.Tensors[ti].Type == Float32 {
					for i := 0; i < len(in); i += 4 {
						bits := math.Float32bits(rng.Float32()*2 - 1)
						in[i], in[i+1], in[i+2], in[i+3] = byte(bits), byte(bits>>8), byte(bits>>16), byte(bits>>24)
					}
				}
				inputs = append(inputs, in)
			}
			standInCalls = 0
			for _, p := range Profiles() {
				m.Reset()
				want, err := m.Run(inputs, Options{Profile: p, Trace: true})
				if err != nil {
					continue // a profile that refuses the model
				}
				m.Reset()
				var got *Result
				withStandIns(func() { got, err = m.Run(inputs, Options{Profile: p, Trace: true}) })
				if err != nil {
					t.Fatalf("%s: %v", p, err)
				}
				for i := range want.Tensors {
					if !bytes.Equal(got.Tensors[i], want.Tensors[i]) {
						t.Fatalf("%s: tensor %d differs", p, i)
					}
				}
				for i := range want.Trace.Ops {
					if !slices.Equal(got.Trace.Ops[i].Acc, want.Trace.Ops[i].Acc) {
						t.Fatalf("%s: op %d's accumulators differ", p, i)
					}
				}
			}
			if standInCalls == 0 {
				t.Fatal("the accelerated GEMMRequant never ran")
			}
		})
	}
}
