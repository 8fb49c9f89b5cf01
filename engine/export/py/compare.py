# needs: fixedpoint movement
def compare(x, y, op, scaling=None):
    """EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL (reference_ops
    comparisons, broadcasting): x op y on the stored values; int8/uint8 through
    ComparisonWithScaling, scaling = (left_shift, offset1, offset2, requant1, requant2):
    each input becomes MultiplyByQuantizedMultiplier((v + offset) * 2^left_shift,
    requant) with its own scale as the multiplier, then they are compared."""
    x, y = raw(x), raw(y)
    if scaling is not None:
        left_shift, offset1, offset2, requant1, requant2 = scaling
        x = requantize(wrap32((x.astype(np.int64) + offset1) << left_shift), *requant1)
        y = requantize(wrap32((y.astype(np.int64) + offset2) << left_shift), *requant2)
    elif x.dtype != np.float32:
        x, y = x.astype(np.int64), y.astype(np.int64)
    return {"==": np.equal, "!=": np.not_equal, "<": np.less, "<=": np.less_equal,
            ">": np.greater, ">=": np.greater_equal}[op](x, y)


def select(cond, x, y, rank_one):
    """SELECT / SELECT_V2 (reference_ops::Select, BroadcastSelect5DSlow): cond ? x : y,
    the elements copied as stored; rank_one: SELECT's 1-D condition picks whole rows
    along the first dimension."""
    c = raw(cond) != 0
    if rank_one:
        c = c.reshape((-1,) + (1,) * (np.ndim(x) - 1))
    return np.where(c, x, y)


def maximum_minimum(x, y, is_max):
    """MAXIMUM / MINIMUM (reference_ops::MaximumMinimumBroadcastSlow): std::max(x, y) =
    x < y ? y : x and std::min(x, y) = y < x ? y : x of the stored values (which decides
    -0 against +0 and NaN), broadcasting."""
    return np.where(x < y, y, x) if is_max else np.where(y < x, y, x)
