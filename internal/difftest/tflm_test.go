package difftest

import (
	"context"
	"errors"
	"math"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/engine/tflite"
	"github.com/int8scope/int8scope/internal/oracle"
	"github.com/int8scope/int8scope/internal/tflm"
)

// startTFLM returns the TFLite Micro runner, skipping the test when
// tflm_run is missing (and failing under CI=true).
func startTFLM(t testing.TB) *tflm.Runner {
	t.Helper()
	r, err := tflm.Find()
	tflm.CheckFind(t, err)
	return r
}

// tflmBatch is how many generated models TestDifferentialTFLM merges into
// one TFLite Micro run (CheckTFLMBatch).
const tflmBatch = 25

// TestDifferentialTFLM compares the engine's reference profile with TFLite
// Micro itself (tflm_run) on the generated models of every generator, every
// tensor TFLite Micro dumps (state tensors included), element by element.
func TestDifferentialTFLM(t *testing.T) {
	r := startTFLM(t)
	gens, seeds := selection(t, 40, 2000)
	gens = slices.DeleteFunc(gens, func(g string) bool { return tflmLacks[g] != "" })
	start := time.Now()
	var mu sync.Mutex
	total, elems := 0, 0
	for _, gname := range gens {
		t.Run(gname, func(t *testing.T) {
			type result struct {
				c   *Case
				out *Outcome
				err error
			}
			results := make([]result, len(seeds))
			var batches [][]int // case numbers, tflmBatch at a time
			for i, seed := range seeds {
				c, err := Generate(gname, seed)
				results[i] = result{c: c, err: err}
				if err != nil || tflmCrashes(c) != "" {
					continue
				}
				if len(batches) == 0 || len(batches[len(batches)-1]) == tflmBatch {
					batches = append(batches, nil)
				}
				batches[len(batches)-1] = append(batches[len(batches)-1], i)
			}
			var wg sync.WaitGroup
			next := make(chan []int)
			for w := 0; w < 2; w++ { // tflm_run processes in flight
				wg.Add(1)
				go func() {
					defer wg.Done()
					for b := range next {
						cs := make([]*Case, len(b))
						for k, i := range b {
							cs[k] = results[i].c
						}
						outs, errs := CheckTFLMBatch(context.Background(), r, cs)
						for k, i := range b {
							results[i].out, results[i].err = outs[k], errs[k]
						}
					}
				}()
			}
			for _, b := range batches {
				next <- b
			}
			close(next)
			wg.Wait()
			failed, diffCases, cases, crashed, lacks := 0, 0, 0, 0, 0
			lackMsg, crashMsg := "", ""
			perOp := map[string]int{}
			for _, res := range results {
				if res.err == nil && res.out == nil { // not run: TFLite Micro crashes on it
					crashed++ // TFLite Micro cannot run it; see tflmCrashes
					crashMsg = tflmCrashes(res.c)
					continue
				}
				if res.err != nil {
					var te *tflm.Error
					if errors.As(res.err, &te) && tflmUnsupported(te) {
						lacks++ // a type or op TFLite Micro does not have: the browser oracle checks it
						lackMsg = strings.TrimSpace(strings.SplitN(te.Message, "\n", 2)[0])
						continue
					}
					if errors.As(res.err, &te) && te.Refused() {
						t.Errorf("TFLite Micro refused a generated model (a generator bug, or an op TFLite Micro lacks): %v", res.err)
					} else {
						t.Errorf("%v", res.err)
					}
					failed++
					continue
				}
				cases++
				mu.Lock()
				elems += res.out.Elements
				mu.Unlock()
				if res.out.Differ > 0 {
					diffCases++
					for k, v := range res.out.PerOp {
						perOp[k] += v
					}
					failed++
					if failed <= 3 {
						dir, _ := os.MkdirTemp("", "int8scope-tflm-"+gname+"-")
						if dir != "" {
							_ = res.c.Save(dir)
						}
						t.Errorf("%s\n  saved to %s; rerun: go test ./internal/difftest -run 'TestDifferentialTFLM/%s' -case %s -v",
							res.out.Report(), dir, gname, res.c.ID())
					}
				}
				if failed > 20 {
					break
				}
			}
			mu.Lock()
			total += cases
			mu.Unlock()
			if crashed > 0 {
				t.Logf("%d of %d cases not compared: %s", crashed, len(results), crashMsg)
			}
			if lacks > 0 {
				t.Logf("%d of %d cases not compared: TFLite Micro does not support them (%s)", lacks, len(results), lackMsg)
			}
			if diffCases > 0 {
				t.Errorf("%s: %d of %d cases differ from TFLite Micro (differing elements per op: %v)", gname, diffCases, cases, perOp)
			}
		})
	}
	t.Logf("reference vs TFLite Micro: %d cases, %d elements compared, %d generators, in %v",
		total, elems, len(gens), time.Since(start).Round(time.Millisecond))
}

