package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/int8scope/int8scope/engine"
)

// diff runs a model under two arithmetic profiles and reports, op by op,
// which output elements differ, with both derivations of the first ones
// side by side.
//
//	int8scope diff MODEL.tflite --inputs DIR [--a PROFILE] [--b PROFILE] [--max N] [--json]

// ElementDiff is one element that differs between the two runs.
type ElementDiff struct {
	Index    int                 `json:"index"`
	Coords   []int               `json:"coords"`
	A        float64             `json:"a"`
	B        float64             `json:"b"`
	ExplainA *engine.Explanation `json:"explain_a,omitempty"`
	ExplainB *engine.Explanation `json:"explain_b,omitempty"`
}

// OpDiff is one op's comparison.
type OpDiff struct {
	Op       int    `json:"op"`
	Builtin  string `json:"builtin"`
	Tensor   int    `json:"tensor"`
	Elements int    `json:"elements"`
	Differ   int    `json:"differ"`
	// MaxAbs is the largest |a − b| over the op's output.
	MaxAbs float64 `json:"max_abs"`
	// InputsDiffer is set when an input of the op already differs between the
	// runs, so part of the difference is propagated rather than made here.
	InputsDiffer bool `json:"inputs_differ"`
	// XNNPack reports, when one of the profiles is tflite-xnnpack, whether
	// the browser TFLite's XNNPACK delegate takes the op, or why not.
	XNNPack string        `json:"xnnpack,omitempty"`
	First   []ElementDiff `json:"first,omitempty"`
}

// DiffReport is the whole comparison.
type DiffReport struct {
	Model    string   `json:"model"`
	A        string   `json:"a"`
	B        string   `json:"b"`
	Ops      []OpDiff `json:"ops"`
	Elements int      `json:"elements"`
	Differ   int      `json:"differ"`
}

func diffCommand(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("diff", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	inputs := fs.String("inputs", "", "directory of input<i>.bin files")
	pa := fs.String("a", string(engine.Reference), "first profile")
	pb := fs.String("b", string(engine.XNNPack), "second profile")
	maxShow := fs.Int("max", 3, "differing elements to explain per op")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return usageError(fmt.Sprintf("diff: %v", err))
	}
	if len(pos) != 1 {
		return usageError("diff needs exactly one MODEL.tflite argument")
	}
	if *inputs == "" {
		return errors.New("diff needs --inputs DIR")
	}
	a, err := engine.ParseProfile(*pa)
	if err != nil {
		return err
	}
	b, err := engine.ParseProfile(*pb)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(pos[0])
	if err != nil {
		return err
	}
	m, err := engine.Load(data)
	if err != nil {
		return fmt.Errorf("%s: %w", pos[0], err)
	}
	ra, err := runModel(m, *inputs, a, true)
	if err != nil {
		return fmt.Errorf("profile %s: %w", a, err)
	}
	rb, err := runModel(m, *inputs, b, true)
	if err != nil {
		return fmt.Errorf("profile %s: %w", b, err)
	}
	rep := diffResults(m, ra, rb, *maxShow)
	rep.Model = pos[0]
	if *asJSON {
		return writeJSON(w, rep)
	}
	printDiff(w, m, rep)
	return nil
}

