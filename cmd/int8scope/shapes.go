package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/int8scope/int8scope/engine"
)

// fitInputs resizes m, as TFLite's ResizeInputTensorStrict does, to the
// input shapes that spec gives ("0=3,224,224,3;1=3,10") or, for an input
// whose file size does not match its stored shape and whose
// shape_signature has exactly one −1, to the size that dimension must have
// for the file. It returns m itself when nothing changes.
func fitInputs(m *engine.Model, dir, spec string) (*engine.Model, error) {
	shapes := make([][]int, len(m.Inputs))
	if spec != "" {
		for _, part := range strings.Split(spec, ";") {
			k, v, ok := strings.Cut(part, "=")
			i, err := strconv.Atoi(strings.TrimSpace(k))
			if !ok || err != nil || i < 0 || i >= len(m.Inputs) {
				return nil, fmt.Errorf("--shape %q: want INPUT=D,D,... with INPUT in 0..%d", part, len(m.Inputs)-1)
			}
			shapes[i] = []int{}
			for _, d := range strings.Split(v, ",") {
				n, err := strconv.Atoi(strings.TrimSpace(d))
				if err != nil {
					return nil, fmt.Errorf("--shape %q: dimension %q is not a number", part, d)
				}
				shapes[i] = append(shapes[i], n)
			}
		}
	}
	changed := false
	for i, ti := range m.Inputs {
		t := m.Tensors[ti]
		if shapes[i] != nil {
			changed = changed || !slices.Equal(shapes[i], t.Shape)
			continue
		}
		st, err := os.Stat(filepath.Join(dir, fmt.Sprintf("input%d.bin", i)))
		if err != nil || int(st.Size()) == t.NumBytes() {
			continue // readInputs reports it
		}
		if s := shapeForBytes(t, int(st.Size())); s != nil {
			shapes[i], changed = s, true
		}
	}
	if !changed {
		return m, nil
	}
	r, err := m.Resize(shapes)
	if err != nil {
		return nil, fmt.Errorf("resizing the inputs: %w", err)
	}
	return r, nil
}

// resizeHint says, for an input file of the wrong size, whether and how
// the input could take another shape.
func resizeHint(t *engine.Tensor) string {
	if t.ShapeSignature == nil {
		return " (the model stores no shape_signature for it, so its shape is fixed)"
	}
	return fmt.Sprintf(" (shape_signature %v: only −1 dimensions may change; with more than one, give --shape)", t.ShapeSignature)
}

// shapeForBytes returns t's shape with its one −1 dimension of
// shape_signature sized to make n bytes, or nil.
func shapeForBytes(t *engine.Tensor, n int) []int {
	if len(t.ShapeSignature) != len(t.Shape) || t.Type.Size() == 0 {
		return nil
	}
	free, rest := -1, t.Type.Size()
	for d, v := range t.ShapeSignature {
		switch {
		case v == -1 && free >= 0:
			return nil
		case v == -1:
			free = d
		default:
			rest *= t.Shape[d]
		}
	}
	if free < 0 || rest == 0 || n%rest != 0 || n == 0 {
		return nil
	}
	s := slices.Clone(t.Shape)
	s[free] = n / rest
	return s
}
