# needs: eigen hybrid
def _matmul_operands(lhs, rhs, adj_x, adj_y):
    """lhs as [..., M, K] and rhs as [..., K, N] (adj_x, adj_y transpose the stored last
    two axes)."""
    if adj_x:
        lhs = np.swapaxes(lhs, -1, -2)
    if adj_y:
        rhs = np.swapaxes(rhs, -1, -2)
    return lhs, rhs


def batch_matmul_acc(lhs, rhs, adj_x, adj_y, input_offset, filter_offset, wide=False):
    """BATCH_MATMUL's accumulators (reference_ops::BatchMatMul; the batch dimensions
    broadcast as NumPy's matmul does): acc[b, m, n] = sum over k of
    (lhs[b, m, k] + input_offset) * (rhs[b, k, n] + filter_offset), in int32 that wraps
    (int64 for int16, wide=True)."""
    lhs, rhs = _matmul_operands(lhs, rhs, adj_x, adj_y)
    acc = np.matmul(lhs.astype(np.int64) + input_offset, rhs.astype(np.int64) + filter_offset)
    return acc if wide else wrap32(acc)


def batch_matmul_float(lhs, rhs, adj_x, adj_y, eigen_order):
    """Float BATCH_MATMUL: each output the sum over k of lhs[b, m, k] * rhs[b, k, n], each
    product and sum rounded to float32, added to 0 in order of k (the reference kernel);
    eigen_order: the browser TFLite's Eigen GEMM, which for output rows m < 4*floor(M/4)
    of a real GEMM (K + N + M >= 20, M > 1, N > 1) sums the first 8*floor(K/8) k into two
    accumulators (even k, odd k), adds them, then the remaining k in order."""
    lhs, rhs = _matmul_operands(np.asarray(lhs, dtype=np.float32), np.asarray(rhs, dtype=np.float32), adj_x, adj_y)
    m_, k_ = lhs.shape[-2], lhs.shape[-1]
    n_ = rhs.shape[-1]
    split = np.zeros((m_, 1), dtype=np.int64)
    if eigen_order:
        split = eigen_gemm_split(k_, n_, m_, np.arange(m_).reshape(m_, 1))
    shape = np.broadcast_shapes(lhs.shape[:-2], rhs.shape[:-2]) + (m_, n_)
    return eigen_dot(lambda k: rhs[..., k:k + 1, :] * lhs[..., :, k:k + 1], k_, split, shape)


def batch_matmul_hybrid(lhs, rhs, adj_x, adj_y, asymmetric, filter_scale, lhs_shape, rhs_shape, batch, m, n, k, out_shape):
    """Hybrid BATCH_MATMUL (batch_matmul.cc EvalHybrid with reference/batch_matmul.h's
    hybrid BatchMatMul; every profile): float32 lhs quantized row by row (K values, a
    column with adj_x; quantize_rows), int8 rhs; for output (b, m, n), with lhs_shape,
    rhs_shape TFLite's 5-D views after its merge and batch the broadcast batch dims:
      dot   = sum_k q[b, m, k] * rhs[b, k, n]                         (int32)
      total = int32(float32(dot) - float32(row_sum[w + n]) * float32(zp[s]))
      out   = 0 + float32(scale[s] * float32(total)),  scale = float32(row scale * filter_scale)
    where TFLite advances the scale index by M (s = sum over lhs batch dims > 1 of
    b_x * M, plus m) and the weight row sums by N (w, over rhs batch dims > 1) for each
    batch dimension, not by the product of the dimensions after it."""
    f = np.float32
    lf = np.asarray(lhs, dtype=np.float32).reshape(-1)
    rows = (lf.reshape(-1, k, m).transpose(0, 2, 1) if adj_x else lf.reshape(-1, m, k)).reshape(-1, k)
    q, row_scale, zp = quantize_rows(rows, asymmetric)
    scale = (row_scale * f(filter_scale)).reshape(-1)
    zp = zp.reshape(-1)
    wf = np.asarray(rhs, dtype=np.int64).reshape(-1)
    w = wf.reshape(-1, n, k).transpose(0, 2, 1) if adj_y else wf.reshape(-1, k, n)  # [matrix, k, n]
    row_sum = wrap32(w.sum(axis=1)).reshape(-1)
    bx = np.indices(batch).reshape(3, -1)  # per output batch: its index in each batch dim

    def extent(shape, x):
        return 0 if shape[x] == 1 else int(np.prod(shape[x + 1:]))

    lm = sum(bx[x] * extent(lhs_shape, x) for x in range(3)) // (m * k)  # lhs matrix
    rm = sum(bx[x] * extent(rhs_shape, x) for x in range(3)) // (k * n)  # rhs matrix
    s_base = sum(bx[x] * m for x in range(3) if lhs_shape[x] > 1) + np.zeros_like(bx[0])
    w_base = sum(bx[x] * n for x in range(3) if rhs_shape[x] > 1) + np.zeros_like(bx[0])
    dot = wrap32(np.matmul(q.reshape(-1, m, k)[lm], w[rm]))  # exact: integer matmul
    s = s_base[:, None, None] + np.arange(m)[None, :, None]
    rs = row_sum[w_base[:, None, None] + np.arange(n)[None, None, :]]
    with np.errstate(all="ignore"):
        total = float_to_int32(dot.astype(np.float32) - rs.astype(np.float32) * zp[s].astype(np.float32))
        out = f(0) + scale[s] * total.astype(np.float32)
    return out.astype(np.float32).reshape(out_shape)
