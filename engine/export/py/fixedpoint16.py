# needs: fixedpoint
def wrap16(x):
    """x (int64) wrapped to int16 as C's int16_t arithmetic does, kept in int64."""
    return np.asarray(x, dtype=np.int64).astype(np.int16).astype(np.int64)


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


# TFLite's sigmoid_table_uint16 (common.h): sigmoid(i/24) in 0.16 format.
SIGMOID_TABLE_UINT16 = np.array([
    32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149,
    40794, 41432, 42064, 42688, 43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369,
    47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409, 51865, 52311, 52745, 53169,
    53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433,
    57724, 58007, 58280, 58544, 58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370,
    60565, 60753, 60935, 61110, 61279, 61441, 61599, 61750, 61896, 62036, 62172, 62302,
    62428, 62549, 62666, 62778, 62886, 62990, 63090, 63186, 63279, 63368, 63454, 63536,
    63615, 63691, 63765, 63835, 63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308,
    64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786,
    64816, 64845, 64873, 64900, 64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079,
    65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208, 65221, 65234, 65246, 65258,
    65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360, 65367,
    65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425, 65429, 65433,
    65438, 65442, 65445, 65449, 65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474,
    65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491, 65493, 65495, 65497, 65498,
    65500, 65501, 65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513,
    65514, 65515, 65516, 65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522,
    65523, 65523, 65524, 65524, 65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528,
    65528, 65528, 65529, 65529, 65529, 65529, 65530, 65530, 65530, 65530, 65531, 65531,
    65531, 65531, 65531, 65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533,
    65533, 65533, 65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534,
    65534, 65534, 65534, 65535,
], dtype=np.int64)


def _scale_int16_input(x, multiplier, shift):
    """The input rescaling of the int16 logistic and tanh: (x*M + round) >> shift in
    int32; M = 0 means 3 << shift and no shift (an input scale of 2^(shift-12))."""
    if multiplier == 0:
        multiplier, shift = 3 << shift, 0
    rnd = 1 << (shift - 1) if shift > 0 else 0
    return wrap32(np.asarray(x, dtype=np.int64) * multiplier + rnd) >> shift


def logistic_int16(x, multiplier, shift):
    """int16 LOGISTIC of TFLite's reference kernels and TFLite Micro
    (reference_integer_ops::Logistic): |v| of the rescaled input indexes
    SIGMOID_TABLE_UINT16 with 9 fractional bits of linear interpolation (saturating from
    255*2^9), the result in Q0.15."""
    v = _scale_int16_input(x, multiplier, shift)
    a = np.abs(v) & 0xFFFFFFFF
    h = np.minimum(a >> 9, 254)
    lo, hi = SIGMOID_TABLE_UINT16[h], SIGMOID_TABLE_UINT16[h + 1]
    r = np.where(a >> 9 >= 255, 0x7FFF << 10, (lo << 9) + (a & 0x1ff) * (hi - lo))
    r = np.where(v >= 0, r + (1 << 9), (1 << 25) - r + (1 << 9) - 1) & 0xFFFFFFFF
    return wrap16(r >> 10)


def tanh_int16(x, multiplier, shift):
    """int16 TANH of TFLite's reference kernels and TFLite Micro
    (reference_integer_ops::Tanh): tanh(x) = 2*sigmoid(2x) - 1 from SIGMOID_TABLE_UINT16
    with 8 fractional bits (saturating from 255*2^8), the result in Q0.15."""
    v = _scale_int16_input(x, multiplier, shift)
    a = np.abs(v) & 0xFFFFFFFF
    h = np.minimum(a >> 8, 254)
    lo, hi = SIGMOID_TABLE_UINT16[h], SIGMOID_TABLE_UINT16[h + 1]
    r = wrap32(np.where(a >> 8 >= 255, 0xFFFF << 8, (lo << 8) + (a & 0xff) * (hi - lo)))
    r = wrap32(np.where(v >= 0, r - (1 << 23) + (1 << 7), -r + (1 << 23) + (1 << 7) - 1))
    return wrap16(r >> 8)
