# needs: gemmlowp fixedpoint
def inv_sqrt_multiplier_exp(x):
    """TFLite's GetInvSqrtQuantizedMultiplierExp(x, kReverseShift = -1) (common.h) for
    int32 x >= 0: 1/sqrt(x) ~= multiplier * 2^(shift - 31). x is brought into
    [2^27, 2^29) by an even shift and 1/sqrt found by five Newton-Raphson steps in Q3.28
    from 1, times sqrt(2)/2; x <= 1 gives (MaxInt32, 0). Returns (multiplier, shift)."""
    x = np.asarray(x, dtype=np.int64)
    small = x <= 1
    shift = np.full(x.shape, 11, dtype=np.int64)
    while (x >= 1 << 29).any():
        big = x >= 1 << 29
        x = np.where(big, x // 4, x)
        shift = shift + big
    pairs = (count_leading_zeros32(x) - 1) // 2 - 1  # x > 1 here: count_leading_zeros32(x) >= 3
    shift = shift - pairs
    x = wrap32(x << np.maximum(2 * pairs, 0))
    half_x = rounding_divide_by_pot(x >> 1, 1)
    r = np.full(x.shape, 1 << 28, dtype=np.int64)
    for _ in range(5):
        r3 = rescale(srdhm(srdhm(r, r), r), 9, 3)
        r = rescale(wrap32(srdhm((1 << 28) + (1 << 27), r) - srdhm(half_x, r3)), 6, 3)
    r = srdhm(r, 1518500250)  # sqrt(2)/2 in Q0.31
    r = np.where(shift < 0, wrap32(r << np.maximum(-shift, 0)), r)
    shift = np.maximum(shift, 0)
    return np.where(small, (1 << 31) - 1, r), np.where(small, 0, -shift)
