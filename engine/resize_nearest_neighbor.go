package engine

import (
	"fmt"
	"math"

	"github.com/int8scope/int8scope/engine/tflite"
)

// ResizeNearestNeighborParams are RESIZE_NEAREST_NEIGHBOR's prepared
// parameters.
//
// Mirrors TFLite's reference_ops::ResizeNearestNeighbor
// (reference/resize_nearest_neighbor.h), which TFLite Micro's
// kernels/resize_nearest_neighbor.cc runs: a 4-D input [N, H, W, C] is
// resized to the constant size [H', W'], and output pixel (y, x) is input
// pixel (SourceRows[y], SourceCols[x]), every channel copied. Each source
// index is GetNearestNeighbor, in float32:
//
//	scale = align_corners && out > 1 ? (in−1)/(out−1) : in/out
//	src   = min(align_corners ? round((i + offset)·scale) : floor((i + offset)·scale), in−1)
//	        (offset 0.5 with half_pixel_centers, then max(src, 0); round: half away from zero)
//
// Elements are copied as raw bytes: float32, int8, uint8 and int16 (whose
// values are never rescaled).
type ResizeNearestNeighborParams struct {
	AlignCorners     bool    `json:"align_corners"`
	HalfPixelCenters bool    `json:"half_pixel_centers"`
	InputShape       []int   `json:"input_shape"`
	OutputShape      []int   `json:"output_shape"`
	HeightScale      float32 `json:"height_scale"`
	WidthScale       float32 `json:"width_scale"`
	SourceRows       []int   `json:"source_rows"` // input row of each output row
	SourceCols       []int   `json:"source_cols"` // input column of each output column

	in, out, size int
}

func init() {
	register(tflite.BuiltinOperatorRESIZE_NEAREST_NEIGHBOR, prepareResizeNearestNeighbor)
}

func prepareResizeNearestNeighbor(c *prepCtx) (kernel, error) {
	in, out, err := c.moving(2, Float32, Int8, Uint8, Int16)
	if err != nil {
		return nil, err
	}
	sizeT := c.in(1)
	if len(in.Shape) != 4 {
		return nil, c.errorf("input tensor %d has shape %v; RESIZE_NEAREST_NEIGHBOR needs a 4-D input [N, H, W, C]", in.Index, in.Shape)
	}
	if len(sizeT.Shape) != 1 || sizeT.Shape[0] != 2 {
		return nil, c.errorf("size tensor %d has shape %v, want [2] (height, width)", sizeT.Index, sizeT.Shape)
	}
	size, err := indexValues(c, "size", sizeT, false)
	if err != nil {
		return nil, err
	}
	if size[0] <= 0 || size[1] <= 0 {
		return nil, c.errorf("size %v must be positive", size)
	}
	o, _ := c.op.Options.(*tflite.ResizeNearestNeighborOptionsT)
	if o == nil {
		o = &tflite.ResizeNearestNeighborOptionsT{}
	}
	want := []int{in.Shape[0], size[0], size[1], in.Shape[3]}
	if err := c.sameShape(out, want); err != nil {
		return nil, err
	}
	p := &ResizeNearestNeighborParams{AlignCorners: o.AlignCorners, HalfPixelCenters: o.HalfPixelCenters,
		InputShape: in.Shape, OutputShape: want, in: in.Index, out: out.Index, size: in.Type.Size()}
	p.HeightScale, p.SourceRows = nearestSources(in.Shape[1], size[0], o.AlignCorners, o.HalfPixelCenters)
	p.WidthScale, p.SourceCols = nearestSources(in.Shape[2], size[1], o.AlignCorners, o.HalfPixelCenters)
	return p, nil
}

// nearestSources is GetNearestNeighbor for every output index of one
// dimension: the float32 scale and the input index of each output index.
func nearestSources(inSize, outSize int, alignCorners, halfPixel bool) (float32, []int) {
	scale := float32(inSize) / float32(outSize)
	if alignCorners && outSize > 1 {
		scale = float32(inSize-1) / float32(outSize-1)
	}
	var offset float32
	if halfPixel {
		offset = 0.5
	}
	src := make([]int, outSize)
	for i := range src {
		v := (float32(i) + offset) * scale
		var s int
		if alignCorners {
			s = int(int32(math.Round(float64(v))))
		} else {
			s = int(int32(math.Floor(float64(v))))
		}
		s = min(s, inSize-1)
		if halfPixel {
			s = max(s, 0)
		}
		src[i] = s
	}
	return scale, src
}

func (p *ResizeNearestNeighborParams) eval(r *run, op *Op) error {
	src, dst := r.vals[p.in], r.vals[p.out]
	h, w, ch := p.InputShape[1], p.InputShape[2], p.InputShape[3]
	run := ch * p.size
	o := 0
	for b := 0; b < p.InputShape[0]; b++ {
		for _, y := range p.SourceRows {
			for _, x := range p.SourceCols {
				i := ((b*h+y)*w + x) * run
				copy(dst[o:o+run], src[i:i+run])
				o += run
			}
		}
	}
	return nil
}

func (p *ResizeNearestNeighborParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	c := unflatten(index, p.OutputShape)
	y, x := p.SourceRows[c[1]], p.SourceCols[c[2]]
	h, w, ch := p.InputShape[1], p.InputShape[2], p.InputShape[3]
	rule := "floor"
	if p.AlignCorners {
		rule = "round"
	}
	off := ""
	if p.HalfPixelCenters {
		off = " + 0.5"
	}
	how := fmt.Sprintf("row %d = min(%s((%d%s)·%.9g), %d), column %d = min(%s((%d%s)·%.9g), %d)",
		y, rule, c[1], off, p.HeightScale, h-1, x, rule, c[2], off, p.WidthScale, w-1)
	return explainMoved(res, p.in, ((c[0]*h+y)*w+x)*ch+c[3], how), nil
}
