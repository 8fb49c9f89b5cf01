package engine

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/int8scope/int8scope/engine/flexbuffers"
	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// detectionModel builds a TFLite_Detection_PostProcess model with float
// box encodings [1, n, 4], scores [1, n, cols] and constant anchors, its
// outputs stored without a shape as converters do.
func detectionModel(t *testing.T, opts map[string]any, n, cols int, anchors []float32) []byte {
	t.Helper()
	o, err := flexbuffers.BuildMap(opts)
	if err != nil {
		t.Fatal(err)
	}
	b := tfbuild.New()
	boxes := b.Tensor("boxes", tflite.TensorTypeFLOAT32, []int{1, n, 4}, nil, nil)
	scores := b.Tensor("scores", tflite.TensorTypeFLOAT32, []int{1, n, cols}, nil, nil)
	anc := b.Tensor("anchors", tflite.TensorTypeFLOAT32, []int{n, 4}, nil, tfbuild.F32(anchors...))
	var outs []int
	for _, name := range []string{"boxes", "classes", "scores", "num"} {
		outs = append(outs, b.Tensor("det_"+name, tflite.TensorTypeFLOAT32, nil, nil, nil))
	}
	b.CustomOp("TFLite_Detection_PostProcess", o, []int{boxes, scores, anc}, outs)
	b.Inputs(boxes, scores)
	b.Outputs(outs...)
	return b.Bytes()
}

func detOpts(iou float32, regular bool, maxDet int) map[string]any {
	return map[string]any{"max_detections": maxDet, "max_classes_per_detection": 1, "num_classes": 2,
		"nms_score_threshold": float32(0.1), "nms_iou_threshold": iou, "use_regular_nms": regular,
		"y_scale": float32(10), "x_scale": float32(10), "h_scale": float32(5), "w_scale": float32(5)}
}

// Two anchors of 0.25×0.25 centred at (0.5, 0.5) and (0.5, 0.5625), zero
// encodings: boxes (0.375, 0.375, 0.625, 0.625) and (0.375, 0.4375, 0.625,
// 0.6875). Their intersection is 0.25·0.1875 = 0.046875, their union
// 0.078125: IoU 0.6, in float32 0.600000024, which equals float32(0.6).
var twoAnchors = []float32{0.5, 0.5, 0.25, 0.25, 0.5, 0.5625, 0.25, 0.25}

func runDetection(t *testing.T, model []byte, boxes, scores []float32) (*Result, [4][]float32) {
	t.Helper()
	m, err := Load(model)
	if err != nil {
		t.Fatal(err)
	}
	var out [4][]float32
	var res *Result
	for _, p := range Profiles() { // one kernel: every profile computes the same
		r, err := m.Run([][]byte{tfbuild.F32(boxes...), tfbuild.F32(scores...)}, Options{Profile: p})
		if err != nil {
			t.Fatal(err)
		}
		for i, ti := range m.Ops[0].Outputs {
			got := AsFloat32(r.Tensors[ti])
			if res != nil && !slices.Equal(got, out[i]) {
				t.Fatalf("%s: output %d = %v, reference %v", p, i, got, out[i])
			}
			out[i] = got
		}
		res = r
	}
	return res, out
}

