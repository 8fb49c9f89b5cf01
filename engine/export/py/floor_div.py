def floor_div_mod(x, y, mod, op, builtin):
    """FLOOR_DIV / FLOOR_MOD (reference_ops::FloorDiv, FloorMod), broadcasting:
    FLOOR_DIV: floor(double(x) / double(y)) in the type; FLOOR_MOD: m = fmod(x, y)
    (C's % for int32), plus y where m != 0 and m, y differ in sign. A zero divisor fails
    ("Division by 0"), as does INT32_MIN / -1. A float32 FLOOR_MOD that is NaN is the
    positive quiet NaN, as the engine (Go's math.Mod) gives it; x86's fmodf gives -NaN."""
    zero = np.flatnonzero(np.asarray(y).reshape(-1) == 0)
    if zero.size:
        raise ModelError("op %d (%s): divisor element %d is 0 (TFLite: \"Division by 0\")" % (op, builtin, zero[0]))
    if x.dtype == np.int32:
        a, b = np.broadcast_arrays(x.astype(np.int64), y.astype(np.int64))
        if ((a == -2 ** 31) & (b == -1)).any():
            raise ModelError("op %d (%s): %d / -1 overflows int32" % (op, builtin, -2 ** 31))
    with np.errstate(all="ignore"):  # IEEE results (inf / inf is NaN), as in C
        if not mod:
            return np.floor(x.astype(np.float64) / y.astype(np.float64)).astype(x.dtype)
        if x.dtype == np.float32:
            m = np.fmod(x.astype(np.float64), y.astype(np.float64)).astype(np.float32)  # fmodf is exact
            m = np.where(np.isnan(m), np.float32(np.nan), m)  # the engine's NaN (Go's math.Mod): positive
        else:
            m = np.fmod(x.astype(np.int64), y.astype(np.int64))  # C's %: the sign of x
        return np.where((m != 0) & ((y < 0) != (m < 0)), m + y, m)
