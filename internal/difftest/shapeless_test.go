package difftest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// StripShapes returns model with the stored shape of every tensor an op of
// subgraph 0 writes removed (no shape, no shape_signature), as some
// converters write them: TFLite works those shapes out in each op's
// Prepare, and so must the engine.
func StripShapes(model []byte) []byte {
	m := tflite.GetRootAsModel(model, 0).UnPack()
	sg := m.Subgraphs[0]
	for _, op := range sg.Operators {
		for _, t := range op.Outputs {
			if t >= 0 {
				sg.Tensors[t].Shape, sg.Tensors[t].ShapeSignature, sg.Tensors[t].HasRank = nil, nil, false
			}
		}
	}
	return tfbuild.Pack(m)
}

// TestShapelessEveryOp loads every generator's models with the shapes of
// all op outputs removed and checks that the engine infers the very shapes
// the generator stored (which the differential tests prove are TFLite's)
// and computes the same bytes in every profile.
func TestShapelessEveryOp(t *testing.T) {
	cases, tensors := 0, 0
	n := everyGenerator(t, 12, func(c *Case) error {
		nt, err := compareShapeless(c)
		cases, tensors = cases+1, tensors+nt
		return err
	})
	t.Logf("%d seeds per generator: %d models, %d tensors equal in shape and value with their shapes stripped, in %d profiles", n, cases, tensors, len(engine.Profiles()))
}

// everyGenerator calls f on seeds 1..n (-cases, else defaultN) of every
// runnable generator, stopping a generator at its first error, and returns
// n.
func everyGenerator(t *testing.T, defaultN int, f func(c *Case) error) int {
	gens, _ := runnable(t)
	n := defaultN
	if *nFlag > 0 {
		n = *nFlag
	}
	for _, gen := range gens {
		t.Run(gen, func(t *testing.T) {
			for seed := int64(1); seed <= int64(n); seed++ {
				c, err := Generate(gen, seed)
				if err != nil {
					t.Fatal(err)
				}
				if err := f(c); err != nil {
					t.Errorf("%s: %v", c.ID(), err)
					return
				}
			}
		})
	}
	return n
}

// compareShapeless loads c with and without its output shapes and compares
// every tensor's shape and, per profile, value. It returns how many tensors
// it compared.
func compareShapeless(c *Case) (n int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	want, err := engine.Load(c.Model)
	if err != nil {
		return 0, nil // a case the engine refuses anyway: nothing to compare
	}
	got, err := engine.Load(StripShapes(c.Model))
	if err != nil {
		return 0, fmt.Errorf("shapeless model refused: %v", err)
	}
	for _, p := range engine.Profiles() {
		a, errA := want.Run(c.Inputs, engine.Options{Profile: p})
		b, errB := got.Run(c.Inputs, engine.Options{Profile: p})
		if (errA == nil) != (errB == nil) {
			return 0, fmt.Errorf("%s: run with stored shapes: %v; without: %v", p, errA, errB)
		}
		if errA != nil {
			continue
		}
		for i, t := range a.Model.Tensors { // a dynamic model's shapes are its run's
			if u := b.Model.Tensors[i]; !slices.Equal(t.Shape, u.Shape) {
				return 0, fmt.Errorf("%s: tensor %d (%q): stored shape %v, inferred %v", p, i, t.Name, t.Shape, u.Shape)
			}
			if !slices.Equal(a.Tensors[i], b.Tensors[i]) {
				return 0, fmt.Errorf("%s: tensor %d (%q) differs without stored shapes", p, i, want.Tensors[i].Name)
			}
			n++
		}
	}
	return n, nil
}

// TestShapelessTFLite runs every generator's models with the shapes of all
// op outputs removed in the engine (tflite-xnnpack) and in the real TFLite,
// which works them out in Prepare too, and compares every tensor.
func TestShapelessTFLite(t *testing.T) {
	o := startOracle(t)
	cases, elems := 0, 0
	everyGenerator(t, 4, func(c *Case) error {
		c.Model = StripShapes(c.Model)
		out, err := Check(o, c, engine.XNNPack)
		if err != nil {
			return fmt.Errorf("shapes stripped: %v", err)
		}
		if out.Differ > 0 || len(out.Delegation) > 0 {
			return fmt.Errorf("shapes stripped: %s\n  delegation: %v", out.Report(), out.Delegation)
		}
		cases, elems = cases+1, elems+out.Elements
		return nil
	})
	t.Logf("%d models without stored output shapes, %d elements: equal to TFLite", cases, elems)
}