func TestDetectionPostProcessHand(t *testing.T) {
	zero := make([]float32, 8)
	// scores (background, class 0, class 1) per anchor
	scores := []float32{0, 0.9, 0.2, 0, 0.8, 0.3}
	box0, box1 := []float32{0.375, 0.375, 0.625, 0.625}, []float32{0.375, 0.4375, 0.625, 0.6875}
	cases := []struct {
		name                 string
		opts                 map[string]any
		boxes, classes, scrs []float32
		num                  float32
	}{
		// IoU 0.6 > 0.5: anchor 1 is suppressed by anchor 0.
		{"fast suppresses", detOpts(0.5, false, 3), append(append([]float32{}, box0...), make([]float32, 8)...), []float32{0, 0, 0}, []float32{0.9, 0, 0}, 1},
		// IoU 0.6 is not > float32(0.6): both stay.
		{"fast keeps at the threshold", detOpts(0.6, false, 3), append(append(append([]float32{}, box0...), box1...), 0, 0, 0, 0), []float32{0, 0, 0}, []float32{0.9, 0.8, 0}, 2},
		// Regular NMS: class 0 keeps anchor 0 (anchor 1 suppressed), class 1
		// keeps anchor 1 (0.3; anchor 0's 0.2 suppressed); best first.
		{"regular per class", detOpts(0.5, true, 3), append(append(append([]float32{}, box0...), box1...), 0, 0, 0, 0), []float32{0, 1, 0}, []float32{0.9, 0.3, 0}, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, out := runDetection(t, detectionModel(t, tc.opts, 2, 3, twoAnchors), zero, scores)
			if !slices.Equal(out[0], tc.boxes) || !slices.Equal(out[1], tc.classes) || !slices.Equal(out[2], tc.scrs) || out[3][0] != tc.num {
				t.Errorf("got boxes %v classes %v scores %v num %v\nwant boxes %v classes %v scores %v num %v",
					out[0], out[1], out[2], out[3], tc.boxes, tc.classes, tc.scrs, tc.num)
			}
		})
	}
}

// TestDetectionPostProcessDecode: encoding (y, x, h, w) = (1, −2, 5·ln 2,
// 0) with scales 10, 10, 5, 5 on anchor 0 moves the centre by 0.1·0.25
// and −0.2·0.25 and doubles the height: centre (0.525, 0.45), half sizes
// 0.25 and 0.125.
func TestDetectionPostProcessDecode(t *testing.T) {
	ln2x5 := float32(3.4657359) // 5·ln 2, rounded to float32
	boxes := []float32{1, -2, ln2x5, 0, 0, 0, 0, 0}
	_, out := runDetection(t, detectionModel(t, detOpts(0.5, false, 1), 2, 3, twoAnchors), boxes, []float32{0, 0.9, 0, 0, 0, 0})
	yc, xc := float32(0.5+0.1*0.25), float32(0.5-0.2*0.25)
	want := []float32{yc - 0.25, xc - 0.125, yc + 0.25, xc + 0.125}
	for i := range want {
		if d := out[0][i] - want[i]; d > 1e-6 || d < -1e-6 {
			t.Fatalf("box %v, want %v", out[0], want)
		}
	}
}

// TestDetectionPostProcessTies: regular NMS merges each class's boxes into
// the best so far with std::inplace_merge(score_a >= score_b), so equal
// scores list the later class first; fast NMS with one class per detection
// takes each anchor's first best class.
func TestDetectionPostProcessTies(t *testing.T) {
	far := []float32{0.25, 0.25, 0.25, 0.25, 0.75, 0.75, 0.25, 0.25}
	scores := []float32{0, 0.5, 0.5, 0, 0.5, 0.5}
	_, out := runDetection(t, detectionModel(t, detOpts(0.5, true, 4), 2, 3, far), make([]float32, 8), scores)
	// classes 1, 1 (both anchors of class 1, anchor 0 first), then 0, 0
	if want := []float32{1, 1, 0, 0}; !slices.Equal(out[1], want) {
		t.Errorf("regular: classes %v, want %v", out[1], want)
	}
	o := detOpts(0.5, false, 2)
	_, out = runDetection(t, detectionModel(t, o, 2, 3, far), make([]float32, 8), scores)
	if want := []float32{0, 0}; !slices.Equal(out[1], want) {
		t.Errorf("fast: classes %v, want %v", out[1], want)
	}
}

