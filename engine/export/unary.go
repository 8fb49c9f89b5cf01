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
// (the browser's delegate), py/elu.py. LOGISTIC and HARD_SWISH are
// XNNPACK's f32-vsigmoid and f32-vhswish (the browser's delegate;
// py/activation.py, py/hard_swish.py), TANH the browser's builtin kernel's
// Eigen tanh (py/gelu.py).
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
	case "LOGISTIC", "HARD_SWISH", "TANH":
		return emitFloatUnaryVariant(c, x)
	case "GELU":
		o, _ := c.op.Options.(*tflite.GeluOptionsT)
		c.use("gelu")
		c.set(0, fmt.Sprintf("gelu_float(%s, approximate=%s)", x, pyBool(o != nil && o.Approximate)))
	default:
		return c.unsupported("float32 %s", c.op.Builtin)
	}
	return nil
}

// floatUnaryVariants are the float32 kernels of LOGISTIC, HARD_SWISH and
// TANH that prepare as FloatUnaryParams (the other profiles have their own
// params): the start of the engine's formula and the Python expression.
var floatUnaryVariants = map[string]struct{ formula, use, call string }{
	"LOGISTIC":   {"XNNPACK f32-vsigmoid", "activation", "sigmoid_xnnpack(%s)"},
	"HARD_SWISH": {"XNNPACK f32-vhswish", "hard_swish", "hard_swish_xnnpack(%s)"},
	"TANH":       {"Eigen's tanh", "gelu", "eigen_tanhf(%s)"},
}

func emitFloatUnaryVariant(c *opCtx, x string) error {
	v := floatUnaryVariants[c.op.Builtin]
	if p, _ := c.params.(*engine.FloatUnaryParams); p == nil || !strings.HasPrefix(p.Formula, v.formula) {
		return c.unsupported("float32 %s kernel %T", c.op.Builtin, c.params)
	}
	c.use(v.use)
	c.set(0, fmt.Sprintf(v.call, x))
	return nil
}
