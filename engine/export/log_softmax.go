package export

import "fmt"

func init() { register(emitLogSoftmax, "LogSoftmaxParams") }

// emitLogSoftmax: float32 LOG_SOFTMAX (TFLite's LogSoftmax with musl's expf
// and logf; every profile).
func emitLogSoftmax(c *opCtx) error {
	c.use("log_softmax")
	c.set(0, fmt.Sprintf("log_softmax_float(%s)", c.in(0)))
	return nil
}
