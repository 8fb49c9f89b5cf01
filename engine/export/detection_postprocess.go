package export

import (
	"fmt"

	"github.com/int8scope/int8scope/engine"
)

func init() { register(emitDetectionPostProcess, "DetectionPostProcessParams") }

// emitDetectionPostProcess: the custom op TFLite_Detection_PostProcess
// (TFLite's kernel, every profile).
func emitDetectionPostProcess(c *opCtx) error {
	p := c.params.(*engine.DetectionPostProcessParams)
	dq := func(d *engine.Dequant) string {
		if d == nil {
			return "None"
		}
		return fmt.Sprintf("(%s, %d)", pyF32(d.Scale), d.ZeroPoint)
	}
	c.use("detection_postprocess")
	c.line("outs = detection_postprocess(%s, %s, %s, max_detections=%d, max_classes_per_detection=%d, detections_per_class=%d, use_regular_nms=%s, score_threshold=%s, iou_threshold=%s, num_classes=%d, scales=(%s, %s, %s, %s), label_offset=%d, box_quant=%s, anchor_quant=%s, score_quant=%s)",
		c.in(0), c.in(1), c.in(2), p.MaxDetections, p.MaxClassesPerDetection, p.DetectionsPerClass, pyBool(p.UseRegularNMS),
		pyF32(p.ScoreThreshold), pyF32(p.IoUThreshold), p.NumClasses, pyF32(p.YScale), pyF32(p.XScale), pyF32(p.HScale), pyF32(p.WScale),
		p.LabelOffset, dq(p.BoxQuant), dq(p.AnchorQuant), dq(p.ScoreQuant))
	for i := range 4 {
		c.set(i, fmt.Sprintf("outs[%d]", i))
	}
	return nil
}
