// Package nn is a small float32 trainer for the sequential image models that
// cmd/mnist exports: convolution, depthwise convolution, pooling and dense
// layers on NHWC tensors, softmax cross-entropy and Adam. Weights use
// TFLite's layouts (CONV_2D [out,h,w,in], DEPTHWISE_CONV_2D [1,h,w,c],
// FULLY_CONNECTED [out,in]) so that export is a copy.
//
// Training is deterministic: random numbers come from one seeded PCG stream
// drawn in a fixed order, and the work that runs on two goroutines is split
// so that each output value is computed by one goroutine in a fixed order.
package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Shape is the shape of one sample: height, width, channels.
type Shape struct{ H, W, C int }

// Size is the number of values of one sample.
func (s Shape) Size() int { return s.H * s.W * s.C }

func (s Shape) String() string { return fmt.Sprintf("%dx%dx%d", s.H, s.W, s.C) }

// Param is a trainable tensor, its gradient and Adam's moment estimates.
type Param struct {
	W, G []float32
	m, v []float32
	avg  []float32 // exponential moving average of W, if enabled
}

func newParam(n int) *Param {
	return &Param{W: make([]float32, n), G: make([]float32, n), m: make([]float32, n), v: make([]float32, n)}
}

// Layer is one layer of a sequential model, working on a batch of samples
// stored back to back (NHWC).
type Layer interface {
	// Setup fixes the input shape, returns the output shape and initializes
	// the weights from rng.
	Setup(in Shape, rng *rand.Rand) (Shape, error)
	// Forward computes the layer's output for batch samples; the returned
	// slice is owned by the layer and valid until its next Forward.
	Forward(x []float32, batch int, train bool) []float32
	// Backward takes the gradient of the loss with respect to the output
	// (which it may overwrite), sets the parameter gradients and, if needDx,
	// returns the gradient with respect to the input.
	Backward(dy []float32, batch int, needDx bool) []float32
	Params() []*Param
}

// Padding of convolutions, as in TensorFlow.
type Padding int

const (
	Valid Padding = iota
	Same
)

// outSize and padBefore follow TensorFlow's SAME/VALID rules (and TFLite's
// ComputePaddingHeightWidth): SAME pads total = (out-1)*stride+k-in, the
// smaller half before.
func outSize(in, k, stride int, p Padding) int {
	if p == Same {
		return (in + stride - 1) / stride
	}
	return (in-k)/stride + 1
}

func padBefore(in, k, stride int, p Padding) int {
	if p == Valid {
		return 0
	}
	out := outSize(in, k, stride, p)
	total := max((out-1)*stride+k-in, 0)
	return total / 2
}

// heInit fills w with He-normal values: N(0, 2/fanIn).
func heInit(w []float32, fanIn int, rng *rand.Rand) {
	std := math.Sqrt(2 / float64(fanIn))
	for i := range w {
		w[i] = float32(rng.NormFloat64() * std)
	}
}

// biasGrad sets g[c] to the sum of row c of the [len(g)][rows] matrix dyT,
// accumulated in float64 in order.
func biasGrad(dyT []float32, rows int, g []float32) {
	for c := range g {
		var s float64
		for _, v := range dyT[c*rows : (c+1)*rows] {
			s += float64(v)
		}
		g[c] = float32(s)
	}
}

// Conv2D is a 2-D convolution with bias and optional fused ReLU, computed as
// im2col followed by a matrix product.
type Conv2D struct {
	OutC, KH, KW, Stride int
	Pad                  Padding
	ReLU                 bool
	W, B                 *Param // W is [OutC][KH][KW][InC]

	In, Out    Shape
	padT, padL int

	col, colT, y, dyT, wT, dcol, dx []float32
}

func (l *Conv2D) Setup(in Shape, rng *rand.Rand) (Shape, error) {
	if l.Stride < 1 || l.KH < 1 || l.KW < 1 || l.OutC < 1 {
		return Shape{}, fmt.Errorf("conv2d: bad configuration %+v", *l)
	}
	l.In = in
	l.Out = Shape{outSize(in.H, l.KH, l.Stride, l.Pad), outSize(in.W, l.KW, l.Stride, l.Pad), l.OutC}
	if l.Out.H < 1 || l.Out.W < 1 {
		return Shape{}, fmt.Errorf("conv2d: input %v too small for %dx%d kernel", in, l.KH, l.KW)
	}
	l.padT = padBefore(in.H, l.KH, l.Stride, l.Pad)
	l.padL = padBefore(in.W, l.KW, l.Stride, l.Pad)
	k := l.KH * l.KW * in.C
	l.W = newParam(l.OutC * k)
	l.B = newParam(l.OutC)
	heInit(l.W.W, k, rng)
	return l.Out, nil
}

