# needs: fixedpoint gemmlowp
def relu_int(x, requant, input_zero_point, output_zero_point, act_min, act_max):
    """Quantized RELU and RELU6 (TFLite's ReluX): RELU rescales,
    MultiplyByQuantizedMultiplier(x - input_zero_point, s_in/s_out) + output_zero_point,
    with requant = (multiplier, shift, rounding); RELU6 (requant None) keeps the stored
    value (input and output share their quantization); then the clamp to the
    activation's quantized range."""
    v = np.asarray(x, dtype=np.int64)
    if requant is not None:
        multiplier, shift, rounding = requant
        v = requantize(wrap32(v - input_zero_point), multiplier, shift, rounding) + output_zero_point
    return np.clip(v, act_min, act_max)


def relu_float(x, relu6):
    """Float RELU / RELU6: x < 0 gives 0, and for RELU6 x > 6 gives 6 (NaN and -0 pass)."""
    x = np.where(x < 0, np.float32(0), x)
    if relu6:
        x = np.where(x > 6, np.float32(6), x)
    return x.astype(np.float32)


def lookup_table(x, table):
    """A 256-entry table lookup, as the browser TFLite computes LOGISTIC (XNNPACK's
    sigmoid table), TANH, ELU and GELU (TFLite's PopulateLookupTable): the table was built
    once, in float32, from the scales when the model was loaded (stored in the .npz as
    int8scope computed it); int8 inputs index it by x + 128, uint8 by x."""
    x = np.asarray(x)
    idx = x.astype(np.int64) + (128 if x.dtype == np.int8 else 0)
    return table[idx]


def sigmoid_int8(x, tanh, input_zero_point, input_multiplier, input_left_shift, input_range_radius, rounding):
    """int8 LOGISTIC and TANH of TFLite's reference kernels and TFLite Micro
    (reference_integer_ops::Logistic, Tanh): d = x - zp_in; d <= -radius gives -128,
    d >= radius gives 127; otherwise d is scaled to Q4.27 by MultiplyByQuantizedMultiplier
    (input_multiplier, input_left_shift), gemmlowp's fixed-point logistic (tanh) gives a
    Q0.31 r, and out = RoundingDivideByPOT(r, 23) - 128 (tanh: RoundingDivideByPOT(r, 24)),
    clamped to int8."""
    d = np.asarray(x, dtype=np.int64) - input_zero_point
    a = requantize(d, input_multiplier, input_left_shift, rounding)
    if tanh:
        v = rounding_divide_by_pot(tanh_q(a, 4), 24)
    else:
        v = rounding_divide_by_pot(logistic_q(a, 4), 23) - 128
    v = np.clip(v, -128, 127)
    return np.where(d <= -input_range_radius, -128, np.where(d >= input_range_radius, 127, v))
