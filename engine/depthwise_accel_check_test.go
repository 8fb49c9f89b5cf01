package engine

import "testing"

// depthwiseRequantStandIn is DepthwiseRequantS8 in plain Go: the formula's
// accumulators, then gemmRequantStandIn's reading of the table, pixel by
// pixel (k = 0: the row of accumulators as its addition).
func depthwiseRequantStandIn(p *DepthwiseConv2DParams, in, w []int8, woff int32, bias, acc, rq []int32, out []int8) {
	C := p.OutC
	for b := range p.Batches {
		for y := range p.OutH {
			for x := range p.OutW {
				i := ((b*p.OutH+y)*p.OutW + x) * C
				for c := range C {
					s := bias[c]
					for fy := range p.FilterH {
						for fx := range p.FilterW {
							iy, ix := y*p.StrideH-p.PadH+fy*p.DilationH, x*p.StrideW-p.PadW+fx*p.DilationW
							if iy >= 0 && iy < p.InH && ix >= 0 && ix < p.InW {
								s += (int32(w[(fy*p.FilterW+fx)*C+c]) + woff) * (int32(in[((b*p.InH+iy)*p.InW+ix)*C+c]) + p.InputOffset)
							}
						}
					}
					acc[i+c] = s
				}
				gemmRequantStandIn(1, C, 0, nil, nil, make([]int32, C), acc[i:i+C], 0, out[i:i+C], C, rq, 0)
			}
		}
	}
}

// TestCheckDepthwiseRequant: a plain-Go stand-in passes
// CheckDepthwiseRequant and a wrong kernel fails it.
func TestCheckDepthwiseRequant(t *testing.T) {
	if err := CheckDepthwiseRequant(depthwiseRequantStandIn, 1, 500); err != nil {
		t.Fatal(err)
	}
	wrong := func(p *DepthwiseConv2DParams, in, w []int8, woff int32, bias, acc, rq []int32, out []int8) {
		depthwiseRequantStandIn(p, in, w, woff, bias, acc, rq, out)
		out[len(out)-1]++
	}
	if err := CheckDepthwiseRequant(wrong, 1, 10); err == nil {
		t.Fatal("CheckDepthwiseRequant missed a wrong output")
	}
}
