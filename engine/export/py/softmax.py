# needs: gemmlowp quantize
def softmax_fixedpoint(x, input_multiplier, input_left_shift, diff_min, rounding, out_dtype):
    """Quantized SOFTMAX of TFLite's reference kernels and TFLite Micro
    (reference_ops::Softmax<int8|uint8, T>), along the last axis: for each x with
    d = x - max(row) >= diff_min, d is scaled to Q5.26 by MultiplyByQuantizedMultiplier
    (input_multiplier, input_left_shift: beta * s_in * 2^26), e = exp(d) in Q0.31
    (gemmlowp's exp_on_negative_values), the row sum of e in Q12.19 (wrapping int32),
    its reciprocal by GetReciprocal; out = RoundingDivideByPOT(SRDHM(1/sum, e),
    num_bits_over_unit + 31 - bits(out)) + min(out), clamped; d < diff_min gives
    min(out)."""
    lo, hi = type_range(out_dtype)
    bits = np.iinfo(out_dtype).bits
    x = np.asarray(x, dtype=np.int64)
    d = x - x.max(axis=-1, keepdims=True)
    valid = d >= diff_min
    e = exp_on_negative_values(requantize(d, input_multiplier, input_left_shift, rounding), 5)
    total = wrap32(np.where(valid, rescale(e, 0, 12), 0).sum(axis=-1, keepdims=True))
    recip, num_bits_over_unit = get_reciprocal(total, 12)
    exponent = num_bits_over_unit + 31 - bits
    if (exponent < 0).any() or (exponent > 31).any():
        raise ModelError("softmax: a row's exponent is outside [0, 31] (TFLite's TFLITE_CHECK fails)")
    out = np.clip(rounding_divide_by_pot(srdhm(recip, e), exponent) + lo, lo, hi)
    return np.where(valid, out, lo)


def softmax_table(x, table, scale, zero_point, out_dtype):
    """SOFTMAX of the browser TFLite's builtin kernel (optimized_ops::SoftmaxInt8LUT
    with PopulateSoftmaxLookupTable): table[d] = expf(-s_in * beta * d), built by
    TFLite in float32 in Prepare (stored in the .npz as int8scope computed it); per row
    the float32 sum of table[max - x], added in order, then
    p = table[max - x] * (1 / (sum * s_out)), all float32; int8: roundf(p) + zero_point,
    uint8: (int)(p + 0.5f); clamped to the type."""
    lo, hi = type_range(out_dtype)
    x = np.asarray(x, dtype=np.int64)
    e = table[x.max(axis=-1, keepdims=True) - x]
    total = np.zeros(e.shape[:-1] + (1,), dtype=np.float32)
    for i in range(e.shape[-1]):
        total = total + e[..., i:i + 1]
    p = e * (np.float32(1) / (total * scale))
    p = np.minimum(np.maximum(p, np.float32(-(1 << 20))), np.float32(1 << 20))
    if np.dtype(out_dtype) == np.uint8:
        q = float_to_int32(p + np.float32(0.5))
    else:
        q = float_to_int32(round_half_away(p)) + zero_point
    return np.clip(q, lo, hi)


def softmax_float(x, beta):
    """Float SOFTMAX (reference_ops::Softmax): per row, m = max, e = exp((x - m) * beta)
    with (x - m) * beta in float32 and exp in double rounded to float32 (int8scope's
    math.Exp and NumPy's exp agree after that rounding except, in principle, within one
    double ulp of a float32 rounding boundary), the float32 sum of e in order, e / sum."""
    m = x.max(axis=-1, keepdims=True)
    e = np.exp(((x - m) * beta).astype(np.float64)).astype(np.float32)
    total = np.zeros(e.shape[:-1] + (1,), dtype=np.float32)
    for i in range(e.shape[-1]):
        total = total + e[..., i:i + 1]
    return e / total


