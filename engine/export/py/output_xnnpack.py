def output_xnnpack(acc, scale, zero_point, out_min, out_max):
    """XNNPACK's fp32 requantization (QS8/QC8/QU8 GEMM, IGEMM, DWCONV microkernels):
    float32(acc) * scale[c], the product rounded to float32, then rounded half to even
    (the magic-number trick), plus the zero point, clamped to [out_min, out_max].
    scale[c] = float32(float32(s_in * s_filter[c]) / s_out) for output channel c (last axis)."""
    f = np.asarray(acc).astype(np.int32).astype(np.float32) * np.asarray(scale, dtype=np.float32)
    v = np.rint(f).astype(np.float64)
    out = np.where(v <= out_min - zero_point, out_min,
                   np.where(v >= out_max - zero_point, out_max, v + zero_point))
    return out.astype(np.int64)
