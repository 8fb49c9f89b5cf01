# needs: fixedpoint
def squared_difference_float(x1, x2):
    """Float SQUARED_DIFFERENCE: d = x1 - x2, d*d in float32 (also XNNPACK's)."""
    with np.errstate(all="ignore"):
        d = np.asarray(x1, dtype=np.float32) - np.asarray(x2, dtype=np.float32)
        return (d * d).astype(np.float32)


def squared_difference_int32(x1, x2):
    """int32 SQUARED_DIFFERENCE: (x1 - x2)^2 in int32 arithmetic (wraps)."""
    d = wrap32(np.asarray(x1, dtype=np.int64) - np.asarray(x2, dtype=np.int64))
    return wrap32(d * d)


def squared_difference_int8(x1, x2, input1_offset, input2_offset, left_shift, input1_multiplier, input1_shift,
                            input2_multiplier, input2_shift, output_multiplier, output_shift, output_offset):
    """int8 SQUARED_DIFFERENCE (TFLite's squared_difference.cc, TFLite Micro's): like
    quantized ADD with left_shift = 7 and 2*max(s1, s2) as the common scale:
    a = MultiplyByQuantizedMultiplierSmallerThanOneExp((x1 + offset1) * 2^7, M1, shift1),
    b likewise, out = clamp(MultiplyByQuantizedMultiplierSmallerThanOneExp((a - b)^2,
    M_out, shift_out) + output_offset, -128, 127). Double rounding in every build."""
    a = multiply_by_quantized_multiplier(wrap32((np.asarray(x1, dtype=np.int64) + input1_offset) << left_shift),
                                         input1_multiplier, input1_shift)
    b = multiply_by_quantized_multiplier(wrap32((np.asarray(x2, dtype=np.int64) + input2_offset) << left_shift),
                                         input2_multiplier, input2_shift)
    d = wrap32(a - b)
    return np.clip(multiply_by_quantized_multiplier(wrap32(d * d), output_multiplier, output_shift) + output_offset,
                   -128, 127)
