// Package augment distorts 28x28 digit images the way hand-drawn digits
// differ from MNIST's: small shifts, rotations, size changes and thicker or
// thinner strokes. The random parameters are drawn separately from applying
// them, so a caller can draw them in a fixed order and apply them in parallel.
package augment

import (
	"math"
	"math/rand/v2"
)

// Side is the image side: images are Side*Side floats, row-major, in [0, 1].
const Side = 28

// Config bounds the distortions.
type Config struct {
	MaxShift    float64 // pixels, uniform in [-MaxShift, MaxShift] per axis
	MaxRotate   float64 // degrees, uniform in [-MaxRotate, MaxRotate]
	MinScale    float64 // uniform scale factor in [MinScale, MaxScale]
	MaxScale    float64
	DilateProb  float64 // probability of thickening the strokes
	ErodeProb   float64 // probability of thinning the strokes
	IdentityPct float64 // probability of leaving an image unchanged
}

// Default is the augmentation used for the built-in models.
var Default = Config{
	MaxShift:    2.5,
	MaxRotate:   15,
	MinScale:    0.8,
	MaxScale:    1.2,
	DilateProb:  0.2,
	ErodeProb:   0.1,
	IdentityPct: 0.1,
}

// Morph is a stroke-thickness change.
type Morph int8

const (
	None Morph = iota
	Dilate
	Erode
)

// Transform is one drawn distortion.
type Transform struct {
	Identity bool
	Shift    [2]float64 // x, y in pixels
	Angle    float64    // radians, counter-clockwise
	Scale    float64
	Morph    Morph
}

// Draw draws one Transform from rng. It always consumes seven random values
// (the last one is reserved), so the stream stays aligned whatever the
// outcome.
func (c Config) Draw(rng *rand.Rand) Transform {
	u := [7]float64{}
	for i := range u {
		u[i] = rng.Float64()
	}
	t := Transform{
		Identity: u[0] < c.IdentityPct,
		Shift:    [2]float64{(2*u[1] - 1) * c.MaxShift, (2*u[2] - 1) * c.MaxShift},
		Angle:    (2*u[3] - 1) * c.MaxRotate * math.Pi / 180,
		Scale:    c.MinScale + u[4]*(c.MaxScale-c.MinScale),
	}
	switch {
	case u[5] < c.DilateProb:
		t.Morph = Dilate
	case u[5] < c.DilateProb+c.ErodeProb:
		t.Morph = Erode
	}
	return t
}

// Apply writes the distorted src into dst (both Side*Side). It rotates and
// scales about the image centre, shifts, samples bilinearly with zeros
// outside, then changes the stroke thickness with a 3x3 cross-shaped grey
// dilation or erosion.
func (t Transform) Apply(src, dst []float32) {
	if t.Identity {
		copy(dst, src)
		return
	}
	const c = (Side - 1) / 2.0
	sin, cos := math.Sincos(t.Angle)
	inv := 1 / t.Scale
	tmp := dst
	if t.Morph != None {
		tmp = make([]float32, Side*Side)
	}
	for y := range Side {
		for x := range Side {
			u := float64(x) - c - t.Shift[0]
			v := float64(y) - c - t.Shift[1]
			sx := (cos*u+sin*v)*inv + c
			sy := (-sin*u+cos*v)*inv + c
			tmp[y*Side+x] = bilinear(src, sx, sy)
		}
	}
	if t.Morph != None {
		morph(tmp, dst, t.Morph)
	}
}

func at(img []float32, x, y int) float32 {
	if x < 0 || x >= Side || y < 0 || y >= Side {
		return 0
	}
	return img[y*Side+x]
}

func bilinear(img []float32, x, y float64) float32 {
	x0, y0 := math.Floor(x), math.Floor(y)
	fx, fy := float32(x-x0), float32(y-y0)
	ix, iy := int(x0), int(y0)
	if ix < -1 || ix >= Side || iy < -1 || iy >= Side {
		return 0
	}
	a := at(img, ix, iy)*(1-fx) + at(img, ix+1, iy)*fx
	b := at(img, ix, iy+1)*(1-fx) + at(img, ix+1, iy+1)*fx
	return a*(1-fy) + b*fy
}

func morph(src, dst []float32, m Morph) {
	for y := range Side {
		for x := range Side {
			v := src[y*Side+x]
			for _, d := range [4][2]int{{-1, 0}, {1, 0}, {0, -1}, {0, 1}} {
				n := at(src, x+d[0], y+d[1])
				if m == Dilate {
					v = max(v, n)
				} else {
					v = min(v, n)
				}
			}
			dst[y*Side+x] = v
		}
	}
}
