package export

import (
	"fmt"
	"strings"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/engine/tflite"
)

func init() { register(emitFloatUnary, "FloatUnaryParams") }

// emitFloatUnary: the float32 elementwise ops (engine.FloatUnaryParams,
// every profile): ABS, NEG, SQUARE, SQRT and RSQRT are IEEE operations;
// EXP, LOG, SIN and COS are musl's expf, logf, sinf and cosf (the browser
// TFLite's C library, which the engine mirrors: engine/libm.go), ported
// float64 operation by float64 operation in py/libm.py; GELU is the
// browser TFLite's Eigen expression (py/gelu.py); ELU is glibc's expm1f
// (reference: TFLite Micro's C library) or XNNPACK's rr2-p6 polynomial
// (the browser's delegate), py/elu.py.
func emitFloatUnary(c *opCtx) error {
	x := c.in(0)
	switch c.op.Builtin {
	case "ABS", "NEG", "SQUARE", "SQRT", "RSQRT":
		c.use("unary")
		c.set(0, fmt.Sprintf("float_unary(%s, %q)", x, map[string]string{
			"ABS": "abs", "NEG": "neg", "SQUARE": "square", "SQRT": "sqrt", "RSQRT": "rsqrt"}[c.op.Builtin]))
	case "EXP", "LOG", "SIN", "COS":
		c.use("libm")
		c.set(0, fmt.Sprintf("musl_%sf(%s)", map[string]string{"EXP": "exp", "LOG": "log", "SIN": "sin", "COS": "cos"}[c.op.Builtin], x))
	case "ELU":
		c.use("elu")
		p, _ := c.params.(*engine.FloatUnaryParams)
		if p != nil && strings.Contains(p.Formula, "XNNPACK") {
			c.set(0, fmt.Sprintf("elu_xnnpack(%s)", x))
		} else {
			c.set(0, fmt.Sprintf("elu_glibc(%s)", x))
		}
	case "GELU":
		o, _ := c.op.Options.(*tflite.GeluOptionsT)
		c.use("gelu")
		c.set(0, fmt.Sprintf("gelu_float(%s, approximate=%s)", x, pyBool(o != nil && o.Approximate)))
	default:
		return c.unsupported("float32 %s", c.op.Builtin)
	}
	return nil
}
