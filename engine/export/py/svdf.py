# needs: fixedpoint
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
    s[b, f] = sum_m wt[f, m] * state[b, f, m] in order of m;
    out[b, u] = bias[u] (or 0) + s[b, u*rank] + ... + s[b, u*rank + rank-1], then the
    fused activation's clamp. rank_sum_first (the browser TFLite's EvalFloatSVDF,
    ReductionSumVector): the unit's rank filters summed first, from 0, then
    bias[u] + that sum (the sum alone without a bias). Returns (output, new state)."""
    batches, filters, memory = x.shape[0], wf.shape[0], wt.shape[1]
    st = _svdf_shift_state(state, batches, filters, memory).astype(np.float32).copy()
    with np.errstate(all="ignore"):
        dot = np.zeros((batches, filters), dtype=np.float32)
        for i in range(wf.shape[1]):
            dot = dot + wf[:, i] * x[:, i:i + 1]
        st[:, :, memory - 1] = dot
        s = np.zeros((batches, filters), dtype=np.float32)
        for m in range(memory):
            s = s + wt[:, m] * st[:, :, m]
        s = s.reshape(batches, filters // rank, rank)
        if rank_sum_first:
            v = np.zeros((batches, filters // rank), dtype=np.float32)
            for k in range(rank):
                v = v + s[:, :, k]
            if bias is not None:
                v = bias + v
            return clamp_float(v, act_min, act_max), st
        v = np.zeros((batches, filters // rank), dtype=np.float32)
        if bias is not None:
            v = v + bias
        for k in range(rank):
            v = v + s[:, :, k]
    return clamp_float(v, act_min, act_max), st
