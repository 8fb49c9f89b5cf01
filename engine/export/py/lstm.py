# needs: fixedpoint fixedpoint16 activation libm elu
def _lstm_sequence(x, time_major):
    """The input as [time, batch, features] (the batches are independent, so TFLite
    Micro's batch-major order - one batch's sequence after another - computes the same)."""
    return x if time_major else np.swapaxes(x, 0, 1)


def _lstm_output(hs, time_major, shape, dtype):
    out = np.stack(hs)  # [time, batch, units]
    return as_tensor(out if time_major else np.swapaxes(out, 0, 1), dtype, shape)


def _lstm_float_fc(x, w, b):
    """reference_ops::FullyConnected without activation: sum over d of x[d]*w[u, d] in
    float32 from 0, in order, plus the bias (0 without one), clamped to +-FLT_MAX."""
    total = np.zeros((x.shape[0], w.shape[0]), dtype=np.float32)
    for d in range(w.shape[1]):
        total = total + x[:, d:d + 1] * w[:, d]
    total = total + (b if b is not None else np.float32(0))
    return _lstm_clamp(total)


def _lstm_clamp(v):
    """std::min(std::max(v, -FLT_MAX), FLT_MAX) (NaN passes)."""
    big = np.finfo(np.float32).max
    v = np.where(v < -big, -big, v)
    return np.where(big < v, big, v).astype(np.float32)


def _lstm_sigmoid(v):
    """reference_ops::Logistic for float: 1 above 16.619047164916992188, exp(v) below -9,
    else 1/(1 + exp(-v)), with TFLite Micro's std::exp: glibc's expf, the same Arm
    algorithm as musl's (musl_expf)."""
    v = np.asarray(v, dtype=np.float32)
    with np.errstate(all="ignore"):
        e = musl_expf(-v)
        r = (np.float32(1) / (np.float32(1) + e)).astype(np.float32)
        r = np.where(v < np.float32(-9), musl_expf(v), r)
    return np.where(v > np.float32(16.619047164916992188), np.float32(1), r).astype(np.float32)


def glibc_tanhf(x):
    """glibc's tanhf (sysdeps/ieee754/flt-32/s_tanhf.c; TFLite Micro's std::tanh on
    Linux), in float32: for 1 <= |x| < 22, 1 - 2/(expm1f(2|x|) + 2); below 1,
    -t/(t + 2) with t = expm1f(-2|x|); 1 from 22 on; x itself below 2^-55 (and for 0 and
    NaN); the sign of x."""
    x = np.asarray(x, dtype=np.float32)
    a = np.abs(x)
    with np.errstate(all="ignore"):
        t1 = glibc_expm1f(np.float32(2) * a)
        big = (np.float32(1) - np.float32(2) / (t1 + np.float32(2))).astype(np.float32)
        t0 = glibc_expm1f(np.float32(-2) * a)
        small = (-t0 / (t0 + np.float32(2))).astype(np.float32)
    z = np.where(a >= np.float32(1), big, small)
    z = np.where(a >= np.float32(22), np.float32(1), z).astype(np.float32)
    z = np.where(np.signbit(x), -z, z).astype(np.float32)
    return np.where((a < np.float32(2.0 ** -55)) | np.isnan(x), x, z).astype(np.float32)


