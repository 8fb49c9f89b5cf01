package difftest

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/internal/oracle"
)

var (
	long     = flag.Bool("long", false, "run many more differential cases (also INT8SCOPE_DIFF_LONG=1)")
	onlyCase = flag.String("case", "", "run only this case, GEN/SEED, or GEN for all of that generator's seeds")
	profileF = flag.String("profile", "", "arithmetic profile to compare with TFLite (default tflite-xnnpack)")
	nFlag    = flag.Int("cases", 0, "cases per generator (default 200 against TFLite and 40 against TFLite Micro; 5000 and 2000 with -long)")
)

var (
	sharedOnce   sync.Once
	sharedOracle *oracle.Oracle
	sharedErr    error
)

// startOracle returns the shared oracle, skipping the test when it is not
// installed (and failing under CI=true).
func startOracle(t testing.TB) *oracle.Oracle {
	t.Helper()
	sharedOnce.Do(func() { sharedOracle, sharedErr = oracle.Start(context.Background()) })
	oracle.CheckStart(t, sharedErr)
	return sharedOracle
}

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if sharedOracle != nil {
		sharedOracle.Close()
	}
	os.Exit(code)
}

// isLong reports whether the long runs were asked for (-long or
// INT8SCOPE_DIFF_LONG=1).
func isLong() bool { return *long || os.Getenv("INT8SCOPE_DIFF_LONG") == "1" }

// selection returns the generators and seeds a differential test runs:
// every runnable generator with seeds 1..n (n = defaultN, longN with -long
// or INT8SCOPE_DIFF_LONG=1, or -cases), or just -case GEN[/SEED].
func selection(t testing.TB, defaultN, longN int) (gens []string, seeds []int64) {
	gens, skipped := runnable(t)
	if len(skipped) > 0 {
		t.Logf("generators skipped (ops not in the engine yet): %v", skipped)
	}
	n := defaultN
	if isLong() {
		n = longN
	}
	if *nFlag > 0 {
		n = *nFlag
	}
	for i := 0; i < n; i++ {
		seeds = append(seeds, int64(i+1))
	}
	if *onlyCase != "" {
		g, s, hasSeed := strings.Cut(*onlyCase, "/")
		gens = []string{g}
		if hasSeed {
			seeds = []int64{mustSeed(t, s)}
		}
	}
	return gens, seeds
}

// mustSeed parses the seed of -case GEN/SEED.
func mustSeed(t testing.TB, s string) int64 {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("-case %q: %v", *onlyCase, err)
	}
	return v
}

