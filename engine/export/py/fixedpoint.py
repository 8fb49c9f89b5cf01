def srdhm(a, b):
    """gemmlowp's SaturatingRoundingDoublingHighMul: a*b / 2^31 for int32 a, b, rounded
    to nearest (the nudge 2^30, or 1 - 2^30 below zero, then C's truncating division);
    MinInt32 * MinInt32 saturates to MaxInt32."""
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    ab = a * b
    nudge = np.where(ab >= 0, 1 << 30, 1 - (1 << 30))
    r = trunc_div(ab + nudge, 1 << 31)
    return np.where((a == -(1 << 31)) & (b == -(1 << 31)), (1 << 31) - 1, r)


def rounding_divide_by_pot(x, exponent):
    """gemmlowp's RoundingDivideByPOT: x / 2^exponent rounded half away from zero."""
    x = np.asarray(x, dtype=np.int64)
    exponent = np.asarray(exponent, dtype=np.int64)
    mask = (np.int64(1) << exponent) - 1
    remainder = x & mask
    threshold = (mask >> 1) + (x < 0)
    return (x >> exponent) + (remainder > threshold)


def multiply_by_quantized_multiplier(x, multiplier, shift):
    """TFLite's MultiplyByQuantizedMultiplier, double rounding (reference kernels,
    TFLite Micro): SRDHM(x * 2^left, M), then RoundingDivideByPOT by right, where
    left = max(shift, 0), right = max(-shift, 0). x is an int32 value; x * 2^left wraps
    like C's int32."""
    shift = np.asarray(shift, dtype=np.int64)
    left = np.maximum(shift, 0)
    right = np.maximum(-shift, 0)
    return rounding_divide_by_pot(srdhm(wrap32(np.asarray(x, dtype=np.int64) << left), multiplier), right)


def multiply_by_quantized_multiplier_single(x, multiplier, shift):
    """TFLite's MultiplyByQuantizedMultiplier under TFLITE_SINGLE_ROUNDING (and ruy):
    (x * M + 2^(30 - shift)) >> (31 - shift), in int64, truncated to int32."""
    shift = np.asarray(shift, dtype=np.int64)
    total = 31 - shift
    x = np.asarray(x, dtype=np.int64) * np.asarray(multiplier, dtype=np.int64)
    return wrap32((x + (np.int64(1) << (total - 1))) >> total)


def requantize(x, multiplier, shift, rounding):
    """MultiplyByQuantizedMultiplier with the build's rounding ("double" or "single")."""
    if rounding == "single":
        return multiply_by_quantized_multiplier_single(x, multiplier, shift)
    return multiply_by_quantized_multiplier(x, multiplier, shift)


def count_leading_zeros32(x):
    """The number of leading zero bits of the uint32 x (32 for 0)."""
    ux = np.asarray(x, dtype=np.int64) & 0xFFFFFFFF
    n = np.zeros_like(ux)
    for b in range(31, -1, -1):
        n = np.where(ux < (1 << b), 32 - b, n)
    return np.where(ux == 0, 32, n)


def wrap16(x):
    """x wrapped to int16 as C's int16_t conversion does, kept in int64."""
    return np.asarray(x, dtype=np.int64).astype(np.int16).astype(np.int64)


def int16_table_lookup(value, lut):
    """TFLite's generic_int16_table_lookup (LUTLookup<int16_t>) in a 513-entry table: the
    top 9 bits of value pick the segment lut[256 + value >> 7], the low 7 bits
    interpolate toward the next entry, base + (slope * (value & 0x7f) + 64) >> 7, the
    slope wrapped to int16."""
    v = np.asarray(value, dtype=np.int64)
    lut = np.asarray(lut, dtype=np.int64)
    index = 256 + (v >> 7)
    slope = wrap16(lut[index + 1] - lut[index])
    return wrap16(lut[index] + ((slope * (v & 0x7F) + 64) >> 7))