func (l *Conv2D) Params() []*Param { return []*Param{l.W, l.B} }

func (l *Conv2D) Forward(x []float32, batch int, train bool) []float32 {
	in, out := l.In, l.Out
	k := l.KH * l.KW * in.C
	hw := out.H * out.W
	rows := batch * hw
	l.col = grow(l.col, rows*k)
	parallelFor(batch, batch*hw*k, func(lo, hi int) {
		for b := lo; b < hi; b++ {
			xs := x[b*in.Size() : (b+1)*in.Size()]
			for oy := range out.H {
				for ox := range out.W {
					row := l.col[((b*hw)+oy*out.W+ox)*k:][:k]
					i := 0
					for ky := range l.KH {
						iy := oy*l.Stride + ky - l.padT
						for kx := range l.KW {
							ix := ox*l.Stride + kx - l.padL
							if iy < 0 || iy >= in.H || ix < 0 || ix >= in.W {
								for c := 0; c < in.C; c++ {
									row[i+c] = 0
								}
							} else {
								copy(row[i:i+in.C], xs[(iy*in.W+ix)*in.C:])
							}
							i += in.C
						}
					}
				}
			}
		}
	})
	l.y = grow(l.y, rows*l.OutC)
	gemmNT(rows, l.OutC, k, l.col, l.W.W, l.y)
	addBiasReLU(l.y, rows, l.B.W, l.ReLU)
	return l.y
}

func addBiasReLU(y []float32, rows int, bias []float32, relu bool) {
	n := len(bias)
	parallelFor(rows, rows*n, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			yr := y[r*n : (r+1)*n]
			for c, b := range bias {
				v := yr[c] + b
				if relu && v < 0 {
					v = 0
				}
				yr[c] = v
			}
		}
	})
}

// reluMask zeroes dy where the ReLU output y was not positive.
func reluMask(dy, y []float32) {
	parallelFor(len(dy), len(dy), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			if y[i] <= 0 {
				dy[i] = 0
			}
		}
	})
}

func (l *Conv2D) Backward(dy []float32, batch int, needDx bool) []float32 {
	in, out := l.In, l.Out
	k := l.KH * l.KW * in.C
	hw := out.H * out.W
	rows := batch * hw
	if l.ReLU {
		reluMask(dy, l.y)
	}
	l.dyT = grow(l.dyT, rows*l.OutC)
	transpose(rows, l.OutC, dy, l.dyT)
	biasGrad(l.dyT, rows, l.B.G)
	l.colT = grow(l.colT, rows*k)
	transpose(rows, k, l.col, l.colT)
	gemmNT(l.OutC, k, rows, l.dyT, l.colT, l.W.G)
	if !needDx {
		return nil
	}
	l.wT = grow(l.wT, k*l.OutC)
	transpose(l.OutC, k, l.W.W, l.wT)
	l.dcol = grow(l.dcol, rows*k)
	gemmNT(rows, k, l.OutC, dy, l.wT, l.dcol)
	l.dx = grow(l.dx, batch*in.Size())
	parallelFor(batch, batch*hw*k, func(lo, hi int) {
		for b := lo; b < hi; b++ {
			dxs := l.dx[b*in.Size() : (b+1)*in.Size()]
			zero(dxs)
			for oy := range out.H {
				for ox := range out.W {
					row := l.dcol[((b*hw)+oy*out.W+ox)*k:][:k]
					i := 0
					for ky := range l.KH {
						iy := oy*l.Stride + ky - l.padT
						for kx := range l.KW {
							ix := ox*l.Stride + kx - l.padL
							if iy >= 0 && iy < in.H && ix >= 0 && ix < in.W {
								d := dxs[(iy*in.W+ix)*in.C:][:in.C]
								for c, v := range row[i : i+in.C] {
									d[c] += v
								}
							}
							i += in.C
						}
					}
				}
			}
		}
	})
	return l.dx
}

// DepthwiseConv2D is a depthwise 2-D convolution (depth multiplier 1) with
// bias and optional fused ReLU.
type DepthwiseConv2D struct {
	KH, KW, Stride int
	Pad            Padding
	ReLU           bool
	W, B           *Param // W is [KH][KW][C]

	In, Out    Shape
	padT, padL int

	x, y, dx []float32
}