def xnn_exp_minus(x):
    """XNNPACK's exp(x) for x <= 0 (rr2-p5), every operation rounded to float32 (no fused
    multiply-add): n = round(x*log2(e)) by the magic-bias trick, s = 2^n from n's bits,
    t = x - n*ln2 in two steps, p a degree-5 polynomial, f = s + (t*s)*p; 0 below the
    denormal cutoff."""
    f32 = lambda h: np.float32(float.fromhex(h))
    magic = f32("0x1.8000FEp23")
    n = magic + x * f32("0x1.715476p+0")
    s = (n.view(np.uint32) << np.uint32(23)).view(np.float32)
    n = n - magic
    t = x + n * f32("-0x1.62E400p-1")
    t = t + n * f32("-0x1.7F7D1Cp-20")
    c1, c2, c3, c4, c5 = (f32(h) for h in ("0x1.FFFFF6p-1", "0x1.FFFDC6p-2", "0x1.555A80p-3", "0x1.573A1Ap-5", "0x1.0F9F9Cp-7"))
    p = c4 + c5 * t
    p = c3 + p * t
    p = c2 + p * t
    p = c1 + p * t
    t = t * s
    f = s + t * p
    return np.where(x < f32("-0x1.5D589Ep6"), np.float32(0), f).astype(np.float32)


def softmax_float_xnnpack(x):
    """Float SOFTMAX (beta 1) under XNNPACK: per row the maximum m, f = xnn_exp_minus(x - m),
    the sum as f32-raddstoreexpminusmax (wasmsimd x16_acc2) adds it: element i of the
    first 4*floor(n/4) into lane i mod 4 in order, (l0 + l2) + (l1 + l3), then the last
    n mod 4 one by one; y = f * float32(1/sum)."""
    f = xnn_exp_minus((x - x.max(axis=-1, keepdims=True)).astype(np.float32))
    depth = f.shape[-1]
    full = depth // 4 * 4
    lanes = [np.zeros(f.shape[:-1] + (1,), dtype=np.float32) for _ in range(4)]
    for i in range(full):
        lanes[i % 4] = lanes[i % 4] + f[..., i:i + 1]
    total = (lanes[0] + lanes[2]) + (lanes[1] + lanes[3])
    for i in range(full, depth):
        total = total + f[..., i:i + 1]
    return f * (np.float32(1) / total)


def softmax_int16(x, input_multiplier, input_left_shift, rounding, exp_lut, reciprocal_lut):
    """int16 SOFTMAX (reference_ops::SoftmaxInt16): per row, d = x - max scaled by
    MultiplyByQuantizedMultiplier so that [-65535, 0] covers [-10, 0], recentered by
    +32767 and read from the exp table; the Q16.15 row sum, normalised by its headroom and
    recentered, is read from the 1/(1+x) table; out = (e * recip + 2^(right-1)) >> right,
    right = 31 - headroom, clamped to [0, 32767]. The two 513-entry tables are TFLite's
    LUTPopulate<int16_t> in float32 (TFLite Micro's Prepare), stored in the .npz as
    int8scope computes them."""
    x = np.asarray(x, dtype=np.int64)
    d = requantize(x - x.max(axis=-1, keepdims=True), input_multiplier, input_left_shift, rounding)
    e = int16_table_lookup(np.clip(d + 32767, -32768, 32767), exp_lut)
    total = wrap32(e.sum(axis=-1, keepdims=True))
    headroom = count_leading_zeros32(total)
    if ((headroom < 1) | (headroom > 30)).any():
        raise ModelError("softmax: a row's sum of exponentials is out of the range TFLite's SoftmaxInt16 handles")
    shifted = wrap32(((total << (headroom - 1)) + (1 << 13)) >> 14)
    recip = int16_table_lookup(np.clip(shifted - ((1 << 15) + (1 << 16)), -32768, 32767), reciprocal_lut)
    right = 31 - headroom
    return np.clip((e * recip + (np.int64(1) << (right - 1))) >> right, 0, 32767)
