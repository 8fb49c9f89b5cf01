# needs: lstm lstm_hybrid hybrid gelu libm eigen
def _eigen_fc_accumulate(x, w, acc, gemm_batches):
    """acc + FC(x; w) as TFLite's optimized FullyConnected through Eigen: per batch row b
    and unit u, sum over k of x[b, k]*w[u, k] in Eigen's order for a units x
    gemm_batches product (eigen_gemm_split, eigen_dot), then acc added."""
    nb, depth = x.shape
    rows = w.shape[0]
    split = eigen_gemm_split(depth, rows, gemm_batches, np.arange(nb)[:, None])
    total = eigen_dot(lambda k: (x[:, k:k + 1] * w[:, k]).astype(np.float32), depth, split, (nb, rows))
    return (acc + total).astype(np.float32)


def lstm_float_builtin(x, w, r, b, hidden, cell, time_major, cell_clip, out_shape):
    """Float UNIDIRECTIONAL_SEQUENCE_LSTM as the browser TFLite's builtin kernel
    (lstm_eval EvalFloat): per time step (time major: all batches at once; batch major:
    one row at a time), each gate starts from its bias, adds FC(x; W) unless the step's
    input is all zero, then FC(h; R), each summed in Eigen's order
    (_eigen_fc_accumulate); sigmoid and tanh are Eigen's (_eigen_logisticf,
    eigen_tanhf); c = f*c; c += g*i; clipped to +-cell_clip when > 0; h = o*tanh(c).
    Returns (output, hidden, cell)."""
    xs = _lstm_sequence(np.asarray(x, dtype=np.float32), time_major)
    h = np.asarray(hidden, dtype=np.float32).reshape(xs.shape[1], -1)
    c = np.asarray(cell, dtype=np.float32).reshape(h.shape)
    gemm_batches = h.shape[0] if time_major else 1
    hs = []
    with np.errstate(all="ignore"):
        for xt in xs:
            xz = np.all(xt == 0, axis=-1, keepdims=True)
            if time_major:
                xz = np.broadcast_to(np.all(xz), xz.shape)
            gates = []
            for g in range(4):
                v = np.broadcast_to(np.asarray(b[g], dtype=np.float32), h.shape).astype(np.float32)
                v = np.where(xz, v, _eigen_fc_accumulate(xt, np.asarray(w[g], dtype=np.float32), v, gemm_batches))
                v = _eigen_fc_accumulate(h, np.asarray(r[g], dtype=np.float32), v, gemm_batches)
                gates.append(eigen_tanhf(v) if g == 2 else _eigen_logisticf(v))
            h, c = _lstm_update_eigen(gates, c, cell_clip)
            hs.append(h)
    return _lstm_output(hs, time_major, out_shape, np.float32), h, c