func init() {
	const libm = "tflm_run is linked with glibc, whose sinf and cosf are other algorithms than the browser's musl (the engine computes musl's; they differ in the last bit on about 1 element in 150, see PROFILES.md)"
	tflmLacks["SIN_float"], tflmLacks["COS_float"] = libm, libm
}

// tflmUnsupported reports whether TFLite Micro failed because it does not have
// the op or the type: its kernels refuse such a model in Prepare or Eval
// with "... not supported", "... only supports ...", "Only ... types are
// supported", or do not find the op.
func tflmUnsupported(e *tflm.Error) bool {
	m := strings.ToLower(e.Message)
	return strings.Contains(m, "support") || strings.Contains(m, "didn't find op") ||
		tflmTypeCheck.MatchString(e.Message) // a TF_LITE_ENSURE on the input or output type, e.g. cumsum.cc, l2norm.cc
}

var tflmTypeCheck = regexp.MustCompile(`(input->type|output->type|data_type) == kTfLite\w+( \|\| (input->type|output->type|data_type) == kTfLite\w+)* was not true`)

// tflmCrashes names a known TFLite Micro failure that case c hits (nil c:
// the text alone), or "" when TFLite Micro should run it: its int8 SVDF
// Prepare reads the bias tensor's scale without checking that the optional
// bias is there (svdf_common.cc, "TODO(#1751): account for optional bias
// tensor"), a null dereference.
func tflmCrashes(c *Case) string {
	const svdf = "TFLite Micro dereferences the absent bias of an int8 SVDF in Prepare (svdf_common.cc, TODO #1751)"
	const mirror = "TFLite Micro's MIRROR_PAD has float32 and int8 only and fails other types without a message"
	if c == nil {
		return svdf
	}
	if strings.HasPrefix(c.Gen, "SVDF") && strings.Contains(c.Desc, "bias false") {
		return svdf
	}
	if c.Gen == "DEPTHWISE_CONV_2D_float" && strings.Contains(c.Desc, "no bias") {
		return "TFLite Micro aborts on a float32 DEPTHWISE_CONV_2D without a bias"
	}
	if c.Gen == "MIRROR_PAD" && !strings.Contains(c.Desc, "MIRROR_PAD INT8 ") && !strings.Contains(c.Desc, "MIRROR_PAD FLOAT32 ") {
		return mirror
	}
	return ""
}

