# needs: fixedpoint output_xnnpack
def add_sub_int(x1, x2, sub, input1_offset, input2_offset, left_shift, requant1, requant2, requant_out,
                output_offset, act_min, act_max):
    """Quantized ADD and SUB of TFLite's reference kernels and TFLite Micro
    (reference_integer_ops::Add, BroadcastAdd6DSlow; NumPy broadcasting aligns shapes
    at the last dimension as TFLite does): both inputs, offset and scaled by 2^left_shift,
    are brought to a common scale with MultiplyByQuantizedMultiplier
    (requant = (multiplier, shift, rounding)), added (or subtracted), scaled to the
    output, plus the output zero point, clamped. int32 arithmetic that wraps."""
    a1 = requantize(wrap32((np.asarray(x1, dtype=np.int64) + input1_offset) << left_shift), *requant1)
    a2 = requantize(wrap32((np.asarray(x2, dtype=np.int64) + input2_offset) << left_shift), *requant2)
    total = wrap32(a1 - a2 if sub else a1 + a2)
    return np.clip(requantize(total, *requant_out) + output_offset, act_min, act_max)


def add_sub_xnnpack(a, b, a_multiplier, b_multiplier, shift, bias, zero_point, out_min, out_max):
    """XNNPACK's qs8/qu8-vadd (SUB: b_multiplier negated): acc = bias + a*A + b*B in
    int32, with A, B = round_half_even(s_in/s_out * 2^shift) and
    bias = 2^(shift-1) - a_zp*A - b_zp*B; out = (acc >> shift) + zero_point (an
    arithmetic shift: rounds half up), clamped."""
    acc = wrap32(bias + np.asarray(a, dtype=np.int64) * a_multiplier + np.asarray(b, dtype=np.int64) * b_multiplier)
    return np.clip((acc >> shift) + zero_point, out_min, out_max)


def mul_int(x1, x2, input1_offset, input2_offset, multiplier, shift, rounding, output_offset, act_min, act_max):
    """Quantized MUL (reference_integer_ops::Mul): (x1 + offset1) * (x2 + offset2) in
    int32, MultiplyByQuantizedMultiplier by s1*s2/s_out, plus the zero point, clamped."""
    p = wrap32((np.asarray(x1, dtype=np.int64) + input1_offset) * (np.asarray(x2, dtype=np.int64) + input2_offset))
    return np.clip(requantize(p, multiplier, shift, rounding) + output_offset, act_min, act_max)


def mul_xnnpack(a, b, a_zero_point, b_zero_point, scale, zero_point, out_min, out_max):
    """XNNPACK's qs8/qu8-vmul (fp32): the product (a - a_zp) * (b - b_zp) requantized by
    scale = float32(float32(s_a*s_b)/s_out) as the GEMMs do (output_xnnpack)."""
    p = wrap32((np.asarray(a, dtype=np.int64) - a_zero_point) * (np.asarray(b, dtype=np.int64) - b_zero_point))
    return output_xnnpack(p, scale, zero_point, out_min, out_max)


def binary_float(x1, x2, op, act_min, act_max):
    """Float ADD, SUB, MUL: x1 op x2 in float32, clamped to the activation."""
    v = {"add": np.add, "sub": np.subtract, "mul": np.multiply}[op](x1, x2)
    return clamp_float(v, act_min, act_max)


def binary_int32(x1, x2, op, act_min, act_max):
    """int32 ADD, SUB, MUL: wrapping int32 arithmetic, clamped to the activation."""
    x1, x2 = np.asarray(x1, dtype=np.int64), np.asarray(x2, dtype=np.int64)
    v = wrap32({"add": x1 + x2, "sub": x1 - x2, "mul": x1 * x2}[op])
    return np.clip(v, act_min, act_max)


def maximum_minimum(x1, x2, is_max):
    """MAXIMUM / MINIMUM of the stored values (no requantization), broadcast:
    std::max as a < b ? b : a, std::min as b < a ? b : a (NaN and signed zeros as in C++)."""
    return np.where(x1 < x2, x2, x1) if is_max else np.where(x2 < x1, x2, x1)
