package engine

import (
	"errors"
	"fmt"
	"math"

	"github.com/int8scope/int8scope/engine/flexbuffers"
)

// DetectionPostProcessParams are the prepared parameters of the custom op
// TFLite_Detection_PostProcess, the last op of every SSD detector.
//
// Mirrors TFLite's kernels/detection_postprocess.cc (the browser TFLite
// runs this kernel: the XNNPACK delegate takes no custom op; TFLite Micro's
// kernels/detection_postprocess.cc is a port of it). Its options come from
// the op's flexbuffer custom options. In float arithmetic:
//
//  1. Decode each anchor's box (inputs dequantized: float32(q − zp)·scale)
//     from the centre-size encoding (y, x, h, w) and the anchor
//     (ya, xa, ha, wa), in double, rounded to float32:
//     ycenter = y/YScale·ha + ya, xcenter = x/XScale·wa + xa,
//     half_h = 0.5·exp(h/HScale)·ha, half_w = 0.5·exp(w/WScale)·wa;
//     box = (ycenter − half_h, xcenter − half_w, ycenter + half_h,
//     xcenter + half_w) in float32.
//  2. Scores (the model applied the sigmoid): dequantized, the first
//     column dropped when it is the background class.
//  3. Non-max suppression, greedy: candidates with score ≥ ScoreThreshold
//     in decreasing score (std::stable_sort), each kept unless its IoU with
//     a kept box is > IoUThreshold. Fast (class-agnostic) NMS ranks each
//     anchor by its best class (the first maximum) and reports its
//     MaxClassesPerDetection best classes (std::partial_sort: libc++'s heap
//     order among equal scores); regular NMS runs per class
//     (DetectionsPerClass each) and merges each class's boxes into the
//     MaxDetections best so far, a later class first among equal scores
//     (std::inplace_merge with score_a >= score_b).
//  4. Outputs, all float32: boxes [1, N, 4], classes [1, N], scores [1, N],
//     number of detections [1], N = MaxDetections·MaxClassesPerDetection.
type DetectionPostProcessParams struct {
	MaxDetections          int     `json:"max_detections"`
	MaxClassesPerDetection int     `json:"max_classes_per_detection"`
	DetectionsPerClass     int     `json:"detections_per_class"`
	UseRegularNMS          bool    `json:"use_regular_nms"`
	ScoreThreshold         float32 `json:"nms_score_threshold"`
	IoUThreshold           float32 `json:"nms_iou_threshold"`
	NumClasses             int     `json:"num_classes"`
	YScale                 float32 `json:"y_scale"`
	XScale                 float32 `json:"x_scale"`
	HScale                 float32 `json:"h_scale"`
	WScale                 float32 `json:"w_scale"`

	NumBoxes int `json:"num_boxes"`
	// ScoreColumns is the scores' last dimension; LabelOffset is 1 when
	// its first column is the background class.
	ScoreColumns int `json:"score_columns"`
	LabelOffset  int `json:"label_offset"`
	BoxCodeSize  int `json:"box_code_size"` // the box encodings' last dimension, ≥ 4
	// The uint8 inputs' quantization.
	BoxQuant    *Dequant `json:"box_quant,omitempty"`
	AnchorQuant *Dequant `json:"anchor_quant,omitempty"`
	ScoreQuant  *Dequant `json:"score_quant,omitempty"`

	boxes, scores, anchors int
	outputs                [4]int
	typ                    DType // Float32 or Uint8 (boxes and anchors)
	scoreTyp               DType
}

// detectionPostProcessName is the op's custom_code.
const detectionPostProcessName = "TFLite_Detection_PostProcess"

func init() { registerCustom(detectionPostProcessName, prepareDetectionPostProcess) }

