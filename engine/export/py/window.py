def window_taps(x, filter_hw, stride, dilation, pad, out_hw, fill):
    """The sliding windows of a [N, H, W, C] tensor, one tap at a time: yields
    (fy, fx, patch, inside) where patch[n, y, x, :] is the input at row
    y*sh - pad_top + fy*dh, column x*sw - pad_left + fx*dw, and inside says whether
    that position lies in the input (taps outside are skipped by TFLite's kernels;
    patch holds fill there)."""
    (fh, fw), (sh, sw), (dh, dw), (pt, pl), (oh, ow) = filter_hw, stride, dilation, pad, out_hw
    n, h, w, ch = x.shape
    pb = max(0, (oh - 1) * sh + (fh - 1) * dh - pt - h + 1)
    pr = max(0, (ow - 1) * sw + (fw - 1) * dw - pl - w + 1)
    xp = np.full((n, h + pt + pb, w + pl + pr, ch), fill, dtype=x.dtype)
    xp[:, pt:pt + h, pl:pl + w, :] = x
    mp = np.zeros((h + pt + pb, w + pl + pr), dtype=bool)
    mp[pt:pt + h, pl:pl + w] = True
    for fy in range(fh):
        for fx in range(fw):
            rows = slice(fy * dh, fy * dh + (oh - 1) * sh + 1, sh)
            cols = slice(fx * dw, fx * dw + (ow - 1) * sw + 1, sw)
            yield fy, fx, xp[:, rows, cols, :], mp[rows, cols][None, :, :, None]
