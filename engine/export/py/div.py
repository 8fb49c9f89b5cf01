# needs: gemmlowp fixedpoint
def count_leading_sign_bits(x):
    """TFLite's CountLeadingSignBits of int32 x (__builtin_clrsb): the redundant sign
    bits, so that x * 2^result still fits in int32."""
    x = np.asarray(x, dtype=np.int64)
    neg = count_leading_zeros32((2 * -x - 1) & 0xFFFFFFFF)
    return np.where(x >= 0, count_leading_zeros32(x) - 1, np.where(x == -(1 << 31), 0, neg))


def div_float(x1, x2, act_min, act_max):
    """Float DIV: x1 / x2 in float32 (an IEEE division, also XNNPACK's), clamped to the
    fused activation; NumPy broadcasting as TFLite's BroadcastDivSlow."""
    with np.errstate(all="ignore"):
        return clamp_float(np.asarray(x1, dtype=np.float32) / np.asarray(x2, dtype=np.float32), act_min, act_max)


def div_int32(x1, x2, act_min, act_max):
    """int32 DIV: C's truncating division, clamped; a zero divisor (or MinInt32 / -1) is an
    error."""
    a, b = np.broadcast_arrays(np.asarray(x1, dtype=np.int64), np.asarray(x2, dtype=np.int64))
    if (b == 0).any():
        raise ModelError("DIV: int32 division by zero")
    if ((a == -(1 << 31)) & (b == -1)).any():
        raise ModelError("DIV: int32 division of -2^31 by -1 overflows")
    q = np.abs(a) // np.abs(b)
    return np.clip(np.where((a < 0) != (b < 0), -q, q), act_min, act_max)


def _rounding_divide_by_pot_masked(x, exponent):
    """gemmlowp's RoundingDivideByPOT for exponents beyond 31 too, as TFLite's compiled
    code computes it: the mask (1 << e) - 1 formed in 64 bits and truncated to 32 (all
    ones for e >= 32), the shift count taken modulo 32."""
    x = np.asarray(x, dtype=np.int64)
    e = np.asarray(exponent, dtype=np.int64)
    mask = np.where(e >= 32, -1, wrap32((np.int64(1) << np.minimum(e, 31)) - 1))
    threshold = (mask >> 1) + (x < 0)
    return (x >> (e & 31)) + ((x & mask) > threshold)


def div_int(x1, x2, input1_offset, input2_offset, multiplier, shift, masked_shift, output_offset, act_min, act_max):
    """Quantized DIV (reference_ops::DivElementwise, TFLite Micro's div.cc): with
    a = x1 + input1_offset, b = x2 + input2_offset (b = 0 is an error; b < 0 flips both
    signs): (inv, r) = GetReciprocal(b, 31), 1/b ~= inv * 2^(-31-r);
    h = CountLeadingSignBits(a); q = SRDHM(a * 2^h, inv);
    out = clamp(RoundingDivideByPOT(SRDHM(q, multiplier), r + h - shift) + output_offset)
    with multiplier * 2^(shift-31) = s1/(s2*s_out) in float32. Every build rounds so.
    masked_shift (uint8, TFLite only): exponents beyond 31 as the compiled code computes
    them; for int8 they are an error (TFLite Micro's gemmlowp asserts)."""
    a, b = np.broadcast_arrays(np.asarray(x1, dtype=np.int64) + input1_offset,
                               np.asarray(x2, dtype=np.int64) + input2_offset)
    if (b == 0).any():
        raise ModelError("DIV: a divisor equals its zero point: TFLite's quantized DIV divides by zero")
    a = np.where(b < 0, -a, a)
    b = np.abs(b)
    inv, recip_shift = get_reciprocal(b, 31)
    headroom = count_leading_sign_bits(a)
    quotient = srdhm(wrap32(a << headroom), inv)
    total = shift - recip_shift - headroom
    if (total > 0).any():
        raise ModelError("DIV: a quotient needs a left shift, outside TFLite's quantized DIV")
    if not masked_shift and (total < -31).any():
        raise ModelError("DIV: a quotient needs RoundingDivideByPOT by more than 31, where TFLite "
                         "Micro's gemmlowp asserts")
    if (total < -63).any():
        raise ModelError("DIV: a quotient needs a right shift beyond 63, outside TFLite's quantized DIV")
    scaled = _rounding_divide_by_pot_masked(srdhm(quotient, multiplier), -total)
    return np.clip(scaled + output_offset, act_min, act_max)
