# needs: fixedpoint
def prelu_int(x, alpha, input_zero_point, alpha_zero_point, output_zero_point, identity, alpha_requant):
    """Quantized PRELU (reference/prelu.h BroadcastPrelu4DSlow; alpha broadcasts against
    the input as NumPy does): for d = x - input_zero_point,
    d >= 0: out = clamp(MultiplyByQuantizedMultiplier(d, identity) + output_zero_point)
    d < 0:  out = clamp(MultiplyByQuantizedMultiplier(d * (alpha - alpha_zero_point),
                        alpha_requant) + output_zero_point)
    identity = s_in/s_out and alpha_requant = s_in*s_alpha/s_out as (multiplier, shift,
    rounding), the real multipliers in double (TFLite Micro) or float32 (TFLite's
    builtin kernel)."""
    x = np.asarray(x)
    lo, hi = type_range(x.dtype)
    d = x.astype(np.int64) - input_zero_point
    a = np.asarray(alpha, dtype=np.int64) - alpha_zero_point
    d, a = np.broadcast_arrays(d, a)
    v = np.where(d >= 0, requantize(d, *identity), requantize(wrap32(d * a), *alpha_requant))
    return np.clip(v + output_zero_point, lo, hi)


def prelu_float(x, alpha):
    """Float PRELU: x >= 0 ? x : x * alpha, in float32 (alpha broadcasts; the XNNPACK
    delegate's f32-prelu computes the same products)."""
    x = np.asarray(x, dtype=np.float32)
    with np.errstate(all="ignore"):
        x, a = np.broadcast_arrays(x, np.asarray(alpha, dtype=np.float32))
        return np.where(x >= 0, x, x * a).astype(np.float32)
