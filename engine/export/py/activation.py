# needs: fixedpoint gemmlowp
def relu_int(x, requant, input_zero_point, output_zero_point, act_min, act_max):
    """Quantized RELU and RELU6 (TFLite's ReluX): RELU rescales,
    MultiplyByQuantizedMultiplier(x - input_zero_point, s_in/s_out) + output_zero_point,
    with requant = (multiplier, shift, rounding); RELU6 (requant None) keeps the stored
    value (input and output share their quantization); then the clamp to the
    activation's quantized range."""
    v = np.asarray(x, dtype=np.int64)
    if requant is not None:
        multiplier, shift, rounding = requant
        v = requantize(wrap32(v - input_zero_point), multiplier, shift, rounding) + output_zero_point
    return np.clip(v, act_min, act_max)


def relu_float(x, relu6):
    """Float RELU / RELU6: x < 0 gives 0, and for RELU6 x > 6 gives 6 (NaN and -0 pass)."""
    x = np.where(x < 0, np.float32(0), x)
    if relu6:
        x = np.where(x > 6, np.float32(6), x)
    return x.astype(np.float32)


def lookup_table(x, table):
    """A 256-entry table lookup, as the browser TFLite computes LOGISTIC (XNNPACK's
    sigmoid table), TANH, ELU and GELU (TFLite's PopulateLookupTable): the table was built
    once, in float32, from the scales when the model was loaded (stored in the .npz as
    int8scope computed it); int8 inputs index it by x + 128, uint8 by x."""
    x = np.asarray(x)
    idx = x.astype(np.int64) + (128 if x.dtype == np.int8 else 0)
    return table[idx]


def sigmoid_int8(x, tanh, input_zero_point, input_multiplier, input_left_shift, input_range_radius, rounding):
    """int8 LOGISTIC and TANH of TFLite's reference kernels and TFLite Micro
    (reference_integer_ops::Logistic, Tanh): d = x - zp_in; d <= -radius gives -128,
    d >= radius gives 127; otherwise d is scaled to Q4.27 by MultiplyByQuantizedMultiplier
    (input_multiplier, input_left_shift), gemmlowp's fixed-point logistic (tanh) gives a
    Q0.31 r, and out = RoundingDivideByPOT(r, 23) - 128 (tanh: RoundingDivideByPOT(r, 24)),
    clamped to int8."""
    d = np.asarray(x, dtype=np.int64) - input_zero_point
    a = requantize(d, input_multiplier, input_left_shift, rounding)
    if tanh:
        v = rounding_divide_by_pot(tanh_q(a, 4), 24)
    else:
        v = rounding_divide_by_pot(logistic_q(a, 4), 23) - 128
    v = np.clip(v, -128, 127)
    return np.where(d <= -input_range_radius, -128, np.where(d >= input_range_radius, 127, v))


def scale_int16_input(x, input_multiplier, input_left_shift):
    """The int16 LOGISTIC/TANH input scaling: (x * M + 2^(shift-1)) >> shift; M = 0 means
    a power-of-two input scale, 3 << shift with no shift."""
    if input_multiplier == 0:
        input_multiplier, input_left_shift = 3 << input_left_shift, 0
    rnd = (1 << (input_left_shift - 1)) if input_left_shift > 0 else 0
    return wrap32((np.asarray(x, dtype=np.int64) * input_multiplier + rnd) >> input_left_shift)


def sigmoid_int16(x, tanh, input_multiplier, input_left_shift, table):
    """int16 LOGISTIC and TANH (reference_integer_ops::Logistic, Tanh): v, the scaled
    input, has |v| index TFLite's 256-entry table of sigmoid(i/24) (sigmoid_table_uint16)
    with 9 (tanh: 8) fractional bits of linear interpolation, saturating at the end; the
    sign restores the other half (tanh(x) = 2 sigmoid(2x) - 1). Q0.15 output."""
    v = scale_int16_input(x, input_multiplier, input_left_shift)
    a_ = np.abs(v)
    table = np.asarray(table, dtype=np.int64)
    frac = 8 if tanh else 9
    h = a_ >> frac
    lo = table[np.minimum(h, 255)]
    hi = table[np.minimum(h + 1, 255)]
    r = (lo << frac) + (a_ & ((1 << frac) - 1)) * (hi - lo)
    if tanh:
        r = np.where(h >= 255, 0xFFFF << 8, r)
        r = np.where(v >= 0, r - (1 << 23) + (1 << 7), -r + (1 << 23) + (1 << 7) - 1)
        return wrap16(r >> 8)
    r = np.where(h >= 255, 0x7FFF << 10, r)
    r = np.where(v >= 0, r + (1 << 9), (1 << 25) - r + (1 << 9) - 1)
    return wrap16(r >> 10)


