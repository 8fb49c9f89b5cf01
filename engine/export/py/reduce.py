# needs: fixedpoint output_fixedpoint64 quantize
def reduce_rows(x, axes):
    """x as rows [output element, count]: the reduced axes moved last in increasing order,
    so each row holds the input elements of one output element in row-major input order."""
    axes = sorted(axes)
    keep = [d for d in range(x.ndim) if d not in axes]
    count = int(np.prod([x.shape[d] for d in axes], dtype=np.int64))
    outputs = int(np.prod([x.shape[d] for d in keep], dtype=np.int64))
    return np.transpose(x, keep + axes).reshape(outputs, count)


def reduce_max_min(x, axes, is_min):
    """REDUCE_MAX / REDUCE_MIN (reference_ops::ReduceGeneric): each output starts at the
    type's lowest (highest) value and takes in[i] where in[i] > out (in[i] < out), in
    row-major order: NaN never wins and among equal values (0, -0) the first stays."""
    r = reduce_rows(x, axes)
    if x.dtype == np.float32:
        start = np.float32(np.finfo(np.float32).max if is_min else -np.finfo(np.float32).max)
        valid = ~np.isnan(r)
    else:
        start = np.iinfo(x.dtype).max if is_min else np.iinfo(x.dtype).min
        valid = np.ones(r.shape, dtype=bool)
    pick = np.min if is_min else np.max
    m = pick(r, axis=1, where=valid, initial=start).astype(x.dtype)
    hit = valid & (r == m[:, None])
    first = np.argmax(hit, axis=1)
    if r.shape[1] == 0:
        return m
    return np.where(hit.any(axis=1), r[np.arange(r.shape[0]), first], m)


def mqm64(x, multiplier, shift):
    """TFLite's 64-bit MultiplyByQuantizedMultiplier (both roundings), int32 result."""
    return output_fixedpoint64(x, multiplier, shift, 0, -2 ** 31, 2 ** 31 - 1)


def reduce_prod(x, axes, int8=None):
    """REDUCE_PROD (reference_ops::ReduceGeneric with the product): out = ((1*x0)*x1)...
    in row-major order in the element type (float32 rounds at every step, integers wrap).
    int8 = (input_zero_point, multiplier, shift, output_zero_point): QuantizedReduceProd,
    with v = x - input_zero_point: p = v0, p = MQM64(p*vk) for k >= 1, then
    out = clamp(MQM64(p) + output_zero_point); the multiplier is s_in / s_out^(1/count)."""
    r = reduce_rows(x, axes)
    if int8 is not None:
        izp, m, s, ozp = int8
        v = r.astype(np.int64) - izp
        p = v[:, 0] if v.shape[1] else np.zeros(v.shape[0], dtype=np.int64)
        for k in range(1, v.shape[1]):
            p = mqm64(p * v[:, k], m, s)
        return np.clip(mqm64(p, m, s) + ozp, -128, 127)
    if r.shape[1] == 0:
        return np.ones(r.shape[0], dtype=x.dtype)
    if x.dtype == np.float32:
        with np.errstate(all="ignore"):  # IEEE overflow to inf, as in C
            return np.cumprod(r, axis=1, dtype=np.float32)[:, -1]  # sequential, in float32
    return np.prod(r.astype(np.int64), axis=1)  # wraps modulo 2^64, then to the type


def reduce_sum(x, axes, mode, input_zero_point=0, requant=None, output_zero_point=0, qmin=0, qmax=0,
               scale=None, bias=None):
    """SUM (reduce.cc EvalSum, TFLite Micro's EvalSumHelper) by mode:
    "float": the float32 sum from 0 in row-major order; "wrap": the sum in the element
    type, wrapping; "integer" (QuantizedMeanOrSum): s = the int32 sum of the stored
    values, clamp(MultiplyByQuantizedMultiplier(s - input_zero_point*count, requant)
    + output_zero_point); "rescale" (TFLite's float32 QuantizedMeanOrSum):
    int32(roundf(float32(s)*scale + bias)) + output_zero_point, wrapping to the type."""
    r = reduce_rows(x, axes)
    count = r.shape[1]
    if mode == "float":
        if count == 0:
            return np.zeros(r.shape[0], dtype=np.float32)
        with np.errstate(all="ignore"):  # IEEE overflow to inf, as in C
            return np.cumsum(r, axis=1, dtype=np.float32)[:, -1] + np.float32(0)  # 0 + x0 + x1 ...
    s = np.sum(r.astype(np.int64), axis=1)
    if mode == "wrap":
        return s
    s = wrap32(s)
    if mode == "integer":
        v = wrap32(s - input_zero_point * count)
        return np.clip(requantize(v, *requant) + output_zero_point, qmin, qmax)
    with np.errstate(all="ignore"):
        f = s.astype(np.float32) * scale + bias
    return round_half_away(f).astype(np.int64) + output_zero_point


def cumsum(x, axis, exclusive, reverse):
    """CUMSUM (optimized_ops::CumSum): the running sum along axis from 0, one element at
    a time (float32 rounds at every step, integers wrap); exclusive: of the elements
    before; reverse: counted from the end."""
    if reverse:
        x = np.flip(x, axis)
    if x.dtype == np.float32:
        with np.errstate(all="ignore"):  # IEEE overflow to inf, as in C
            out = np.cumsum(x, axis=axis, dtype=np.float32) + np.float32(0)  # the kernel starts at 0
    else:
        out = np.cumsum(x.astype(np.int64), axis=axis)
    if exclusive:
        first = np.zeros_like(np.take(out, [0], axis=axis)) if x.shape[axis] else np.take(out, [], axis=axis)
        out = np.concatenate([first, np.take(out, np.arange(x.shape[axis] - 1), axis=axis)], axis=axis)
    return np.flip(out, axis) if reverse else out