// diffResults compares two runs of m op by op.
func diffResults(m *engine.Model, ra, rb *engine.Result, maxShow int) *DiffReport {
	rep := &DiffReport{A: string(ra.Profile), B: string(rb.Profile)}
	var taken []bool
	var why []string
	if ra.Profile == engine.XNNPack || rb.Profile == engine.XNNPack {
		taken, why = m.XNNPackDelegated()
	}
	differs := map[int]bool{} // tensors that differ
	for _, op := range m.Ops {
		t := op.Outputs[0]
		out := m.Tensors[t]
		va, vb := engine.Values(out.Type, ra.Tensors[t]), engine.Values(out.Type, rb.Tensors[t])
		d := OpDiff{Op: op.Index, Builtin: op.Builtin, Tensor: t, Elements: len(va)}
		for _, in := range op.Inputs {
			if in >= 0 && differs[in] {
				d.InputsDiffer = true
			}
		}
		if taken != nil {
			d.XNNPack = "delegated"
			if !taken[op.Index] {
				d.XNNPack = "builtin: " + why[op.Index]
			}
		}
		for i := range va {
			if va[i] == vb[i] || (math.IsNaN(va[i]) && math.IsNaN(vb[i])) {
				continue
			}
			d.Differ++
			d.MaxAbs = max(d.MaxAbs, math.Abs(va[i]-vb[i]))
			if len(d.First) < maxShow {
				ed := ElementDiff{Index: i, Coords: out.Coords(i), A: va[i], B: vb[i]}
				ed.ExplainA, _ = ra.Explain(op.Index, i)
				ed.ExplainB, _ = rb.Explain(op.Index, i)
				d.First = append(d.First, ed)
			}
		}
		for _, o := range op.Outputs {
			if o >= 0 && !bytes.Equal(ra.Tensors[o], rb.Tensors[o]) {
				differs[o] = true
			}
		}
		rep.Elements += d.Elements
		rep.Differ += d.Differ
		rep.Ops = append(rep.Ops, d)
	}
	return rep
}

func printDiff(w io.Writer, m *engine.Model, rep *DiffReport) {
	fmt.Fprintf(w, "%s: profile a = %s, b = %s\n\n", rep.Model, rep.A, rep.B)
	fmt.Fprintf(w, "  op  %-28s %6s %9s %7s %6s\n", "builtin", "tensor", "elements", "differ", "max|Δ|")
	nOps := 0
	for _, d := range rep.Ops {
		note := ""
		if d.Differ > 0 {
			nOps++
			if d.InputsDiffer {
				note = "  (inputs already differ)"
			}
		}
		if d.XNNPack != "" {
			note += "  [" + d.XNNPack + "]"
		}
		fmt.Fprintf(w, "  %2d  %-28s %6d %9d %7d %6s%s\n", d.Op, d.Builtin, d.Tensor, d.Elements, d.Differ, formatNum(d.MaxAbs), note)
	}
	fmt.Fprintf(w, "\n%d of %d elements differ, in %d of %d ops\n", rep.Differ, rep.Elements, nOps, len(rep.Ops))
	for _, d := range rep.Ops {
		for _, e := range d.First {
			fmt.Fprintf(w, "\nop %d %s, tensor %d, element %d %v: %s %s, %s %s\n", d.Op, d.Builtin, d.Tensor, e.Index, e.Coords,
				rep.A, formatNum(e.A), rep.B, formatNum(e.B))
			printSideBySide(w, rep.A, rep.B, e.ExplainA, e.ExplainB)
		}
	}
}

// printSideBySide prints two explanations in two columns, step by step.
func printSideBySide(w io.Writer, na, nb string, a, b *engine.Explanation) {
	const width = 64
	col := func(e *engine.Explanation, name string) []string {
		if e == nil {
			return []string{name + ": no explanation"}
		}
		lines := []string{name + ": " + e.Arithmetic}
		for _, s := range e.Steps {
			lines = append(lines, fmt.Sprintf("%s = %s  %s", s.Name, formatNum(s.Value), s.Formula))
		}
		return lines
	}
	la, lb := col(a, na), col(b, nb)
	for i := 0; i < max(len(la), len(lb)); i++ {
		var x, y string
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		fmt.Fprintf(w, "  %s │ %s\n", pad(clip(x, width), width), clip(y, width))
	}
	if a == nil || b == nil || a.Exact == nil || b.Exact == nil {
		return
	}
	if *a.Exact != *b.Exact {
		fmt.Fprintf(w, "  without rounding: %.4f │ %.4f (the op's inputs already differ)\n", *a.Exact, *b.Exact)
		return
	}
	x := *a.Exact
	da, db := math.Abs(float64(a.Value)-x), math.Abs(float64(b.Value)-x)
	nearer := "neither is nearer"
	switch {
	case da < db:
		nearer = na + " is nearer"
	case db < da:
		nearer = nb + " is nearer"
	}
	fmt.Fprintf(w, "  without rounding: acc × real multiplier + zero point = %.4f: %s\n", x, nearer)
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func pad(s string, n int) string {
	if k := utf8.RuneCountInString(s); k < n {
		return s + strings.Repeat(" ", n-k)
	}
	return s
}
