package engine

import (
	"fmt"
	"math"
	"math/bits"

	"github.com/int8scope/int8scope/engine/tflite"
)

// Rfft2dParams are RFFT2D's prepared parameters.
//
// Mirrors TFLite's kernels/rfft2d.cc: the 2-D discrete Fourier transform of
// each real [H, W] slice of the float32 input (its last two dimensions),
// cropped or zero-padded to FFTLength = [Hf, Wf] (powers of two), keeping
// the Wf/2 + 1 non-redundant columns:
//
//	out[k1, k2] = Σ_j1 Σ_j2 in[j1, j2]·e^(−2πi·(j1·k1/Hf + j2·k2/Wf))
//
// TFLite computes it in double (Ooura's rdft2d) and rounds each part to
// float32; this engine computes it in double with its own radix-2 FFT
// (twiddles exact at multiples of π/2) and rounds the same way. The two
// double results differ by about 1e-16 relative, so their float32
// roundings agree except where a part cancels to nearly zero.
type Rfft2dParams struct {
	FFTLength [2]int `json:"fft_length"`
	Slices    int    `json:"slices"`
	InHeight  int    `json:"input_height"`
	InWidth   int    `json:"input_width"`

	in, out int
	twH     []complex128 // e^(−2πi·k/Hf), k < Hf/2
	twW     []complex128
}

func init() { register(tflite.BuiltinOperatorRFFT2D, prepareRfft2d) }

func prepareRfft2d(c *prepCtx) (kernel, error) {
	if err := c.io(2, 2, 1); err != nil {
		return nil, err
	}
	in, fl, out := c.in(0), c.in(1), c.out(0)
	if in.Type != Float32 || out.Type != Complex64 {
		return nil, c.unsupportedTypes()
	}
	if len(in.Shape) < 2 {
		return nil, c.errorf("input tensor %d (%q) has shape %v; RFFT2D needs at least 2 dimensions", in.Index, in.Name, in.Shape)
	}
	if fl.Type != Int32 || fl.NumElements() != 2 {
		return nil, c.errorf("fft_length tensor %d (%q) must be int32 [2]", fl.Index, fl.Name)
	}
	// Computed by earlier ops: the output is dynamic (TFLite's rfft2d.cc).
	flv, err := c.known("fft_length", fl)
	if err != nil {
		return nil, err
	}
	p := &Rfft2dParams{in: in.Index, out: out.Index}
	for i, v := range AsInt32(flv) {
		if v <= 0 || v&(v-1) != 0 || v > 1<<16 {
			return nil, c.errorf("fft_length %v: each must be a power of two (at most 65536), as TFLite's rdft2d needs", AsInt32(flv))
		}
		p.FFTLength[i] = int(v)
	}
	r := len(in.Shape)
	p.InHeight, p.InWidth = in.Shape[r-2], in.Shape[r-1]
	p.Slices = numElements(in.Shape[:r-2])
	want := append(append([]int{}, in.Shape[:r-2]...), p.FFTLength[0], p.FFTLength[1]/2+1)
	if err := c.sameShape(out, want); err != nil {
		return nil, err
	}
	p.twH, p.twW = twiddles(p.FFTLength[0]), twiddles(p.FFTLength[1])
	return p, nil
}

// twiddles returns e^(−2πi·k/n) for k < n/2, exact where k·4/n is whole.
func twiddles(n int) []complex128 {
	t := make([]complex128, n/2)
	for k := range t {
		switch {
		case k == 0:
			t[k] = 1
		case 4*k == n:
			t[k] = complex(0, -1)
		default:
			a := -2 * math.Pi * float64(k) / float64(n)
			t[k] = complex(math.Cos(a), math.Sin(a))
		}
	}
	return t
}

// fft transforms x in place (length a power of two, radix 2, decimation in
// time) with the twiddles tw of its length.
func fft(x []complex128, tw []complex128) {
	n := len(x)
	if n < 2 {
		return
	}
	shift := 64 - bits.Len(uint(n-1))
	for i := range x {
		if j := int(bits.Reverse64(uint64(i)) >> shift); j > i {
			x[i], x[j] = x[j], x[i]
		}
	}
	for size := 2; size <= n; size *= 2 {
		half, step := size/2, n/size
		for start := 0; start < n; start += size {
			for k := 0; k < half; k++ {
				a, b := x[start+k], x[start+k+half]*tw[k*step]
				x[start+k], x[start+k+half] = a+b, a-b
			}
		}
	}
}

// slice computes the transform of input slice s: Hf rows of Wf/2+1 values.
func (p *Rfft2dParams) slice(in []float32, s int) [][]complex128 {
	hf, wf := p.FFTLength[0], p.FFTLength[1]
	cols := wf/2 + 1
	rows := make([][]complex128, hf)
	row := make([]complex128, wf)
	for i := range rows {
		clear(row)
		if i < p.InHeight {
			src := in[(s*p.InHeight+i)*p.InWidth:]
			for j := 0; j < min(wf, p.InWidth); j++ {
				row[j] = complex(float64(src[j]), 0)
			}
		}
		fft(row, p.twW)
		rows[i] = append([]complex128(nil), row[:cols]...)
	}
	col := make([]complex128, hf)
	for j := 0; j < cols; j++ {
		for i := range col {
			col[i] = rows[i][j]
		}
		fft(col, p.twH)
		for i := range col {
			rows[i][j] = col[i]
		}
	}
	return rows
}

func (p *Rfft2dParams) eval(r *run, op *Op) error {
	in, out := r.f32(p.in), AsComplex64(r.vals[p.out])
	i := 0
	for s := 0; s < p.Slices; s++ {
		for _, row := range p.slice(in, s) {
			for _, v := range row {
				out[i] = complex(float32(real(v)), float32(imag(v)))
				i++
			}
		}
	}
	return nil
}

func (p *Rfft2dParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	cols := p.FFTLength[1]/2 + 1
	s, k1, k2 := index/(p.FFTLength[0]*cols), index/cols%p.FFTLength[0], index%cols
	v := p.slice(AsFloat32(res.Tensors[p.in]), s)[k1][k2]
	re, im := float32(real(v)), float32(imag(v))
	return &Explanation{Arithmetic: "TFLite rfft2d.cc: 2-D DFT in double, each part rounded to float32",
		Steps: []Step{
			{"dft", fmt.Sprintf("Σ_j1<%d Σ_j2<%d in[%d, j1, j2]·e^(−2πi·(j1·%d/%d + j2·%d/%d)), input zero-padded/cropped from %d×%d, in double", p.FFTLength[0], p.FFTLength[1], s, k1, p.FFTLength[0], k2, p.FFTLength[1], p.InHeight, p.InWidth), real(v)},
			{"imaginary", fmt.Sprintf("float32(%.17g)", imag(v)), float64(im)},
			{"real", fmt.Sprintf("float32(%.17g)", real(v)), float64(re)},
		}}, nil
}
