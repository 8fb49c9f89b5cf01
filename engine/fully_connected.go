package engine

import (
	"fmt"
	"slices"

	"github.com/int8scope/int8scope/engine/tflite"
)

// FullyConnectedParams are FULLY_CONNECTED's prepared parameters.
//
// Mirrors TFLite's reference kernels reference/integer_ops/fully_connected.h
// (int8, int16x8, per-tensor and per-channel) and reference/fully_connected.h
// (float, uint8). For output element (b, c):
//
//	acc = Σ_d (input[b,d] + InputOffset)·(filter[c,d] + FilterOffset) + bias[c]
//	out = Output(acc, c)
//
// where Output is the profile's output stage: TFLite's
// clamp(MultiplyByQuantizedMultiplier(acc, M_c, shift_c) + zero point) with
// the build's rounding (FixedPointOutput), or XNNPACK's float32
// requantization (XNNPackOutput, fully_connected_xnnpack.go).
type FullyConnectedParams struct {
	InputOffset  int32 `json:"input_offset"`  // −input zero point
	FilterOffset int32 `json:"filter_offset"` // −filter zero point
	// Output turns each accumulator into an output integer (quantized
	// models).
	Output outputStage `json:"output,omitempty"`
	// Float models: the clamp of the fused activation.
	FloatMin float32 `json:"float_min,omitempty"`
	FloatMax float32 `json:"float_max,omitempty"`

	Batches               int `json:"batches"`
	Depth                 int `json:"depth"`
	Channels              int `json:"channels"`
	in, filter, bias, out int // tensor indices; bias −1 if absent
	typ                   DType
	weights               *gemmWeights // int8 and uint8: a constant filter prepared for offsetGEMM, or nil
	adds                  colAdds      // evalGEMM's gemmColAdd values
	rqTable               simdTable    // requantTable(Output), for gemmRequant
}

func init() { register(tflite.BuiltinOperatorFULLY_CONNECTED, prepareFullyConnected) }

