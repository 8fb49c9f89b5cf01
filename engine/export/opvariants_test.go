package export

import (
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/internal/difftest"
)

// variantCases exports random models of the generators gens until each
// variant under each profile (a key variant computes from a model and
// profile, "" for none) has per cases or maxSeed seeds are used up, so that kernels the few seeds
// of TestGenerated rarely reach (TFLite's 2× and 8× bilinear paths, …) are
// compared too. It logs how many cases each variant got.
func variantCases(t *testing.T, gens []string, maxSeed, per int, variant func(m *engine.Model, p engine.Profile) string) []*pyCase {
	t.Helper()
	if *long {
		per *= 8
	}
	tmp := t.TempDir()
	count := map[string]int{}
	var cases []*pyCase
	for _, gen := range gens {
		for seed := int64(1); seed <= int64(maxSeed); seed++ {
			c, err := difftest.Generate(gen, seed)
			if err != nil {
				t.Fatal(err)
			}
			m, err := engine.Load(c.Model)
			if err != nil || m.Runnable() != nil {
				continue
			}
			for _, p := range engine.Profiles() {
				if prep, _ := m.Prepared(p, 0); prep.Params == nil {
					continue
				}
				key := variant(m, p)
				if key == "" {
					continue
				}
				if key += " (" + string(p) + ")"; count[key] >= per {
					continue
				}
				if _, err := m.Run(c.Inputs, engine.Options{Profile: p}); err != nil {
					continue
				}
				if pc := exportCase(t, c.ID(), m, p, c.Inputs, filepath.Join(tmp, fmt.Sprintf("%s-%d-%s", gen, seed, p))); pc != nil {
					cases = append(cases, pc)
					count[key]++
				}
			}
		}
	}
	var s []string
	for k, n := range count {
		s = append(s, fmt.Sprintf("%s ×%d", k, n))
	}
	sort.Strings(s)
	t.Logf("variants: %s", strings.Join(s, "; "))
	return cases
}

// opVariant is the kernel the profile prepared for the first op named
// builtin, with its arithmetic's first words and the output type.
func opVariant(builtin string, detail func(params any) string) func(m *engine.Model, p engine.Profile) string {
	return func(m *engine.Model, p engine.Profile) string {
		for _, op := range m.Ops {
			if op.Builtin != builtin {
				continue
			}
			prep, _ := m.Prepared(p, op.Index)
			if prep.Params == nil {
				return ""
			}
			d := ""
			if detail != nil {
				d = " " + detail(prep.Params)
			}
			return fmt.Sprintf("%s %v%s", builtin, m.Tensors[op.Outputs[0]].Type, d)
		}
		return ""
	}
}

// gensWithPrefix lists the difftest generators whose names start with one
// of prefixes.
func gensWithPrefix(prefixes ...string) []string {
	var gens []string
	for _, g := range difftest.Generators() {
		for _, p := range prefixes {
			if strings.HasPrefix(g, p) {
				gens = append(gens, g)
				break
			}
		}
	}
	return gens
}

// eigenSplit says whether Eigen's GEMM of a rows×cols product over k sums
// some outputs with two accumulators (engine's eigenGemmSplit).
func eigenSplit(k, rows, cols int) string {
	if k+rows+cols >= 20 && rows > 1 && cols >= 4 && k >= 8 {
		return " Eigen two-accumulator"
	}
	return ""
}

