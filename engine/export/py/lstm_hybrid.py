# needs: lstm hybrid gelu libm
def _hybrid_lstm_dot(q, zp, w):
    """sum_i w[u, i]*q[b, i] - rowsum(w)[u]*zp[b] in int32 (TFLite's
    MatrixBatchVectorMultiplyAccumulate with row sums), per row b and unit u."""
    w = np.asarray(w, dtype=np.int64)
    return wrap32(np.asarray(q, dtype=np.int64) @ w.T - zp * w.sum(axis=1))


def _eigen_logisticf(x):
    """Eigen's scalar_logistic_op<float> of the browser TFLite: e/(1 + e) with
    e = expf(min(x, 88.3762626647949)) (musl's expf), in float32."""
    x = np.asarray(x, dtype=np.float32)
    cap = np.float32(88.3762626647949)
    e = musl_expf(np.where(cap < x, cap, x))
    return (e / (np.float32(1) + e)).astype(np.float32)


def _lstm_update_eigen(gates, c, cell_clip):
    """TFLite's float cell and hidden update (UpdateLstmCellFloat, CalculateLstmOutputFloat)
    from the gates (input, forget, cell, output): c = f*c; c += g*i; clipped to
    +-cell_clip when > 0; h = o*tanh(c) with Eigen's tanh. Returns (h, c)."""
    ig, fg, cg, og = gates
    c = (fg * c).astype(np.float32)
    c = (c + (cg * ig).astype(np.float32)).astype(np.float32)
    if cell_clip > 0:
        clip = np.float32(cell_clip)
        c = np.where(c < clip, c, clip)
        c = np.where(c < -clip, -clip, c).astype(np.float32)
    return (og * eigen_tanhf(c)).astype(np.float32), c


def lstm_hybrid(x, w, r, b, hidden, cell, time_major, cell_clip, asymmetric, w_scales, r_scales, out_shape):
    """Hybrid UNIDIRECTIONAL_SEQUENCE_LSTM (TFLite's lstm_eval EvalHybrid): float32
    input, state and biases, int8 weights. Per time step, unless the step's input (time
    major: all batches; batch major: the row) is all zero, each row is quantized on the
    fly (quantize_rows), likewise the hidden state; each gate is
    bias + float32(dot_x)*float32(s_x*s_W) + float32(dot_h)*float32(s_h*s_R), a zero
    vector's term skipped; sigmoid and tanh are Eigen's (_eigen_logisticf,
    eigen_tanhf); c = f*c; c += g*i; clipped to +-cell_clip when > 0; h = o*tanh(c).
    w, r, b per gate in TFLite's order (input, forget, cell, output).
    Returns (output, hidden, cell)."""
    xs = _lstm_sequence(np.asarray(x, dtype=np.float32), time_major)
    h = np.asarray(hidden, dtype=np.float32).reshape(xs.shape[1], -1)
    c = np.asarray(cell, dtype=np.float32).reshape(h.shape)
    hs = []

    def zero_rows(v):
        z = np.all(v == 0, axis=-1, keepdims=True)
        return np.broadcast_to(np.all(z), z.shape) if time_major else z

    with np.errstate(all="ignore"):
        for xt in xs:
            xz, hz = zero_rows(xt), zero_rows(h)
            qx, sx, zx = quantize_rows(xt, asymmetric)
            qh, sh, zh = quantize_rows(h, asymmetric)
            gates = []
            for g in range(4):
                v = np.broadcast_to(np.asarray(b[g], dtype=np.float32), h.shape).astype(np.float32)
                tx = _hybrid_lstm_dot(qx, zx, w[g]).astype(np.float32) * (sx * np.float32(w_scales[g])).astype(np.float32)
                v = np.where(xz, v, (v + tx.astype(np.float32)).astype(np.float32))
                th = _hybrid_lstm_dot(qh, zh, r[g]).astype(np.float32) * (sh * np.float32(r_scales[g])).astype(np.float32)
                v = np.where(hz, v, (v + th.astype(np.float32)).astype(np.float32)).astype(np.float32)
                gates.append(eigen_tanhf(v) if g == 2 else _eigen_logisticf(v))
            h, c = _lstm_update_eigen(gates, c, cell_clip)
            hs.append(h)
    return _lstm_output(hs, time_major, out_shape, np.float32), h, c
