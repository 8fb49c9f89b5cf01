# needs: fixedpoint16
def hard_swish_int(x, input_zero_point, output_zero_point, output_multiplier, output_exponent,
                   reluish_multiplier, reluish_exponent):
    """Quantized HARD_SWISH, x * relu6(x + 3) / 6 in 16-bit fixed point (TFLite Micro's
    hard_swish, reference/hard_swish.h), for h = (x - input_zero_point) * 2^7 (wrapping to
    int16: the input on the "hires" scale s_in/128):
    o = SRDHM16(h, output_multiplier)  (h on the output scale, before the exponent)
    u = h times reluish_multiplier * 2^reluish_exponent (x/3 in Q0.15, saturating)
    u = (u + 2^15) >> 1                (relu6(x + 3)/6 in [0, 1])
    out = clamp(RoundingDivideByPOT16(SaturatingDoublingHighMul16(u, o), -output_exponent)
                + output_zero_point)
    The 16-bit multipliers are (s_in/128)/s_out and (s_in/128)/(3/32768)."""
    x = np.asarray(x)
    lo, hi = type_range(x.dtype)
    h = wrap16((x.astype(np.int64) - input_zero_point) * 128)
    o = srdhm16(h, output_multiplier)
    u = h
    if reluish_exponent > 0:
        u = saturating_left_shift16(u, reluish_exponent - 1)
    u = srdhm16(u, reluish_multiplier)
    if reluish_exponent > 0:
        u = saturating_left_shift16(u, 1)
    if reluish_exponent < 0:
        u = rounding_divide_by_pot16(u, -reluish_exponent)
    u = (u + (1 << 15)) >> 1
    v = rounding_divide_by_pot16(sdhm16(u, o), -output_exponent)
    return np.clip(wrap16(v + output_zero_point), lo, hi)


def hard_swish_float(x):
    """Float HARD_SWISH: x * min(max(x + 3, 0), 6) / 6 in float32 (NaN passes)."""
    x = np.asarray(x, dtype=np.float32)
    with np.errstate(all="ignore"):
        r = x + np.float32(3)
        r = np.where(r < 0, np.float32(0), r)
        r = np.where(np.float32(6) < r, np.float32(6), r)
        return ((x * r).astype(np.float32) / np.float32(6)).astype(np.float32)


def hard_swish_xnnpack(x):
    """Float HARD_SWISH under XNNPACK (f32-vhswish, wasmsimd), float32 throughout:
    a = x + 3, set to +0 when its sign bit is set (integer max on the bits), then
    min(a, 6); out = a * (x * 0x1.555556p-3)."""
    f = np.float32
    x = np.asarray(x, dtype=np.float32)
    with np.errstate(all="ignore"):
        a = x + f(3)
        a = np.where(a.view(np.int32) < 0, f(0), a)
        a = np.minimum(a, f(6))
        return (a * (x * f(float.fromhex("0x1.555556p-3")))).astype(np.float32)
