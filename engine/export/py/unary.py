def float_unary(x, f):
    """A float32 elementwise op of TFLite's reference kernels (EvalNumeric): out = f(x)
    in float32. ABS is fabsf (clears the sign bit), NEG flips it, SQUARE is x*x, SQRT is
    the correctly rounded sqrtf, RSQRT 1/sqrtf(x); the XNNPACK delegate's abs, neg,
    square and sqrt are the same IEEE operations."""
    x = np.asarray(x, dtype=np.float32)
    with np.errstate(all="ignore"):
        if f == "abs":  # fabsf through double, as int8scope computes it (quiets a signalling NaN)
            return np.abs(x.astype(np.float64)).astype(np.float32)
        if f == "neg":
            return np.negative(x)
        if f == "square":
            return x * x
        r = np.sqrt(x.astype(np.float64)).astype(np.float32)
        if f == "sqrt":
            return r
        if f == "rsqrt":
            return np.float32(1) / r
    raise ModelError("unknown float unary op " + f)
