// Command int8scope inspects and runs TensorFlow Lite models with the
// int8scope engine, and explains how any output integer was computed.
//
//	int8scope inspect MODEL.tflite [--profile NAME] [--json]
//	int8scope run MODEL.tflite --inputs DIR --out DIR [--profile NAME] [--trace] [--runs N [--reset-every K] [--last]]
//	int8scope explain MODEL.tflite --inputs DIR --op N --index K [--profile NAME] [--json]
//	int8scope diff MODEL.tflite --inputs DIR [--a PROFILE] [--b PROFILE] [--max N] [--json]
//	int8scope export MODEL.tflite --numpy OUT.py [--inputs DIR] [--profile NAME]
//	int8scope export MODEL.tflite --vectors DIR --inputs DIR [--profile NAME]
//
// Inputs are DIR/input<i>.bin, the raw little-endian bytes of subgraph input
// i. run writes OUT/tensor<t>.bin for every tensor an inference writes, and
// OUT/index.json describing them. inspect, run and explain take
// --signature KEY to load a signature's subgraph instead of subgraph 0.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/int8scope/int8scope/engine"
)

const usage = `usage:
  int8scope inspect MODEL.tflite [--profile NAME] [--json]
  int8scope run MODEL.tflite --inputs DIR --out DIR [--profile NAME] [--trace] [--runs N [--reset-every K] [--last]]
  int8scope explain MODEL.tflite --inputs DIR --op N --index K [--profile NAME] [--json]
  int8scope diff MODEL.tflite --inputs DIR [--a PROFILE] [--b PROFILE] [--max N] [--json]
  int8scope export MODEL.tflite --numpy OUT.py [--inputs DIR] [--profile NAME]     (a NumPy program + OUT.npz; --inputs: of a model with run-time shapes)
  int8scope export MODEL.tflite --vectors DIR --inputs DIR [--profile NAME]   (per-op test vectors)
inspect, run and explain take --signature KEY to load that signature's subgraph.
run --runs N runs N times, a stateful model's state carried from run to run
(DIR/run<k>/ holds run k's inputs if it exists; OUT/run<k>/ gets run k's
tensors, or OUT only the last with --last); --reset-every K resets the state
before every K-th run.
`

func main() {
	if err := cli(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "int8scope:", err)
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprint(os.Stderr, usage)
		}
		os.Exit(1)
	}
}

// usageError is an error in the command line itself; main prints the usage after it.
type usageError string

func (e usageError) Error() string { return string(e) }

// cli runs one command; it is main without the exit, for tests.
func cli(args []string, w io.Writer) error {
	if len(args) == 0 {
		return usageError("no command")
	}
	cmd, args := args[0], args[1:]
	switch cmd {
	case "inspect", "run", "explain":
	case "diff":
		return diffCommand(args, w)
	case "export":
		return exportCommand(args, w)
	default:
		return usageError(fmt.Sprintf("unknown command %q", cmd))
	}
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	asJSON := fs.Bool("json", false, "print JSON")
	inputs := fs.String("inputs", "", "directory of input<i>.bin files")
	out := fs.String("out", "", "output directory")
	profile := fs.String("profile", "reference", "arithmetic profile")
	signature := fs.String("signature", "", "signature to load (default: subgraph 0)")
	trace := fs.Bool("trace", false, "also write trace.json")
	opIdx := fs.Int("op", -1, "op index")
	elem := fs.Int("index", -1, "flat output element index")
	runs := fs.Int("runs", 1, "run: inferences in a row, state carried over")
	resetEvery := fs.Int("reset-every", 0, "run: reset the state every K runs (0: never)")
	last := fs.Bool("last", false, "run: write only the last run's tensors")
	shapes := fs.String("shape", "", "run, explain: input shapes where the model allows another (shape_signature −1), e.g. 0=3,224,224,3;1=3,10")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return usageError(fmt.Sprintf("%s: %v", cmd, err))
	}
	if len(pos) != 1 {
		return usageError(cmd + " needs exactly one MODEL.tflite argument")
	}
	m, p, err := loadModelProfile(pos[0], *signature, *profile)
	if err != nil {
		return err
	}
	if (cmd == "run" || cmd == "explain") && *inputs != "" {
		if m, err = fitInputs(m, *inputs, *shapes); err != nil {
			return err
		}
	}
	switch cmd {
	case "inspect":
		return inspect(w, m, p, *asJSON)
	case "run":
		if *inputs == "" || *out == "" {
			return errors.New("run needs --inputs DIR and --out DIR")
		}
		if *runs != 1 || *resetEvery != 0 || *last {
			return runSeries(m, *inputs, *out, p, *trace, series{runs: *runs, resetEvery: *resetEvery, last: *last})
		}
		res, err := runModel(m, *inputs, p, *trace)
		if err != nil {
			return err
		}
		return writeTensors(res, *out)
	case "explain":
		if *inputs == "" || *opIdx < 0 || *elem < 0 {
			return errors.New("explain needs --inputs DIR, --op N and --index K")
		}
		res, err := runModel(m, *inputs, p, true)
		if err != nil {
			return err
		}
		e, err := res.Explain(*opIdx, *elem)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(w, e)
		}
		printExplanation(w, m, e)
		return nil
	}
	return usageError(fmt.Sprintf("unknown command %q", cmd))
}

