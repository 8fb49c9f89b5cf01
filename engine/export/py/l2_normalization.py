# needs: invsqrt fixedpoint
def l2_normalization_float(x, epsilon):
    """Float L2_NORMALIZATION along the last axis (reference/l2normalization.h), in
    float32: n = 0 + x0*x0 + x1*x1 + ... in order, l = max(sqrtf(n), epsilon),
    out = x / l."""
    x = np.asarray(x, dtype=np.float32)
    depth = x.shape[-1]
    if depth == 0 or x.size == 0:
        return x
    rows = x.reshape(-1, depth)
    with np.errstate(all="ignore"):
        n = np.zeros(rows.shape[0], dtype=np.float32)
        for j in range(depth):
            n = (n + rows[:, j] * rows[:, j]).astype(np.float32)
        l2 = np.sqrt(n.astype(np.float64)).astype(np.float32)
        l2 = np.where(l2 < epsilon, epsilon, l2).astype(np.float32)
        return (rows / l2[:, None]).astype(np.float32).reshape(x.shape)


def l2_normalization_int8(x, input_zero_point, rounding):
    """int8 L2_NORMALIZATION (reference_integer_ops::L2Normalization, TFLite Micro's
    l2norm.cc) along the last axis; the output scale is 1/128 and its zero point 0. With
    v = x - input_zero_point, acc = sum of v^2 over the row in int32,
    (m, s) = GetInvSqrtQuantizedMultiplierExp(acc), 1/sqrt(acc) ~= m * 2^(s - 31):
    out = clamp(MultiplyByQuantizedMultiplier(v, m, s + 7), -128, 127)."""
    x = np.asarray(x)
    depth = x.shape[-1]
    if depth == 0 or x.size == 0:
        return x
    v = x.reshape(-1, depth).astype(np.int64) - input_zero_point
    acc = wrap32((v * v).sum(axis=1))
    m, s = inv_sqrt_multiplier_exp(acc)
    out = requantize(v, m[:, None], s[:, None] + 7, rounding)
    return np.clip(out, -128, 127).reshape(x.shape)


def l2_normalization_uint8(x, input_zero_point, rounding):
    """uint8 L2_NORMALIZATION (reference_ops::L2Normalization for uint8) along the last
    axis; the output scale is 1/128 and its zero point 128. With v = x - input_zero_point,
    acc = sum of v^2 over the row in int32, (m, s) = GetInvSqrtQuantizedMultiplierExp(acc):
    out = clamp(128 + MultiplyByQuantizedMultiplierSmallerThanOneExp(128 * v, m, s), 0, 255)
    (the *128 goes in before the rounding, unlike int8's shift + 7)."""
    x = np.asarray(x)
    depth = x.shape[-1]
    if depth == 0 or x.size == 0:
        return x
    v = x.reshape(-1, depth).astype(np.int64) - input_zero_point
    acc = wrap32((v * v).sum(axis=1))
    m, s = inv_sqrt_multiplier_exp(acc)
    out = 128 + requantize(128 * v, m[:, None], s[:, None], rounding)
    return np.clip(out, 0, 255).reshape(x.shape)