func diffProfile(t testing.TB) engine.Profile {
	s := *profileF
	if s == "" {
		s = "tflite-xnnpack"
	}
	p, err := engine.ParseProfile(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// runnable lists the generators whose ops the engine supports.
func runnable(t testing.TB) (run []string, skipped []string) {
	supported := engine.SupportedOps()
	for _, g := range Generators() {
		ok := true
		for _, op := range Needs(g) {
			if !slices.Contains(supported, op) {
				ok = false
			}
		}
		if ok {
			run = append(run, g)
		} else {
			skipped = append(skipped, g)
		}
	}
	return run, skipped
}

// TestDifferential compares the engine under the tflite-xnnpack profile
// with the real TFLite on random single-op and small multi-op models, every
// tensor the ops write, element by element.
func TestDifferential(t *testing.T) {
	o := startOracle(t)
	prof := diffProfile(t)
	gens, seeds := selection(t, 200, 5000)
	start := time.Now()
	total, elems, profiled := 0, 0, 0
	for _, gname := range gens {
		t.Run(gname, func(t *testing.T) {
			failed := 0
			perOp := map[string]int{}
			cases, diffCases := 0, 0
			for _, seed := range seeds {
				c, err := Generate(gname, seed)
				if err != nil {
					t.Fatal(err)
				}
				out, err := Check(o, c, prof)
				if err != nil {
					var te *oracle.TFLiteError
					if errors.As(err, &te) {
						t.Errorf("%s: TFLite refused the model (a generator bug): %v\n%s", c.ID(), err, c.Desc)
					} else {
						t.Errorf("%s: %v", c.ID(), err)
					}
					failed++
				} else {
					cases++
					elems += out.Elements
					if out.Profiled {
						profiled++
					}
					if len(out.Delegation) > 0 {
						failed++
						t.Errorf("%s (%s): delegation differs from TFLite's profile:\n  %s", c.ID(), c.Desc, strings.Join(out.Delegation, "\n  "))
					}
					if out.Differ > 0 {
						diffCases++
						for k, v := range out.PerOp {
							perOp[k] += v
						}
						failed++
						if failed <= 3 {
							dir, _ := os.MkdirTemp("", "int8scope-diff-"+gname+"-")
							if dir != "" {
								_ = c.Save(dir)
							}
							t.Errorf("%s\n  saved to %s; rerun: go test ./internal/difftest -run 'TestDifferential/%s' -case %s -v",
								out.Report(), dir, gname, c.ID())
						}
					}
				}
				if failed > 20 {
					t.Errorf("stopping %s after %d failures", gname, failed)
					break
				}
			}
			total += cases
			if diffCases > 0 {
				t.Errorf("%s: %d of %d cases differ from TFLite (differing elements per op: %v)", gname, diffCases, cases, perOp)
			}
		})
	}
	t.Logf("profile %s: %d cases (%d with TFLite's delegation checked), %d elements compared, generators %v, in %v",
		prof, total, profiled, elems, gens, time.Since(start).Round(time.Millisecond))
}

// TestGeneratorsValid checks that every generated model loads in the engine
// (no oracle needed).
func TestGeneratorsValid(t *testing.T) {
	gens, _ := runnable(t)
	for _, gname := range gens {
		for seed := int64(1); seed <= 40; seed++ {
			c, err := Generate(gname, seed)
			if err != nil {
				t.Fatal(err)
			}
			m, err := engine.Load(c.Model)
			if err != nil {
				t.Errorf("%s (%s): %v", c.ID(), c.Desc, err)
				continue
			}
			if _, err := m.Run(c.Inputs, engine.Options{}); err != nil {
				t.Errorf("%s: %v", c.ID(), err)
			}
		}
	}
}

// TestExplore prints, for one generator, which ops XNNPACK took and how the
// engine's profiles compare with TFLite. For investigating; set
// INT8SCOPE_EXPLORE=GEN.
func TestExplore(t *testing.T) {
	gname := os.Getenv("INT8SCOPE_EXPLORE")
	if gname == "" {
		t.Skip("set INT8SCOPE_EXPLORE=GEN")
	}
	o := startOracle(t)
	n := 40
	if *nFlag > 0 {
		n = *nFlag
	}
	for _, p := range engine.Profiles() {
		cases, differ := 0, 0
		perOp := map[string]int{}
		for seed := int64(1); seed <= int64(n); seed++ {
			c, err := Generate(gname, seed)
			if err != nil {
				t.Fatal(err)
			}
			out, err := Check(o, c, p)
			if err != nil {
				t.Logf("%s: %v", c.ID(), err)
				continue
			}
			cases++
			if out.Differ > 0 {
				differ++
				for k, v := range out.PerOp {
					perOp[k] += v
				}
				if differ <= 2 {
					t.Logf("%s: %s", p, out.Report())
				}
			}
		}
		t.Logf("profile %-24s: %d/%d cases differ %v", p, differ, cases, perOp)
	}
	for seed := int64(1); seed <= 12; seed++ {
		c, _ := Generate(gname, seed)
		m, _ := engine.Load(c.Model)
		exposed, _ := oracle.ExposeTensors(c.Model, Written(m))
		_, prof, err := o.RunProfiled(exposed, c.Inputs)
		if err != nil {
			t.Logf("%s: %v", c.ID(), err)
			continue
		}
		t.Logf("%s xnnpack=%v %s", c.ID(), strings.Contains(prof, "TfLiteXNNPackDelegate"), c.Desc)
		if os.Getenv("INT8SCOPE_EXPLORE_PROFILE") != "" {
			fmt.Fprintln(os.Stderr, prof)
		}
	}
}

// TestExplainConsistent checks, without the oracle, that under every
// profile each explained element equals the value the run computed, for
// every op of every generator's first cases.
func TestExplainConsistent(t *testing.T) {
	gens, _ := runnable(t)
	checked, floats := 0, 0
	for _, gname := range gens {
		for seed := int64(1); seed <= 25; seed++ {
			c, err := Generate(gname, seed)
			if err != nil {
				t.Fatal(err)
			}
			m, err := engine.Load(c.Model)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range engine.Profiles() {
				res, err := m.Run(c.Inputs, engine.Options{Profile: p, Trace: true})
				if err != nil {
					t.Fatalf("%s %s: %v", c.ID(), p, err)
				}
				for _, op := range m.Ops {
					out := m.Tensors[op.Outputs[0]]
					vals := engine.Values(out.Type, res.Tensors[out.Index])
					for i := 0; i < len(vals); i += 1 + len(vals)/16 {
						e, err := res.Explain(op.Index, i)
						if err != nil {
							t.Errorf("%s %s op %d (%s) element %d: %v", c.ID(), p, op.Index, op.Builtin, i, err)
							continue
						}
						checked++
						if e.Arithmetic == "" || len(e.Steps) == 0 {
							t.Errorf("%s %s op %d: empty explanation", c.ID(), p, op.Index)
							continue
						}
						if out.Type != engine.Float32 && out.Type != engine.Complex64 {
							if float64(e.Value) != vals[i] {
								t.Errorf("%s %s op %d (%s) element %d: explained %d, computed %v (%s)", c.ID(), p, op.Index, op.Builtin, i, e.Value, vals[i], e.Arithmetic)
							}
							continue
						}
						// A float output: the last step and Real are the
						// computed float32 (of complex64, the real part), bit for
						// bit, and there is no integer.
						floats++
						last := e.Steps[len(e.Steps)-1].Value
						if !sameFloat32(last, vals[i]) || !sameFloat32(e.Real, vals[i]) || e.Value != 0 {
							t.Errorf("%s %s op %d (%s) float element %d: explained %v (real %v, value %d), computed %v (%s)", c.ID(), p, op.Index, op.Builtin, i, last, e.Real, e.Value, vals[i], e.Arithmetic)
						}
					}
				}
			}
		}
	}
	t.Logf("%d explanations checked, %d of float outputs", checked, floats)
	if floats == 0 {
		t.Error("no float output was explained; the generators should have float ops")
	}
}

// sameFloat32 reports whether a step's value is exactly the float32 v (NaN
// equals NaN).
func sameFloat32(x, v float64) bool {
	return math.Float64bits(x) == math.Float64bits(v) || math.IsNaN(x) && math.IsNaN(v)
}
