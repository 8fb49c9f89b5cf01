# needs: movement
def arg_min_max(x, outer, axis_size, inner, is_min):
    """ARG_MAX / ARG_MIN (reference_ops::ArgMinMax): x viewed as [outer, axis_size, inner];
    the index along the axis of the largest (smallest) stored value, the first one on
    ties: a later value must be strictly greater (less) to win, so NaN never wins
    after the first element."""
    r = raw(x).reshape(outer, axis_size, inner)
    at = np.zeros((outer, inner), dtype=np.int64)
    if axis_size == 0:
        return at
    best = r[:, 0, :]
    for i in range(1, axis_size):
        v = r[:, i, :]
        better = v < best if is_min else v > best
        best = np.where(better, v, best)
        at = np.where(better, i, at)
    return at


def topk_v2(x, k):
    """TOPK_V2 (kernels/topk_v2.cc): per row of the last dimension, the k largest values,
    largest first, the smaller index first among equal values; and their indices."""
    if x.dtype == np.float32:
        if np.isnan(x).any():
            raise ModelError("TOPK_V2 input holds NaN; this export does not model the order TFLite gives NaNs")
        key = -x  # -0 and +0 stay equal
    else:
        key = ~x.astype(np.int64)  # order-reversing without overflow
    order = np.argsort(key, axis=-1, kind="stable")[..., :k]
    return np.take_along_axis(x, order, axis=-1), order
