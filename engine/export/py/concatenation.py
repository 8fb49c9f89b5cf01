# needs: quantize
def concatenation(inputs, axis, rescale):
    """CONCATENATION along axis. rescale[i] is None where input i is copied (int8 inputs
    must share the output's quantization; XNNPACK copies every input's bytes), else
    (scale, bias, zero_point) of TFLite's uint8 ConcatenationWithScaling:
    round_half_away(float32(q) * scale + bias) + zero_point clamped to [0, 255], with
    scale = s_in * (1/s_out) and bias = -zp_in * scale in float32."""
    parts = []
    for x, r in zip(inputs, rescale):
        if r is not None:
            scale, bias, zero_point = r
            v = round_half_away(np.asarray(x).astype(np.float32) * scale + bias) + zero_point
            x = np.clip(v, 0, 255).astype(np.uint8)
        parts.append(x)
    return np.concatenate(parts, axis=axis)
