# needs: libm gemmlowp fixedpoint
def log_softmax_float(x):
    """Float LOG_SOFTMAX (TFLite's optimized_ops::LogSoftmax, TFLite Micro's
    log_softmax.cc) along the last axis, in float32: m = max of the row (std::max from
    -FLT_MAX, so NaNs are skipped), sum = sum of expf(x_j - m) added in order,
    out = (x - m) - logf(sum), expf and logf being musl's (py libm)."""
    x = np.asarray(x, dtype=np.float32)
    depth = x.shape[-1]
    if depth == 0 or x.size == 0:
        return x
    rows = x.reshape(-1, depth)
    with np.errstate(all="ignore"):
        m = np.full(rows.shape[0], -np.finfo(np.float32).max, dtype=np.float32)
        for j in range(depth):
            m = np.where(m < rows[:, j], rows[:, j], m)
        e = musl_expf(rows - m[:, None])
        s = np.zeros(rows.shape[0], dtype=np.float32)
        for j in range(depth):
            s = (s + e[:, j]).astype(np.float32)
        return ((rows - m[:, None]) - musl_logf(s)[:, None]).astype(np.float32).reshape(x.shape)


def _srmpot_nonneg(x, exponent):
    """TFLite's SaturatingRoundingMultiplyByPOTParam for exponents >= 0 (arrays): x * 2^e
    saturated to int32."""
    x = np.asarray(x, dtype=np.int64)
    e = np.asarray(exponent, dtype=np.int64)
    threshold = (np.int64(1) << (31 - e)) - 1
    return np.where(x > threshold, (1 << 31) - 1, np.where(x < -threshold, -(1 << 31), x << e))


def _saturate32(x):
    return np.clip(x, -(1 << 31), (1 << 31) - 1)


def log_x_for_x_greater_than_or_equal_to_1(x, output_integer_bits, input_integer_bits):
    """TFLite's log_x_for_x_greater_than_or_equal_to_1 (internal/common.h): ln x for x in
    Q(input_integer_bits), in Q(output_integer_bits). x = 2^z * r with r normalised into
    [sqrt(1/2), 1) two ways (from x's headroom and from x*sqrt(1/2)'s), the smaller r
    kept; ln x = z*ln2 + num/(1 + (denom - 1)) with q = 2(r - 2^-1/4),
    p = (r + 2^-1/4)/2, num = q*r + q*q^2*alpha_n,
    denom - 1 = p*(alpha_i + q + alpha_d*q^2) + alpha_f*q, the reciprocal by gemmlowp's
    one_over_one_plus_x_for_x_in_0_1; products are SRDHM, sums wrap as int32, the sum
    is accumulated with one extra integer bit."""
    accum = output_integer_bits + 1
    sqrt_half, sqrt_sqrt_half = 1518500250, 1805811301
    shifted_quarter = rescale(536870912, 0, accum)
    za = np.asarray(x, dtype=np.int64)
    za_headroom_plus_1 = count_leading_zeros32(za)
    ra_tmp = _srmpot_nonneg(za, za_headroom_plus_1 - 1)
    ra = _srmpot_nonneg(srdhm(ra_tmp, sqrt_half), 1)
    za_adj = _saturate32(_srmpot_nonneg(input_integer_bits - za_headroom_plus_1, 31 - accum) + shifted_quarter)
    zb = srdhm(za, sqrt_half)
    zb_headroom = count_leading_zeros32(zb) - 1
    rb = _srmpot_nonneg(za, zb_headroom)
    zb_adj = _saturate32(_srmpot_nonneg(input_integer_bits - zb_headroom, 31 - accum) - shifted_quarter)
    r = np.minimum(ra, rb)
    z_adj = np.maximum(za_adj, zb_adj)
    p = rounding_half_sum(r, sqrt_sqrt_half)
    q = wrap32(r - sqrt_sqrt_half)
    q = wrap32(q + q)
    common_sq = srdhm(q, q)
    num = wrap32(srdhm(q, r) + srdhm(srdhm(q, common_sq), 117049297))
    denom_minus_one = wrap32(srdhm(p, wrap32(wrap32(1057819769 + q) + srdhm(127690142, common_sq)))
                             + srdhm(638450708, q))
    recip = one_over_one_plus_x_for_x_in_0_1(denom_minus_one)
    num_scaled = rescale(num, 0, accum)
    return rescale(wrap32(srdhm(z_adj, 1488522236) + srdhm(num_scaled, recip)), accum, output_integer_bits)


