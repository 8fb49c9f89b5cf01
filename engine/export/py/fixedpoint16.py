# needs: fixedpoint
def srdhm16(a, b):
    """gemmlowp's SaturatingRoundingDoublingHighMul on int16: a*b / 2^15 rounded to
    nearest (nudge 2^14, or 1 - 2^14 below zero, then C's division); MinInt16 * MinInt16
    saturates."""
    a = np.asarray(a, dtype=np.int64)
    ab = a * b
    r = trunc_div(ab + np.where(ab >= 0, 1 << 14, 1 - (1 << 14)), 1 << 15)
    return np.where((a == -32768) & (b == -32768), 32767, r)


def sdhm16(a, b):
    """TFLite's SaturatingDoublingHighMul (reference/hard_swish.h): a*b / 2^15
    truncated toward zero; MinInt16 * MinInt16 saturates."""
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    return np.where((a == -32768) & (b == -32768), 32767, trunc_div(a * b, 1 << 15))


def rounding_divide_by_pot16(x, exponent):
    """gemmlowp's RoundingDivideByPOT on int16 (the mask 2^exponent - 1 an int16)."""
    x = np.asarray(x, dtype=np.int64)
    mask = int(np.int64((1 << exponent) - 1).astype(np.int16))
    threshold = (mask >> 1) + (x < 0)
    return (x >> exponent) + ((x & mask) > threshold)


def saturating_left_shift16(v, amount):
    """TFLite's SaturatingLeftShift (reference/hard_swish.h): v * 2^amount clamped to int16."""
    return np.clip(np.asarray(v, dtype=np.int64) << amount, -32768, 32767)


def saturating_rounding_multiply_by_pot16(x, exponent):
    """gemmlowp's SaturatingRoundingMultiplyByPOT<exponent> on int16."""
    x = np.asarray(x, dtype=np.int64)
    if exponent < 0:
        return rounding_divide_by_pot16(x, -exponent)
    if exponent == 0:
        return x
    threshold = (1 << (15 - exponent)) - 1
    return np.where(x > threshold, 32767, np.where(x < -threshold, -32768, wrap16(x << exponent)))


def const16(v):
    """gemmlowp's RescaleConstantInitializer for int16: a Q0.31 constant rounding-shifted to
    16 bits."""
    return int(rounding_divide_by_pot(np.int64(v), 16))


def _exp_on_interval16(a):
    """gemmlowp's exp_on_interval_between_negative_one_quarter_and_0_excl on int16."""
    const_term, third = const16(1895147668), const16(715827883)
    x = wrap16(a + (1 << 12))
    x2 = srdhm16(x, x)
    x3 = srdhm16(x2, x)
    x4 = srdhm16(x2, x2)
    x4_over_4 = saturating_rounding_multiply_by_pot16(x4, -2)
    t = saturating_rounding_multiply_by_pot16(wrap16(srdhm16(wrap16(x4_over_4 + x3), third) + x2), -1)
    return np.clip(const_term + srdhm16(const_term, wrap16(x + t)), -32768, 32767)


def exp_on_negative_values16(a, integer_bits):
    """gemmlowp's exp_on_negative_values on FixedPoint<int16_t, integer_bits>: exp(a) for
    a <= 0 as Q0.15 (the Taylor expansion on (a mod 1/4) - 1/4, then the barrel shifter)."""
    a = np.asarray(a, dtype=np.int64)
    frac = 15 - integer_bits
    quarter = 1 << (frac - 2)
    amq = wrap16((a & (quarter - 1)) - quarter)
    result = _exp_on_interval16(saturating_rounding_multiply_by_pot16(amq, integer_bits))
    remainder = wrap16(amq - a)
    for i, m in enumerate([1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242]):
        k = i - 2
        if integer_bits > k:
            result = np.where(remainder & (1 << (frac + k)) != 0, srdhm16(result, const16(m)), result)
    if integer_bits > 5:
        result = np.where(a < const16(-(1 << (36 - integer_bits))), 0, result)
    return np.where(a == 0, 32767, result)


def _reciprocal_q2x16(d):
    """gemmlowp's one_over_one_plus_x_for_x_in_0_1 on int16 before its final rescale:
    three Newton-Raphson steps for 1/((1 + d)/2), in Q2.13."""
    s = np.asarray(d, dtype=np.int64) + 32767
    half = trunc_div(s + np.where(s >= 0, 1, -1), 2)  # RoundingHalfSum(d, 1)
    x = wrap16(const16(1515870810) + srdhm16(half, const16(-1010580540)))
    for _ in range(3):
        x = wrap16(x + saturating_rounding_multiply_by_pot16(srdhm16(x, wrap16((1 << 13) - srdhm16(half, x))), 2))
    return x


def logistic16(a, integer_bits):
    """gemmlowp's logistic on FixedPoint<int16_t, integer_bits>: 1/(1 + exp(-a)) as Q0.15
    (TFLite's builtin LSTM gates)."""
    a = np.asarray(a, dtype=np.int64)
    pos = saturating_rounding_multiply_by_pot16(
        _reciprocal_q2x16(exp_on_negative_values16(wrap16(-np.abs(a)), integer_bits)), 1)
    return np.where(a == 0, const16(1 << 30), np.where(a > 0, pos, wrap16(32767 - pos)))


def tanh16(a, integer_bits):
    """gemmlowp's tanh on FixedPoint<int16_t, integer_bits>:
    (1 - exp(-2|a|))/(1 + exp(-2|a|)) with a's sign, as Q0.15."""
    a = np.asarray(a, dtype=np.int64)
    t = saturating_rounding_multiply_by_pot16(
        wrap16(_reciprocal_q2x16(exp_on_negative_values16(wrap16(-np.abs(a)), integer_bits + 1)) - (1 << 13)), 2)
    return np.where(a == 0, 0, np.where(a < 0, wrap16(-t), t))
