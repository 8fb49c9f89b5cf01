def output_fixedpoint64(acc, multiplier, shift, zero_point, act_min, act_max):
    """The output stage of 16x8 ops: TFLite's MultiplyByQuantizedMultiplier(int64 x,
    int32 M, shift) (common.cc, both roundings): the multiplier reduced to 16 bits,
    r = (M + 2^15) >> 16, then (x * r + 2^(14 - shift)) >> (15 - shift) truncated to
    int32; plus the zero point, clamped."""
    m = np.asarray(multiplier, dtype=np.int64)
    r = np.where(m >= 0x7FFF0000, 0x7FFF, (m + (1 << 15)) >> 16)
    total = 15 - np.minimum(np.asarray(shift, dtype=np.int64), 14)
    x = np.asarray(acc, dtype=np.int64) * r
    scaled = wrap32((x + (np.int64(1) << (total - 1))) >> total)
    return np.clip(scaled + zero_point, act_min, act_max)
