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


def l2_inv_norm_rows(x, input_zero_point):
    """The rows of a quantized L2_NORMALIZATION input along the last axis:
    v = x - input_zero_point (int64 [rows, depth]), and (m, s) =
    GetInvSqrtQuantizedMultiplierExp(acc) per row, acc = sum of v^2 in int32,
    so that 1/sqrt(acc) ~= m * 2^(s - 31)."""
    v = x.reshape(-1, x.shape[-1]).astype(np.int64) - input_zero_point
    m, s = inv_sqrt_multiplier_exp(wrap32((v * v).sum(axis=1)))
    return v, m[:, None], s[:, None]


def l2_normalization_int8(x, input_zero_point, rounding):
    """int8 L2_NORMALIZATION (reference_integer_ops::L2Normalization, TFLite Micro's
    l2norm.cc) along the last axis; the output scale is 1/128 and its zero point 0. With
    v, m, s as in l2_inv_norm_rows:
    out = clamp(MultiplyByQuantizedMultiplier(v, m, s + 7), -128, 127)."""
    x = np.asarray(x)
    if x.shape[-1] == 0 or x.size == 0:
        return x
    v, m, s = l2_inv_norm_rows(x, input_zero_point)
    return np.clip(requantize(v, m, s + 7, rounding), -128, 127).reshape(x.shape)


def l2_normalization_uint8(x, input_zero_point, rounding):
    """uint8 L2_NORMALIZATION (reference_ops::L2Normalization for uint8) along the last
    axis; the output scale is 1/128 and its zero point 128. With v, m, s as in
    l2_inv_norm_rows:
    out = clamp(128 + MultiplyByQuantizedMultiplierSmallerThanOneExp(128 * v, m, s), 0, 255)
    (the *128 goes in before the rounding, unlike int8's shift + 7)."""
    x = np.asarray(x)
    if x.shape[-1] == 0 or x.size == 0:
        return x
    v, m, s = l2_inv_norm_rows(x, input_zero_point)
    return np.clip(128 + requantize(128 * v, m, s, rounding), 0, 255).reshape(x.shape)
