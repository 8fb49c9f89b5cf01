def pad(x, paddings, value):
    """PAD / PADV2 (reference_ops::Pad): the input surrounded by (before, after) copies of
    value per dimension; value is the stored pad value (the output zero point for
    quantized PAD, PADV2's constant input otherwise)."""
    return np.pad(x, paddings, mode="constant", constant_values=np.asarray(value, dtype=x.dtype))