func (l *DepthwiseConv2D) Setup(in Shape, rng *rand.Rand) (Shape, error) {
	if l.Stride < 1 || l.KH < 1 || l.KW < 1 {
		return Shape{}, fmt.Errorf("depthwise_conv2d: bad configuration %+v", *l)
	}
	l.In = in
	l.Out = Shape{outSize(in.H, l.KH, l.Stride, l.Pad), outSize(in.W, l.KW, l.Stride, l.Pad), in.C}
	if l.Out.H < 1 || l.Out.W < 1 {
		return Shape{}, fmt.Errorf("depthwise_conv2d: input %v too small", in)
	}
	l.padT = padBefore(in.H, l.KH, l.Stride, l.Pad)
	l.padL = padBefore(in.W, l.KW, l.Stride, l.Pad)
	l.W = newParam(l.KH * l.KW * in.C)
	l.B = newParam(in.C)
	heInit(l.W.W, l.KH*l.KW, rng)
	return l.Out, nil
}

func (l *DepthwiseConv2D) Params() []*Param { return []*Param{l.W, l.B} }

func (l *DepthwiseConv2D) Forward(x []float32, batch int, train bool) []float32 {
	in, out := l.In, l.Out
	C := in.C
	l.x = x
	l.y = grow(l.y, batch*out.Size())
	parallelFor(batch, batch*out.Size()*l.KH*l.KW, func(lo, hi int) {
		for b := lo; b < hi; b++ {
			xs := x[b*in.Size() : (b+1)*in.Size()]
			ys := l.y[b*out.Size() : (b+1)*out.Size()]
			for oy := range out.H {
				for ox := range out.W {
					yr := ys[(oy*out.W+ox)*C:][:C]
					copy(yr, l.B.W)
					for ky := range l.KH {
						iy := oy*l.Stride + ky - l.padT
						if iy < 0 || iy >= in.H {
							continue
						}
						for kx := range l.KW {
							ix := ox*l.Stride + kx - l.padL
							if ix < 0 || ix >= in.W {
								continue
							}
							xr := xs[(iy*in.W+ix)*C:][:C]
							wr := l.W.W[(ky*l.KW+kx)*C:][:C]
							for c := range yr {
								yr[c] += float32(xr[c] * wr[c])
							}
						}
					}
					if l.ReLU {
						for c, v := range yr {
							if v < 0 {
								yr[c] = 0
							}
						}
					}
				}
			}
		}
	})
	return l.y
}

func (l *DepthwiseConv2D) Backward(dy []float32, batch int, needDx bool) []float32 {
	in, out := l.In, l.Out
	C := in.C
	if l.ReLU {
		reluMask(dy, l.y)
	}
	// Parameter gradients: channels are split between the goroutines; each
	// channel sums over samples and positions in the same order.
	work := batch * out.Size() * l.KH * l.KW
	parallelFor(C, work, func(c0, c1 int) {
		for i := range l.W.G {
			if c := i % C; c >= c0 && c < c1 {
				l.W.G[i] = 0
			}
		}
		bg := make([]float64, c1-c0)
		for b := range batch {
			xs := l.x[b*in.Size() : (b+1)*in.Size()]
			ds := dy[b*out.Size() : (b+1)*out.Size()]
			for oy := range out.H {
				for ox := range out.W {
					dr := ds[(oy*out.W+ox)*C:][c0:c1]
					for j, v := range dr {
						bg[j] += float64(v)
					}
					for ky := range l.KH {
						iy := oy*l.Stride + ky - l.padT
						if iy < 0 || iy >= in.H {
							continue
						}
						for kx := range l.KW {
							ix := ox*l.Stride + kx - l.padL
							if ix < 0 || ix >= in.W {
								continue
							}
							xr := xs[(iy*in.W+ix)*C:][c0:c1]
							gr := l.W.G[(ky*l.KW+kx)*C:][c0:c1]
							for j, v := range dr {
								gr[j] += float32(v * xr[j])
							}
						}
					}
				}
			}
		}
		for j, v := range bg {
			l.B.G[c0+j] = float32(v)
		}
	})
	if !needDx {
		return nil
	}
	l.dx = grow(l.dx, batch*in.Size())
	parallelFor(batch, work, func(lo, hi int) {
		for b := lo; b < hi; b++ {
			dxs := l.dx[b*in.Size() : (b+1)*in.Size()]
			zero(dxs)
			ds := dy[b*out.Size() : (b+1)*out.Size()]
			for oy := range out.H {
				for ox := range out.W {
					dr := ds[(oy*out.W+ox)*C:][:C]
					for ky := range l.KH {
						iy := oy*l.Stride + ky - l.padT
						if iy < 0 || iy >= in.H {
							continue
						}
						for kx := range l.KW {
							ix := ox*l.Stride + kx - l.padL
							if ix < 0 || ix >= in.W {
								continue
							}
							xr := dxs[(iy*in.W+ix)*C:][:C]
							wr := l.W.W[(ky*l.KW+kx)*C:][:C]
							for c, v := range dr {
								xr[c] += float32(v * wr[c])
							}
						}
					}
				}
			}
		}
	})
	return l.dx
}

