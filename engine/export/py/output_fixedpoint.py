# needs: fixedpoint
def output_fixedpoint(acc, multiplier, shift, rounding, zero_point, act_min, act_max):
    """TFLite's integer output stage of FULLY_CONNECTED and the convolutions:
    clamp(MultiplyByQuantizedMultiplier(acc, M[c], shift[c]) + zero_point, act_min, act_max),
    with the multiplier and shift of each output channel c (the last axis), or one for all."""
    scaled = requantize(acc, multiplier, shift, rounding)
    return np.clip(scaled + zero_point, act_min, act_max)
