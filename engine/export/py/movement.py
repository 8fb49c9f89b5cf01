def raw(x):
    """A bool tensor's stored bytes as uint8 (TFLite compares and casts the byte, which
    NumPy's bool arithmetic would normalise to 0/1); other tensors unchanged."""
    x = np.asarray(x)
    return x.view(np.uint8) if x.dtype == np.bool_ else x


def range_op(start, delta, count):
    """RANGE (kernels/range.cc): out[0] = start, out[i] = out[i-1] + delta, a running
    sum in the element type (float32 rounds at every step; integers wrap)."""
    start, delta = np.asarray(start).reshape(-1)[0], np.asarray(delta).reshape(-1)[0]
    if np.asarray(start).dtype == np.float32:
        steps = np.full(count, delta, dtype=np.float32)
        if count:
            steps[0] = start
        with np.errstate(all="ignore"):  # IEEE overflow to inf, as in C
            return np.cumsum(steps, dtype=np.float32)  # sequential, like the kernel's loop
    values = np.int64(start) + np.arange(count, dtype=np.int64) * np.int64(delta)
    return wrap32(values) if np.asarray(start).dtype == np.int32 else values