def lstm_float(x, w, r, b, hidden, cell, time_major, cell_clip, out_shape):
    """Float UNIDIRECTIONAL_SEQUENCE_LSTM (TFLite Micro's EvalLstm<float>): for each time
    step, gates in the order forget, input, cell (then the cell update), output:
    gate = act(FC(x; W, b) + FC(h; R)), act sigmoid (tanh for the cell gate);
    c = f*c + i*g (clipped to +-cell_clip when cell_clip > 0); h = tanh(c) * o; out[t] = h.
    w, r, b are per gate in TFLite's order (input, forget, cell, output); tanh and exp are
    glibc's tanhf and expf (glibc_tanhf, _lstm_sigmoid).
    Returns (output, hidden, cell)."""
    xs = _lstm_sequence(np.asarray(x, dtype=np.float32), time_major)
    h = np.asarray(hidden, dtype=np.float32).reshape(xs.shape[1], -1)
    c = np.asarray(cell, dtype=np.float32).reshape(h.shape)
    hs = []
    with np.errstate(all="ignore"):
        def gate(g, xt, h):
            v = (_lstm_float_fc(xt, w[g], b[g]) + _lstm_float_fc(h, r[g], None)).astype(np.float32)
            return glibc_tanhf(v) if g == 2 else _lstm_sigmoid(v)
        for xt in xs:
            fg, ig, cg = gate(1, xt, h), gate(0, xt, h), gate(2, xt, h)
            c = (_lstm_clamp(fg * c) + _lstm_clamp(ig * cg)).astype(np.float32)
            if cell_clip > 0:
                clip = np.float32(cell_clip)
                c = np.where(c < clip, c, clip)
                c = np.where(c < -clip, -clip, c).astype(np.float32)
            og = gate(3, xt, h)
            h = _lstm_clamp(glibc_tanhf(c) * og)
            hs.append(h)
    return _lstm_output(hs, time_major, out_shape, np.float32), h, c


def lstm_int(x, w, r, b, hidden, cell, time_major, input_offset, hidden_offset, hidden_zero_point, gates,
             forget_cell_mul, input_cell_mul, hidden_mul, tanh_cell_multiplier, tanh_cell_shift,
             quantized_cell_clip, sigmoid_table, out_shape):
    """Integer UNIDIRECTIONAL_SEQUENCE_LSTM (TFLite Micro's EvalLstm, int8 or int16
    activations, int8 weights, int16 cell state). Per gate, two
    reference_integer_ops::FullyConnected onto int16 Q3.12 (scale 2^-12):
    FC(x) = clamp16(MBQM(sum (w + w_off)*(x + input_offset) + bias, input_fc)) and
    FC(h) likewise with the recurrent weights and hidden_offset (int32 accumulators for
    int8 activations, int64 and the 64-bit MultiplyByQuantizedMultiplier for int16);
    gate = sigmoid or tanh (sigmoid_int16: the int16 interpolation in sigmoid_table,
    TFLite's sigmoid_table_uint16, input multiplier 3, Q0.15) of
    clamp16(FC(x) + FC(h)). Then, by MulElementwise (requantized products):
    c = clamp16(MBQM(f*c, forget_cell_mul) + MBQM(i*g, input_cell_mul)) (clipped to
    +-quantized_cell_clip when given); h = clamp(MBQM(tanh(c)*o, hidden_mul) +
    hidden_zero_point), tanh(c) rescaling c by (tanh_cell_multiplier, tanh_cell_shift).
    gates[g] = (input_fc, recurrent_fc, input_weight_offset, recurrent_weight_offset) with
    each multiplier (M, shift, rounding); weights in TFLite's gate order (input, forget,
    cell, output). Returns (output, hidden, cell)."""
    x = np.asarray(x)
    dtype = x.dtype
    wide = dtype == np.int16
    lo, hi = type_range(dtype)
    xs = _lstm_sequence(x.astype(np.int64), time_major)
    h = np.asarray(hidden, dtype=np.int64).reshape(xs.shape[1], -1)
    c = np.asarray(cell, dtype=np.int64).reshape(h.shape)

    def fc(v, offset, wt, w_offset, bias, q):
        acc = (v + offset) @ (wt.astype(np.int64) + w_offset).T
        if bias is not None:
            acc = acc + bias.astype(np.int64)
        if wide:
            m, s, _ = q
            red = 0x7FFF if m >= 0x7FFF0000 else (m + (1 << 15)) >> 16
            total = 15 - min(s, 14)
            v = wrap32((acc * red + (1 << (total - 1))) >> total)
        else:
            v = requantize(wrap32(acc), *q)
        return np.clip(v, -32768, 32767)

    def gate(g, xt, h):
        in_fc, rec_fc, w_off, r_off = gates[g]
        v = np.clip(fc(xt, input_offset, w[g], w_off, b[g], in_fc) + fc(h, hidden_offset, r[g], r_off, None, rec_fc),
                    -32768, 32767)
        return sigmoid_int16(v, g == 2, 3, 0, sigmoid_table)

    hs = []
    for xt in xs:
        fg, ig, cg = gate(1, xt, h), gate(0, xt, h), gate(2, xt, h)
        kept = np.clip(requantize(fg * c, *forget_cell_mul), -32768, 32767)
        added = np.clip(requantize(ig * cg, *input_cell_mul), -32768, 32767)
        c = np.clip(kept + added, -32768, 32767)
        if quantized_cell_clip is not None:
            c = np.maximum(np.minimum(quantized_cell_clip, c), -quantized_cell_clip)
        og = gate(3, xt, h)
        t = sigmoid_int16(c, True, tanh_cell_multiplier, tanh_cell_shift, sigmoid_table)
        h = np.clip(requantize(t * og, *hidden_mul) + hidden_zero_point, lo, hi)
        hs.append(h)
    return _lstm_output(hs, time_major, out_shape, dtype), h, c