func TestDetectionPostProcessErrors(t *testing.T) {
	bad := func(k string, v any) map[string]any {
		o := detOpts(0.5, false, 3)
		o[k] = v
		return o
	}
	for _, tc := range []struct {
		name string
		opts map[string]any
		want string
	}{
		{"iou zero", bad("nms_iou_threshold", float32(0)), "outside (0, 1]"},
		{"no classes", bad("num_classes", 0), "does not fit"},
		{"too many classes", bad("num_classes", 4), "does not fit"},
		{"max classes", bad("max_classes_per_detection", 0), "out of range"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(detectionModel(t, tc.opts, 2, 3, twoAnchors))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one containing %q", err, tc.want)
			}
		})
	}
	// Options that are not a flexbuffer map.
	b := tfbuild.New()
	x := b.Tensor("x", tflite.TensorTypeFLOAT32, []int{1, 1, 4}, nil, nil)
	var outs []int
	for range 4 {
		outs = append(outs, b.Tensor("o", tflite.TensorTypeFLOAT32, nil, nil, nil))
	}
	b.CustomOp("TFLite_Detection_PostProcess", []byte{1, 2}, []int{x, x, x}, outs)
	b.Inputs(x)
	b.Outputs(outs...)
	if _, err := Load(b.Bytes()); err == nil || !strings.Contains(err.Error(), "custom options") {
		t.Errorf("malformed options: err = %v", err)
	}
	// A custom op the engine lacks is named; the model opens for
	// inspection and only running it is refused.
	b = tfbuild.New()
	x = b.Tensor("x", tflite.TensorTypeFLOAT32, []int{1}, nil, nil)
	y := b.Tensor("y", tflite.TensorTypeFLOAT32, []int{1}, nil, nil)
	b.CustomOp("VendorMagic", nil, []int{x}, []int{y})
	b.Inputs(x)
	b.Outputs(y)
	m, err := Load(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if u := m.Ops[0].Unsupported; !strings.Contains(u, "CUSTOM:VendorMagic") || !strings.Contains(u, "custom op") {
		t.Errorf("unknown custom op: Unsupported = %q", u)
	}
	if _, err := m.Run([][]byte{tfbuild.F32(1)}, Options{}); err == nil {
		t.Error("unknown custom op: the run did not fail")
	}
}

// TestDetectionPostProcessExplain: the explanation of a box coordinate
// shows the decoded box and why the box survived NMS.
func TestDetectionPostProcessExplain(t *testing.T) {
	res, out := runDetection(t, detectionModel(t, detOpts(0.6, false, 3), 2, 3, twoAnchors), make([]float32, 8), []float32{0, 0.9, 0.2, 0, 0.8, 0.3})
	e, err := res.Explain(0, 5) // row 1 (anchor 1), xmin
	if err != nil {
		t.Fatal(err)
	}
	if e.Real != float64(out[0][5]) {
		t.Errorf("explained %v, computed %v", e.Real, out[0][5])
	}
	var text string
	for _, s := range e.Steps {
		text += s.Name + ": " + s.Formula + "\n"
	}
	for _, want := range []string{"anchor 1", "(0.375, 0.4375, 0.625, 0.6875)", "largest IoU", "0.600000024", "is number 2"} {
		if !strings.Contains(text, want) {
			t.Errorf("explanation lacks %q:\n%s", want, text)
		}
	}
}

// TestDetectionPostProcessSSDOptions reads the options of the shared
// corpus's COCO SSD detector from its flexbuffer.
func TestDetectionPostProcessSSDOptions(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(sharedDir(t), "wild", "coco_ssd_mobilenet_v1_1.0_quant_2018_06_29.tflite"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := parse(b, "")
	if err != nil {
		t.Fatal(err)
	}
	op := m.Ops[len(m.Ops)-1]
	if op.CustomCode != "TFLite_Detection_PostProcess" {
		t.Fatalf("last op is %s", op.Builtin)
	}
	o, err := flexbuffers.ParseMap(op.CustomOptions)
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]float64{"max_detections": 10, "max_classes_per_detection": 1, "num_classes": 90,
		"nms_iou_threshold": float64(float32(0.6)), "nms_score_threshold": float64(float32(1e-8)),
		"y_scale": 10, "x_scale": 10, "h_scale": 5, "w_scale": 5} {
		if got := o[k].AsFloat64(); got != want {
			t.Errorf("%s = %v, want %v", k, got, want)
		}
	}
	if !o["detections_per_class"].IsNull() || o["use_regular_nms"].AsBool() {
		t.Errorf("detections_per_class %+v, use_regular_nms %+v: want absent and false", o["detections_per_class"], o["use_regular_nms"])
	}
}