// MaxPool2D is max pooling with a square window, stride equal to the window
// and VALID padding.
type MaxPool2D struct {
	Size int

	In, Out Shape
	y, dx   []float32
	arg     []int32
}

func (l *MaxPool2D) Setup(in Shape, rng *rand.Rand) (Shape, error) {
	l.In = in
	var err error
	l.Out, err = poolShape("max_pool", l.Size, in)
	return l.Out, err
}

// poolShape is the output of a square pooling window with stride equal to
// the window and VALID padding.
func poolShape(name string, size int, in Shape) (Shape, error) {
	if size < 1 || in.H < size || in.W < size {
		return Shape{}, fmt.Errorf("%s: window %d does not fit %v", name, size, in)
	}
	return Shape{in.H / size, in.W / size, in.C}, nil
}

func (l *MaxPool2D) Params() []*Param { return nil }

func (l *MaxPool2D) Forward(x []float32, batch int, train bool) []float32 {
	in, out := l.In, l.Out
	l.y = grow(l.y, batch*out.Size())
	if cap(l.arg) < batch*out.Size() {
		l.arg = make([]int32, batch*out.Size())
	}
	l.arg = l.arg[:batch*out.Size()]
	parallelFor(batch, batch*in.Size(), func(lo, hi int) {
		for b := lo; b < hi; b++ {
			for oy := range out.H {
				for ox := range out.W {
					for c := range out.C {
						best := int32(-1)
						var bv float32
						for ky := range l.Size {
							for kx := range l.Size {
								i := int32(b*in.Size() + ((oy*l.Size+ky)*in.W+ox*l.Size+kx)*in.C + c)
								if best < 0 || x[i] > bv {
									best, bv = i, x[i]
								}
							}
						}
						o := b*out.Size() + (oy*out.W+ox)*out.C + c
						l.y[o] = bv
						l.arg[o] = best
					}
				}
			}
		}
	})
	return l.y
}

func (l *MaxPool2D) Backward(dy []float32, batch int, needDx bool) []float32 {
	if !needDx {
		return nil
	}
	in, out := l.In, l.Out
	l.dx = grow(l.dx, batch*in.Size())
	parallelFor(batch, batch*in.Size(), func(lo, hi int) {
		zero(l.dx[lo*in.Size() : hi*in.Size()])
		for o := lo * out.Size(); o < hi*out.Size(); o++ {
			l.dx[l.arg[o]] += dy[o]
		}
	})
	return l.dx
}

// AvgPool2D is average pooling with a square window, stride equal to the
// window and VALID padding (a global average pool when the window is the
// whole input).
type AvgPool2D struct {
	Size int

	In, Out Shape
	y, dx   []float32
}

func (l *AvgPool2D) Setup(in Shape, rng *rand.Rand) (Shape, error) {
	l.In = in
	var err error
	l.Out, err = poolShape("average_pool", l.Size, in)
	return l.Out, err
}

func (l *AvgPool2D) Params() []*Param { return nil }

func (l *AvgPool2D) Forward(x []float32, batch int, train bool) []float32 {
	in, out := l.In, l.Out
	l.y = grow(l.y, batch*out.Size())
	n := float32(l.Size * l.Size)
	for b := range batch {
		for oy := range out.H {
			for ox := range out.W {
				for c := range out.C {
					var s float32
					for ky := range l.Size {
						for kx := range l.Size {
							s += x[b*in.Size()+((oy*l.Size+ky)*in.W+ox*l.Size+kx)*in.C+c]
						}
					}
					l.y[b*out.Size()+(oy*out.W+ox)*out.C+c] = s / n
				}
			}
		}
	}
	return l.y
}

