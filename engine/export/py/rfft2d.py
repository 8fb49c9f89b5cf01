def _fft_last_axis(re, im, tw_re, tw_im):
    """A radix-2 decimation-in-time FFT along the last axis (a power of two), as int8scope
    computes it, in double: the bit-reversal permutation, then butterflies of size 2, 4,
    ..., n: a, b*w -> a + b*w, a - b*w with w = tw[k * n/size]. Complex products are written
    out (re*re - im*im, re*im + im*re) so that no fused multiply-add can enter."""
    n = re.shape[-1]
    if n < 2:
        return re, im
    bits = n.bit_length() - 1
    rev = np.array([int(format(i, "0%db" % bits)[::-1], 2) for i in range(n)])
    re, im = re[..., rev], im[..., rev]
    size = 2
    while size <= n:
        half, step = size // 2, n // size
        wr, wi = tw_re[np.arange(half) * step], tw_im[np.arange(half) * step]
        shape = re.shape[:-1] + (n // size, size)
        r, i = re.reshape(shape), im.reshape(shape)
        ar, ai, br, bi = r[..., :half], i[..., :half], r[..., half:], i[..., half:]
        pr = br * wr - bi * wi
        pi = br * wi + bi * wr
        re = np.concatenate([ar + pr, ar - pr], axis=-1).reshape(re.shape)
        im = np.concatenate([ai + pi, ai - pi], axis=-1).reshape(im.shape)
        size *= 2
    return re, im


def rfft2d(x, fft_length, twiddles_h, twiddles_w):
    """RFFT2D (TFLite's rfft2d.cc): the 2-D DFT of each real [H, W] slice (the last two
    axes), cropped or zero-padded to fft_length = (Hf, Wf), keeping the Wf/2 + 1
    non-redundant columns; in double, each part rounded to float32 at the end. TFLite uses
    Ooura's rdft2d; int8scope (and this program) a radix-2 FFT over the rows, then the
    columns, with the twiddles e^(-2 pi i k/n) of int8scope (exact at multiples of pi/2,
    given as float64 bits: real parts then imaginary parts). The double results of the two
    differ by ~1e-16 relative, so their float32 roundings agree except where a part
    cancels to nearly zero."""
    hf, wf = fft_length
    x = np.asarray(x, dtype=np.float32)
    lead = x.shape[:-2]
    h, w = x.shape[-2:]
    re = np.zeros(lead + (hf, wf), dtype=np.float64)
    re[..., :min(h, hf), :min(w, wf)] = x[..., :min(h, hf), :min(w, wf)]
    im = np.zeros_like(re)
    th = np.asarray(twiddles_h, dtype=np.int64).view(np.float64).reshape(2, -1)
    tw = np.asarray(twiddles_w, dtype=np.int64).view(np.float64).reshape(2, -1)
    with np.errstate(all="ignore"):
        re, im = _fft_last_axis(re, im, tw[0], tw[1])
        cols = wf // 2 + 1
        re, im = np.swapaxes(re[..., :cols], -1, -2), np.swapaxes(im[..., :cols], -1, -2)
        re, im = _fft_last_axis(re, im, th[0], th[1])
        re, im = np.swapaxes(re, -1, -2), np.swapaxes(im, -1, -2)
    out = np.empty(re.shape, dtype=np.complex64)
    out.real, out.imag = re.astype(np.float32), im.astype(np.float32)
    return out


def complex_part(x, part):
    """REAL, IMAG and COMPLEX_ABS of complex64 values (TFLite's complex_support.cc);
    COMPLEX_ABS is std::abs(complex<float>), musl's hypotf in the browser TFLite:
    with |re|, |im| ordered x >= y, sqrtf(float(double(x)*x + double(y)*y)), x + y when y is
    0, infinite or NaN or more than 2^24 times smaller, rescaled by 2^+-90 for huge and
    tiny values."""
    x = np.asarray(x, dtype=np.complex64)
    if part == "real":
        return x.real.astype(np.float32)
    if part == "imag":
        return x.imag.astype(np.float32)
    with np.errstate(all="ignore"):
        ua = x.real.astype(np.float32).view(np.uint32).astype(np.int64) & 0x7fffffff
        ub = x.imag.astype(np.float32).view(np.uint32).astype(np.int64) & 0x7fffffff
        ux, uy = np.maximum(ua, ub), np.minimum(ua, ub)
        xf = ux.astype(np.uint32).view(np.float32)
        yf = uy.astype(np.uint32).view(np.float32)
        big, tiny = ux >= (0x7f + 60) << 23, uy < (0x7f - 60) << 23
        z = np.where(big, np.float32(2.0 ** 90), np.where(tiny, np.float32(2.0 ** -90), np.float32(1)))
        k = np.where(big, np.float32(2.0 ** -90), np.where(tiny, np.float32(2.0 ** 90), np.float32(1)))
        xs, ys = (xf * k).astype(np.float64), (yf * k).astype(np.float64)
        s = (xs * xs + ys * ys).astype(np.float32)
        r = (z * np.sqrt(s.astype(np.float64)).astype(np.float32)).astype(np.float32)
        r = np.where((ux >= 0xff << 23) | (uy == 0) | (ux - uy >= 25 << 23), (xf + yf).astype(np.float32), r)
        return np.where(uy == 0xff << 23, yf, r).astype(np.float32)
