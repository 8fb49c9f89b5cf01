def split(x, axis, offset, size, out_shape):
    """SPLIT, SPLIT_V and UNPACK: the slice [offset, offset + size) of x along axis,
    shaped like the output (UNPACK drops the axis)."""
    index = [slice(None)] * x.ndim
    index[axis] = slice(offset, offset + size)
    return x[tuple(index)].reshape(out_shape)


def strided_slice(x, effective_shape, start, strides, counts, out_shape):
    """STRIDED_SLICE (reference_ops::StridedSlice) once TFLite's begin/end/stride logic
    and masks have given, per dimension of the effective input shape (new axes
    inserted), the first index, the stride and how many indices are taken: the output
    holds x[start + stride * k] over those, in order, shrunk axes dropped."""
    idx = [s + st * np.arange(n) for s, st, n in zip(start, strides, counts)]
    return x.reshape(effective_shape)[np.ix_(*idx)].reshape(out_shape)


def transpose(x, perm):
    """TRANSPOSE: the axes of x permuted, out.shape[i] = x.shape[perm[i]]."""
    return np.transpose(x, perm)
