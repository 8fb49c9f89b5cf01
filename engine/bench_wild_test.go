package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/int8scope/int8scope/internal/mobilenet"
	"github.com/int8scope/int8scope/internal/tinyml"
)

// BenchmarkWild runs the generated MobileNet v2 and MLPerf Tiny models and, when the shared corpus
// is there, its wild models (coco_ssd, deeplabv3_mnv2, movenet) on seeded
// random inputs, for CPU profiles of the per-element ops:
//
//	go test ./engine -run '^$' -bench BenchmarkWild -cpuprofile cpu.out
func BenchmarkWild(b *testing.B) {
	for _, w := range wildModels(b) {
		for _, p := range Profiles() {
			b.Run(w.name+"/"+string(p), func(b *testing.B) { benchRun(b, w.m, w.inputs, Options{Profile: p}) })
		}
	}
}

// BenchmarkWildOps reports, per model and profile, the median wall time
// per run of each op type from the trace's per-op times (ms, "ADD-ms"):
//
//	go test ./engine -run '^$' -bench BenchmarkWildOps -benchtime 20x
func BenchmarkWildOps(b *testing.B) {
	for _, w := range wildModels(b) {
		for _, p := range Profiles() {
			b.Run(w.name+"/"+string(p), func(b *testing.B) {
				per := map[string][]float64{}
				for b.Loop() {
					res, err := w.m.Run(w.inputs, Options{Profile: p, Trace: true})
					if err != nil {
						b.Skip(err)
					}
					sum := map[string]int64{}
					for _, o := range res.Trace.Ops {
						sum[o.Builtin] += o.Nanos
					}
					for k, v := range sum {
						per[k] = append(per[k], float64(v)/1e6)
					}
				}
				var names []string
				for k := range per {
					names = append(names, k)
				}
				sort.Strings(names)
				for _, k := range names {
					v := per[k]
					slices.Sort(v)
					if med := v[len(v)/2]; med >= 0.01 {
						b.ReportMetric(med, fmt.Sprintf("%s-ms", k))
					}
				}
			})
		}
	}
}

type wildModel struct {
	name   string
	m      *Model
	inputs [][]byte
}

func wildModels(b *testing.B) []wildModel {
	type wm struct {
		name string
		data []byte
	}
	list := []wm{{mobilenet.Name, mobilenet.V2(1)}}
	for _, tm := range tinyml.Models {
		list = append(list, wm{tm.Name, tm.Build(1)})
	}
	dir := filepath.Join("..", "..", "shared", "corpus", "wild")
	for _, f := range []string{"coco_ssd_mobilenet_v1_1.0_quant_2018_06_29", "deeplabv3_mnv2_dm05_pascal_quant", "movenet_single_pose_lightning_ptq"} {
		if data, err := os.ReadFile(filepath.Join(dir, f+".tflite")); err == nil {
			list = append(list, wm{strings.SplitN(f, "_", 2)[0], data})
		}
	}
	var out []wildModel
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
		if tm, ok := tinyml.ByName(w.name); ok {
			inputs = [][]byte{tm.Input(1)}
		}
		out = append(out, wildModel{w.name, m, inputs})
	}
	return out
}
