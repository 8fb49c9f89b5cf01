package engine

import (
	"fmt"
	"math"

	"github.com/int8scope/int8scope/engine/tflite"
)

// ComplexPartParams are the prepared parameters of REAL, IMAG and
// COMPLEX_ABS, which turn complex64 values (RFFT2D's output) into float32.
//
// Mirrors TFLite's kernels/complex_support.cc: REAL and IMAG copy one part;
// COMPLEX_ABS is std::abs(complex<float>), i.e. hypotf, which the browser
// TFLite's C library (musl) computes as sqrtf(float(double(x)·x +
// double(y)·y)) with x ≥ y ≥ 0 the parts' magnitudes (and x + y when y is
// 0 or more than 2^24 times smaller, rescaling for huge and tiny values).
type ComplexPartParams struct {
	Part    string `json:"part"` // "real", "imag" or "abs"
	in, out int
}

func init() {
	for code, part := range map[tflite.BuiltinOperator]string{tflite.BuiltinOperatorREAL: "real",
		tflite.BuiltinOperatorIMAG: "imag", tflite.BuiltinOperatorCOMPLEX_ABS: "abs"} {
		register(code, func(c *prepCtx) (kernel, error) { return prepareComplexPart(c, part) })
	}
}

func prepareComplexPart(c *prepCtx, part string) (kernel, error) {
	if err := c.io(1, 1, 1); err != nil {
		return nil, err
	}
	in, out := c.in(0), c.out(0)
	if in.Type != Complex64 || out.Type != Float32 {
		return nil, c.unsupportedTypes()
	}
	if err := c.sameShape(out, in.Shape); err != nil {
		return nil, err
	}
	return &ComplexPartParams{Part: part, in: in.Index, out: out.Index}, nil
}

func (p *ComplexPartParams) value(v complex64) float32 {
	switch p.Part {
	case "real":
		return real(v)
	case "imag":
		return imag(v)
	}
	return hypotf(real(v), imag(v))
}

func (p *ComplexPartParams) eval(r *run, op *Op) error {
	out := r.f32(p.out)
	for i, v := range AsComplex64(r.vals[p.in]) {
		out[i] = p.value(v)
	}
	return nil
}

func (p *ComplexPartParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	v := AsComplex64(res.Tensors[p.in])[index]
	f := map[string]string{"real": "the real part of %v", "imag": "the imaginary part of %v",
		"abs": "|%v| = hypotf(re, im): sqrtf(float32(re² + im² in double))"}[p.Part]
	o := p.value(v)
	return &Explanation{Arithmetic: "TFLite complex_support.cc",
		Steps: []Step{{p.Part, fmt.Sprintf(f, v), float64(o)}}, Value: int64(o)}, nil
}

// hypotf is musl's hypotf, which libc++'s std::abs(complex<float>) calls in
// the browser TFLite.
func hypotf(x, y float32) float32 {
	ux, uy := math.Float32bits(x)&0x7fffffff, math.Float32bits(y)&0x7fffffff
	if ux < uy {
		ux, uy = uy, ux
	}
	x, y = math.Float32frombits(ux), math.Float32frombits(uy)
	if uy == 0xff<<23 {
		return y
	}
	if ux >= 0xff<<23 || uy == 0 || ux-uy >= 25<<23 {
		return x + y
	}
	z := float32(1)
	switch {
	case ux >= (0x7f+60)<<23:
		z, x, y = 0x1p90, x*0x1p-90, y*0x1p-90
	case uy < (0x7f-60)<<23:
		z, x, y = 0x1p-90, x*0x1p90, y*0x1p90
	}
	s := float32(float64(x)*float64(x) + float64(y)*float64(y))
	return z * float32(math.Sqrt(float64(s)))
}
