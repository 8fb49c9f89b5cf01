# needs: fixedpoint
def round_half_away(f):
    """C's roundf / std::round: halves away from zero (in float64, exact for float32 values)."""
    f = np.asarray(f, dtype=np.float64)
    return np.where(f < 0, -np.floor(-f + 0.5), np.floor(f + 0.5))


def float_to_int32(f):
    """C's static_cast<int32_t>(float) on x86-64 (CVTTSS2SI): truncation; NaN and
    values outside the int32 range give INT32_MIN."""
    f = np.asarray(f, dtype=np.float64)
    ok = (f >= -2.0 ** 31) & (f < 2.0 ** 31)
    return np.where(ok, np.trunc(np.where(ok, f, 0)), -2 ** 31).astype(np.int64)


def quantize_float(x, scale, zero_point, qmin, qmax):
    """QUANTIZE from float32 (AffineQuantize): x / scale in float32, rounded half away
    from zero (TfLiteRound), cast to int32, plus the zero point, clamped."""
    q = float_to_int32(round_half_away(x / scale))
    return np.clip(q + zero_point, qmin, qmax)


def requantize_int(x, input_zero_point, multiplier, shift, rounding, output_zero_point, qmin, qmax):
    """QUANTIZE between integer types (Requantize): the offset input times the
    quantized multiplier s_in/s_out, plus the output zero point, clamped."""
    v = wrap32(np.asarray(x, dtype=np.int64) - input_zero_point)
    return np.clip(requantize(v, multiplier, shift, rounding) + output_zero_point, qmin, qmax)


def quantize_float_xnnpack(x, scale, zero_point, dtype):
    """XNNPACK's f32-qs8/qu8-vcvt: x * scale (scale = float32(1/s_out)) in float32,
    rounded half to even, limited to +-2^20, plus the zero point, clamped to the type."""
    lo, hi = type_range(dtype)
    v = np.rint(x * scale).astype(np.float64)
    v = np.clip(v, -(1 << 20), 1 << 20).astype(np.int64)
    return np.clip(v + zero_point, lo, hi)


def requantize_xnnpack(x, input_zero_point, multiplier, output_zero_point, dtype):
    """XNNPACK's qs8/qu8-vcvt: ((x - input_zero_point) * M + 128) >> 8 with the Q8
    multiplier M = round_half_even(256 * s_in / s_out), plus the zero point, clamped."""
    lo, hi = type_range(dtype)
    v = wrap32((np.asarray(x, dtype=np.int64) - input_zero_point) * multiplier + 128) >> 8
    return np.clip(v + output_zero_point, lo, hi)


def dequantize(x, scale, zero_point):
    """DEQUANTIZE: scale * float32(q - zero_point), in float32."""
    return scale * (np.asarray(x, dtype=np.int64) - zero_point).astype(np.float32)


def dequantize_per_channel(x, scales, zero_points, axis):
    """Per-channel DEQUANTIZE: each slice of axis with its own scale and zero point."""
    shape = [1] * x.ndim
    shape[axis] = -1
    d = (np.asarray(x, dtype=np.int64) - zero_points.reshape(shape)).astype(np.float32)
    return scales.reshape(shape) * d
