def _f32_bits(x):
    """The bits of float32 x as uint32."""
    return np.array(x, dtype=np.float32).view(np.uint32)


# musl's __exp2f_data.tab: the bits of 2^(i/32) minus i << 47.
_EXPF_TABLE = np.array([
    0x3ff0000000000000, 0x3fefd9b0d3158574, 0x3fefb5586cf9890f, 0x3fef9301d0125b51,
    0x3fef72b83c7d517b, 0x3fef54873168b9aa, 0x3fef387a6e756238, 0x3fef1e9df51fdee1,
    0x3fef06fe0a31b715, 0x3feef1a7373aa9cb, 0x3feedea64c123422, 0x3feece086061892d,
    0x3feebfdad5362a27, 0x3feeb42b569d4f82, 0x3feeab07dd485429, 0x3feea47eb03a5585,
    0x3feea09e667f3bcd, 0x3fee9f75e8ec5f74, 0x3feea11473eb0187, 0x3feea589994cce13,
    0x3feeace5422aa0db, 0x3feeb737b0cdc5e5, 0x3feec49182a3f090, 0x3feed503b23e255d,
    0x3feee89f995ad3ad, 0x3feeff76f2fb5e47, 0x3fef199bdd85529c, 0x3fef3720dcef9069,
    0x3fef5818dcfba487, 0x3fef7c97337b9b5f, 0x3fefa4afa2a490da, 0x3fefd0765b6e4540,
], dtype=np.uint64)


def musl_expf(x):
    """musl's expf (the browser TFLite's C library, Emscripten): e^x = 2^(k/32) * 2^(r/32),
    2^(k/32) from a 32-entry table, 2^(r/32) by a cubic; float64 operations (no fused
    multiply-add), rounded once to float32. Not correctly rounded: this is the function."""
    x = np.asarray(x, dtype=np.float32)
    with np.errstate(all="ignore"):
        n = 32.0
        z = x.astype(np.float64) * np.float64(float.fromhex("0x1.71547652b82fep+0") * n)
        kd = z + np.float64(float.fromhex("0x1.8p+52"))
        ki = np.array(kd, dtype=np.float64).view(np.uint64)
        kd = kd - np.float64(float.fromhex("0x1.8p+52"))
        r = z - kd
        s = (_EXPF_TABLE[(ki % np.uint64(32)).astype(np.int64)] + (ki << np.uint64(47))).view(np.float64)
        c0 = np.float64(float.fromhex("0x1.c6af84b912394p-5") / n / n / n)
        c1 = np.float64(float.fromhex("0x1.ebfce50fac4f3p-3") / n / n)
        c2 = np.float64(float.fromhex("0x1.62e42ff0c52d6p-1") / n)
        zz = c0 * r + c1
        r2 = r * r
        y = c2 * r + np.float64(1)
        y = zz * r2 + y
        out = (y * s).astype(np.float32)
        bits = _f32_bits(x)
        abstop = (bits >> np.uint32(20)) & np.uint32(0x7ff)
        special = abstop >= (_f32_bits(np.float32(88)) >> np.uint32(20))
        inf = np.float32(np.inf)
        out = np.where(special & (x < np.float32(float.fromhex("-0x1.9fe368p6"))), np.float32(0), out)
        out = np.where(special & (x > np.float32(float.fromhex("0x1.62e42ep6"))), inf, out)
        out = np.where(special & (abstop >= np.uint32(0x7f8)), x + x, out)
        out = np.where(x == -inf, np.float32(0), out)
    return np.asarray(out, dtype=np.float32)


