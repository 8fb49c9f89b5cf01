# needs: window eigen
def conv2d_acc(x, w, bias, input_offset, filter_offset, stride, dilation, pad, out_hw, wide=False):
    """CONV_2D's accumulators (reference_integer_ops::ConvPerChannel, reference_ops::Conv):
    acc[n, y, x, c] = sum over the taps (fy, fx) inside the input and the filter depth i of
    (input[n, y*sh - pad_top + fy*dh, x*sw - pad_left + fx*dw, g*C_f + i] + input_offset)
    * (w[c, fy, fx, i] + filter_offset), plus bias[c]; g is c's group. int32 arithmetic
    that wraps (int64 for 16x8, wide=True)."""
    co, fh, fw, cf = w.shape
    groups = x.shape[3] // cf
    per_group = co // groups
    xo = x.astype(np.int64) + input_offset  # padding holds 0: a skipped tap adds nothing
    wo = w.astype(np.int64) + filter_offset
    acc = np.zeros((x.shape[0], out_hw[0], out_hw[1], co), dtype=np.int64)
    for fy, fx, patch, _ in window_taps(xo, (fh, fw), stride, dilation, pad, out_hw, 0):
        for g in range(groups):
            cs = slice(g * per_group, (g + 1) * per_group)
            acc[..., cs] += patch[..., g * cf:(g + 1) * cf] @ wo[cs, fy, fx, :].T
    if bias is not None:
        acc = acc + bias.astype(np.int64)
    return acc if wide else wrap32(acc)


def depthwise_conv2d_acc(x, w, bias, input_offset, filter_offset, stride, dilation, pad, out_hw, wide=False):
    """DEPTHWISE_CONV_2D's accumulators (reference_integer_ops::DepthwiseConvPerChannel):
    output channel c reads input channel c // depth_multiplier only:
    acc[n, y, x, c] = sum over the taps inside the input of
    (input[n, y*sh - pad_top + fy*dh, x*sw - pad_left + fx*dw, c // m] + input_offset)
    * (w[0, fy, fx, c] + filter_offset), plus bias[c]; int32 arithmetic that wraps
    (int64 for 16x8)."""
    _, fh, fw, co = w.shape
    m = co // x.shape[3]
    xo = np.repeat(x.astype(np.int64) + input_offset, m, axis=3)
    wo = w.astype(np.int64) + filter_offset
    acc = np.zeros((x.shape[0], out_hw[0], out_hw[1], co), dtype=np.int64)
    for fy, fx, patch, _ in window_taps(xo, (fh, fw), stride, dilation, pad, out_hw, 0):
        acc += patch * wo[0, fy, fx, :]
    if bias is not None:
        acc = acc + bias.astype(np.int64)
    return acc if wide else wrap32(acc)


def all_padding_acc(bias, out_shape):
    """XNNPACK's TensorFlow-SAME padding quirk: the total padding, computed in uint32,
    wraps, every tap reads the padding, and every accumulator is the bias."""
    return np.broadcast_to(bias.astype(np.int64), out_shape)


def conv2d_float(x, w, bias, stride, dilation, pad, out_hw, act_min, act_max):
    """Float CONV_2D (reference_ops::Conv): per output, the products over the taps inside
    the input, in order (fy, fx, i), each product and sum rounded to float32, then the
    bias, then the clamp."""
    co, fh, fw, cf = w.shape
    groups = x.shape[3] // cf
    per_group = co // groups
    total = np.zeros((x.shape[0], out_hw[0], out_hw[1], co), dtype=np.float32)
    for fy, fx, patch, inside in window_taps(x, (fh, fw), stride, dilation, pad, out_hw, 0):
        for i in range(cf):
            xs = np.repeat(patch[..., i::cf][..., :groups], per_group, axis=3)
            total = np.where(inside, total + xs * w[:, fy, fx, i], total)
    total = total + (bias if bias is not None else np.float32(0))  # the kernel adds 0.0 without a bias
    return clamp_float(total, act_min, act_max)


