def split(x, axis, offset, size, out_shape):
    """SPLIT, SPLIT_V and UNPACK: the slice [offset, offset + size) of x along axis,
    shaped like the output (UNPACK drops the axis)."""
    index = [slice(None)] * x.ndim
    index[axis] = slice(offset, offset + size)
    return x[tuple(index)].reshape(out_shape)
