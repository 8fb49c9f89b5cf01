def gather(params, positions, batch, outer, axis_size, inner, coords):
    """GATHER (reference_ops::Gather): params viewed as [batch, outer, axis_size, inner]
    (batch: the batch_dims dimensions, outer: those up to the axis), the positions as
    [batch, coords]; out[b, o, i, j] = params[b, o, positions[b, i], j]. A position
    outside [0, axis_size) fails, as in TFLite."""
    pos = np.asarray(positions, dtype=np.int64).reshape(batch, coords)
    bad = (pos < 0) | (pos >= axis_size)
    if bad.any():
        k = int(np.argmax(bad.reshape(-1)))
        raise ModelError("gather index out of bounds: position %d (element %d of the positions) is outside [0, %d)"
                         % (pos.reshape(-1)[k], k, axis_size))
    p = params.reshape(batch, outer, axis_size, inner)
    return p[np.arange(batch)[:, None, None], np.arange(outer)[None, :, None], pos[:, None, :], :]


def gather_nd(params, indices, depth):
    """GATHER_ND (reference_ops::GatherNd): the last dimension of indices (depth values)
    addresses a slice of params, out[i, j] = params[indices[i, 0], ..., indices[i, depth-1], j].
    An index outside its dimension fails, as in TFLite."""
    dims = params.shape
    idx = np.asarray(indices, dtype=np.int64).reshape(-1, depth)
    bad = (idx < 0) | (idx >= np.asarray(dims[:depth], dtype=np.int64))
    if bad.any():
        i, j = divmod(int(np.argmax(bad.reshape(-1))), depth)
        raise ModelError("gather_nd index out of bounds: index %d of slice %d is %d, outside [0, %d)"
                         % (j, i, idx[i, j], dims[j]))
    flat = np.zeros(idx.shape[0], dtype=np.int64)
    for j in range(depth):
        flat = flat * dims[j] + idx[:, j]
    return params.reshape((-1,) + tuple(dims[depth:]))[flat]
