def clz32(x):
    """The number of leading zero bits of x as a uint32 (32 for 0)."""
    ux = np.asarray(x, dtype=np.int64) & 0xFFFFFFFF
    n = np.full(ux.shape, 32, dtype=np.int64)
    for b in range(32):
        n = np.where(ux >= (1 << b), 31 - b, n)
    return n


def count_leading_sign_bits(x):
    """TFLite's CountLeadingSignBits of int32 x (__builtin_clrsb): the redundant sign
    bits, so that x * 2^result still fits in int32."""
    x = np.asarray(x, dtype=np.int64)
    neg = clz32((2 * -x - 1) & 0xFFFFFFFF)
    return np.where(x >= 0, clz32(x) - 1, np.where(x == -(1 << 31), 0, neg))
