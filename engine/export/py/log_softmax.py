# needs: libm
def log_softmax_float(x):
    """Float LOG_SOFTMAX (TFLite's optimized_ops::LogSoftmax, TFLite Micro's
    log_softmax.cc) along the last axis, in float32: m = max of the row (std::max from
    -FLT_MAX, so NaNs are skipped), sum = sum of expf(x_j - m) added in order,
    out = (x - m) - logf(sum), expf and logf being musl's (py libm)."""
    x = np.asarray(x, dtype=np.float32)
    depth = x.shape[-1]
    if depth == 0 or x.size == 0:
        return x
    rows = x.reshape(-1, depth)
    with np.errstate(all="ignore"):
        m = np.full(rows.shape[0], -np.finfo(np.float32).max, dtype=np.float32)
        for j in range(depth):
            m = np.where(m < rows[:, j], rows[:, j], m)
        e = musl_expf(rows - m[:, None])
        s = np.zeros(rows.shape[0], dtype=np.float32)
        for j in range(depth):
            s = (s + e[:, j]).astype(np.float32)
        return ((rows - m[:, None]) - musl_logf(s)[:, None]).astype(np.float32).reshape(x.shape)
