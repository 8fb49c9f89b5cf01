def _wrap16(x):
    return np.asarray(x, dtype=np.int64).astype(np.int16).astype(np.int64)


def _srdhm16(a, b):
    """gemmlowp's SaturatingRoundingDoublingHighMul on int16: a*b / 2^15 rounded to
    nearest (nudge 2^14, or 1 - 2^14 below zero, then C's division); MinInt16 * MinInt16
    saturates."""
    a = np.asarray(a, dtype=np.int64)
    ab = a * b
    r = trunc_div(ab + np.where(ab >= 0, 1 << 14, 1 - (1 << 14)), 1 << 15)
    return np.where((a == -32768) & (b == -32768), 32767, r)


def _sdhm16(a, b):
    """TFLite's SaturatingDoublingHighMul (reference/hard_swish.h): a*b / 2^15
    truncated toward zero; MinInt16 * MinInt16 saturates."""
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    return np.where((a == -32768) & (b == -32768), 32767, trunc_div(a * b, 1 << 15))


def _rounding_divide_by_pot16(x, exponent):
    """gemmlowp's RoundingDivideByPOT on int16 (the mask 2^exponent - 1 an int16)."""
    x = np.asarray(x, dtype=np.int64)
    mask = int(np.int64((1 << exponent) - 1).astype(np.int16))
    threshold = (mask >> 1) + (x < 0)
    return (x >> exponent) + ((x & mask) > threshold)


def _saturating_left_shift16(v, amount):
    return np.clip(np.asarray(v, dtype=np.int64) << amount, -32768, 32767)


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
    h = _wrap16((x.astype(np.int64) - input_zero_point) * 128)
    o = _srdhm16(h, output_multiplier)
    u = h
    if reluish_exponent > 0:
        u = _saturating_left_shift16(u, reluish_exponent - 1)
    u = _srdhm16(u, reluish_multiplier)
    if reluish_exponent > 0:
        u = _saturating_left_shift16(u, 1)
    if reluish_exponent < 0:
        u = _rounding_divide_by_pot16(u, -reluish_exponent)
    u = (u + (1 << 15)) >> 1
    v = _rounding_divide_by_pot16(_sdhm16(u, o), -output_exponent)
    return np.clip(_wrap16(v + output_zero_point), lo, hi)


def hard_swish_float(x):
    """Float HARD_SWISH: x * min(max(x + 3, 0), 6) / 6 in float32 (NaN passes)."""
    x = np.asarray(x, dtype=np.float32)
    with np.errstate(all="ignore"):
        r = x + np.float32(3)
        r = np.where(r < 0, np.float32(0), r)
        r = np.where(np.float32(6) < r, np.float32(6), r)
        return ((x * r).astype(np.float32) / np.float32(6)).astype(np.float32)
