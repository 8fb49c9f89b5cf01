# needs: eigen
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
