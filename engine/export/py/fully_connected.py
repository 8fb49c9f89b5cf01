# needs: eigen
def fully_connected_acc(x, w, bias, input_offset, filter_offset, wide=False):
    """FULLY_CONNECTED's accumulators (reference_integer_ops::FullyConnected):
    acc[b, c] = sum_d (x[b, d] + input_offset) * (w[c, d] + filter_offset) + bias[c],
    in int32 arithmetic that wraps (int64 for 16x8, wide=True). Returns int64 [batches, channels]."""
    depth = w.shape[1]
    xs = x.reshape(-1, depth).astype(np.int64) + input_offset
    ws = w.astype(np.int64) + filter_offset
    acc = xs @ ws.T  # exact: NumPy's integer matmul does not round
    if bias is not None:
        acc = acc + bias.astype(np.int64)
    return acc if wide else wrap32(acc)


def fully_connected_float(x, w, bias, act_min, act_max):
    """Float FULLY_CONNECTED (reference_ops::FullyConnected): for each output, the
    products x[b, d] * w[c, d] added in order of d, each product and sum rounded to
    float32, then the bias added, then clamped to [act_min, act_max]."""
    depth = w.shape[1]
    xs = x.reshape(-1, depth)
    total = np.zeros((xs.shape[0], w.shape[0]), dtype=np.float32)
    for d in range(depth):
        total = total + xs[:, d:d + 1] * w[:, d]
    if bias is not None:
        total = total + bias
    return clamp_float(total, act_min, act_max)


def fully_connected_float_xnnpack(x, w, bias, act_min, act_max):
    """Float FULLY_CONNECTED under XNNPACK (f32-gemm): each output starts at its bias
    and adds x[b, d] * w[c, d] in order of d, float32 throughout (no fused
    multiply-add), then is clamped to [act_min, act_max]."""
    depth = w.shape[1]
    xs = x.reshape(-1, depth)
    total = np.zeros((xs.shape[0], w.shape[0]), dtype=np.float32)
    if bias is not None:
        total = total + bias
    for d in range(depth):
        total = total + xs[:, d:d + 1] * w[:, d]
    return go_min(go_max(total, act_min), act_max)


def fully_connected_float_eigen(x, w, bias, act_min, act_max):
    """Float FULLY_CONNECTED of the browser TFLite's builtin kernel
    (optimized_ops::FullyConnected through cpu_backend_gemm to Eigen:
    dst[channels x batches] = weights . input^T): per output the products
    x[b, d] * w[c, d] summed in Eigen's order (eigen_dot with
    eigen_gemm_split(depth, channels, batches, b)), then the bias, then the clamp."""
    depth = w.shape[1]
    xs = x.reshape(-1, depth)
    b_, c_ = xs.shape[0], w.shape[0]
    split = eigen_gemm_split(depth, c_, b_, np.arange(b_).reshape(b_, 1))
    total = eigen_dot(lambda d: xs[:, d:d + 1] * w[:, d], depth, split, (b_, c_))
    if bias is not None:
        total = total + bias
    return clamp_float(total, act_min, act_max)