// loadModelProfile checks the profile name and loads the model file (its
// signature's subgraph when signature is set).
func loadModelProfile(path, signature, profile string) (*engine.Model, engine.Profile, error) {
	p, err := engine.ParseProfile(profile)
	if err != nil {
		return nil, "", err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, "", err
	}
	m, err := engine.LoadSignature(b, signature)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", path, err)
	}
	return m, p, nil
}

// parseInterspersed lets flags come before or after the positional arguments.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func runModel(m *engine.Model, dir string, p engine.Profile, trace bool) (*engine.Result, error) {
	inputs, err := readInputs(m, dir)
	if err != nil {
		return nil, err
	}
	return m.Run(inputs, engine.Options{Profile: p, Trace: trace})
}

// readInputs reads DIR/input<i>.bin for every subgraph input.
func readInputs(m *engine.Model, dir string) ([][]byte, error) {
	var inputs [][]byte
	for i, ti := range m.Inputs {
		f := filepath.Join(dir, fmt.Sprintf("input%d.bin", i))
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("input %d: %w", i, err)
		}
		t := m.Tensors[ti]
		if len(b) != t.NumBytes() {
			return nil, fmt.Errorf("%s has %d bytes; input %d (tensor %d %q, %v %v) needs exactly %d%s",
				f, len(b), i, ti, t.Name, t.Type, t.Shape, t.NumBytes(), resizeHint(t))
		}
		inputs = append(inputs, b)
	}
	return inputs, nil
}

type indexEntry struct {
	Index int          `json:"index"`
	Name  string       `json:"name"`
	Type  engine.DType `json:"type"`
	Shape []int        `json:"shape"`
}

func writeTensors(res *engine.Result, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var idx []indexEntry
	for _, t := range res.Model.Tensors {
		if t.Const || res.Tensors[t.Index] == nil {
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("tensor%d.bin", t.Index)), res.Tensors[t.Index], 0o644); err != nil {
			return err
		}
		idx = append(idx, indexEntry{t.Index, t.Name, t.Type, t.Shape})
	}
	f, err := os.Create(filepath.Join(dir, "index.json"))
	if err != nil {
		return err
	}
	defer f.Close()
	if err := writeJSON(f, map[string]any{"profile": res.Profile, "tensors": idx}); err != nil {
		return err
	}
	if res.Model.Stateful() {
		if err := writeState(res, dir); err != nil {
			return err
		}
	}
	if res.Trace != nil {
		tf, err := os.Create(filepath.Join(dir, "trace.json"))
		if err != nil {
			return err
		}
		defer tf.Close()
		return writeJSON(tf, res.Trace)
	}
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(v)
}

// inspect prints the model: its tensors, and each op with the parameters
// profile p's arithmetic uses (the JSON has every profile's, per op under
// "profiles"; "params" are the reference's).
func inspect(w io.Writer, m *engine.Model, p engine.Profile, asJSON bool) error {
	md := metadataStrings(m)
	if asJSON {
		return writeJSON(w, struct {
			*engine.Model
			Metadata map[string]string `json:"metadata"`
		}{m, md})
	}
	fmt.Fprintf(w, "model: %q, %d tensors, %d ops, inputs %v, outputs %v\n", m.Description, len(m.Tensors), len(m.Ops), m.Inputs, m.Outputs)
	for _, k := range slices.Sorted(maps.Keys(md)) {
		fmt.Fprintf(w, "metadata: %s = %s\n", k, md[k])
	}
	for _, s := range m.Signatures {
		mark := ""
		if s.Subgraph == m.Subgraph && (s.Key == m.Signature || m.Signature == "") {
			mark = " (loaded)"
		}
		fmt.Fprintf(w, "signature: %q, subgraph %d%s, inputs %v, outputs %v (--signature KEY picks one)\n", s.Key, s.Subgraph, mark, s.Inputs, s.Outputs)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "tensors:")
	for _, t := range m.Tensors {
		kind := ""
		if t.Const {
			kind = " const"
		}
		if t.Variable {
			kind = " variable"
		}
		fmt.Fprintf(w, "  %3d  %-8v %-16v%s%s  %s\n", t.Index, t.Type, fmt.Sprint(t.Shape), quantString(t.Quant), kind, t.Name)
	}
	fmt.Fprintln(w, "\nops:")
	if err := printOps(w, m, p); err != nil {
		return err
	}
	for _, i := range slices.Sorted(maps.Keys(m.Subgraphs)) {
		g := m.Subgraphs[i]
		fmt.Fprintf(w, "\nsubgraph %d (called by the ops above; its own %d tensors), inputs %v, outputs %v, ops:\n", i, len(g.Tensors), g.Inputs, g.Outputs)
		if err := printOps(w, g, p); err != nil {
			return err
		}
	}
	return nil
}

