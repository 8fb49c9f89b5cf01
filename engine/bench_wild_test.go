package engine

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/int8scope/int8scope/internal/mobilenet"
)

// BenchmarkWild runs the generated MobileNet v2 and, when the shared corpus
// is there, its wild models (coco_ssd, deeplabv3_mnv2, movenet) on seeded
// random inputs, for CPU profiles of the per-element ops:
//
//	go test ./engine -run '^$' -bench BenchmarkWild -cpuprofile cpu.out
func BenchmarkWild(b *testing.B) {
	type wm struct {
		name string
		data []byte
	}
	list := []wm{{mobilenet.Name, mobilenet.V2(1)}}
	dir := filepath.Join("..", "..", "shared", "corpus", "wild")
	for _, f := range []string{"coco_ssd_mobilenet_v1_1.0_quant_2018_06_29", "deeplabv3_mnv2_dm05_pascal_quant", "movenet_single_pose_lightning_ptq"} {
		if data, err := os.ReadFile(filepath.Join(dir, f+".tflite")); err == nil {
			list = append(list, wm{strings.SplitN(f, "_", 2)[0], data})
		}
	}
	for _, w := range list {
		m, err := Load(w.data)
		if err != nil {
			b.Logf("%s: %v", w.name, err)
			continue
		}
		inputs := randomInputs(m, 1)
		if w.name == mobilenet.Name {
			inputs = [][]byte{mobilenet.Input(1)}
		}
		for _, p := range Profiles() {
			b.Run(w.name+"/"+string(p), func(b *testing.B) { benchRun(b, m, inputs, Options{Profile: p}) })
		}
	}
}
