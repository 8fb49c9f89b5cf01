def _f32_from_bits(u):
    """The float32 values whose bits are the uint32 array u."""
    return np.asarray(u, dtype=np.uint32).view(np.float32)


def glibc_expm1f(x):
    """glibc's expm1f (sysdeps/ieee754/flt-32/s_expm1f.c, Sun's algorithm; TFLite
    Micro's C library on Linux), every operation in float32: x = k*ln2 + r with ln2 in a
    high and a low part, expm1(r) by the rational scheme with r1 = 1 + hxs*(Q1 + ... +
    hxs*Q5), then scaled by 2^k. Each branch is computed for every element and
    selected."""
    f = np.float32
    x = np.asarray(x, dtype=np.float32)
    with np.errstate(all="ignore"):
        bits = x.view(np.uint32)
        neg = (bits >> np.uint32(31)) != 0
        hx = bits & np.uint32(0x7fffffff)
        ln_hi, ln_lo = f(6.9313812256e-01), f(9.0580006145e-06)
        inv_ln2 = f(1.4426950216e+00)
        q = [f(-3.3333335072e-02), f(1.5873016091e-03), f(-7.9365076090e-05),
             f(4.0082177293e-06), f(-2.0109921195e-07)]
        near = hx < np.uint32(0x3f851592)  # |x| < 1.5 ln2
        kf = np.trunc(inv_ln2 * x + np.where(neg, f(-0.5), f(0.5))).astype(np.float32)
        k = np.where(near, np.where(neg, -1, 1), kf.astype(np.int64))
        t = k.astype(np.float32)
        hi = np.where(near, np.where(neg, x + ln_hi, x - ln_hi), x - t * ln_hi)
        lo = np.where(near, np.where(neg, -ln_lo, ln_lo), t * ln_lo)
        reduce = hx > np.uint32(0x3eb17218)  # |x| > ln2/2
        xr = np.where(reduce, hi - lo, x)
        c = np.where(reduce, (hi - xr) - lo, f(0))
        k = np.where(reduce, k, 0)
        hfx = f(0.5) * xr
        hxs = xr * hfx
        p = q[4]
        for qi in reversed(q[:4]):
            p = qi + hxs * p
        r1 = f(1) + hxs * p
        t = f(3) - r1 * hfx
        e = hxs * ((r1 - t) / (f(6) - xr * t))
        out0 = xr - (xr * e - hxs)
        e = xr * (e - c) - c
        e = e - hxs
        out_m1 = f(0.5) * (xr - e) - f(0.5)
        out_p1 = np.where(xr < f(-0.25), f(-2) * (e - (xr + f(0.5))), f(1) + f(2) * (xr - e))
        shift = (k << 23).astype(np.int64)

        def add_exponent(y):
            return _f32_from_bits((y.view(np.uint32).astype(np.int64) + shift) & 0xffffffff)

        out_far = add_exponent((f(1) - (e - xr)).astype(np.float32)) - f(1)
        ksmall = np.clip(k, 0, 22)
        t_small = _f32_from_bits(np.uint32(0x3f800000) - (np.uint32(0x1000000) >> ksmall.astype(np.uint32)))
        out_mid = add_exponent((t_small - (e - xr)).astype(np.float32))
        t_big = _f32_from_bits((np.clip(0x7f - k, 1, 254).astype(np.uint32)) << np.uint32(23))
        out_big = add_exponent(((xr - (e + t_big)) + f(1)).astype(np.float32))
        out = np.where(k == 0, out0,
              np.where(k == -1, out_m1,
              np.where(k == 1, out_p1,
              np.where((k <= -2) | (k > 56), out_far,
              np.where(k < 23, out_mid, out_big)))))
        out = np.where(hx < np.uint32(0x33000000), x, out)  # |x| < 2^-25
        big = hx >= np.uint32(0x4195b844)  # |x| >= 27 ln2
        out = np.where(big & neg, f(-1), out)
        out = np.where((hx >= np.uint32(0x42b17218)) & ~neg & (x > f(8.8721679688e+01)), f(np.inf), out)
        out = np.where(hx > np.uint32(0x7f800000), x + x, out)
    return np.asarray(out, dtype=np.float32)


def elu_glibc(x):
    """reference_ops::Elu with glibc's expm1f: x < 0 ? expm1f(x) : x."""
    x = np.asarray(x, dtype=np.float32)
    return np.where(x < np.float32(0), glibc_expm1f(x), x).astype(np.float32)


def elu_xnnpack(x):
    """XNNPACK's f32-velu rr2-p6 (wasmsimd_x86, prescale = alpha = beta = 1), float32
    operations without fused multiply-add: n = round(x*log2e) by a magic bias, s = 2^n
    from n's bits, t = x - n*ln2 in two parts (s = t = 0 at or below -17.3287),
    p = ((((c6*t + c5)*t + c4)*t + c3)*t + c2)*t, e = (p*(t*s) + t*s) + (s - 1); the
    result is e where x's sign bit is set, else x."""
    f = np.float32
    x = np.asarray(x, dtype=np.float32)
    with np.errstate(all="ignore"):
        magic = f(float.fromhex("0x1.8000FEp23"))
        n = x * f(float.fromhex("0x1.715476p+0")) + magic
        s = _f32_from_bits(n.view(np.uint32) << np.uint32(23))
        n = n - magic
        t = n * f(float.fromhex("-0x1.62E440p-1")) + x
        t = n * f(float.fromhex("0x1.0105C6p-21")) + t
        sat = x <= f(float.fromhex("-0x1.154246p+4"))
        s = np.where(sat, f(0), s)
        t = np.where(sat, f(0), t)
        p = f(float.fromhex("0x1.6b7338p-10")) * t + f(float.fromhex("0x1.12278Ep-7"))
        for c in ["0x1.555716p-5", "0x1.5554B0p-3", "0x1.FFFFFEp-2"]:
            p = p * t + f(float.fromhex(c))
        p = p * t
        t = t * s
        s = s - f(1)
        p = p * t + t
        e = p + s
        out = np.where((x.view(np.uint32) >> np.uint32(31)) != 0, e, x)
    return np.asarray(out, dtype=np.float32)