func (l *AvgPool2D) Backward(dy []float32, batch int, needDx bool) []float32 {
	if !needDx {
		return nil
	}
	in, out := l.In, l.Out
	l.dx = grow(l.dx, batch*in.Size())
	zero(l.dx)
	n := float32(l.Size * l.Size)
	for b := range batch {
		for oy := range out.H {
			for ox := range out.W {
				for c := range out.C {
					g := dy[b*out.Size()+(oy*out.W+ox)*out.C+c] / n
					for ky := range l.Size {
						for kx := range l.Size {
							l.dx[b*in.Size()+((oy*l.Size+ky)*in.W+ox*l.Size+kx)*in.C+c] += g
						}
					}
				}
			}
		}
	}
	return l.dx
}

// Flatten turns each HxWxC sample into a vector (a no-op on NHWC data).
type Flatten struct{ In, Out Shape }

func (l *Flatten) Setup(in Shape, rng *rand.Rand) (Shape, error) {
	l.In = in
	l.Out = Shape{1, 1, in.Size()}
	return l.Out, nil
}

func (l *Flatten) Params() []*Param                                        { return nil }
func (l *Flatten) Forward(x []float32, batch int, train bool) []float32    { return x }
func (l *Flatten) Backward(dy []float32, batch int, needDx bool) []float32 { return dy }

// Dropout zeroes a fraction Rate of its inputs while training and scales the
// rest by 1/(1-Rate); it is the identity at inference and is not exported.
type Dropout struct {
	Rate float64

	rng   *rand.Rand
	n     int
	mask  []float32
	y, dx []float32
}

func (l *Dropout) Setup(in Shape, rng *rand.Rand) (Shape, error) {
	if l.Rate < 0 || l.Rate >= 1 {
		return Shape{}, fmt.Errorf("dropout: rate %v out of [0,1)", l.Rate)
	}
	l.rng = rng
	l.n = in.Size()
	return in, nil
}

func (l *Dropout) Params() []*Param { return nil }

func (l *Dropout) Forward(x []float32, batch int, train bool) []float32 {
	if !train || l.Rate == 0 {
		l.mask = l.mask[:0]
		return x
	}
	keep := float32(1 / (1 - l.Rate))
	l.mask = grow(l.mask, len(x))
	l.y = grow(l.y, len(x))
	for i := range x {
		if l.rng.Float64() < l.Rate {
			l.mask[i] = 0
		} else {
			l.mask[i] = keep
		}
		l.y[i] = x[i] * l.mask[i]
	}
	return l.y
}

func (l *Dropout) Backward(dy []float32, batch int, needDx bool) []float32 {
	if len(l.mask) == 0 {
		return dy
	}
	l.dx = grow(l.dx, len(dy))
	for i, v := range dy {
		l.dx[i] = v * l.mask[i]
	}
	return l.dx
}

// Dense is a fully connected layer with bias and optional fused ReLU.
type Dense struct {
	Out  int
	ReLU bool
	W, B *Param // W is [Out][In]

	In int

	x, y, dyT, xT, wT, dx []float32
}

func (l *Dense) Setup(in Shape, rng *rand.Rand) (Shape, error) {
	if l.Out < 1 {
		return Shape{}, fmt.Errorf("dense: %d outputs", l.Out)
	}
	l.In = in.Size()
	l.W = newParam(l.Out * l.In)
	l.B = newParam(l.Out)
	heInit(l.W.W, l.In, rng)
	return Shape{1, 1, l.Out}, nil
}

func (l *Dense) Params() []*Param { return []*Param{l.W, l.B} }

func (l *Dense) Forward(x []float32, batch int, train bool) []float32 {
	l.x = x
	l.y = grow(l.y, batch*l.Out)
	gemmNT(batch, l.Out, l.In, x, l.W.W, l.y)
	addBiasReLU(l.y, batch, l.B.W, l.ReLU)
	return l.y
}

func (l *Dense) Backward(dy []float32, batch int, needDx bool) []float32 {
	if l.ReLU {
		reluMask(dy, l.y)
	}
	l.dyT = grow(l.dyT, batch*l.Out)
	transpose(batch, l.Out, dy, l.dyT)
	biasGrad(l.dyT, batch, l.B.G)
	l.xT = grow(l.xT, batch*l.In)
	transpose(batch, l.In, l.x, l.xT)
	gemmNT(l.Out, l.In, batch, l.dyT, l.xT, l.W.G)
	if !needDx {
		return nil
	}
	l.wT = grow(l.wT, l.In*l.Out)
	transpose(l.Out, l.In, l.W.W, l.wT)
	l.dx = grow(l.dx, batch*l.In)
	gemmNT(batch, l.In, l.Out, dy, l.wT, l.dx)
	return l.dx
}