func prepareFullyConnected(c *prepCtx) (kernel, error) {
	if err := c.io(2, 3, 1); err != nil {
		return nil, err
	}
	in, filter, bias, out := c.in(0), c.in(1), c.in(2), c.out(0)
	o, _ := c.op.Options.(*tflite.FullyConnectedOptionsT)
	if o == nil {
		o = &tflite.FullyConnectedOptionsT{}
	}
	if o.WeightsFormat != tflite.FullyConnectedOptionsWeightsFormatDEFAULT {
		return nil, c.errorf("weights format %v is not supported", o.WeightsFormat)
	}
	if len(filter.Shape) != 2 {
		return nil, c.errorf("filter tensor %d has shape %v, want 2-D [channels, depth]", filter.Index, filter.Shape)
	}
	p := &FullyConnectedParams{Channels: filter.Shape[0], Depth: filter.Shape[1],
		in: in.Index, filter: filter.Index, bias: -1, out: out.Index, typ: in.Type}
	if p.Depth == 0 || in.NumElements()%p.Depth != 0 {
		return nil, c.errorf("input shape %v does not divide into rows of the filter depth %d", in.Shape, p.Depth)
	}
	p.Batches = in.NumElements() / p.Depth
	if bias != nil {
		p.bias = bias.Index
		if bias.NumElements() != p.Channels {
			return nil, c.errorf("bias tensor %d has %d elements, want %d", bias.Index, bias.NumElements(), p.Channels)
		}
	}
	if out.inferred {
		// TFLite's Prepare: keep_num_dims keeps the input's shape with the
		// last dimension made the units, otherwise [batches, units].
		shape := []int{p.Batches, p.Channels}
		if o.KeepNumDims && len(in.Shape) > 0 {
			shape = append(slices.Clone(in.Shape[:len(in.Shape)-1]), p.Channels)
		}
		if err := c.sameShape(out, shape); err != nil {
			return nil, err
		}
	}
	if out.NumElements() != p.Batches*p.Channels {
		return nil, c.errorf("output tensor %d has shape %v, want %d×%d elements", out.Index, out.Shape, p.Batches, p.Channels)
	}
	act, err := c.activation(o.FusedActivationFunction)
	if err != nil {
		return nil, err
	}
	wantBias := map[DType]DType{Float32: Float32, Int8: Int32, Uint8: Int32, Int16: Int64}
	switch {
	case in.Type == Float32 && filter.Type == Int8 && out.Type == Float32: // hybrid
		return prepareFullyConnectedHybrid(c, p, o, act)
	case in.Type == Float32 && filter.Type == Float32 && out.Type == Float32:
		p.FloatMin, p.FloatMax = floatActivation(act)
	case (in.Type == Int8 && filter.Type == Int8 && out.Type == Int8) ||
		(in.Type == Uint8 && filter.Type == Uint8 && out.Type == Uint8) ||
		(in.Type == Int16 && filter.Type == Int8 && out.Type == Int16):
		for _, t := range []*Tensor{in, out} {
			if err := c.needQuant("input/output", t); err != nil {
				return nil, err
			}
		}
		if filter.Quant == nil || len(filter.Quant.Scale) == 0 {
			return nil, c.errorf("filter tensor %d has no quantization parameters", filter.Index)
		}
		if filter.Quant.PerChannel() && (filter.Quant.Axis != 0 || len(filter.Quant.Scale) != p.Channels) {
			return nil, c.errorf("per-channel filter needs %d scales on axis 0", p.Channels)
		}
		if in.Type == Int16 && (in.ZeroPoint() != 0 || out.ZeroPoint() != 0) {
			return nil, c.errorf("int16 input and output need zero point 0")
		}
		p.InputOffset, p.FilterOffset = -in.ZeroPoint(), -filter.ZeroPoint()
		var rq []Requant
		for _, s := range filter.Quant.Scale {
			real := in.Scale() * float64(s) / out.Scale()
			if in.Type == Uint8 { // GetQuantizedConvolutionMultipler: the scale product in float
				real = float64(in.Quant.Scale[0]*s) / out.Scale()
			}
			rq = append(rq, c.requant(real))
		}
		if in.Type == Int16 {
			if err := c.check64("output", rq...); err != nil {
				return nil, err
			}
		}
		lo, hi, err := quantizedActivation(act, out)
		if err != nil {
			return nil, c.errorf("%v", err)
		}
		p.Output = newFixedPointOutput(rq, p.Channels, out.ZeroPoint(), lo, hi)
	default:
		return nil, c.unsupportedTypes()
	}
	if bias != nil && bias.Type != wantBias[in.Type] {
		return nil, c.errorf("bias tensor %d has type %v, want %v for %v input", bias.Index, bias.Type, wantBias[in.Type], in.Type)
	}
	if (in.Type == Int8 || in.Type == Uint8) && filter.Const {
		p.weights = c.m.gemmWeightsOf(filter, p.Channels, p.Depth)
	}
	return p, nil
}

func (p *FullyConnectedParams) macs() int64 {
	return int64(p.Batches) * int64(p.Channels) * int64(p.Depth)
}

func (p *FullyConnectedParams) eval(r *run, op *Op) error {
	var acc []int64 // the trace's accumulators: the integer types have them
	if p.typ != Float32 {
		acc = r.traceAcc(op, p.Batches*p.Channels)
	}
	switch p.typ {
	case Float32:
		in, w, out := r.f32(p.in), r.f32(p.filter), r.f32(p.out)
		var bias []float32
		if p.bias >= 0 {
			bias = r.f32(p.bias)
		}
		for b := 0; b < p.Batches; b++ {
			x := in[b*p.Depth : (b+1)*p.Depth]
			for c := 0; c < p.Channels; c++ {
				wr := w[c*p.Depth : (c+1)*p.Depth]
				var total float32
				for d, v := range x {
					total += float32(v * wr[d])
				}
				if bias != nil {
					total += bias[c]
				}
				out[b*p.Channels+c] = clampF(total, p.FloatMin, p.FloatMax)
			}
		}
	case Int8, Uint8:
		p.evalGEMM(r, acc)
	case Int16:
		in, w, out := r.i16(p.in), r.i8(p.filter), r.i16(p.out)
		var bias []int64
		if p.bias >= 0 {
			bias = r.i64(p.bias)
		}
		for b := 0; b < p.Batches; b++ {
			x := in[b*p.Depth : (b+1)*p.Depth]
			for c := 0; c < p.Channels; c++ {
				wr := w[c*p.Depth : (c+1)*p.Depth]
				var a int64
				for d, v := range x {
					a += int64(v) * int64(int32(wr[d])+p.FilterOffset)
				}
				if bias != nil {
					a += bias[c]
				}
				if acc != nil {
					acc[b*p.Channels+c] = a
				}
				out[b*p.Channels+c] = int16(p.Output.requantize64(a, c))
			}
		}
	}
	return nil
}

