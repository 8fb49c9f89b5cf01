package fixedpoint

import (
	"math"
	"testing"
)

// TestLogXForXGreaterThanOrEqualTo1 checks ln x against math.Log for x in
// Q12.19 from 1 to 4096 (LOG_SOFTMAX's sums of exponentials; output Q5.26):
// the approximation is within 1e-6 (it is about 2.6 units of 2^-26), and
// ln 1 is within 64 units of 0. Bit-exactness against TFLite is checked
// through LOG_SOFTMAX (internal/difftest, TFLite Micro).
func TestLogXForXGreaterThanOrEqualTo1(t *testing.T) {
	worst := 0.0
	for raw := int64(1 << 19); raw < math.MaxInt32; raw = raw*1009/1000 + 7 {
		x := float64(raw) / (1 << 19)
		got := float64(LogXForXGreaterThanOrEqualTo1(int32(raw), 5, 12)) / (1 << 26)
		worst = max(worst, math.Abs(got-math.Log(x)))
	}
	if worst > 1e-6 {
		t.Errorf("largest error %g", worst)
	}
	t.Logf("largest error %g", worst)
	if got := LogXForXGreaterThanOrEqualTo1(1<<19, 5, 12); got < -64 || got > 64 {
		t.Errorf("ln 1 = %d·2^-26, want within 64 of 0", got)
	}
}
