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
        out = np.where(acc > 0, trunc_div(acc + half, count), trunc_div(acc - half, count))
    return np.clip(out, act_min, act_max)


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


def gavgpool_sum(px):
    """XNNPACK's f32-gavgpool 7x/7p7x sum of px [batches, pixels, channels] over the
    pixels, seven at a time: ((i0+i1)+i6) + ((i2+i3)+(i4+i5)) for the first seven, then
    ((i0+i1)+(i2+i3)) + ((i4+i5)+(i6+acc)) (zeros past the end), float32."""
    count = px.shape[1]
    v = lambda j: px[:, j, :] if j < count else np.zeros_like(px[:, 0, :])
    acc = ((v(0) + v(1)) + v(6)) + ((v(2) + v(3)) + (v(4) + v(5)))
    for start in range(7, count, 7):
        u = [v(start + j) for j in range(7)]
        acc = ((u[0] + u[1]) + (u[2] + u[3])) + ((u[4] + u[5]) + (u[6] + acc))
    return acc


def avg_pool_float_xnnpack(x, filter_hw, stride, pad, out_hw, act_min, act_max, global_pool):
    """Float AVERAGE_POOL_2D under XNNPACK. Windows of up to 9 taps (f32-avgpool 9x):
    the taps column by column (fx outer, fy inner) are i0..i8 (padding and unused
    inputs read 0), summed as ((i2+i3) + (i4+i5)) + (((i0+i1) + i8) + (i6+i7)) in float32,
    times float32(1/taps inside the input). A window covering the whole input
    (global_pool, f32-gavgpool 7x/7p7x): the pixels row by row, seven at a time,
    ((i0+i1)+i6) + ((i2+i3)+(i4+i5)) for the first seven, then
    ((i0+i1)+(i2+i3)) + ((i4+i5)+(i6+acc)) (zeros past the end), times float32(1/n).
    Then min(max(., act_min), act_max)."""
    n, h, w, ch = x.shape
    if global_pool:
        out = gavgpool_sum(x.reshape(n, h * w, ch)).reshape(n, 1, 1, ch) * (np.float32(1) / np.float32(h * w))
        return go_min(go_max(out, act_min), act_max)
    zero = np.zeros((n, out_hw[0], out_hw[1], ch), dtype=np.float32)
    taps = sorted(window_taps(x, filter_hw, stride, (1, 1), pad, out_hw, 0), key=lambda tap: (tap[1], tap[0]))
    v = [np.where(inside, patch, np.float32(0)).astype(np.float32) for _, _, patch, inside in taps]
    v += [zero] * (9 - len(v))
    inside = sum(tap[3].astype(np.int64) for tap in taps)
    total = ((v[2] + v[3]) + (v[4] + v[5])) + (((v[0] + v[1]) + v[8]) + (v[6] + v[7]))
    return go_min(go_max(total * (np.float32(1) / inside.astype(np.float32)), act_min), act_max)