// TestOpVariants compares, op by op, every kernel variant the profiles
// prepare for random models of the op's generators (types, kernels),
// drawing seeds until each variant has cases: every RESIZE_BILINEAR kernel
// (reference, integer, TFLite's optimized generic, 2×, small-channel and
// 8× paths, XNNPACK's float32 and Q11 ibilinear), TRANSPOSE_CONV per type
// and output stage, ...
func TestOpVariants(t *testing.T) {
	var cases []*pyCase
	for _, v := range []struct {
		op     string
		gens   []string
		detail func(params any) string
	}{
		{"RESIZE_BILINEAR", gensWithPrefix("RESIZE_BILINEAR"), func(params any) string {
			for _, k := range bilinearKernels {
				if strings.HasPrefix(params.(*engine.ResizeBilinearParams).Kernel, k.prefix) {
					return k.name
				}
			}
			return "?"
		}},
		{"TRANSPOSE_CONV", gensWithPrefix("TRANSPOSE_CONV"), func(params any) string {
			if tp, ok := params.(*engine.TransposeConvParams); ok {
				return fmt.Sprintf("%T", tp.Output)
			}
			var k struct{ TransposeConvParams *engine.TransposeConvParams }
			copyExported(reflect.ValueOf(&k).Elem(), reflect.Indirect(reflect.ValueOf(params)))
			if p := k.TransposeConvParams; p != nil && p.OutC >= 8 && p.InC > 1 { // XNNPACK's float node
				return fmt.Sprintf("%T splat (8+ output channels)", params)
			}
			return fmt.Sprintf("%T", params)
		}},
		{"FULLY_CONNECTED", gensWithPrefix("FULLY_CONNECTED_hybrid"), func(params any) string {
			p := params.(*engine.HybridFullyConnectedParams)
			return fmt.Sprintf("hybrid asymmetric %v activation %d", p.Asymmetric, p.Activation)
		}},
		{"CONV_2D", gensWithPrefix("CONV_2D_hybrid"), func(params any) string {
			return fmt.Sprintf("hybrid per-channel %v", params.(*engine.HybridConv2DParams).PerChannel)
		}},
		{"DEPTHWISE_CONV_2D", gensWithPrefix("DEPTHWISE_CONV_2D_hybrid"), func(params any) string {
			return "hybrid"
		}},
		{"SVDF", gensWithPrefix("SVDF"), func(params any) string {
			if p, ok := params.(*engine.SVDFParams); ok {
				return fmt.Sprintf("rank %d", p.Rank)
			}
			h := params.(*engine.HybridSVDFParams)
			return fmt.Sprintf("hybrid asymmetric %v rank %d", h.Asymmetric, min(h.Rank, 2))

		}},
		{"RFFT2D", gensWithPrefix("RFFT2D"), func(params any) string {
			l := params.(*engine.Rfft2dParams).FFTLength
			return fmt.Sprintf("square %v", l[0] == l[1])
		}},
		{"CUSTOM:TFLite_Detection_PostProcess", gensWithPrefix("DETECTION"), func(params any) string {
			p := params.(*engine.DetectionPostProcessParams)
			return fmt.Sprintf("uint8 %v regular %v classes per detection %d", p.BoxQuant != nil, p.UseRegularNMS, min(p.MaxClassesPerDetection, 2))
		}},
		{"BATCH_MATMUL", gensWithPrefix("BATCH_MATMUL"), func(params any) string {
			if h, ok := params.(*engine.HybridBatchMatMulParams); ok {
				dims := 0 // TFLite's scale index goes wrong with two batch dimensions > 1
				for _, d := range h.LHSShape[:3] {
					if d > 1 {
						dims++
					}
				}
				return fmt.Sprintf("hybrid asymmetric %v, %d lhs batch dims > 1", h.Asymmetric, min(dims, 2))
			}
			p := params.(*engine.BatchMatMulParams)
			return fmt.Sprintf("adj %v/%v %.10s%s", p.AdjX, p.AdjY, p.FloatOrder, eigenSplit(p.K, p.N, p.M))
		}},
		{"FULLY_CONNECTED", gensWithPrefix("FULLY_CONNECTED_float_builtin"), func(params any) string {
			var k struct{ FullyConnectedParams *engine.FullyConnectedParams }
			copyExported(reflect.ValueOf(&k).Elem(), reflect.Indirect(reflect.ValueOf(params)))
			if p := k.FullyConnectedParams; p != nil {
				return fmt.Sprintf("%T%s", params, eigenSplit(p.Depth, p.Channels, p.Batches))
			}
			return fmt.Sprintf("%T", params)
		}},
		{"CONV_2D", gensWithPrefix("CONV_2D_float_builtin"), func(params any) string {
			var k struct{ Conv2DParams *engine.Conv2DParams }
			copyExported(reflect.ValueOf(&k).Elem(), reflect.Indirect(reflect.ValueOf(params)))
			if p := k.Conv2DParams; p != nil {
				return fmt.Sprintf("%T%s", params, eigenSplit(p.FilterH*p.FilterW*p.FilterC, p.OutC, p.Batches*p.OutH*p.OutW))
			}
			return fmt.Sprintf("%T", params)
		}},
	} {
		cases = append(cases, variantCases(t, v.gens, 150, 1, opVariant(v.op, v.detail))...)
	}
	n, el := runPython(t, cases) // one Python process for all
	t.Logf("%d runs, %d tensors, %d elements equal", len(cases), n, el)
}