def lstm_builtin_int8(x, w, r, b, hidden, cell, time_major, input_zero_point, hidden_zero_point, input_scale,
                      recurrent_scale, hidden_scale, hidden_intermediate_zero_point, cell_scale_power, cell_clip,
                      out_shape):
    """int8 UNIDIRECTIONAL_SEQUENCE_LSTM of TFLite's builtin kernel (lstm_eval.cc
    EvalInteger8x8_16, portable tensor_utils; the browser TFLite). Per gate, int16 Q3.12
    pre-activations accumulated as PortableMatrixBatchVectorMultiplyAccumulate does:
    acc = bias' + sum x*w in int32, with the zero points folded into the biases
    (bias' = bias - zp_x * sum w for the input, -zp_h * sum r for the recurrent weights),
    dst = clamp16(MBQM(acc, effective scale) + dst) (double rounding), input then
    recurrent; gates by gemmlowp's int16 logistic and tanh (FixedPoint<int16_t, 3>). Cell:
    c = clamp16(int16(RoundingDivideByPOT(f*c, 15)) + int16(RoundingDivideByPOT(i*g,
    30 + cell_scale_power))), clipped to +-cell_clip when given; hidden:
    h = clamp(MBQM(o * tanh(c), hidden_scale) - zp) with tanh on
    FixedPoint<int16_t, 15 + cell_scale_power> - TFLite's CwiseMul SUBTRACTS the
    intermediate's zero point. input_scale, recurrent_scale: per gate (M, shift).
    Returns (output, hidden, cell)."""
    x = np.asarray(x)
    xs = _lstm_sequence(x.astype(np.int64), time_major)
    h = np.asarray(hidden, dtype=np.int64).reshape(xs.shape[1], -1)
    c = np.asarray(cell, dtype=np.int64).reshape(h.shape)
    in_bias = [wrap32(b[g].astype(np.int64) + wrap32(w[g].astype(np.int64).sum(axis=1)) * -input_zero_point)
               for g in range(4)]
    rec_bias = [wrap32(wrap32(r[g].astype(np.int64).sum(axis=1)) * -hidden_zero_point) for g in range(4)]

    def matmul(v, bias, wt, q, dst):
        acc = wrap32(bias + v @ wt.astype(np.int64).T)
        return np.clip(multiply_by_quantized_multiplier(acc, *q) + dst, -32768, 32767)

    def gate(g, xt, h):
        v = matmul(xt, in_bias[g], w[g], input_scale[g], 0)
        v = matmul(h, rec_bias[g], r[g], recurrent_scale[g], v)
        return tanh16(v, 3) if g == 2 else logistic16(v, 3)

    hs = []
    for xt in xs:
        ig, fg, cg, og = gate(0, xt, h), gate(1, xt, h), gate(2, xt, h), gate(3, xt, h)
        kept = wrap16(rounding_divide_by_pot(fg * c, 15))
        added = wrap16(rounding_divide_by_pot(ig * cg, 30 + cell_scale_power))
        c = np.clip(kept + added, -32768, 32767)
        if cell_clip is not None:
            c = np.maximum(-cell_clip, np.minimum(cell_clip, c))
        t = tanh16(c, 15 + cell_scale_power)
        h = np.clip(multiply_by_quantized_multiplier(og * t, *hidden_scale) - hidden_intermediate_zero_point, -128, 127)
        hs.append(h)
    return _lstm_output(hs, time_major, out_shape, np.int8), h, c