def depthwise_conv2d_float(x, w, bias, stride, dilation, pad, out_hw, act_min, act_max, bias_first=False):
    """Float DEPTHWISE_CONV_2D (reference_ops::DepthwiseConv): products of the taps inside
    the input in filter order (fy, fx), each rounded to float32, then the bias, then the
    clamp. bias_first (the browser TFLite's builtin optimized_ops::DepthwiseConv, which
    runs when the delegate does not take the op): the sum starts at the bias (or 0)."""
    _, fh, fw, co = w.shape
    xs = np.repeat(x, co // x.shape[3], axis=3)
    total = np.zeros((x.shape[0], out_hw[0], out_hw[1], co), dtype=np.float32)
    if bias_first and bias is not None:
        total = total + bias
    for fy, fx, patch, inside in window_taps(xs, (fh, fw), stride, dilation, pad, out_hw, 0):
        total = np.where(inside, total + patch * w[0, fy, fx, :], total)
    if not bias_first:
        total = total + (bias if bias is not None else np.float32(0))  # the kernel adds 0.0 without a bias
    return clamp_float(total, act_min, act_max)


def conv2d_float_eigen(x, w, bias, stride, dilation, pad, out_hw, act_min, act_max):
    """Float CONV_2D of the browser TFLite's builtin kernel (optimized_ops::Conv: im2col,
    then cpu_backend_gemm to Eigen, dst[channels x pixels] = filter . im2col): per
    output, the products of the whole window, padding included as 0, in order
    (fy, fx, i), summed in Eigen's order (eigen_dot with
    eigen_gemm_split(taps, channels, pixels, pixel)), then the bias, then the clamp."""
    co, fh, fw, cf = w.shape
    groups = x.shape[3] // cf
    per_group = co // groups
    n, (oh, ow) = x.shape[0], out_hw
    taps = list(window_taps(x, (fh, fw), stride, dilation, pad, out_hw, 0))

    def product(t):
        (fy, fx, patch, _), i = taps[t // cf], t % cf
        return np.repeat(patch[..., i::cf][..., :groups], per_group, axis=3) * w[:, fy, fx, i]

    split = eigen_gemm_split(fh * fw * cf, co, n * oh * ow, np.arange(n * oh * ow).reshape(n, oh, ow, 1))
    total = eigen_dot(product, fh * fw * cf, split, (n, oh, ow, co))
    if bias is not None:
        total = total + bias
    return clamp_float(total, act_min, act_max)


def conv2d_float_xnnpack(x, w, bias, stride, dilation, pad, out_hw, act_min, act_max, all_padding, column_order):
    """Float CONV_2D under XNNPACK (f32 IGEMM/GEMM, no fused multiply-add): each output
    starts at its bias and adds input * filter tap by tap in filter order (fy, fx, i), each
    product and sum rounded to float32; a tap in the padding reads XNNPACK's zero buffer
    and adds 0 * filter. With one input and one output channel per group and 3, 4, 9 or
    25 taps XNNPACK runs a depthwise microkernel whose taps go column by column
    (column_order: fx outer, fy inner). all_padding: XNNPACK's SAME padding quirk, every
    tap reads the zero buffer. Then min(max(acc, act_min), act_max)."""
    co, fh, fw, cf = w.shape
    groups = x.shape[3] // cf
    per_group = co // groups
    if all_padding:
        x = np.zeros_like(x)
    total = np.broadcast_to(bias, (x.shape[0], out_hw[0], out_hw[1], co)).astype(np.float32)
    taps = list(window_taps(x, (fh, fw), stride, dilation, pad, out_hw, 0))
    if column_order:
        taps.sort(key=lambda tap: (tap[1], tap[0]))
    for fy, fx, patch, _ in taps:
        for i in range(cf):
            xs = np.repeat(patch[..., i::cf][..., :groups], per_group, axis=3)
            total = total + xs * w[:, fy, fx, i]
    return go_min(go_max(total, act_min), act_max)


def depthwise_conv2d_float_xnnpack(x, w, bias, stride, dilation, pad, out_hw, act_min, act_max, all_padding, column_order):
    """Float DEPTHWISE_CONV_2D under XNNPACK (no fused multiply-add): each output starts
    at its bias and adds input * filter tap by tap, each product and sum rounded to
    float32; a tap in the padding reads XNNPACK's zero buffer and adds 0 * filter.
    column_order (f32-dwconv: depth multiplier 1, 3, 4, 9 or 25 taps): fx outer, fy
    inner; otherwise (IGEMM) fy outer, fx inner. all_padding: XNNPACK's SAME padding
    quirk, every tap reads the zero buffer. Then min(max(acc, act_min), act_max)."""
    _, fh, fw, co = w.shape
    xs = np.repeat(np.zeros_like(x) if all_padding else x, co // x.shape[3], axis=3)
    total = np.broadcast_to(bias, (x.shape[0], out_hw[0], out_hw[1], co)).astype(np.float32)
    taps = list(window_taps(xs, (fh, fw), stride, dilation, pad, out_hw, 0))
    if column_order:
        taps.sort(key=lambda tap: (tap[1], tap[0]))
    for fy, fx, patch, _ in taps:
        total = total + patch * w[0, fy, fx, :]
    return go_min(go_max(total, act_min), act_max)


def transpose_conv_acc(x, w, bias, input_offset, filter_offset, stride, pad, out_hw, wide=False):
    """TRANSPOSE_CONV's accumulators (reference_integer_ops::TransposeConv): every input
    element scattered over its window, output (y, x) = (iy*sh - pad_top + fy,
    ix*sw - pad_left + fx):
    acc[n, y, x, c] = sum (input[n, iy, ix, i] + input_offset) * (w[c, fy, fx, i] + filter_offset)
    + bias[c], taps landing outside the output dropped; int32 arithmetic that wraps
    (int64 for 16x8)."""
    n, h, wd, _ = x.shape
    co, fh, fw, _ = w.shape
    (sh, sw), (ph, pw), (oh, ow) = stride, pad, out_hw
    canvas = np.zeros((n, max((h - 1) * sh + fh, ph + oh), max((wd - 1) * sw + fw, pw + ow), co), dtype=np.int64)
    xo = x.astype(np.int64) + input_offset
    wo = w.astype(np.int64) + filter_offset
    for fy in range(fh):
        for fx in range(fw):
            canvas[:, fy:fy + (h - 1) * sh + 1:sh, fx:fx + (wd - 1) * sw + 1:sw, :] += xo @ wo[:, fy, fx, :].T
    acc = canvas[:, ph:ph + oh, pw:pw + ow, :]
    if bias is not None:
        acc = acc + bias.astype(np.int64)
    return acc if wide else wrap32(acc)


def transpose_conv_float(x, w, bias, stride, pad, out_hw, act_min, act_max):
    """Float TRANSPOSE_CONV (reference_ops::TransposeConv): the products scattered onto
    each output in the kernel's loop order (input row, column, channel, then the tap),
    float32: for one output that is taps by descending fy, then descending fx, then input
    channel. Then the bias and the clamp."""
    n, h, wd, ci = x.shape
    co, fh, fw, _ = w.shape
    (sh, sw), (ph, pw), (oh, ow) = stride, pad, out_hw
    canvas = np.zeros((n, max((h - 1) * sh + fh, ph + oh), max((wd - 1) * sw + fw, pw + ow), co), dtype=np.float32)
    for fy in reversed(range(fh)):
        for fx in reversed(range(fw)):
            view = canvas[:, fy:fy + (h - 1) * sh + 1:sh, fx:fx + (wd - 1) * sw + 1:sw, :]
            for i in range(ci):
                view += x[..., i:i + 1] * w[:, fy, fx, i]
    out = canvas[:, ph:ph + oh, pw:pw + ow, :]
    if bias is not None:
        out = out + bias
    return clamp_float(out, act_min, act_max)


def transpose_conv_float_xnnpack(x, w, bias, stride, pad, out_hw, act_min, act_max):
    """Float TRANSPOSE_CONV under XNNPACK (deconvolution, no fused multiply-add): each
    output (y, x) gathers the filter positions in row order (fy, fx) whose input position
    ((y + pad_top - fy) / sh, (x + pad_left - fx) / sw) is whole, input channel by
    channel; a whole position outside the input reads the zero buffer (adds 0 * filter).
    With 8 or more output channels one float32 sum from the bias (or 0); with fewer, the
    4x2c4 GEMM: four lanes, lane l taking the input channels = l mod 4, lane 0 starting
    at the bias, reduced as (l0 + l2) + (l1 + l3). Then the clamp."""
    n, h, wd, ci = x.shape
    co, fh, fw, _ = w.shape
    (sh, sw), (ph, pw), (oh, ow) = stride, pad, out_hw
    c4 = co < 8
    lanes = [np.zeros((n, oh, ow, co), dtype=np.float32) for _ in range(4 if c4 else 1)]
    if bias is not None:
        lanes[0] = lanes[0] + bias
    with np.errstate(all="ignore"):
        for fy in range(fh):
            ty = np.arange(oh) + ph - fy
            iy = ty // sh
            ok_y, in_y = ty % sh == 0, (ty >= 0) & (iy < h)
            for fx in range(fw):
                tx = np.arange(ow) + pw - fx
                ix = tx // sw
                ok_x, in_x = tx % sw == 0, (tx >= 0) & (ix < wd)
                taken = (ok_y[:, None] & ok_x[None, :])[None, :, :, None]
                inside = (in_y[:, None] & in_x[None, :])[None, :, :, None]
                xg = x[:, np.clip(iy, 0, h - 1)][:, :, np.clip(ix, 0, wd - 1)]
                xg = np.where(inside, xg, np.float32(0))
                for i in range(ci):
                    lane = i % 4 if c4 else 0
                    lanes[lane] = np.where(taken, lanes[lane] + xg[..., i:i + 1] * w[:, fy, fx, i], lanes[lane])
    total = (lanes[0] + lanes[2]) + (lanes[1] + lanes[3]) if c4 else lanes[0]
    return clamp_float(total, act_min, act_max)
