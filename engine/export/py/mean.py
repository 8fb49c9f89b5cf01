# needs: fixedpoint output_xnnpack quantize pool
def reduce_sum(x, axes):
    """ReduceSumImpl: per output element, the inputs it reduces added in row-major input
    order (the reduced axes moved last, in the input's axis order whatever the order of
    axes); integers in int64 (the kernels' int32 sums wrap: see wrap32), float32 step by
    step. The result has the kept axes."""
    axes = sorted(set(axes))
    kept = [d for d in range(x.ndim) if d not in axes]
    xs = np.transpose(x, kept + list(axes))
    xs = xs.reshape(xs.shape[:len(kept)] + (-1,))
    if xs.dtype == np.float32:
        total = np.zeros(xs.shape[:-1], dtype=np.float32)
        for k in range(xs.shape[-1]):
            total = total + xs[..., k]
        return total
    return xs.astype(np.int64).sum(axis=-1)


def mean_quantized(x, axes, count, input_zero_point, output_zero_point, multiplier, shift, rounding, dtype):
    """Quantized MEAN of TFLite Micro and TFLite's reference kernels
    (reference_ops::QuantizedMeanOrSum): the int32 sum s of the count inputs,
    MultiplyByQuantizedMultiplier(s - zp_in * count, M', shift') + zp_out clamped to the
    type, where M', shift' fold 1/count into QuantizeMultiplier(s_in/s_out): k =
    min(floor(log2 count), 32, 31 + shift), M' = (M * 2^k) // count, shift' = shift - k."""
    lo, hi = type_range(dtype)
    s = wrap32(reduce_sum(x, axes))
    v = requantize(wrap32(s - input_zero_point * count), multiplier, shift, rounding)
    return np.clip(v + output_zero_point, lo, hi)


def mean_float(x, axes, count):
    """Float MEAN: the float32 sum in input order divided by the count."""
    return reduce_sum(x, axes) / np.float32(count)


def mean_tflite_builtin(x, axes, count, same_quant, scale, bias, output_zero_point, dtype):
    """MEAN of the browser TFLite's older reduce.cc: with the same scale and zero point in
    and out, the int32 sum / count (C division, truncating); otherwise in float32
    round_half_away(float32(sum)/count * scale + bias) + zp_out, clamped
    (scale = s_in/s_out, bias = -zp_in * scale)."""
    lo, hi = type_range(dtype)
    s = wrap32(reduce_sum(x, axes))
    if same_quant:
        return trunc_div(s, count)
    mean = s.astype(np.float32) / np.float32(count)
    v = round_half_away(mean * scale + bias).astype(np.float32) + np.float32(output_zero_point)
    return np.clip(v, lo, hi).astype(np.int64)


def mean_xnnpack(x, axes, bias, scale, zero_point, dtype):
    """MEAN under XNNPACK (global average pooling over H and W, or W only): the int32
    sum plus bias = -count * zp_in, requantized in float32 by
    scale = float32(s_in / (s_out * count)) (output_xnnpack)."""
    lo, hi = type_range(dtype)
    return output_xnnpack(wrap32(bias + wrap32(reduce_sum(x, axes))), scale, zero_point, lo, hi)


def mean_optimized(x, multiplier, shift, bias, dtype):
    """The browser TFLite's optimized 4-D MEAN over H and W (optimized_integer_ops::Mean):
    MultiplyByQuantizedMultiplier(sum of raw inputs, QuantizeMultiplier(s_in/(H*W*s_out))),
    double rounding, plus bias = zp_out - round_half_away(zp_in * s_in/s_out) (float32),
    clamped to the type."""
    lo, hi = type_range(dtype)
    s = wrap32(reduce_sum(x, (1, 2)))
    return np.clip(multiply_by_quantized_multiplier(s, multiplier, shift) + bias, lo, hi)


def mean_float_xnnpack(x, pixels, scale, out_shape):
    """Float MEAN under XNNPACK (global average pooling over H and W, or W only, as
    f32-gavgpool): per (batch, channel) the pixels summed seven at a time
    (gavgpool_sum), times scale = float32(1/pixels); no clamp."""
    x = np.asarray(x, dtype=np.float32)
    return (gavgpool_sum(x.reshape(-1, pixels, x.shape[-1])) * np.float32(scale)).reshape(out_shape)
