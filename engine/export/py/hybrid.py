# needs: quantize conv
def _minmax_element(x):
    """std::minmax_element over each row of x (float32), with its NaN behaviour: the
    minimum keeps the first element unless a later one is smaller (a NaN first element
    stays); the maximum takes every element that is not smaller than it, so a NaN
    replaces it and the next element replaces the NaN."""
    n = x.shape[1]
    first = x[:, 0]
    rest_min = np.fmin.reduce(x[:, 1:], axis=1, initial=np.inf) if n > 1 else np.full(x.shape[0], np.inf, np.float32)
    mn = np.where(np.isnan(first), first, np.where(rest_min < first, rest_min, first)).astype(np.float32)
    idx = np.arange(n)
    last_nan = np.max(np.where(np.isnan(x), idx, -1), axis=1)
    after = idx[None, :] > last_nan[:, None]
    mx = np.max(np.where(after, x, -np.inf), axis=1).astype(np.float32)
    mx = np.where(last_nan == n - 1, np.float32(np.nan), mx)
    return mn, mx


def quantize_rows(x, asymmetric):
    """TFLite's on-the-fly quantization of each row of a float32 [rows, n] array
    (tensor_utils::SymmetricQuantizeFloats, AsymmetricQuantizeFloats). Symmetric:
    range = max(|min|, |max|), q = clamp(round(x * (127/range)), -127, 127), scale
    range/127, zero point 0. Asymmetric: [min(0, min), max(0, max)] over 255 steps in
    double, the zero point nudged into [-128, 127] and rounded,
    q = clamp(round(zp + x * (1/scale)), -128, 127). A row whose range is empty gets
    zeros, scale 1, zero point 0. Returns (q int64 [rows, n], scale float32 [rows],
    zero point int64 [rows])."""
    x = np.asarray(x, dtype=np.float32)
    rows, n = x.shape
    q = np.zeros(x.shape, dtype=np.int64)
    scale = np.ones(rows, dtype=np.float32)
    zp = np.zeros(rows, dtype=np.int64)
    if n == 0:
        return q, scale, zp
    mn, mx = _minmax_element(x)
    with np.errstate(all="ignore"):
        if not asymmetric:
            a, b = np.abs(mn), np.abs(mx)
            rng = np.where(a < b, b, a).astype(np.float32)
            inv = (np.float32(127) / rng).astype(np.float32)
            v = float_to_int32(round_half_away((x * inv[:, None]).astype(np.float32)))
            ok = rng != 0
            q = np.where(ok[:, None], np.clip(v, -127, 127), 0)
            return q, np.where(ok, (rng / np.float32(127)).astype(np.float32), np.float32(1)), zp
        rmin = np.where(mn >= 0, 0.0, np.where(np.isnan(mn), mn, np.minimum(mn, 0))).astype(np.float64)
        rmax = np.where(mx <= 0, 0.0, np.where(np.isnan(mx), mx, np.maximum(mx, 0))).astype(np.float64)
        s = (rmax - rmin) / 255.0
        from_min, from_max = -128 - rmin / s, 127 - rmax / s
        z = np.where(128 + np.abs(rmin / s) < 127 + np.abs(rmax / s), from_min, from_max)
        zpv = np.where(z <= -128, -128, np.where(z >= 127, 127, float_to_int32(round_half_away(np.where(np.isnan(z), 0, z)))))
        zpv = np.where(np.isnan(z), float_to_int32(z), zpv)  # Go's int32(NaN) on x86-64
        sc = s.astype(np.float32)
        inv = (np.float32(1) / sc).astype(np.float32)
        v = float_to_int32(round_half_away((zpv.astype(np.float32)[:, None] + (x * inv[:, None]).astype(np.float32)).astype(np.float32)))
        ok = rmin != rmax
        q = np.where(ok[:, None], np.clip(v, -128, 127), 0)
        return q, np.where(ok, sc, np.float32(1)), np.where(ok, zpv, 0)


def hybrid_activation(x, activation):
    """TFLite's tensor_utils::ApplyActivationToVector: RELU is std::max(0, x) (NaN and -0
    become 0), RELU6 and RELU_N1_TO_1 std::max(lo, std::min(x, hi))."""
    x = np.asarray(x, dtype=np.float32)
    if activation == "relu":
        return np.where(np.float32(0) < x, x, np.float32(0)).astype(np.float32)
    if activation in ("relu6", "relu_n1_to_1"):
        lo, hi = (np.float32(0), np.float32(6)) if activation == "relu6" else (np.float32(-1), np.float32(1))
        x = np.where(hi < x, hi, x)
        return np.where(lo < x, x, lo).astype(np.float32)
    return x


def fully_connected_hybrid(x, w, bias, filter_scale, asymmetric, activation):
    """Hybrid (dynamic-range) FULLY_CONNECTED (TFLite's EvalHybrid with tensor_utils'
    portable kernels): each batch row b of the float32 input quantized on the fly
    (quantize_rows), dot = sum_d q[d]*w[c, d] - z_b * sum_d w[c, d] in int32 (wraps),
    out = act(bias[c] + float32(dot) * (s_b * filter_scale)) in float32. A whole input
    of zeros skips the product: out = act(bias)."""
    depth = w.shape[1]
    xs = np.asarray(x, dtype=np.float32).reshape(-1, depth)
    out = np.zeros((xs.shape[0], w.shape[0]), dtype=np.float32)
    if bias is not None:
        out = out + bias
    if (xs != 0).any():
        q, s, zp = quantize_rows(xs, asymmetric)
        wi = w.astype(np.int64)
        dot = wrap32(wrap32(q @ wi.T) - wrap32(zp[:, None] * wi.sum(axis=1)[None, :]))
        scale = (s * np.float32(filter_scale)).astype(np.float32)
        with np.errstate(all="ignore"):
            out = (out + (dot.astype(np.float32) * scale[:, None]).astype(np.float32)).astype(np.float32)
    return hybrid_activation(out, activation)


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
    q = q.reshape(x.shape) - zp[:, None, None, None]
    acc_fn = depthwise_conv2d_acc if depthwise else conv2d_acc
    acc = acc_fn(q, w, None, 0, 0, stride, dilation, pad, out_hw)
    f = acc.astype(np.float32)
    sb = s[:, None, None, None]
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
