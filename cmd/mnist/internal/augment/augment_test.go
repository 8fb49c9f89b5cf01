package augment

import (
	"math"
	"math/rand/v2"
	"testing"
)

func square() []float32 {
	img := make([]float32, Side*Side)
	for y := 10; y < 18; y++ {
		for x := 10; x < 18; x++ {
			img[y*Side+x] = 1
		}
	}
	return img
}

func sum(img []float32) float64 {
	var s float64
	for _, v := range img {
		s += float64(v)
	}
	return s
}

func TestIdentityLikeTransform(t *testing.T) {
	src := square()
	dst := make([]float32, len(src))
	Transform{Scale: 1}.Apply(src, dst)
	for i := range src {
		if math.Abs(float64(src[i]-dst[i])) > 1e-6 {
			t.Fatalf("pixel %d: %v, want %v", i, dst[i], src[i])
		}
	}
}

func TestShift(t *testing.T) {
	src := square()
	dst := make([]float32, len(src))
	Transform{Scale: 1, Shift: [2]float64{2, -1}}.Apply(src, dst)
	if dst[9*Side+12] != 1 || dst[9*Side+11] != 0 || dst[16*Side+19] != 1 || dst[17*Side+19] != 0 {
		t.Errorf("shift by (2,-1) misplaced the square")
	}
}

func TestScaleAndMorph(t *testing.T) {
	src := square()
	dst := make([]float32, len(src))
	Transform{Scale: 1.2}.Apply(src, dst)
	if s := sum(dst); math.Abs(s-64*1.44) > 6 {
		t.Errorf("scaled mass %v, want about %v", s, 64*1.44)
	}
	Transform{Scale: 1, Morph: Dilate}.Apply(src, dst)
	if s := sum(dst); s != 64+4*8 {
		t.Errorf("dilated mass %v, want %v", s, 64+4*8)
	}
	Transform{Scale: 1, Morph: Erode}.Apply(src, dst)
	if s := sum(dst); s != 36 {
		t.Errorf("eroded mass %v, want 36", s)
	}
}

func TestDrawDeterministic(t *testing.T) {
	a := rand.New(rand.NewPCG(7, 8))
	b := rand.New(rand.NewPCG(7, 8))
	for range 100 {
		ta, tb := Default.Draw(a), Default.Draw(b)
		if ta != tb {
			t.Fatalf("same seed drew %+v and %+v", ta, tb)
		}
		if math.Abs(ta.Angle) > 15*math.Pi/180 || ta.Scale < 0.8 || ta.Scale > 1.2 || math.Abs(ta.Shift[0]) > 2.5 {
			t.Fatalf("out of bounds: %+v", ta)
		}
	}
}
