# needs: fixedpoint hybrid
def _svdf_shift_state(state, batches, filters, memory):
    """The state shifted left by one element over the whole buffer (TFLite Micro's
    memmove: the oldest column of each filter drops out, the last element stays until it
    is overwritten), as [batches, filters, memory]."""
    st = np.asarray(state).reshape(-1)
    if st.size:
        st = np.concatenate([st[1:], st[-1:]])
    return st.reshape(batches, filters, memory)


def svdf_int(x, wf, wt, bias, state, rank, input_zero_point, state_zero_point, output_zero_point, scale1, scale2,
             act_min, act_max):
    """Integer SVDF (TFLite Micro's EvalIntegerSvdfReference): the state (int16, or int8
    with int8 weights_time) shifted left by one; its newest column
    state[b, f, M-1] = T(clamp(MBQM(sum_i wf[f, i] * (x[b, i] - z_in), scale1), state type)
    + z_state) (the sum wrapping to T); then
    acc[b, u] = bias[u] + sum over the rank filters f of unit u and m of
    wt[f, m] * (state[b, f, m] - z_state) in int32 (wraps), and
    out = clamp(MBQM(acc, scale2) + z_out, act_min, act_max).
    scale1 = s_in*s_wf/s_state, scale2 = s_state*s_wt/s_out as (M, shift, rounding).
    Returns (output, new state)."""
    batches, filters, memory = x.shape[0], wf.shape[0], wt.shape[1]
    sdt = np.asarray(state).dtype
    lo, hi = type_range(sdt)
    st = _svdf_shift_state(state, batches, filters, memory).astype(np.int64)
    dot = wrap32((np.asarray(x, dtype=np.int64) - input_zero_point) @ wf.astype(np.int64).T)
    newest = np.clip(requantize(dot, *scale1), lo, hi) + state_zero_point
    st[:, :, memory - 1] = newest.astype(sdt).astype(np.int64)
    per_filter = ((st - state_zero_point) * wt.astype(np.int64)[None]).sum(axis=2)
    acc = per_filter.reshape(batches, filters // rank, rank).sum(axis=2)
    if bias is not None:
        acc = acc + bias.astype(np.int64)
    out = np.clip(requantize(wrap32(acc), *scale2) + output_zero_point, act_min, act_max)
    return out, st.astype(sdt)


def svdf_float(x, wf, wt, bias, state, rank, act_min, act_max, rank_sum_first=False):
    """Float SVDF (TFLite Micro's EvalFloatSvdfReference), float32 throughout: the state
    shifted left by one; state[b, f, M-1] = sum_i wf[f, i] * x[b, i] in order of i;
    then the time step (_svdf_time_float). Returns (output, new state)."""
    batches, filters, memory = x.shape[0], wf.shape[0], wt.shape[1]
    st = _svdf_shift_state(state, batches, filters, memory).astype(np.float32).copy()
    with np.errstate(all="ignore"):
        dot = np.zeros((batches, filters), dtype=np.float32)
        for i in range(wf.shape[1]):
            dot = dot + wf[:, i] * x[:, i:i + 1]
    st[:, :, memory - 1] = dot
    return _svdf_time_float(st, wt, bias, rank, act_min, act_max, rank_sum_first), st


def _svdf_time_float(st, wt, bias, rank, act_min, act_max, rank_sum_first):
    """SVDF's float32 time step over the updated state st [batches, filters, memory]:
    s[b, f] = sum_m wt[f, m] * st[b, f, m] in order of m; out[b, u] = bias[u] (or 0) +
    s[b, u*rank] + ... + s[b, u*rank + rank-1] in turn (TFLite Micro), or with
    rank_sum_first (TFLite's EvalFloatSVDF and hybrid SVDF, ReductionSumVector) the rank
    filters summed first from 0, then bias[u] + that sum (the sum alone without a bias);
    then the fused activation's clamp."""
    batches, filters, memory = st.shape
    with np.errstate(all="ignore"):
        s = np.zeros((batches, filters), dtype=np.float32)
        for m in range(memory):
            s = s + wt[:, m] * st[:, :, m]
        s = s.reshape(batches, filters // rank, rank)
        v = np.zeros((batches, filters // rank), dtype=np.float32)
        if bias is not None and not rank_sum_first:
            v = v + bias
        for k in range(rank):
            v = v + s[:, :, k]
        if bias is not None and rank_sum_first:
            v = bias + v
    return clamp_float(v, act_min, act_max)


def svdf_hybrid(x, wf, wt, bias, state, rank, feature_scale, time_scale, asymmetric, act_min, act_max):
    """Hybrid SVDF (TFLite's svdf.cc EvalHybridSVDF; every profile): the float32 state
    shifted left by one; unless the whole input is 0 (then the newest column is 0), each
    batch row of x is quantized on the fly (quantize_rows: q, scale s, zero point zp) and
    state[b, f, M-1] = 0 + float32(dot) * float32(s * feature_scale) with
    dot = sum_i wf[f, i] * q[b, i] - (sum_i wf[f, i]) * zp in int32 (wraps); then the
    float32 time step with weights_time dequantized once as float32(wt * time_scale),
    the rank filters summed before the bias. Returns (output, new state)."""
    f = np.float32
    batches, filters, memory = x.shape[0], wf.shape[0], wt.shape[1]
    xs = np.asarray(x, dtype=np.float32).reshape(batches, -1)
    st = _svdf_shift_state(state, batches, filters, memory).astype(np.float32).copy()
    newest = np.zeros((batches, filters), dtype=np.float32)
    if not (xs == 0).all():
        q, s, zp = quantize_rows(xs, asymmetric)
        w = wf.astype(np.int64)
        dot = wrap32(q @ w.T - w.sum(axis=1) * zp)  # exact integer matmul, then C's int32 wrap
        with np.errstate(all="ignore"):
            newest = f(0) + dot.astype(np.float32) * (s * f(feature_scale))
    st[:, :, memory - 1] = newest
    wt_f = wt.astype(np.float32) * f(time_scale)
    return _svdf_time_float(st, wt_f, bias, rank, act_min, act_max, True), st
