// Package detmath has the few transcendental functions the trainer needs,
// computed with fixed float64 operations so that results do not depend on
// which math.Exp kernel the CPU selects (Go's amd64 math.Exp switches to an
// FMA code path on CPUs that have FMA).
package detmath

import "math"

// Exp is e^x for x <= 709, with relative error below 1e-15.
func Exp(x float64) float64 {
	if x < -745 {
		return 0
	}
	const (
		ln2Hi = 6.93147180369123816490e-01
		ln2Lo = 1.90821492927058770002e-10
	)
	k := math.Floor(x/math.Ln2 + 0.5)
	r := float64(x-float64(k*ln2Hi)) - float64(k*ln2Lo)
	// Taylor series of e^r for |r| <= ln2/2: 14 terms, Horner form; the
	// explicit conversions keep the compiler from fusing into FMAs.
	p := 1.0
	for i := 14; i >= 1; i-- {
		p = 1 + float64(r*p)/float64(i)
	}
	return math.Ldexp(p, int(k))
}