# musl's __logf_data.tab: (1/c, log c) per subinterval.
_LOGF_TABLE = np.array([[float.fromhex(a), float.fromhex(b)] for a, b in [
    ("0x1.661ec79f8f3bep+0", "-0x1.57bf7808caadep-2"), ("0x1.571ed4aaf883dp+0", "-0x1.2bef0a7c06ddbp-2"),
    ("0x1.49539f0f010bp+0", "-0x1.01eae7f513a67p-2"), ("0x1.3c995b0b80385p+0", "-0x1.b31d8a68224e9p-3"),
    ("0x1.30d190c8864a5p+0", "-0x1.6574f0ac07758p-3"), ("0x1.25e227b0b8eap+0", "-0x1.1aa2bc79c81p-3"),
    ("0x1.1bb4a4a1a343fp+0", "-0x1.a4e76ce8c0e5ep-4"), ("0x1.12358f08ae5bap+0", "-0x1.1973c5a611cccp-4"),
    ("0x1.0953f419900a7p+0", "-0x1.252f438e10c1ep-5"), ("0x1p+0", "0x0p+0"),
    ("0x1.e608cfd9a47acp-1", "0x1.aa5aa5df25984p-5"), ("0x1.ca4b31f026aap-1", "0x1.c5e53aa362eb4p-4"),
    ("0x1.b2036576afce6p-1", "0x1.526e57720db08p-3"), ("0x1.9c2d163a1aa2dp-1", "0x1.bc2860d22477p-3"),
    ("0x1.886e6037841edp-1", "0x1.1058bc8a07ee1p-2"), ("0x1.767dcf5534862p-1", "0x1.4043057b6ee09p-2"),
]], dtype=np.float64)


def musl_logf(x):
    """musl's logf: x = 2^k * z with z near a table point c,
    log x = log1p(z/c - 1) + log c + k*ln2, log1p by a cubic, in float64, rounded once
    to float32 (-inf for 0, NaN below 0)."""
    x = np.asarray(x, dtype=np.float32)
    with np.errstate(all="ignore"):
        ix = _f32_bits(x).astype(np.int64)
        sub = (ix >= 1) & (ix < 0x00800000)  # positive subnormal: normalise
        ix = np.where(sub, _f32_bits(x * np.float32(float.fromhex("0x1p23"))).astype(np.int64) - (23 << 23), ix)
        tmp = (ix - 0x3f330000) & 0xFFFFFFFF
        i = (tmp >> 19) % 16
        k = np.where(tmp >= 1 << 31, tmp - (1 << 32), tmp) >> 23
        iz = (ix - (tmp & 0xff800000)) & 0xFFFFFFFF
        invc, logc = _LOGF_TABLE[i, 0], _LOGF_TABLE[i, 1]
        z = iz.astype(np.uint32).view(np.float32).astype(np.float64)
        r = z * invc - np.float64(1)
        y0 = logc + k.astype(np.float64) * np.float64(float.fromhex("0x1.62e42fefa39efp-1"))
        r2 = r * r
        y = np.float64(float.fromhex("0x1.5575b0be00b6ap-2")) * r + np.float64(float.fromhex("-0x1.ffffef20a4123p-2"))
        y = np.float64(float.fromhex("-0x1.00ea348b88334p-2")) * r2 + y
        y = y * r2 + (y0 + r)
        out = y.astype(np.float32)
        bits = _f32_bits(x).astype(np.int64)
        out = np.where((bits & 0x80000000 != 0) | (bits > 0x7f800000), np.float32(np.nan), out)
        out = np.where(bits == 0x7f800000, x, out)
        out = np.where(bits & 0x7fffffff == 0, np.float32(-np.inf), out)
        out = np.where(bits == 0x3f800000, np.float32(0), out)
    return np.asarray(out, dtype=np.float32)


def _sindf(x):
    """musl's __sindf: sin on [-pi/4, pi/4] by a polynomial in float64, to float32."""
    s1 = np.float64(-0x15555554cbac77 * 2.0 ** -55)
    s2 = np.float64(0x111110896efbb2 * 2.0 ** -59)
    s3 = np.float64(-0x1a00f9e2cae774 * 2.0 ** -65)
    s4 = np.float64(0x16cd878c3b46a7 * 2.0 ** -71)
    z = x * x
    w = z * z
    r = s3 + z * s4
    s = z * x
    return ((x + s * (s1 + z * s2)) + (s * w) * r).astype(np.float32)


def _cosdf(x):
    """musl's __cosdf: cos on [-pi/4, pi/4] by a polynomial in float64, to float32."""
    c0 = np.float64(-0x1ffffffd0c5e81 * 2.0 ** -54)
    c1 = np.float64(0x155553e1053a42 * 2.0 ** -57)
    c2 = np.float64(-0x16c087e80f1e27 * 2.0 ** -62)
    c3 = np.float64(0x199342e0ee5069 * 2.0 ** -68)
    z = x * x
    w = z * z
    r = c2 + z * c3
    return (((np.float64(1) + z * c0) + w * c1) + (w * z) * r).astype(np.float32)


