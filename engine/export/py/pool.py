# needs: window
def pool2d_int(x, max_pool, filter_hw, stride, pad, out_hw, act_min, act_max):
    """AVERAGE_POOL_2D and MAX_POOL_2D on integers (reference_integer_ops): over the n
    window taps inside the input, max: the largest value; average: s = the sum,
    (s + n/2) / n if s > 0 else (s - n/2) / n with C's truncating division. Clamped to
    [act_min, act_max]. Input and output share their quantization."""
    n, h, w, ch = x.shape
    lowest = np.iinfo(x.dtype).min
    acc = np.zeros((n, out_hw[0], out_hw[1], ch), dtype=np.int64)
    best = np.full(acc.shape, lowest, dtype=np.int64)
    count = np.zeros((1, out_hw[0], out_hw[1], 1), dtype=np.int64)
    for _, _, patch, inside in window_taps(x.astype(np.int64), filter_hw, stride, (1, 1), pad, out_hw, 0):
        acc += np.where(inside, patch, 0)
        best = np.where(inside, np.maximum(best, patch), best)
        count += inside
    if max_pool:
        out = best
    else:
        if (count == 0).any():
            raise ModelError("a pooling window lies entirely outside the input")
        half = count // 2
        out = np.where(acc > 0, trunc_div_by(acc + half, count), trunc_div_by(acc - half, count))
    return np.clip(out, act_min, act_max)


def trunc_div_by(n, d):
    """C's n / d for arrays, truncating toward zero (d > 0)."""
    q = np.abs(n) // d
    return np.where(n < 0, -q, q)


def pool2d_float(x, max_pool, filter_hw, stride, pad, out_hw, act_min, act_max):
    """Float AVERAGE_POOL_2D and MAX_POOL_2D (reference_ops): the float32 sum over the
    taps inside the input, in order, divided by their count; or the maximum (from
    -FLT_MAX, std::max); then the clamp."""
    n, h, w, ch = x.shape
    total = np.zeros((n, out_hw[0], out_hw[1], ch), dtype=np.float32)
    best = np.full(total.shape, -np.finfo(np.float32).max, dtype=np.float32)
    count = np.zeros((1, out_hw[0], out_hw[1], 1), dtype=np.float32)
    for _, _, patch, inside in window_taps(x, filter_hw, stride, (1, 1), pad, out_hw, 0):
        total = np.where(inside, total + patch, total)
        best = np.where(inside & (best < patch), patch, best)
        count = count + inside
    if max_pool:
        out = best
    else:
        if (count == 0).any():
            raise ModelError("a pooling window lies entirely outside the input")
        out = total / count
    return clamp_float(out, act_min, act_max)
