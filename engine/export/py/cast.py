# needs: movement
def cast(x, to):
    """CAST (kernels/cast.cc): static_cast<To>(x) per element, whatever the quantization.
    Integer to narrower integer wraps; integer to float32 rounds to nearest even; float32
    to integer truncates toward zero (NaN gives 0, values beyond +-2^62 are clamped there,
    and the rest wraps to the type); anything to bool is x != 0 (a bool's stored byte)."""
    if np.asarray(x).dtype == np.dtype(to):
        return x  # copied as stored
    x = raw(x)
    if to == np.bool_:
        return x != 0
    if x.dtype == np.float32:
        f = x.astype(np.float64)
        v = np.trunc(np.clip(f, -2.0 ** 62, 2.0 ** 62))
        return np.where(np.isnan(f), 0, v).astype(np.int64)
    if to == np.float32:
        return x.astype(np.float32)
    return x.astype(np.int64)