def sigmoid_float(x, tanh):
    """Float LOGISTIC and TANH (reference_ops): tanh(x) in double rounded to float32;
    logistic 1 above 16.619047, expf(x) below -9, else 1 / (1 + expf(-x)) in float32,
    expf being exp in double rounded to float32 (NumPy's and int8scope's double exp agree
    after that rounding except, in principle, within one double ulp of a tie)."""
    x = np.asarray(x, dtype=np.float32)
    if tanh:
        return np.tanh(x.astype(np.float64)).astype(np.float32)
    expf = lambda v: np.exp(v.astype(np.float64)).astype(np.float32)
    mid = np.float32(1) / (np.float32(1) + expf(-x))
    return np.where(x > np.float32(16.619047164916992188), np.float32(1), np.where(x < np.float32(-9), expf(x), mid)).astype(np.float32)


def leaky_relu_int(x, input_zero_point, output_zero_point, identity, alpha, dtype):
    """Quantized LEAKY_RELU (reference_ops::QuantizeLeakyRelu): d = x - zp_in,
    MultiplyByQuantizedMultiplier(d, s_in/s_out) for d >= 0, else by s_in*alpha/s_out
    (identity, alpha = (multiplier, shift, rounding)), plus zp_out, clamped to the type."""
    lo, hi = type_range(dtype)
    d = np.asarray(x, dtype=np.int64) - input_zero_point
    v = np.where(d >= 0, requantize(d, *identity), requantize(d, *alpha))
    return np.clip(v + output_zero_point, lo, hi)


def leaky_relu_xnnpack(x, input_zero_point, output_zero_point, positive_multiplier, negative_multiplier, dtype):
    """XNNPACK's qs8/qu8-vlrelu: d = x - zp_in times the Q8 multiplier of its side,
    round_half_even(256 * s_in/s_out) or round_half_even(256 * alpha * s_in/s_out),
    (d * m + 128) >> 8 (rounds half up), plus zp_out, clamped to the type."""
    lo, hi = type_range(dtype)
    d = np.asarray(x, dtype=np.int64) - input_zero_point
    m = np.where(d >= 0, positive_multiplier, negative_multiplier)
    return np.clip(((d * m + 128) >> 8) + output_zero_point, lo, hi)


def leaky_relu_float(x, alpha):
    """Float LEAKY_RELU: x > 0 ? x : x * alpha, in float32."""
    return np.where(x > 0, x, x * alpha).astype(np.float32)


def sigmoid_xnnpack(x):
    """Float LOGISTIC under XNNPACK (f32-vsigmoid, wasmsimd rr2-p5-div), float32
    throughout, no fused multiply-add: z = |x|; n = magic + z*(-log2 e) (the magic bias
    rounds), s = 2^n from n's bits shifted left by 23, n -= magic;
    t = (z + n*ln2_hi) + n*ln2_lo; p = c1 + t*(c2 + t*(c3 + t*(c4 + t*c5))) by Horner;
    e = s + (t*s)*p (exp(-z)); f = e / (e + 1), 0 when z > 0x1.5D589Ep+6; the result is
    f for x with its sign bit set, else 1 - f."""
    f = np.float32
    x = np.asarray(x, dtype=np.float32)
    with np.errstate(all="ignore"):
        z = np.abs(x)
        magic = f(float.fromhex("0x1.8000FEp23"))
        n = magic + z * f(float.fromhex("-0x1.715476p+0"))
        s = (n.view(np.uint32) << np.uint32(23)).view(np.float32)
        n = n - magic
        t = z + n * f(float.fromhex("0x1.62E400p-1"))
        t = t + n * f(float.fromhex("0x1.7F7D1Cp-20"))
        p = f(float.fromhex("0x1.573A1Ap-5")) + t * f(float.fromhex("-0x1.0F9F9Cp-7"))
        p = f(float.fromhex("-0x1.555A80p-3")) + t * p
        p = f(float.fromhex("0x1.FFFDC6p-2")) + t * p
        p = f(float.fromhex("-0x1.FFFFF6p-1")) + t * p
        t = t * s
        e = s + t * p
        r = e / (e + f(1))
        r = np.where(z > f(float.fromhex("0x1.5D589Ep+6")), f(0), r)
        return np.where(np.signbit(x), r, f(1) - r).astype(np.float32)
