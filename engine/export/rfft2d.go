package export

import (
	"fmt"
	"math"

	"github.com/int8scope/int8scope/engine"
)

func init() {
	register(emitRfft2d, "Rfft2dParams")
	register(emitComplexPart, "ComplexPartParams")
}

// fftTwiddles are e^(−2πi·k/n) for k < n/2 as the engine computes them
// (engine/rfft2d.go twiddles: exact at multiples of π/2, Go's math.Cos and
// math.Sin elsewhere), as float64 bits: the real parts, then the imaginary
// ones. The program takes them from the .npz rather than from NumPy's cos
// and sin, which differ from Go's in the last bit for some angles.
func fftTwiddles(n int) []int64 {
	re, im := make([]int64, n/2), make([]int64, n/2)
	for k := range n / 2 {
		c, s := 1.0, 0.0
		switch {
		case k == 0:
		case 4*k == n:
			c, s = 0, -1
		default:
			a := -2 * math.Pi * float64(k) / float64(n)
			c, s = math.Cos(a), math.Sin(a)
		}
		re[k], im[k] = int64(math.Float64bits(c)), int64(math.Float64bits(s))
	}
	return append(re, im...)
}

// emitRfft2d: RFFT2D (every profile: the engine's double-precision FFT).
func emitRfft2d(c *opCtx) error {
	p := c.params.(*engine.Rfft2dParams)
	th := c.array("twiddles_h", fmt.Sprintf("FFT twiddles e^(-2πi·k/%d), float64 bits (real parts, then imaginary)", p.FFTLength[0]), fftTwiddles(p.FFTLength[0]))
	tw := c.array("twiddles_w", fmt.Sprintf("FFT twiddles e^(-2πi·k/%d), float64 bits (real parts, then imaginary)", p.FFTLength[1]), fftTwiddles(p.FFTLength[1]))
	c.use("rfft2d")
	c.set(0, fmt.Sprintf("rfft2d(%s, (%d, %d), %s, %s)", c.in(0), p.FFTLength[0], p.FFTLength[1], th, tw))
	return nil
}

// emitComplexPart: REAL, IMAG and COMPLEX_ABS (every profile).
func emitComplexPart(c *opCtx) error {
	p := c.params.(*engine.ComplexPartParams)
	c.use("rfft2d")
	c.set(0, fmt.Sprintf("complex_part(%s, %q)", c.in(0), p.Part))
	return nil
}