// genMeanWide is a MEAN model for TestMeanTFLM: int8 or int16, ranks 1–5,
// up to a few thousand values per output (so ⌊log2 n⌋ reaches 12 and the
// clamp at 31 + shift bites), s_in/s_out from 2^-24 to 2^10, and inputs
// crowded at the type's edges.
func genMeanWide(g *gen) {
	typ := pick(g, tflite.TensorTypeINT8, tflite.TensorTypeINT16)
	var s []int
	if g.chance(0.3) {
		s = []int{1, g.intn(1, 64), g.intn(1, 64), g.intn(1, 4)}
	} else {
		s = g.shape(1, 5, 2000)
	}
	var axes []int32
	for d := range s {
		if g.chance(0.5) {
			axes = append(axes, int32(d-len(s)*g.intn(0, 1)))
		}
	}
	if len(axes) == 0 {
		axes = []int32{int32(g.intn(0, len(s)-1))}
	}
	if g.chance(0.2) {
		axes = append(axes, axes[0]) // a duplicate
	}
	keep := g.chance(0.5)
	var os []int
	for d, v := range s {
		red := false
		for _, a := range axes {
			red = red || int(a) == d || int(a)+len(s) == d
		}
		switch {
		case !red:
			os = append(os, v)
		case keep:
			os = append(os, 1)
		}
	}
	sIn := g.scale(1.0/4096, 1)
	sOut := float32(float64(sIn) * math.Exp2(g.rng.Float64()*34-24))
	if g.chance(0.2) {
		sOut = sIn
	}
	zIn, zOut := int64(0), int64(0)
	if typ == tflite.TensorTypeINT8 {
		zIn, zOut = g.zp(), g.zp()
	}
	x := g.b.Tensor("x", typ, s, q(sIn, zIn), nil)
	data := g.i8(prod(s) * map[tflite.TensorType]int{tflite.TensorTypeINT8: 1, tflite.TensorTypeINT16: 2}[typ])
	g.inputs, g.inputData = append(g.inputs, x), append(g.inputData, data)
	ax := g.constI32("axes", axes...)
	y := g.b.Tensor("y", typ, os, q(sOut, zOut), nil)
	g.note("MEAN %v %v axes %v keep_dims %v s_in/s_out 2^%.1f", typ, s, axes, keep, math.Log2(float64(sIn)/float64(sOut)))
	g.b.Op(tflite.BuiltinOperatorMEAN, 2, opts(tflite.BuiltinOptionsReducerOptions, &tflite.ReducerOptionsT{KeepDims: keep}), []int{x, ax}, []int{y})
	g.noPoison = true
	g.finish(y)
}

// TestMeanTFLM checks the reference MEAN against TFLite Micro, which sends
// every int8 and int16 MEAN through reference_ops::QuantizedMeanOrSum, on
// models wider than the MEAN generator's (which must also suit XNNPACK).
func TestMeanTFLM(t *testing.T) {
	r := startTFLM(t)
	n := 300
	if *long {
		n = 10000
	}
	cases, elems := 0, 0
	var batch []*Case
	for seed := int64(1); seed <= int64(n); seed++ {
		g := newGen(seed)
		genMeanWide(g)
		batch = append(batch, &Case{Gen: "MEAN_wide", Seed: seed, Desc: strings.Join(g.desc, " "), Model: g.b.Bytes(), Inputs: g.inputData})
		if len(batch) < tflmBatch && seed < int64(n) {
			continue
		}
		outs, errs := CheckTFLMBatch(context.Background(), r, batch)
		for i, out := range outs {
			if errs[i] != nil {
				t.Fatalf("%v (%s)", errs[i], batch[i].Desc)
			}
			cases++
			elems += out.Elements
			if out.Differ > 0 {
				t.Errorf("%s", out.Report())
			}
		}
		batch = nil
	}
	t.Logf("%d MEAN models, %d elements compared with TFLite Micro", cases, elems)
}

