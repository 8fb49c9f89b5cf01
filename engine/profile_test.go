package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// roundings collects, by path, every Rounding reachable from v (exported
// or not): the Rounding fields of Requants and of kernels' params.
func roundings(v reflect.Value, path string, seen map[uintptr]bool, out map[string]Rounding) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return
		}
		if v.Kind() == reflect.Pointer {
			if seen[v.Pointer()] {
				return
			}
			seen[v.Pointer()] = true
		}
		roundings(v.Elem(), path, seen, out)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[Requant]() && v.FieldByName("Multiplier").Int() == 0 {
			return // unused (e.g. QUANTIZE from float)
		}
		for i := range v.NumField() {
			roundings(v.Field(i), path+"."+v.Type().Field(i).Name, seen, out)
		}
	case reflect.Slice, reflect.Array:
		for i := range min(v.Len(), 4) {
			roundings(v.Index(i), fmt.Sprintf("%s[%d]", path, i), seen, out)
		}
	case reflect.String:
		if v.Type() == reflect.TypeFor[Rounding]() {
			out[path] = Rounding(v.String())
		}
	}
}

// TestProfilesPrepareTheirRounding: a profile is a value, so every
// requantization a profile's plan prepares must carry that profile's
// rounding. Under tflite-single-rounding every Rounding in every kernel is
// "single", except uint8 DEPTHWISE_CONV_2D (double in every build); under
// reference every one is "double". A kernel that builds a Requant without
// the prepared rounding fails here.
func TestProfilesPrepareTheirRounding(t *testing.T) {
	var files []string
	for _, dir := range []string{filepath.Join(sharedDir(t), "models"), filepath.Join("..", "web", "static", "models")} {
		f, _ := filepath.Glob(filepath.Join(dir, "*.tflite"))
		files = append(files, f...)
	}
	checked := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m, err := Load(b)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, c := range []struct {
			p    Profile
			want Rounding
		}{{Reference, RoundDouble}, {SingleRounding, RoundSingle}} {
			for _, op := range m.Ops {
				k := m.plans[c.p].kernels[op.Index]
				found := map[string]Rounding{}
				roundings(reflect.ValueOf(k), op.Builtin, map[uintptr]bool{}, found)
				want := c.want
				if d, ok := k.(*DepthwiseConv2DParams); ok && d.typ == Uint8 {
					want = RoundDouble
				}
				for path, r := range found {
					checked++
					if r != want {
						t.Errorf("%s %s op %d: %s = %q, want %q", filepath.Base(f), c.p, op.Index, path, r, want)
					}
				}
			}
		}
	}
	if checked < 50 {
		t.Fatalf("only %d roundings checked", checked)
	}
	t.Logf("%d prepared roundings checked in %d models", checked, len(files))
}
