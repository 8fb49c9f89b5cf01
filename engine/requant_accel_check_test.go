package engine

import "testing"

// TestCheckRequantRows: the pure-Go output stages pass CheckRequantRows
// and a wrong kernel fails it.
func TestCheckRequantRows(t *testing.T) {
	if err := CheckRequantRows(nil, nil, 1, 300); err != nil {
		t.Fatal(err) // the pure-Go path against itself
	}
	fill := func(out []int8) {
		for i := range out {
			out[i] = 0x11
		}
	}
	fixed := func(acc []int32, channels int, add, par []int32, single bool, zp, lo, hi int32, out []int8) {
		fill(out)
	}
	fp32 := func(acc []int32, channels int, add []int32, scales []float32, zp, lo, hi int32, out []int8) {
		fill(out)
	}
	if err := CheckRequantRows(fixed, fp32, 1, 50); err == nil {
		t.Fatal("CheckRequantRows passed a wrong output stage")
	}
	if requantFixedS8 != nil || requantFP32S8 != nil {
		t.Fatal("CheckRequantRows left its kernels installed")
	}
}
