# needs: invsqrt fixedpoint
def rsqrt_int8(x, input_zero_point, requant, output_zero_point):
    """int8 RSQRT (TFLite's RsqrtEvalQuantizedInt8, TFLite Micro's elementwise.cc): for
    v = x - input_zero_point (below 0 is an error, as in TFLite),
    (m, s) = GetInvSqrtQuantizedMultiplierExp(v), 1/sqrt(v) ~= m * 2^(s - 31);
    data = MultiplyByQuantizedMultiplier(1, m, s + 20) ~= 2^20/sqrt(v);
    out = clamp(MultiplyByQuantizedMultiplier(data, M, shift - 20) + output_zero_point)
    with requant = (M, shift, rounding) of 1/(sqrtf(s_in) * s_out); v = 0 gives 127."""
    multiplier, shift, rounding = requant
    v = np.asarray(x, dtype=np.int64) - input_zero_point
    if (v < 0).any():
        raise ModelError("RSQRT: input %d is below the zero point %d: TFLite's RSQRT is only defined "
                         "for positive values" % (int(v[v < 0].flat[0]) + input_zero_point, input_zero_point))
    m, s = inv_sqrt_multiplier_exp(v)
    data = requantize(np.ones_like(v), m, s + 20, rounding)
    out = np.clip(requantize(data, multiplier, shift - 20, rounding) + output_zero_point, -128, 127)
    return np.where(v == 0, 127, out)
