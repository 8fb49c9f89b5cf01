# needs: fixedpoint
def saturating_rounding_multiply_by_pot(x, exponent):
    """gemmlowp's SaturatingRoundingMultiplyByPOT<exponent>: x * 2^exponent, saturating
    to int32 for exponent > 0, rounding like RoundingDivideByPOT for exponent < 0."""
    x = np.asarray(x, dtype=np.int64)
    if exponent == 0:
        return x
    if exponent < 0:
        return rounding_divide_by_pot(x, -exponent)
    threshold = (1 << (31 - exponent)) - 1
    return np.where(x > threshold, (1 << 31) - 1, np.where(x < -threshold, -(1 << 31), x << exponent))


def rescale(x, src_integer_bits, dst_integer_bits):
    """gemmlowp's Rescale: a fixed-point value from Q(src) to Q(dst) integer bits."""
    return saturating_rounding_multiply_by_pot(x, src_integer_bits - dst_integer_bits)


def exp_on_interval_between_negative_one_quarter_and_0_excl(a):
    """gemmlowp: exp(a) for Q0.31 a in [-1/4, 0), by the Taylor expansion around -1/8."""
    exp_minus_one_eighth, one_third = 1895147668, 715827883
    x = a + (1 << 28)
    x2 = srdhm(x, x)
    x3 = srdhm(x2, x)
    x4 = srdhm(x2, x2)
    x4_over_4 = rounding_divide_by_pot(x4, 2)
    poly = rounding_divide_by_pot(srdhm(x4_over_4 + x3, one_third) + x2, 1)
    return exp_minus_one_eighth + srdhm(exp_minus_one_eighth, x + poly)


def exp_on_negative_values(a, integer_bits):
    """gemmlowp's exp_on_negative_values: exp(a) for a <= 0 in Q(integer_bits), as Q0.31:
    exp of (a mod 1/4) - 1/4 by the Taylor expansion, times exp(-2^k) for each set bit k
    of the rest (the barrel shifter); a < -32 gives 0, a = 0 gives the saturated 1."""
    a = np.asarray(a, dtype=np.int64)
    frac_bits = 31 - integer_bits
    quarter = 1 << (frac_bits - 2)
    a_mod_quarter_minus_quarter = (a & (quarter - 1)) - quarter
    result = exp_on_interval_between_negative_one_quarter_and_0_excl(
        rescale(a_mod_quarter_minus_quarter, integer_bits, 0))
    remainder = a_mod_quarter_minus_quarter - a
    barrel = [1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242]  # exp(-2^k), k = -2..4
    for i, m in enumerate(barrel):
        k = i - 2
        if integer_bits > k:
            result = np.where(remainder & (1 << (frac_bits + k)) != 0, srdhm(result, m), result)
    if integer_bits > 5:
        result = np.where(a < -(1 << (36 - integer_bits)), 0, result)
    return np.where(a == 0, (1 << 31) - 1, result)


def rounding_half_sum(a, b):
    """gemmlowp's RoundingHalfSum: (a + b) / 2 rounded half away from zero."""
    s = np.asarray(a, dtype=np.int64) + b
    return np.where(s >= 0, (s + 1) // 2, -((-s + 1) // 2))


def reciprocal_q2(d):
    """1/d in Q2.29 for a Q0.31 d in [1/2, 1): gemmlowp's three Newton-Raphson steps
    from 48/17 - 32/17 * d."""
    x = 1515870810 + srdhm(d, -1010580540)
    for _ in range(3):
        x = wrap32(x + rescale(srdhm(x, (1 << 29) - srdhm(d, x)), 4, 2))
    return x


def one_over_one_plus_x_for_x_in_0_1(a):
    """gemmlowp: 1/(1+a) for Q0.31 a in [0, 1): 1/((1+a)/2) in Q2.29, halved."""
    return rescale(reciprocal_q2(rounding_half_sum(a, (1 << 31) - 1)), 1, 0)


def one_minus_x_over_one_plus_x_for_x_in_0_1(a):
    """gemmlowp: (1-a)/(1+a) for Q0.31 a in [0, 1), in Q0.31."""
    return rescale(reciprocal_q2(rounding_half_sum(a, (1 << 31) - 1)) - (1 << 29), 2, 0)


def logistic_q(a, integer_bits):
    """gemmlowp's logistic: 1/(1+exp(-a)) for a in Q(integer_bits), as Q0.31:
    1/(1+exp(-|a|)) for a > 0, 1 - that for a < 0, exactly 1/2 at 0."""
    a = np.asarray(a, dtype=np.int64)
    r = one_over_one_plus_x_for_x_in_0_1(exp_on_negative_values(-np.abs(a), integer_bits))
    return np.where(a == 0, 1 << 30, np.where(a > 0, r, ((1 << 31) - 1) - r))


def tanh_q(a, integer_bits):
    """gemmlowp's tanh: (1 - exp(-2|a|)) / (1 + exp(-2|a|)) for a in Q(integer_bits),
    as Q0.31 (exp of -|a| read as Q(integer_bits + 1)), with a's sign; 0 at 0."""
    a = np.asarray(a, dtype=np.int64)
    t = one_minus_x_over_one_plus_x_for_x_in_0_1(exp_on_negative_values(-np.abs(a), integer_bits + 1))
    return np.where(a == 0, 0, np.where(a < 0, -t, t))


def get_reciprocal(x, x_integer_digits):
    """TFLite's GetReciprocal: 1/x for x > 0 in Q(x_integer_digits) as a Q0.31 value and
    num_bits_over_unit: x normalised to 1 + s, s in [0, 1), and 1/(1+s)."""
    x = np.asarray(x, dtype=np.int64)
    ux = x & 0xFFFFFFFF
    headroom_plus_one = count_leading_zeros32(ux)
    num_bits_over_unit = x_integer_digits - headroom_plus_one
    shifted = ((ux << headroom_plus_one) & 0xFFFFFFFF) - (1 << 31)
    return one_over_one_plus_x_for_x_in_0_1(wrap32(shifted)), num_bits_over_unit