// printOps lists m's ops with what profile p prepared for each.
func printOps(w io.Writer, m *engine.Model, p engine.Profile) error {
	for _, op := range m.Ops {
		fmt.Fprintf(w, "  %3d  %-28s in %v  out %v\n", op.Index, fmt.Sprintf("%s v%d", op.Builtin, op.Version), op.Inputs, op.Outputs)
		prep, err := m.Prepared(p, op.Index)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "       %s: %s\n", p, prep.Arithmetic)
		if prep.Params != nil {
			pj, _ := json.Marshal(prep.Params)
			if s := string(pj); s != "{}" && s != "null" {
				fmt.Fprintf(w, "       params %s\n", s)
			}
		}
	}
	return nil
}

// metadataStrings shows each metadata buffer as text when it is text (such
// as min_runtime_version, NUL-padded by the converter), else by its size.
func metadataStrings(m *engine.Model) map[string]string {
	out := map[string]string{}
	for k, v := range m.Metadata {
		text := strings.TrimRight(string(v), "\x00")
		printable := utf8.ValidString(text)
		for _, r := range text {
			if !unicode.IsPrint(r) {
				printable = false
			}
		}
		if printable {
			out[k] = strconv.Quote(text)
		} else {
			out[k] = fmt.Sprintf("<%d bytes>", len(v))
		}
	}
	return out
}

func quantString(q *engine.Quant) string {
	if q == nil {
		return ""
	}
	if len(q.Scale) == 1 {
		return fmt.Sprintf(" scale %.9g zp %d", q.Scale[0], q.ZeroPoint[0])
	}
	return fmt.Sprintf(" per-channel(axis %d, %d scales, first %.9g zp %d)", q.Axis, len(q.Scale), q.Scale[0], q.ZeroPoint[0])
}

// coordsOf writes flat index i of t as coordinates, " at [0 7 7 0]".
func coordsOf(t *engine.Tensor, i int) string {
	if t == nil || i < 0 || len(t.Shape) < 2 {
		return ""
	}
	return fmt.Sprintf(" at %v", t.Coords(i))
}

func printExplanation(w io.Writer, m *engine.Model, e *engine.Explanation) {
	out := m.Tensors[e.Tensor]
	fmt.Fprintf(w, "op %d %s, output tensor %d %q, element %d %v, profile %s\n", e.Op, e.Builtin, e.Tensor, out.Name, e.Index, e.Coords, e.Profile)
	fmt.Fprintf(w, "arithmetic: %s\n", e.Arithmetic)
	if len(e.Terms) > 0 {
		fmt.Fprintf(w, "terms (%d of %d):\n", len(e.Terms), e.TermsTotal)
		inT, wT := m.Tensors[e.TermInput], m.Tensors[e.TermFilter]
		for _, t := range e.Terms {
			in := fmt.Sprintf("in[%d]%s", t.InputIndex, coordsOf(inT, t.InputIndex))
			if t.InputIndex < 0 {
				in = "padding"
			}
			fmt.Fprintf(w, "  (%s %d + %d) × (w[%d]%s %d + %d) = %d\n", in, t.Input, t.InputOffset, t.FilterIndex, coordsOf(wT, t.FilterIndex), t.Filter, t.FilterOffset, t.Product)
		}
		if len(e.Terms) < e.TermsTotal {
			fmt.Fprintf(w, "  … %d more terms\n", e.TermsTotal-len(e.Terms))
		}
	}
	for _, s := range e.Steps {
		fmt.Fprintf(w, "  %-11s %s = %s\n", s.Name, s.Formula, formatNum(s.Value))
	}
	if out.Type == engine.Float32 {
		fmt.Fprintf(w, "result: %s (float32)\n", formatNum(e.Real))
	} else {
		fmt.Fprintf(w, "result: %d  (real value %.9g)\n", e.Value, e.Real)
	}
	if e.Exact != nil {
		fmt.Fprintf(w, "without rounding: acc × real multiplier + zero point = %.4f\n", *e.Exact)
	}
}

func formatNum(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
		return strconv.FormatFloat(v, 'f', 0, 64) // an integer, every digit
	}
	s := fmt.Sprintf("%.9g", v)
	return strings.TrimSuffix(s, ".0")
}
