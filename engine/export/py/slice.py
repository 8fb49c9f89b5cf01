def strided_slice(x, start, strides, counts):
    """STRIDED_SLICE (reference_ops::StridedSlice): per dimension d the indices
    start[d] + k*strides[d], k < counts[d] (start and counts as StridedSliceStartForAxis
    and StridedSliceEndForAxis give them; the output drops the shrunk dimensions)."""
    idx = [s + st * np.arange(n, dtype=np.int64) for s, st, n in zip(start, strides, counts)]
    return x[np.ix_(*idx)] if idx else x
