def _scatter_range(n_in, stride, pad, tap, n_out):
    """The input positions i whose output position i*stride - pad + tap lies in
    [0, n_out): (first, end, first output position)."""
    i0 = max(0, -((tap - pad) // stride))
    i1 = min(n_in, (n_out - 1 + pad - tap) // stride + 1)
    return i0, i1, i0 * stride - pad + tap


def _scatter_taps(x_shape, filter_hw, stride, pad, out_hw, reverse=True):
    """For each filter tap (fy, fx), the input slice it reads and the strided output
    slice it writes: input (iy, ix) lands on (iy*sh - pad_top + fy, ix*sw - pad_left + fx)."""
    order = (lambda r: reversed(r)) if reverse else (lambda r: r)
    for fy in order(range(filter_hw[0])):
        y0, y1, oy = _scatter_range(x_shape[1], stride[0], pad[0], fy, out_hw[0])
        for fx in order(range(filter_hw[1])):
            x0, x1, ox = _scatter_range(x_shape[2], stride[1], pad[1], fx, out_hw[1])
            if y1 <= y0 or x1 <= x0:
                continue
            src = (slice(None), slice(y0, y1), slice(x0, x1))
            dst = (slice(None), slice(oy, oy + (y1 - y0 - 1) * stride[0] + 1, stride[0]),
                   slice(ox, ox + (x1 - x0 - 1) * stride[1] + 1, stride[1]))
            yield fy, fx, src, dst


def transpose_conv_acc(x, w, bias, input_offset, filter_offset, stride, pad, out_hw, wide=False):
    """TRANSPOSE_CONV's accumulators (reference_integer_ops::TransposeConv,
    reference_ops::TransposeConv for uint8): every input element is scattered over the
    window it influences, so
    acc[n, y, x, c] = sum over iy*sh - pad_top + fy = y, ix*sw - pad_left + fx = x and the
    input depth i of (input[n, iy, ix, i] + input_offset) * (w[c, fy, fx, i] + filter_offset),
    plus bias[c]; int32 arithmetic that wraps (int64 for int16 activations, wide=True).
    The filter is [C_out, FH, FW, C_in]."""
    co, fh, fw, _ = w.shape
    xo = x.astype(np.int64) + input_offset
    wo = w.astype(np.int64) + filter_offset
    acc = np.zeros((x.shape[0], out_hw[0], out_hw[1], co), dtype=np.int64)
    for fy, fx, src, dst in _scatter_taps(x.shape, (fh, fw), stride, pad, out_hw):
        acc[dst] += xo[src] @ wo[:, fy, fx, :].T
    if bias is not None:
        acc = acc + bias.astype(np.int64)
    return acc if wide else wrap32(acc)


def transpose_conv_float(x, w, bias, stride, pad, out_hw, act_min, act_max):
    """Float TRANSPOSE_CONV (reference_ops::TransposeConv): the products scattered onto
    the output in the kernel's order (input y, x, depth), each product and sum rounded
    to float32 - for one output element that is filter taps from the last to the first,
    then input depth - then the bias (if any) and the clamp."""
    co, fh, fw, ci = w.shape
    out = np.zeros((x.shape[0], out_hw[0], out_hw[1], co), dtype=np.float32)
    with np.errstate(all="ignore"):
        for fy, fx, src, dst in _scatter_taps(x.shape, (fh, fw), stride, pad, out_hw, reverse=True):
            xs = x[src]
            for i in range(ci):
                out[dst] = out[dst] + xs[..., i:i + 1] * w[:, fy, fx, i]
        if bias is not None:
            out = out + bias
    return clamp_float(out, act_min, act_max)
