package engine

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// addStandIn is AddS8 written in Go from addTable's description (what the
// SIMD add_s8 computes, 8 elements at a time, the rest left to the caller):
// it tests the table natively.
func addStandIn(a, b, out []int8, tab []int32) int {
	mbq := func(x int32, q []int32) int32 {
		y := int64(x)*int64(q[0]) + 1<<30
		k := int64(uint32(q[2])) | int64(q[3])<<32
		s := int64(uint32(q[4])) | int64(q[5])<<32
		if y < 0 {
			y += s
		}
		return int32((y + k) >> uint(q[1]))
	}
	n := len(out) &^ 7
	for i := range n {
		x, y := int32(a[i]), int32(b[i])
		if tab[0] == 1 {
			x, y = int32(uint8(a[i])), int32(uint8(b[i]))
		}
		a1 := mbq((x+tab[1])<<uint(tab[3]), tab[8:])
		a2 := mbq((y+tab[2])<<uint(tab[3]), tab[16:])
		if tab[4] == 1 {
			a2 = -a2
		}
		out[i] = int8(min(max(mbq(a1+a2, tab[24:])+tab[5], tab[6]), tab[7]))
	}
	return n
}

func TestCheckAddStandIn(t *testing.T) {
	if err := CheckAdd(addStandIn, 1, 3000); err != nil {
		t.Fatal(err)
	}
	// and the check can fail
	bad := func(a, b, out []int8, tab []int32) int {
		n := addStandIn(a, b, out, tab)
		out[0]++
		return n
	}
	if err := CheckAdd(bad, 1, 10); err == nil {
		t.Fatal("CheckAdd passed a kernel one off in output byte 0")
	}
}

// TestAddAccelWired runs addBytes, int8 and uint8, ADD and SUB, on
// lengths around the kernel's blocks and addTableMin, with the stand-in
// installed and without: the same outputs.
func TestAddAccelWired(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, sub := range []bool{false, true} {
		for _, rounding := range []Rounding{RoundDouble, RoundSingle} {
			p := &AddParams{LeftShift: 20, sub: sub}
			p.Input1Offset, p.Input2Offset, p.OutputOffset, p.ActMin, p.ActMax = 3, -7, 5, -100, 120
			p.bc = &broadcast{same: true}
			for i, real := range []float64{0.5, 0.31, 1.7e-5} {
				q := newRequant(real)
				q.Rounding = rounding
				*[]*Requant{&p.Input1, &p.Input2, &p.Output}[i] = q
			}
			for _, unsigned := range []bool{false, true} {
				typ := Int8
				if unsigned {
					typ = Uint8
				}
				p.prepareRow(typ) // addRow's tables and the kernel's (addTable)
				for _, n := range []int{0, 1, 7, 8, 15, 16, 17, 23, 24, 100, 511, 512, 600, 1003} {
					a, b := make([]byte, n), make([]byte, n)
					for i := range a {
						a[i], b[i] = byte(rng.IntN(256)), byte(rng.IntN(256))
					}
					want, got := make([]byte, n), make([]byte, n)
					calls := 0
					if unsigned {
						addBytes(p, a, b, want)
						SetAdd(func(a, b, out []int8, tab []int32) int { calls++; return addStandIn(a, b, out, tab) })
						addBytes(p, a, b, got)
					} else {
						addBytes(p, AsInt8(a), AsInt8(b), AsInt8(want))
						SetAdd(func(a, b, out []int8, tab []int32) int { calls++; return addStandIn(a, b, out, tab) })
						addBytes(p, AsInt8(a), AsInt8(b), AsInt8(got))
					}
					SetAdd(nil)
					if !bytes.Equal(got, want) {
						t.Fatalf("sub %v, %s rounding, unsigned %v, n %d: outputs differ", sub, rounding, unsigned, n)
					}
					if (calls > 0) != (n >= addAccelMin) {
						t.Fatalf("n %d: %d kernel calls", n, calls)
					}
				}
			}
		}
	}
}