def log_softmax_fixedpoint(x, input_multiplier, input_left_shift, reverse_scaling_divisor,
                           reverse_scaling_right_shift, diff_min, rounding, qmin=-128, qmax=127):
    """int8 LOG_SOFTMAX of TFLite's reference kernels and TFLite Micro
    (reference_integer_ops::LogSoftmax), and uint8 of TFLite's reference_ops::LogSoftmax
    (the same arithmetic with qmin 0, qmax 255), along the last axis: d = x - max(row);
    d5 = MultiplyByQuantizedMultiplier(d) in Q5.26; sum = sum of Rescale<12>(exp(d5))
    over d >= diff_min (Q12.19, wrapping); L = log(sum) in Q5.26; threshold
    max(diff_min - 1, MultiplyByQuantizedMultiplier(L + INT32_MIN, reverse divisor,
    -reverse shift)); out = clamp(RoundingDivideByPOT(d5 - L, 22) + qmax, qmin, qmax)
    for d above the threshold, else qmin (the output zero point is qmax)."""
    x = np.asarray(x, dtype=np.int64)
    d = x - x.max(axis=-1, keepdims=True)
    d5 = requantize(d, input_multiplier, input_left_shift, rounding)
    e = rescale(exp_on_negative_values(d5, 5), 0, 12)
    total = wrap32(np.where(d >= diff_min, e, 0).sum(axis=-1, keepdims=True))
    log_sum = log_x_for_x_greater_than_or_equal_to_1(total, 5, 12)
    adjusted = np.maximum(diff_min - 1, requantize(wrap32(log_sum - (1 << 31)), reverse_scaling_divisor,
                                                   -reverse_scaling_right_shift, rounding))
    out = np.clip(rounding_divide_by_pot(wrap32(d5 - log_sum), 22) + qmax, qmin, qmax)
    return np.where(d > adjusted, out, qmin)


def log_softmax_table(x, table, input_scale, scale, zero_point, qmin=-128, qmax=127):
    """int8 and uint8 LOG_SOFTMAX of the browser TFLite's builtin kernel (optimized_ops::LogSoftmax
    with PopulateSoftmaxLookupTable, beta 1): table[d] = expf(-s_in * d) (float32, stored
    in the .npz as int8scope computed it); per row the float32 sum of table[max - x] in
    order, pre = (s_in * max + logf(sum)) / s_out, out = rintf((s_in / s_out) * x - pre)
    + zero_point (half to even), clamped to [qmin, qmax]; all float32, musl's logf."""
    x = np.asarray(x, dtype=np.int64)
    mx = x.max(axis=-1, keepdims=True)
    e = table[mx - x]
    total = np.zeros(e.shape[:-1] + (1,), dtype=np.float32)
    for i in range(e.shape[-1]):
        total = total + e[..., i:i + 1]
    s_in, s_out = np.float32(input_scale), np.float32(scale)
    with np.errstate(all="ignore"):
        pre = (s_in * mx.astype(np.float32) + musl_logf(total)) / s_out
        log_prob = (s_in / s_out) * x.astype(np.float32) - pre
    r = np.clip(np.rint(log_prob), np.float32(-(1 << 20)), np.float32(1 << 20))
    return np.clip(r.astype(np.int64) + zero_point, qmin, qmax)
