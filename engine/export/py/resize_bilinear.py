def _bilinear_axis(kernel, n_out, size, scale, scale10, align_corners, half_pixel_centers):
    """Where each output row (or column) samples one input axis, per kernel: the two
    neighbouring input rows lo, hi and the kernel's coordinate or weight w (float32
    coordinate, 1/1024 coordinate, 1/16 weight, alpha, Q11 alpha, or the parity)."""
    v = np.arange(n_out, dtype=np.int64)
    if kernel == "integer":
        s = wrap32(v * scale10)
        if half_pixel_centers:
            s = wrap32(s + scale10 // 2 - 512)
        return np.maximum(trunc_div(s, 1024), 0), np.minimum(trunc_div(s + 1023, 1024), size - 1), s
    if kernel == "2x2":
        lo = v // 2
        return lo, np.minimum(lo + 1, size - 1), v % 2 == 1
    if kernel == "888":
        k, m = (v - 4) // 8, (v - 4) % 8
        edge = (v < 4) | (k >= size - 1)
        lo = np.where(v < 4, 0, np.where(edge, size - 1, k))
        return lo, np.where(edge, lo, k + 1), np.where(edge, 0, 2 * m + 1)
    vf = v.astype(np.float32)
    if kernel in ("xnn_float", "xnn_q11"):
        if align_corners or not half_pixel_centers:
            f = vf * scale
        else:
            f = (vf * scale) + (np.float32(0.5) * scale - np.float32(0.5))
            f = np.minimum(np.maximum(f, np.float32(0)), np.float32(size - 1))
        lo = f.astype(np.int64)  # truncation
        alpha = (f - lo.astype(np.float32)).astype(np.float32)
        if kernel == "xnn_q11":
            alpha = np.rint((alpha * np.float32(2048)).astype(np.float32)).astype(np.int64)
        return lo, np.minimum(lo + 1, size - 1), alpha
    if half_pixel_centers:
        f = ((vf + np.float32(0.5)) * scale - np.float32(0.5)).astype(np.float32)
    else:
        f = (vf * scale).astype(np.float32)
    lo = np.maximum(np.floor(f).astype(np.int64), 0)
    return lo, np.minimum(np.ceil(f).astype(np.int64), size - 1), f


def resize_bilinear(x, kernel, out_height, out_width, scale_h, scale_w, scale10_h, scale10_w,
                    align_corners, half_pixel_centers, rounding):
    """RESIZE_BILINEAR of an NHWC tensor, one kernel of TFLite's or XNNPACK's (the input
    and output share their quantization, so integers are interpolated directly). Each
    output row y samples input rows y0 (top) and y1 (bottom), each column x columns x0
    (left) and x1 (right); tl, tr, bl, br are the four neighbours.
    "reference" (reference_ops::ResizeBilinear, float32 and uint8):
        in_y = y*scale or (y + 0.5)*scale - 0.5 (half_pixel_centers), float32;
        y0 = max(floor(in_y), 0), y1 = min(ceil(in_y), H-1), dy = in_y - y0;
        out = tl*(1-dy)*(1-dx) + bl*dy*(1-dx) + tr*(1-dy)*dx + br*dy*dx in float32, in
        this order (uint8: + 0.5, truncated).
    "generic" (optimized ResizeBilinearGeneric, float32) and "small_channel"
        (ResizeBilinearGenericSmallChannel, uint8): the same coordinates, the weights
        multiplied first and the terms added tl, tr, bl, br.
    "2x2" (optimized ResizeBilinear2x2, float32): averages of the neighbours.
    "888" (ResizeBilinear888Uint8): 8x half-pixel upsampling, weights in 1/16,
        (sum + 128) >> 8.
    "integer" (reference_ops::ResizeBilinearInteger, int8 and int16): coordinates in
        1/1024 (scale10 = round(1024*H_in/H_out)), the sum in 2^-20 divided by 2^20,
        half away from zero (rounding "double") or half up ("single").
    "xnn_float" / "xnn_q11" (XNNPACK's ibilinear): in_y = y*scale, or
        clamp(y*scale + (scale/2 - 1/2), 0, H-1), in float32; y0 its integer part,
        y1 = min(y0 + 1, H-1), alpha the fraction (Q11: round(alpha*2048));
        top = tl + (tr-tl)*ax, bottom = bl + (br-bl)*ax, out = top + (bottom-top)*ay
        (Q11 in integers: (acc + 2^21) >> 22)."""
    x = np.asarray(x)
    _, h, w, _ = x.shape
    ylo, yhi, wy = _bilinear_axis(kernel, out_height, h, scale_h, scale10_h, align_corners, half_pixel_centers)
    xlo, xhi, wx = _bilinear_axis(kernel, out_width, w, scale_w, scale10_w, align_corners, half_pixel_centers)
    if (ylo >= h).any() or (xlo >= w).any():
        raise ModelError("RESIZE_BILINEAR: TFLite's kernel would read past the input (its rounded scale overshoots)")
    rows_lo, rows_hi = x[:, ylo], x[:, yhi]
    tl, tr, bl, br = rows_lo[:, :, xlo], rows_lo[:, :, xhi], rows_hi[:, :, xlo], rows_hi[:, :, xhi]
    wy, wx = wy[None, :, None, None], wx[None, None, :, None]
    f32 = np.float32
    with np.errstate(all="ignore"):
        if kernel == "integer":
            tl, tr, bl, br = (a.astype(np.int64) for a in (tl, tr, bl, br))
            dy, dx = wy - 1024 * ylo[None, :, None, None], wx - 1024 * xlo[None, None, :, None]
            s = tl * ((1024 - dy) * (1024 - dx)) + bl * (dy * (1024 - dx)) + tr * ((1024 - dy) * dx) + br * (dy * dx)
            if rounding == "single":
                return (s + (1 << 19)) >> 20
            return trunc_div(s + np.where(s <= 0, -(1 << 19), 1 << 19), 1 << 20)
        if kernel == "888":
            tl, tr, bl, br = (a.astype(np.int64) for a in (tl, tr, bl, br))
            s = tl * ((16 - wy) * (16 - wx)) + tr * ((16 - wy) * wx) + bl * (wy * (16 - wx)) + br * (wy * wx)
            return (s + 128) >> 8
        if kernel == "xnn_q11":
            tl, tr, bl, br = (a.astype(np.int64) for a in (tl, tr, bl, br))
            top = wrap32((tl << 11) + (tr - tl) * wx)
            bottom = wrap32((bl << 11) + (br - bl) * wx)
            return wrap32((top << 11) + (bottom - top) * wy + (1 << 21)) >> 22
        tl, tr, bl, br = (a.astype(np.float32) for a in (tl, tr, bl, br))
        if kernel == "xnn_float":
            top = tl + (tr - tl) * wx
            bottom = bl + (br - bl) * wx
            return (top + (bottom - top) * wy).astype(f32)
        if kernel == "2x2":
            two = f32(2)
            left, right = (tl + bl) / two, (tr + br) / two
            return np.where(wy, np.where(wx, (left + right) / two, left),
                            np.where(wx, (tl + tr) / two, tl)).astype(f32)
        dy = (wy - ylo.astype(f32)[None, :, None, None]).astype(f32)
        dx = (wx - xlo.astype(f32)[None, None, :, None]).astype(f32)
        ey, ex = f32(1) - dy, f32(1) - dx
        if kernel in ("generic", "small_channel"):
            v = ((tl * (ey * ex) + tr * (ey * dx)) + bl * (dy * ex)) + br * (dy * dx)
        else:
            v = ((tl * ey * ex + bl * dy * ex) + tr * ey * dx) + br * dy * dx
        v = v.astype(f32)
        if x.dtype == np.float32:
            return v
        return (v + f32(0.5)).astype(f32).astype(np.int64)  # static_cast truncates