// TestSVDFStateTFLM checks int8 SVDFs with an int8 state and weights_time
// (as keyword_scrambled_8bit has) against TFLite Micro, the state included:
// TFLite Micro starts an int8 state at its zero point, and the tflite-xnnpack
// profile refuses them (TFLite reads them as int16).
func TestSVDFStateTFLM(t *testing.T) {
	r := startTFLM(t)
	cases, elems := 0, 0
	for seed := int64(1); seed <= 60; seed++ {
		g := newGen(seed)
		g.noPoison = true
		zp := g.zp()
		if err := genSVDFState(g, tflite.TensorTypeINT8, zp); err != nil {
			t.Fatal(err)
		}
		c := &Case{Gen: "SVDF_int8_state", Seed: seed, Desc: strings.Join(g.desc, " "), Model: g.b.Bytes(), Inputs: g.inputData}
		if tflmCrashes(c) != "" {
			continue
		}
		out, err := CheckTFLM(context.Background(), r, c)
		if err != nil {
			t.Fatalf("%v (%s)", err, c.Desc)
		}
		cases++
		elems += out.Elements
		if out.Differ > 0 {
			t.Errorf("%s", out.Report())
		}
		m, err := engine.Load(c.Model)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Run(c.Inputs, engine.Options{Profile: engine.XNNPack}); err == nil || !strings.Contains(err.Error(), "reads both as int16") {
			t.Errorf("%s: tflite-xnnpack: err = %v, want the int8-state refusal", c.ID(), err)
		}
	}
	if cases < 30 {
		t.Fatalf("only %d cases compared", cases)
	}
	t.Logf("%d int8-state SVDF models, %d elements (state included) compared with TFLite Micro", cases, elems)
}

// TestVariableWithBuffer: a variable (state) tensor stored with a buffer.
// TFLite refuses the model (InterpreterBuilder: "Tensor %d is a variable
// tensor with buffer"), and so does tflite-xnnpack; TFLite Micro ignores the
// buffer and resets the tensor (zero point for int8, else zeros), and so
// does reference. Checked against both runtimes.
func TestVariableWithBuffer(t *testing.T) {
	r := startTFLM(t)
	o := startOracle(t)
	checked := 0
	for seed := int64(1); seed <= 8; seed++ {
		g := newGen(seed)
		g.noPoison = true
		typ, zp := tflite.TensorTypeINT16, int64(0)
		if seed%2 == 0 {
			typ, zp = tflite.TensorTypeINT8, g.zp()
		}
		if err := genSVDFState(g, typ, zp); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(strings.Join(g.desc, " "), "bias false") {
			continue // TFLite Micro crashes on those (tflmCrashes)
		}
		for _, ten := range g.b.M.Subgraphs[0].Tensors {
			if ten.IsVariable {
				n := 1
				for _, d := range ten.Shape {
					n *= int(d)
				}
				data := g.i8(n * map[tflite.TensorType]int{tflite.TensorTypeINT8: 1, tflite.TensorTypeINT16: 2}[ten.Type])
				ten.Buffer = uint32(len(g.b.M.Buffers))
				g.b.M.Buffers = append(g.b.M.Buffers, &tflite.BufferT{Data: data})
			}
		}
		c := &Case{Gen: "SVDF_state_buffer", Seed: seed, Desc: strings.Join(g.desc, " "), Model: g.b.Bytes(), Inputs: g.inputData}
		out, err := CheckTFLM(context.Background(), r, c)
		if err != nil {
			t.Fatalf("%v (%s)", err, c.Desc)
		}
		if out.Differ > 0 {
			t.Errorf("%s", out.Report())
		}
		const msg = "is a variable tensor with buffer"
		_, err = o.Run(c.Model, c.Inputs)
		var te *oracle.TFLiteError
		if !errors.As(err, &te) || !strings.Contains(te.Message, msg) {
			t.Errorf("%s: real TFLite: err = %v, want it to refuse the model (%q)", c.ID(), err, msg)
		}
		m, err := engine.Load(c.Model)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Run(c.Inputs, engine.Options{Profile: engine.XNNPack}); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%s: tflite-xnnpack: err = %v, want %q", c.ID(), err, msg)
		}
		checked++
	}
	if checked < 3 {
		t.Fatalf("only %d models checked", checked)
	}
	t.Logf("%d SVDF models with a stored state buffer: TFLite refuses them, TFLite Micro ignores the buffer like reference", checked)
}
