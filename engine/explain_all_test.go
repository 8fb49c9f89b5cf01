package engine

import "testing"

// TestExplainAllTerms: Explain lists the first MaxTerms products of a large
// window; ExplainAll lists every one, and they sum to the explanation's sum
// step.
func TestExplainAllTerms(t *testing.T) {
	m := corpusModel(t, "person_detect.tflite")
	inputs := benchInputs(sharedDir(t), "person_detect", m)
	res, err := m.Run(inputs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, op := range m.Ops {
		if op.Builtin != "CONV_2D" {
			continue
		}
		e, err := res.Explain(op.Index, 0)
		if err != nil {
			t.Fatal(err)
		}
		if e.TermsTotal <= MaxTerms {
			continue
		}
		all, err := res.ExplainAll(op.Index, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(e.Terms) != MaxTerms || len(all.Terms) != all.TermsTotal || all.TermsTotal != e.TermsTotal || all.Value != e.Value {
			t.Fatalf("op %d: %d terms, all %d of %d, values %d and %d", op.Index, len(e.Terms), len(all.Terms), all.TermsTotal, all.Value, e.Value)
		}
		var sum int64
		for _, term := range all.Terms {
			sum += term.Product
		}
		if int64(int32(sum)) != int64(all.Steps[0].Value) {
			t.Errorf("op %d: the %d terms sum to %d, the sum step says %v", op.Index, len(all.Terms), sum, all.Steps[0].Value)
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no CONV_2D with more than MaxTerms products")
	}
}