// evalGEMM computes int8 and uint8 outputs as one offsetGEMM of the input
// rows by the filter rows: the reference's Σ (input + InputOffset)·(filter +
// FilterOffset) + bias in wrapping int32, with the offsets applied through
// precomputed sums.
func (p *FullyConnectedParams) evalGEMM(r *run, trace []int64) {
	ws := p.weights
	if ws == nil {
		w := gemmOperand(p.typ, r.vals[p.filter], nil)
		ws = &gemmWeights{w: w, sum: rowSums(p.Channels, p.Depth, w, nil)}
	}
	var bias []int32
	if p.bias >= 0 {
		bias = r.i32(p.bias)[:p.Channels]
	}
	ia, ib := gemmOffsets(p.typ, p.InputOffset, p.FilterOffset)
	add := p.adds.get(r.constAdds(p.weights, p.bias), func() [][]int32 {
		return [][]int32{gemmColAdd(p.Depth, ia, ib, ws.sum, bias)}
	})[0]
	in, out := gemmOperand(p.typ, r.vals[p.in], nil), r.i8(p.out) // uint8 outputs: the same bytes
	n := p.Channels
	block := gemmBlock(p.Batches, 0, n)
	gs := &r.gs
	gs.accs = grow(gs.accs, block*n)
	var rq []int32
	if gemmRequant != nil {
		rq = p.rqTable.get(p.Output, n)
	}
	// Up to three rows, pure Go: the weights packed three channels to an
	// int64 on the first run (fcTriRows).
	var tri []int64
	if rq == nil && p.weights != nil && p.Batches < 4 && gemmGo {
		tri = ws.triples(n, p.Depth)
	}
	for b0 := 0; b0 < p.Batches; b0 += block {
		mb := min(block, p.Batches-b0)
		accs := gs.accs[:mb*n]
		if rq != nil { // the product and the output stage in one call
			gemmRequant(mb, n, p.Depth, in[b0*p.Depth:], ws.w, accs, add, ib, out[b0*n:], n, rq, 0)
			if trace != nil {
				for i, a := range accs {
					trace[b0*n+i] = int64(a)
				}
			}
			continue
		}
		if tri != nil {
			fcTriRows(mb, n, p.Depth, in[b0*p.Depth:], tri, ws.triK, accs)
			gs.rows = gemmOffsets2(mb, n, p.Depth, in[b0*p.Depth:], ib, add, accs, gs.rows)
		} else {
			gs.rows = offsetGEMM(mb, n, p.Depth, in[b0*p.Depth:], ws.w, ib, add, accs, gs.rows)
		}
		for i := 0; i < mb; i++ {
			p.Output.requantizeInt8(accs[i*n:][:n], out[(b0+i)*n:][:n])
		}
		if trace != nil {
			for i, a := range accs {
				trace[b0*n+i] = int64(a)
			}
		}
	}
}

func (p *FullyConnectedParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	if p.typ == Float32 {
		return floatResult(res, op, index, fmt.Sprintf("Σ_k input[%d,k]·filter[%d,k] in order, each product and sum rounded to float32, + bias[%[2]d], clamped to [%g, %g]", index/p.Channels, index%p.Channels, p.FloatMin, p.FloatMax)), nil
	}
	b, c := index/p.Channels, index%p.Channels
	e := &Explanation{TermsTotal: p.Depth, TermInput: p.in, TermFilter: p.filter}
	var sum int64
	in, w := Values(res.Model.Tensors[p.in].Type, res.Tensors[p.in]), Values(res.Model.Tensors[p.filter].Type, res.Tensors[p.filter])
	for d := 0; d < p.Depth; d++ {
		t := Term{InputIndex: b*p.Depth + d, Input: int32(in[b*p.Depth+d]), InputOffset: p.InputOffset,
			FilterIndex: c*p.Depth + d, Filter: int32(w[c*p.Depth+d]), FilterOffset: p.FilterOffset}
		t.Product = int64(t.Input+t.InputOffset) * int64(t.Filter+t.FilterOffset)
		sum += t.Product
		if len(e.Terms) < res.termLimit() {
			e.Terms = append(e.Terms, t)
		}
	}
	var bias int64
	if p.bias >= 0 {
		bias = int64(Values(res.Model.Tensors[p.bias].Type, res.Tensors[p.bias])[c])
	}
	explainAccumulator(e, p.Output, sum, bias, c, p.typ == Int16)
	return e, nil
}
