# needs: quantize conv
def quantize_rows(x, asymmetric):
    """TFLite's on-the-fly quantization of each float32 row of a hybrid op
    (tensor_utils::SymmetricQuantizeFloats / AsymmetricQuantizeFloats). Symmetric:
    range = max(|min|, |max|), q = round(x * float32(127/range)) clamped to +-127,
    scale = range/127, zero point 0. Asymmetric: the range [min(0, min), max(0, max)]
    over 255 steps in double, the zero point nudged into [-128, 127] (rounded half away),
    q = round(zp + x * (1/scale)) clamped. An all-zero range gives scale 1, zero point 0,
    q = 0. Returns q (int64), scale (float32) and zero point (int64), per row."""
    mn = x.min(axis=-1, keepdims=True)
    mx = x.max(axis=-1, keepdims=True)
    if not asymmetric:
        rng = np.where(np.abs(mn) < np.abs(mx), np.abs(mx), np.abs(mn)).astype(np.float32)
        empty = rng == 0
        rng = np.where(empty, np.float32(1), rng)
        q = np.clip(float_to_int32(round_half_away(x * (np.float32(127) / rng))), -127, 127)
        scale = np.where(empty, np.float32(1), rng / np.float32(127)).astype(np.float32)
        return np.where(empty, 0, q), scale, np.zeros(scale.shape, dtype=np.int64)
    rmin = np.where(mn >= 0, 0.0, np.minimum(mn, np.float32(0)).astype(np.float64))
    rmax = np.where(mx <= 0, 0.0, np.maximum(mx, np.float32(0)).astype(np.float64))
    empty = rmin == rmax
    s = np.where(empty, 1.0, (rmax - rmin) / 255)
    from_min, from_max = -128 - rmin / s, 127 - rmax / s
    z = np.where(128 + np.abs(rmin / s) < 127 + np.abs(rmax / s), from_min, from_max)
    zp = np.where(z <= -128, -128, np.where(z >= 127, 127, round_half_away(z))).astype(np.int64)
    scale = s.astype(np.float32)
    q = np.clip(float_to_int32(round_half_away(zp.astype(np.float32) + x * (np.float32(1) / scale))), -128, 127)
    zp = np.where(empty, 0, zp)
    return np.where(empty, 0, q), np.where(empty, np.float32(1), scale).astype(np.float32), zp


def hybrid_activation(x, activation):
    """TFLite's ApplyActivationToVector: RELU is 0 < x ? x : 0 (NaN and -0 become 0);
    RELU6 and RELU_N1_TO_1 clamp as std::max(lo, std::min(x, hi))."""
    if activation == "relu":
        return np.where(np.float32(0) < x, x, np.float32(0)).astype(np.float32)
    if activation in ("relu6", "relu_n1_to_1"):
        lo, hi = (np.float32(0), np.float32(6)) if activation == "relu6" else (np.float32(-1), np.float32(1))
        x = np.where(hi < x, hi, x)
        return np.where(lo < x, x, lo).astype(np.float32)
    return x


def fully_connected_hybrid(x, w, bias, filter_scale, asymmetric, activation):
    """Hybrid (dynamic-range) FULLY_CONNECTED (fully_connected.cc EvalHybrid, portable
    tensor_utils): each input row quantized on the fly (quantize_rows), the int32 dot
    product sum_d (q[d] - zp) * w[c, d], out = bias[c] + float32(dot) * (row scale *
    filter scale), all float32, then the activation. An all-zero input skips the product:
    the output is the bias. Returns the output and the int32 dot products."""
    depth = w.shape[1]
    xs = x.reshape(-1, depth)
    q, scale, zp = quantize_rows(xs, asymmetric)
    dot = wrap32((q - zp) @ w.astype(np.int64).T)
    out = np.zeros(dot.shape, dtype=np.float32) + (bias if bias is not None else np.float32(0))
    if (xs != 0).any():
        out = out + dot.astype(np.float32) * (scale * filter_scale)
    return hybrid_activation(out.astype(np.float32), activation)


def conv_hybrid(x, w, bias, depthwise, per_channel, filter_scale, scales, stride, dilation, pad, out_hw, act_min, act_max):
    """Hybrid (dynamic-range) CONV_2D and DEPTHWISE_CONV_2D (TFLite's HybridConv,
    HybridConvPerChannel, DepthwiseConvHybridPerChannel): each batch image quantized on
    the fly as a whole (quantize_rows; asymmetric for a per-channel filter),
    acc = sum over the taps inside the input of w * (q - z_b) in int32 (as the integer
    convolution, conv2d_acc), then in float32
    per tensor:              float32(acc) * (s_b * filter_scale)
    per channel (CONV_2D):   float32(acc) * (scales[c] * s_b)
    per channel (depthwise): (float32(acc) * s_b) * scales[c]
    plus bias[c] (if any), clamped to [act_min, act_max]."""
    n = x.shape[0]
    q, s, zp = quantize_rows(np.asarray(x, dtype=np.float32).reshape(n, -1), per_channel)
    q = q.reshape(x.shape) - zp.reshape(n, 1, 1, 1)
    acc_fn = depthwise_conv2d_acc if depthwise else conv2d_acc
    acc = acc_fn(q, w, None, 0, 0, stride, dilation, pad, out_hw)
    f = acc.astype(np.float32)
    sb = s.reshape(n, 1, 1, 1)
    with np.errstate(all="ignore"):
        if per_channel and depthwise:
            v = (f * sb).astype(np.float32) * scales
        elif per_channel:
            v = f * (scales * sb).astype(np.float32)
        else:
            v = f * (sb * np.float32(filter_scale)).astype(np.float32)
        v = v.astype(np.float32)
        if bias is not None:
            v = (v + bias).astype(np.float32)
    return clamp_float(v, act_min, act_max)