func prepareDetectionPostProcess(c *prepCtx) (kernel, error) {
	if err := c.io(3, 3, 4); err != nil {
		return nil, err
	}
	o, err := flexbuffers.ParseMap(c.op.CustomOptions)
	if err != nil {
		return nil, c.errorf("custom options: %v", err)
	}
	p := &DetectionPostProcessParams{
		MaxDetections:          int(o["max_detections"].AsInt64()),
		MaxClassesPerDetection: int(o["max_classes_per_detection"].AsInt64()),
		DetectionsPerClass:     100,
		ScoreThreshold:         float32(o["nms_score_threshold"].AsFloat64()),
		IoUThreshold:           float32(o["nms_iou_threshold"].AsFloat64()),
		NumClasses:             int(o["num_classes"].AsInt64()),
		YScale:                 float32(o["y_scale"].AsFloat64()),
		XScale:                 float32(o["x_scale"].AsFloat64()),
		HScale:                 float32(o["h_scale"].AsFloat64()),
		WScale:                 float32(o["w_scale"].AsFloat64()),
	}
	if v := o["detections_per_class"]; !v.IsNull() {
		p.DetectionsPerClass = int(v.AsInt64())
	}
	p.UseRegularNMS = o["use_regular_nms"].AsBool()
	boxes, scores, anchors := c.in(0), c.in(1), c.in(2)
	p.boxes, p.scores, p.anchors = boxes.Index, scores.Index, anchors.Index
	if len(boxes.Shape) != 3 || len(scores.Shape) != 3 || len(anchors.Shape) != 2 {
		return nil, c.errorf("box encodings %v, scores %v and anchors %v must have 3, 3 and 2 dimensions", boxes.Shape, scores.Shape, anchors.Shape)
	}
	p.NumBoxes, p.BoxCodeSize, p.ScoreColumns = boxes.Shape[1], boxes.Shape[2], scores.Shape[2]
	p.LabelOffset = p.ScoreColumns - p.NumClasses
	switch {
	case boxes.Shape[0] != 1 || scores.Shape[0] != 1:
		return nil, c.errorf("batch size %d; TFLite's kernel takes a batch of 1", boxes.Shape[0])
	case p.BoxCodeSize < 4:
		return nil, c.errorf("box encodings have %d values per box, want at least 4", p.BoxCodeSize)
	case scores.Shape[1] != p.NumBoxes || anchors.Shape[0] < p.NumBoxes || anchors.Shape[1] != 4:
		return nil, c.errorf("scores %v and anchors %v do not match %d boxes", scores.Shape, anchors.Shape, p.NumBoxes)
	case p.NumClasses <= 0 || p.LabelOffset < 0 || p.LabelOffset > 1:
		return nil, c.errorf("num_classes %d does not fit the scores' %d columns (one may be the background)", p.NumClasses, p.ScoreColumns)
	case p.MaxDetections < 0 || p.MaxClassesPerDetection <= 0 || (p.UseRegularNMS && p.DetectionsPerClass <= 0):
		return nil, c.errorf("max_detections %d, max_classes_per_detection %d, detections_per_class %d: out of range", p.MaxDetections, p.MaxClassesPerDetection, p.DetectionsPerClass)
	case !(p.IoUThreshold > 0 && p.IoUThreshold <= 1):
		return nil, c.errorf("nms_iou_threshold %v is outside (0, 1]", p.IoUThreshold)
	}
	p.typ, p.scoreTyp = boxes.Type, scores.Type
	switch {
	case boxes.Type == Float32 && anchors.Type == Float32:
	case boxes.Type == Uint8 && anchors.Type == Uint8:
		for _, t := range []*Tensor{boxes, anchors} {
			if err := c.needQuant("box/anchor", t); err != nil {
				return nil, err
			}
		}
		p.BoxQuant, p.AnchorQuant = dequantOf(boxes), dequantOf(anchors)
	default:
		return nil, c.errorf("box encodings %v and anchors %v: TFLite's kernel takes both float32 or both uint8", boxes.Type, anchors.Type)
	}
	switch scores.Type {
	case Float32:
	case Uint8:
		if err := c.needQuant("scores", scores); err != nil {
			return nil, err
		}
		p.ScoreQuant = dequantOf(scores)
	default:
		return nil, c.errorf("scores of type %v; TFLite's kernel takes float32 or uint8", scores.Type)
	}
	// The outputs' shapes are the kernel's to set (converters store them
	// empty, as TFLite's Prepare resizes them).
	n := p.MaxDetections * p.MaxClassesPerDetection
	for i, shape := range [][]int{{1, n, 4}, {1, n}, {1, n}, {1}} {
		out := c.out(i)
		p.outputs[i] = out.Index
		if out.Type != Float32 {
			return nil, c.errorf("output %d (tensor %d %q) is %v; the op writes float32", i, out.Index, out.Name, out.Type)
		}
		if len(out.Shape) == 0 {
			out.Shape = shape
		} else if err := c.sameShape(out, shape); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// box is a decoded box, BoxCornerEncoding: (ymin, xmin, ymax, xmax).
type box [4]float32

// detections is what one evaluation computed: the decoded boxes, the
// float scores and the kept detections, for the outputs and explanations.
type detections struct {
	boxes  []box
	scores []float32 // [NumBoxes·ScoreColumns]
	// out lists the detections in output order.
	out []detection
}

// detection is one output row.
type detection struct {
	anchor, class int
	score         float32
}

var errInvalidBoxes = errors.New("a decoded box has ymin > ymax or xmin > xmax (TFLite's ValidateBoxes fails)")

func (p *DetectionPostProcessParams) eval(r *run, op *Op) error {
	d, err := p.detect(r.vals)
	if err != nil {
		return err
	}
	boxes, classes, scores := r.f32(p.outputs[0]), r.f32(p.outputs[1]), r.f32(p.outputs[2])
	clear(boxes)
	clear(classes)
	clear(scores)
	for i, dt := range d.out {
		copy(boxes[4*i:4*i+4], d.boxes[dt.anchor][:])
		classes[i] = float32(dt.class)
		scores[i] = dt.score
	}
	r.f32(p.outputs[3])[0] = float32(p.numDetections(d))
	return nil
}

// numDetections is the fourth output: the number of kept anchors (fast
// NMS, each with up to MaxClassesPerDetection rows) or of rows (regular).
func (p *DetectionPostProcessParams) numDetections(d *detections) int {
	if p.UseRegularNMS {
		return len(d.out)
	}
	k := min(p.MaxClassesPerDetection, p.NumClasses)
	return len(d.out) / k
}

// Dequant is a uint8 input's quantization.
type Dequant struct {
	Scale     float32 `json:"scale"`
	ZeroPoint int32   `json:"zero_point"`
}

func dequantOf(t *Tensor) *Dequant { return &Dequant{t.Quant.Scale[0], t.ZeroPoint()} }

// box is the kernel's Dequantizer of box encodings and anchors:
// (float32(q) − zero point)·scale in float32.
func (d *Dequant) box(q uint8) float32 {
	return float32(float32(q)-float32(d.ZeroPoint)) * d.Scale
}

// detect runs the kernel on the tensor values vals.
func (p *DetectionPostProcessParams) detect(vals [][]byte) (*detections, error) {
	d := &detections{boxes: make([]box, p.NumBoxes), scores: make([]float32, p.NumBoxes*p.ScoreColumns)}
	for i := range d.boxes {
		enc, anc := p.encoding(vals, i)
		d.boxes[i] = p.decode(enc, anc)
	}
	if p.scoreTyp == Float32 {
		copy(d.scores, AsFloat32(vals[p.scores]))
	} else {
		// optimized_ops::Dequantize: float32(scale·(q − zero point)) in double.
		s, zp := float64(p.ScoreQuant.Scale), int64(p.ScoreQuant.ZeroPoint)
		for i, q := range vals[p.scores][:len(d.scores)] {
			d.scores[i] = float32(s * float64(int64(q)-zp))
		}
	}
	var err error
	if p.UseRegularNMS {
		d.out, err = p.regularNMS(d)
	} else {
		d.out, err = p.fastNMS(d)
	}
	return d, err
}

// encoding returns box i's encoding (y, x, h, w) and its anchor
// (ya, xa, ha, wa), dequantized.
func (p *DetectionPostProcessParams) encoding(vals [][]byte, i int) (enc, anc [4]float32) {
	if p.typ == Float32 {
		copy(enc[:], AsFloat32(vals[p.boxes])[i*p.BoxCodeSize:])
		copy(anc[:], AsFloat32(vals[p.anchors])[i*4:])
		return enc, anc
	}
	b, a := vals[p.boxes][i*p.BoxCodeSize:], vals[p.anchors][i*4:]
	for k := range 4 {
		enc[k], anc[k] = p.BoxQuant.box(b[k]), p.AnchorQuant.box(a[k])
	}
	return enc, anc
}

// decode is DecodeCenterSizeBoxes for one box: centre and half sizes in
// double, rounded to float32, then the corners in float32.
func (p *DetectionPostProcessParams) decode(enc, anc [4]float32) box {
	yc, xc, hh, hw := p.centre(enc, anc)
	return box{yc - hh, xc - hw, yc + hh, xc + hw}
}

func (p *DetectionPostProcessParams) centre(enc, anc [4]float32) (yc, xc, hh, hw float32) {
	f := func(v float32) float64 { return float64(v) }
	yc = float32(f(enc[0])/f(p.YScale)*f(anc[2]) + f(anc[0]))
	xc = float32(f(enc[1])/f(p.XScale)*f(anc[3]) + f(anc[1]))
	hh = float32(0.5 * math.Exp(f(enc[2])/f(p.HScale)) * f(anc[2]))
	hw = float32(0.5 * math.Exp(f(enc[3])/f(p.WScale)) * f(anc[3]))
	return yc, xc, hh, hw
}

// iou is ComputeIntersectionOverUnion in float32; 0 when either box has
// no area.
func iou(a, b box) float32 {
	areaA := (a[2] - a[0]) * (a[3] - a[1])
	areaB := (b[2] - b[0]) * (b[3] - b[1])
	if areaA <= 0 || areaB <= 0 {
		return 0
	}
	h := max(min(a[2], b[2])-max(a[0], b[0]), 0)
	w := max(min(a[3], b[3])-max(a[1], b[1]), 0)
	inter := h * w
	return inter / (areaA + areaB - inter)
}

// nms is NonMaxSuppressionSingleClassHelper: the indices of the boxes kept
// for scores (one per anchor), at most maxDetections, best first.
func (p *DetectionPostProcessParams) nms(boxes []box, scores []float32, maxDetections int) ([]int, error) {
	for _, b := range boxes {
		if b[0] > b[2] || b[1] > b[3] {
			return nil, errInvalidBoxes
		}
	}
	var keep []int
	for i, s := range scores {
		if s >= p.ScoreThreshold {
			keep = append(keep, i)
		}
	}
	// DecreasingArgSort: a stable sort by decreasing score.
	sortStableDesc(keep, scores)
	outSize := min(len(keep), maxDetections)
	active := make([]bool, len(keep))
	for i := range active {
		active[i] = true
	}
	numActive := len(keep)
	var selected []int
	for i := range keep {
		if numActive == 0 || len(selected) >= outSize {
			break
		}
		if !active[i] {
			continue
		}
		selected = append(selected, keep[i])
		active[i] = false
		numActive--
		for j := i + 1; j < len(keep); j++ {
			if active[j] && iou(boxes[keep[i]], boxes[keep[j]]) > p.IoUThreshold {
				active[j] = false
				numActive--
			}
		}
	}
	return selected, nil
}

// sortStableDesc orders idx by decreasing v[idx], ties in their order.
func sortStableDesc(idx []int, v []float32) {
	// Insertion into a merge sort keeps this O(n log n) and stable.
	if len(idx) < 2 {
		return
	}
	tmp := make([]int, len(idx))
	var rec func(a, t []int)
	rec = func(a, t []int) {
		if len(a) < 2 {
			return
		}
		m := len(a) / 2
		rec(a[:m], t[:m])
		rec(a[m:], t[m:])
		i, j, k := 0, m, 0
		for i < m && j < len(a) {
			if v[a[j]] > v[a[i]] {
				t[k] = a[j]
				j++
			} else {
				t[k] = a[i]
				i++
			}
			k++
		}
		k += copy(t[k:], a[i:m])
		copy(t[k:], a[j:])
		copy(a, t[:len(a)])
	}
	rec(idx, tmp)
}

// partialArgSort is DecreasingPartialArgSort: the indices of the k largest
// of values, largest first. k = 1 is optimized_ops::ArgMaxVector (the
// first maximum); otherwise std::partial_sort of 0..n−1, whose order
// among equal values is libc++'s heap order, reproduced here.
func partialArgSort(values []float32, k int) []int {
	if k == 1 {
		best := 0
		for i, v := range values {
			if v > values[best] {
				best = i
			}
		}
		return []int{best}
	}
	idx := make([]int, len(values))
	for i := range idx {
		idx[i] = i
	}
	libcxxPartialSort(idx, k, func(a, b int) bool { return values[a] > values[b] })
	return idx[:k]
}

// libcxxPartialSort is libc++'s std::partial_sort(first, first+k, last,
// comp): a heap of the first k, each later element that compares before
// the heap's top replaces it, then the heap is sorted.
func libcxxPartialSort(a []int, k int, comp func(x, y int) bool) {
	if k == 0 {
		return
	}
	for start := (k - 2) / 2; start >= 0; start-- {
		siftDown(a[:k], comp, start)
	}
	for i := k; i < len(a); i++ {
		if comp(a[i], a[0]) {
			a[i], a[0] = a[0], a[i]
			siftDown(a[:k], comp, 0)
		}
	}
	for n := k; n > 1; n-- {
		a[0], a[n-1] = a[n-1], a[0]
		siftDown(a[:n-1], comp, 0)
	}
}

// siftDown is libc++'s __sift_down: restores the heap order of h (no
// parent compares before either child) below position start.
func siftDown(h []int, comp func(x, y int) bool, start int) {
	n := len(h)
	child := start
	if n < 2 || (n-2)/2 < child {
		return
	}
	child = 2*child + 1
	if child+1 < n && comp(h[child], h[child+1]) {
		child++
	}
	if comp(h[child], h[start]) {
		return
	}
	top := h[start]
	for {
		h[start] = h[child]
		start = child
		if (n-2)/2 < child {
			break
		}
		child = 2*child + 1
		if child+1 < n && comp(h[child], h[child+1]) {
			child++
		}
		if comp(h[child], top) {
			break
		}
	}
	h[start] = top
}

// fastNMS is NonMaxSuppressionMultiClassFastHelper.
func (p *DetectionPostProcessParams) fastNMS(d *detections) ([]detection, error) {
	k := min(p.MaxClassesPerDetection, p.NumClasses)
	classes := make([][]int, p.NumBoxes)
	best := make([]float32, p.NumBoxes)
	for row := range classes {
		s := p.rowScores(d, row)
		classes[row] = partialArgSort(s, k)
		best[row] = s[classes[row][0]]
	}
	selected, err := p.nms(d.boxes, best, p.MaxDetections)
	if err != nil {
		return nil, err
	}
	var out []detection
	for _, a := range selected {
		s := p.rowScores(d, a)
		for _, c := range classes[a] {
			out = append(out, detection{anchor: a, class: c, score: s[c]})
		}
	}
	return out, nil
}

// rowScores are anchor row's class scores, background dropped.
func (p *DetectionPostProcessParams) rowScores(d *detections, row int) []float32 {
	at := row*p.ScoreColumns + p.LabelOffset
	return d.scores[at : at+p.NumClasses]
}

// regularNMS is NonMaxSuppressionMultiClassRegularHelper: NMS per class;
// each class's kept boxes (best first) are merged into the best so far
// with std::inplace_merge under the comparator score_a >= score_b, so on
// equal scores the later class comes first; the first MaxDetections stay.
func (p *DetectionPostProcessParams) regularNMS(d *detections) ([]detection, error) {
	var kept []detection
	classScores := make([]float32, p.NumBoxes)
	for c := 0; c < p.NumClasses; c++ {
		for row := range classScores {
			classScores[row] = d.scores[row*p.ScoreColumns+c+p.LabelOffset]
		}
		selected, err := p.nms(d.boxes, classScores, p.DetectionsPerClass)
		if err != nil {
			return nil, err
		}
		merged := make([]detection, 0, len(kept)+len(selected))
		i := 0
		for _, a := range selected {
			nd := detection{anchor: a, class: c, score: classScores[a]}
			for i < len(kept) && kept[i].score > nd.score {
				merged = append(merged, kept[i])
				i++
			}
			merged = append(merged, nd)
		}
		merged = append(merged, kept[i:]...)
		kept = merged[:min(len(merged), p.MaxDetections)]
	}
	return kept, nil
}

// explain derives one coordinate of the boxes output: the detection's
// anchor, its encoding and anchor, the decoded box, its score, and why it
// survived non-max suppression.
func (p *DetectionPostProcessParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	d, err := p.detect(res.Tensors)
	if err != nil {
		return nil, err
	}
	row, coord := index/4, index%4
	e := &Explanation{Arithmetic: "TFLite detection_postprocess.cc: decoding in double, boxes and IoU in float32"}
	if row >= len(d.out) {
		e.Steps = []Step{{"empty", fmt.Sprintf("only %d rows were detected; row %d stays 0", len(d.out), row), 0}}
		return e, nil
	}
	dt := d.out[row]
	enc, anc := p.encoding(res.Tensors, dt.anchor)
	yc, xc, hh, hw := p.centre(enc, anc)
	b := d.boxes[dt.anchor]
	s := []Step{
		{"detection", fmt.Sprintf("row %d: anchor %d, class %d, score %.9g", row, dt.anchor, dt.class, dt.score), float64(dt.anchor)},
		{"encoding", fmt.Sprintf("box encoding (y, x, h, w) = (%.9g, %.9g, %.9g, %.9g)%s", enc[0], enc[1], enc[2], enc[3], p.quantNote(res.Tensors, dt.anchor)), 0},
		{"anchor", fmt.Sprintf("anchor (y, x, h, w) = (%.9g, %.9g, %.9g, %.9g)", anc[0], anc[1], anc[2], anc[3]), 0},
		{"ycenter", fmt.Sprintf("y/y_scale·h_a + y_a = %.9g/%g·%.9g + %.9g (double, then float32)", enc[0], p.YScale, anc[2], anc[0]), float64(yc)},
		{"xcenter", fmt.Sprintf("x/x_scale·w_a + x_a = %.9g/%g·%.9g + %.9g", enc[1], p.XScale, anc[3], anc[1]), float64(xc)},
		{"half height", fmt.Sprintf("0.5·exp(h/h_scale)·h_a = 0.5·exp(%.9g/%g)·%.9g", enc[2], p.HScale, anc[2]), float64(hh)},
		{"half width", fmt.Sprintf("0.5·exp(w/w_scale)·w_a = 0.5·exp(%.9g/%g)·%.9g", enc[3], p.WScale, anc[3]), float64(hw)},
		{"box", fmt.Sprintf("(ymin, xmin, ymax, xmax) = (ycenter − half height, xcenter − half width, ycenter + half height, xcenter + half width) = (%.9g, %.9g, %.9g, %.9g)", b[0], b[1], b[2], b[3]), float64(b[coord])},
	}
	s = append(s, p.nmsSteps(d, dt)...)
	s = append(s, Step{"output", fmt.Sprintf("%s of the box", [4]string{"ymin", "xmin", "ymax", "xmax"}[coord]), float64(b[coord])})
	e.Steps, e.Value = s, int64(b[coord])
	return e, nil
}

// quantNote shows a uint8 box encoding's integers.
func (p *DetectionPostProcessParams) quantNote(vals [][]byte, a int) string {
	if p.typ != Uint8 {
		return ""
	}
	q := vals[p.boxes][a*p.BoxCodeSize : a*p.BoxCodeSize+4]
	return fmt.Sprintf(" from uint8 %v: (q − %d)·%.9g", q, p.BoxQuant.ZeroPoint, p.BoxQuant.Scale)
}

// nmsSteps say why detection dt survived non-max suppression: its rank
// among the candidates above the score threshold, and its largest IoU with
// a box kept before it.
func (p *DetectionPostProcessParams) nmsSteps(d *detections, dt detection) []Step {
	scores := make([]float32, p.NumBoxes)
	what := "its class's"
	for row := range scores {
		if p.UseRegularNMS {
			scores[row] = d.scores[row*p.ScoreColumns+dt.class+p.LabelOffset]
		} else {
			scores[row] = slicesMax(p.rowScores(d, row))
		}
	}
	if !p.UseRegularNMS {
		what = "each anchor's best"
	}
	var keep []int
	for i, v := range scores {
		if v >= p.ScoreThreshold {
			keep = append(keep, i)
		}
	}
	sortStableDesc(keep, scores)
	rank := 0
	for i, a := range keep {
		if a == dt.anchor {
			rank = i
		}
	}
	var earlier []int
	for _, o := range d.out {
		if o.anchor == dt.anchor && (!p.UseRegularNMS || o.class == dt.class) {
			break
		}
		if !p.UseRegularNMS || o.class == dt.class {
			earlier = append(earlier, o.anchor)
		}
	}
	maxIoU, with := float32(0), -1
	for _, a := range earlier {
		if v := iou(d.boxes[a], d.boxes[dt.anchor]); with < 0 || v > maxIoU {
			maxIoU, with = v, a
		}
	}
	s := []Step{{"candidates", fmt.Sprintf("%d anchors have %s score ≥ %g; sorted by decreasing score (stable), this one is number %d", len(keep), what, p.ScoreThreshold, rank+1), float64(rank + 1)}}
	if with < 0 {
		s = append(s, Step{"non-max suppression", "no box was kept before it, so nothing can suppress it", 0})
	} else {
		s = append(s, Step{"non-max suppression", fmt.Sprintf("its largest IoU with the %d boxes kept before it is %.9g (anchor %d), not above %g, so it is kept", len(earlier), maxIoU, with, p.IoUThreshold), float64(maxIoU)})
	}
	return s
}

func slicesMax(v []float32) float32 {
	m := v[0]
	for _, x := range v[1:] {
		m = max(m, x)
	}
	return m
}
