# needs: fixedpoint
def abs_int(x, input_zero_point, requant, output_zero_point):
    """Quantized ABS (TFLite's AbsEvalQuantized, TFLite Micro's elementwise.cc):
    v = |x - input_zero_point|; with different input and output scales
    (requant = (multiplier, shift, rounding) of s_in/s_out, the real multiplier computed in
    float32) v = MultiplyByQuantizedMultiplier(v, requant); plus the output zero point,
    clamped to the type (int8, int16)."""
    x = np.asarray(x)
    v = np.abs(np.asarray(x, dtype=np.int64) - input_zero_point)
    if requant is not None:
        v = requantize(v, *requant)
    lo, hi = type_range(x.dtype)
    return np.clip(v + output_zero_point, lo, hi)


def neg_int(x):
    """int32 and int64 NEG (reference_ops::Negate): -x in two's complement (the minimum
    negates to itself)."""
    x = np.asarray(x)
    return np.negative(x, dtype=x.dtype)
