def space_to_batch_nd(x, block, pad, pad_value):
    """SPACE_TO_BATCH_ND (reference_ops::SpaceToBatchND) on a 4-D [N, H, W, C] input:
    padded by pad = (top, bottom, left, right) with pad_value, cut into block = (Bh, Bw)
    blocks that go to the batch:
    out[(sh*Bw + sw)*N + n, y, x, c] = padded[n, y*Bh + sh, x*Bw + sw, c]."""
    n, h, w, ch = x.shape
    bh, bw = block
    xp = np.pad(x, [(0, 0), (pad[0], pad[1]), (pad[2], pad[3]), (0, 0)],
                constant_values=np.asarray(pad_value).astype(x.dtype))
    hp, wp = xp.shape[1] // bh, xp.shape[2] // bw
    return xp.reshape(n, hp, bh, wp, bw, ch).transpose(2, 4, 0, 1, 3, 5).reshape(bh * bw * n, hp, wp, ch)


def batch_to_space_nd(x, block, crop):
    """BATCH_TO_SPACE_ND (reference_ops::BatchToSpaceND), SPACE_TO_BATCH_ND's inverse on
    a 4-D input: out[n, y, x, c] = in[(sh*Bw + sw)*N + n, (y+top)/Bh, (x+left)/Bw, c]
    with sh = (y+top) mod Bh, sw = (x+left) mod Bw; crop = (top, bottom, left, right)."""
    b, h, w, ch = x.shape
    bh, bw = block
    n = b // (bh * bw)
    full = x.reshape(bh, bw, n, h, w, ch).transpose(2, 3, 0, 4, 1, 5).reshape(n, h * bh, w * bw, ch)
    return full[:, crop[0]:h * bh - crop[1], crop[2]:w * bw - crop[3], :]


def depth_to_space(x, b):
    """DEPTH_TO_SPACE (reference_ops::DepthToSpace): [N, H, W, C*B*B] to [N, H*B, W*B, C],
    out[n, y, x, c] = in[n, y/B, x/B, ((y mod B)*B + x mod B)*C + c]."""
    n, h, w, d = x.shape
    ch = d // (b * b)
    return x.reshape(n, h, w, b, b, ch).transpose(0, 1, 3, 2, 4, 5).reshape(n, h * b, w * b, ch)


def space_to_depth(x, b):
    """SPACE_TO_DEPTH (reference_ops::SpaceToDepth), DEPTH_TO_SPACE's inverse:
    [N, H*B, W*B, C] to [N, H, W, C*B*B]."""
    n, h, w, ch = x.shape
    return x.reshape(n, h // b, b, w // b, b, ch).transpose(0, 1, 3, 2, 4, 5).reshape(n, h // b, w // b, b * b * ch)
