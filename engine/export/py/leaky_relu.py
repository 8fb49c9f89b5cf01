# needs: fixedpoint
def leaky_relu_int(x, input_zero_point, output_zero_point, identity, alpha):
    """Quantized LEAKY_RELU (TFLite Micro's leaky_relu, reference/leaky_relu.h
    QuantizeLeakyRelu): for d = x - input_zero_point,
    out = clamp(MultiplyByQuantizedMultiplier(d, identity if d >= 0 else alpha)
                + output_zero_point)
    with identity = s_in/s_out and alpha = s_in*alpha/s_out, each (multiplier, shift,
    rounding), the real multipliers computed in float32."""
    x = np.asarray(x)
    lo, hi = type_range(x.dtype)
    d = x.astype(np.int64) - input_zero_point
    v = np.where(d >= 0, requantize(d, *identity), requantize(d, *alpha))
    return np.clip(v + output_zero_point, lo, hi)


def leaky_relu_xnnpack(x, input_zero_point, output_zero_point, positive_multiplier, negative_multiplier):
    """XNNPACK's qs8/qu8-vlrelu: Q8 fixed-point multipliers per sign, rounded half up:
    d = x - input_zero_point; out = clamp(((d * M + 128) >> 8) + output_zero_point) with
    M = round_half_even(256 * s_in/s_out) for d >= 0, round_half_even(256 * s_in/s_out * alpha)
    below, in float32."""
    x = np.asarray(x)
    lo, hi = type_range(x.dtype)
    d = x.astype(np.int64) - input_zero_point
    m = np.where(d >= 0, positive_multiplier, negative_multiplier)
    return np.clip(((d * m + 128) >> 8) + output_zero_point, lo, hi)


def leaky_relu_float(x, alpha):
    """Float LEAKY_RELU: x > 0 ? x : x * alpha, in float32."""
    x = np.asarray(x, dtype=np.float32)
    with np.errstate(all="ignore"):
        return np.where(x > 0, x, x * alpha).astype(np.float32)