def _rem_pio2f(xd):
    """musl's __rem_pio2f for |x| < 2^28*pi/2: x = n*pi/2 + y, |y| <~ pi/4 (the quadrant
    n mod 4 and y in float64)."""
    toint = np.float64(1.5 / float.fromhex("0x1p-52"))
    pio4 = np.float64(float.fromhex("0x1.921fb6p-1"))
    fn = (xd * np.float64(6.36619772367581382433e-01) + toint) - toint
    n = fn.astype(np.int64)

    def reduce(fn):
        return (xd - fn * np.float64(1.57079631090164184570e+00)) - fn * np.float64(1.58932547735281966916e-08)

    y = reduce(fn)
    lo, hi = y < -pio4, y > pio4
    fn = np.where(lo, fn - 1, np.where(hi, fn + 1, fn))
    n = np.where(lo, n - 1, np.where(hi, n + 1, n))
    y = np.where(lo | hi, reduce(fn), y)
    return n & 3, y


def _musl_trig(x, cos):
    """musl's sinf (cos False) and cosf (cos True): the argument reduced by multiples of
    pi/2 and __sindf or __cosdf on the rest. Beyond 2^28*pi/2 musl reduces with a
    multi-precision pi; int8scope (and this program) take float64 sin/cos there."""
    x = np.asarray(x, dtype=np.float32)
    with np.errstate(all="ignore"):
        xd = x.astype(np.float64)
        ix = _f32_bits(x).astype(np.int64)
        neg = ix >> 31 != 0
        ix = ix & 0x7fffffff
        # k*pi/2 rounded once to float64 (as Go's constants 1*math.Pi/2, ...)
        p1, p2, p3, p4 = (np.float64(float.fromhex(h)) for h in (
            "0x1.921fb54442d18p+0", "0x1.921fb54442d18p+1", "0x1.2d97c7f3321d2p+2", "0x1.921fb54442d18p+2"))
        n, y = _rem_pio2f(np.where(ix < 0x4dc90fdb, xd, 0))
        if cos:
            quad = np.where(n == 0, _cosdf(y), np.where(n == 1, _sindf(-y), np.where(n == 2, -_cosdf(y), _sindf(y))))
            # The branches for |x| <= 9*pi/4, as musl writes them.
            r1 = np.where(ix > 0x4016cbe3, -_cosdf(np.where(neg, xd + p2, xd - p2)),
                          _sindf(np.where(neg, xd + p1, p1 - xd)))
            r2 = np.where(ix > 0x40afeddf, _cosdf(np.where(neg, xd + p4, xd - p4)),
                          _sindf(np.where(neg, -xd - p3, xd - p3)))
            r0 = np.where(ix < 0x39800000, np.float32(1), _cosdf(xd))
            big = np.cos(xd).astype(np.float32)
        else:
            quad = np.where(n == 0, _sindf(y), np.where(n == 1, _cosdf(y), np.where(n == 2, _sindf(-y), -_cosdf(y))))
            r1 = np.where(ix <= 0x4016cbe3, np.where(neg, -_cosdf(xd + p1), _cosdf(xd - p1)),
                          _sindf(np.where(neg, -(xd + p2), -(xd - p2))))
            r2 = np.where(ix <= 0x40afeddf, np.where(neg, _cosdf(xd + p3), -_cosdf(xd - p3)),
                          _sindf(np.where(neg, xd + p4, xd - p4)))
            r0 = np.where(ix < 0x39800000, x, _sindf(xd))
            big = np.sin(xd).astype(np.float32)
        out = np.where(ix <= 0x3f490fda, r0,
                       np.where(ix <= 0x407b53d1, r1,
                                np.where(ix <= 0x40e231d5, r2,
                                         np.where(ix >= 0x7f800000, x - x,
                                                  np.where(ix < 0x4dc90fdb, quad, big)))))
    return np.asarray(out, dtype=np.float32)


def musl_sinf(x):
    """musl's sinf (see _musl_trig)."""
    return _musl_trig(x, cos=False)


def musl_cosf(x):
    """musl's cosf (see _musl_trig)."""
    return _musl_trig(x, cos=True)
