def _eigen_poly(x2, coefficients):
    """Eigen's Horner scheme c0 + x2*(c1 + x2*(...)), one float32 multiply and add at a
    time (no fused multiply-add in WebAssembly)."""
    p = np.float32(coefficients[-1])
    for c in reversed(coefficients[:-1]):
        p = (x2 * p + np.float32(c)).astype(np.float32)
    return p


def _clamp_std(x, lo, hi):
    """std::max(std::min(x, hi), lo) in float32 (NaN passes)."""
    x = np.where(np.float32(hi) < x, np.float32(hi), x)
    return np.where(x < np.float32(lo), np.float32(lo), x).astype(np.float32)


def eigen_erff(a):
    """Eigen's generic_fast_erf_float: x clamped to [-4, 4], an odd 13th-degree
    numerator over an even 8th-degree denominator, in float32."""
    x = _clamp_std(a, -4, 4)
    x2 = x * x
    p = x * _eigen_poly(x2, [-1.60960333262415e-02, -2.95459980854025e-03, -7.34990630326855e-04,
                             -5.69250639462346e-05, -2.10102402082508e-06, 2.77068142495902e-08,
                             -2.72614225801306e-10])
    q = _eigen_poly(x2, [-1.42647390514189e-02, -7.37332916720468e-03, -1.68282697438203e-03,
                         -2.13374055278905e-04, -1.45660718464996e-05])
    return (p / q).astype(np.float32)


def eigen_tanhf(a):
    """Eigen's generic_fast_tanh_float: x for |x| < 0.0004, otherwise x clamped to
    +-7.90531110763549805 and an odd 13th-degree numerator over an even 6th-degree
    denominator, in float32."""
    x = _clamp_std(a, -7.90531110763549805, 7.90531110763549805)
    x2 = x * x
    p = x * _eigen_poly(x2, [4.89352455891786e-03, 6.37261928875436e-04, 1.48572235717979e-05,
                             5.12229709037114e-08, -8.60467152213735e-11, 2.00018790482477e-13,
                             -2.76076847742355e-16])
    q = _eigen_poly(x2, [4.89352518554385e-03, 2.26843463243900e-03, 1.18534705686654e-04,
                         1.19825839466702e-06])
    return np.where(np.abs(a) < np.float32(0.0004), a, p / q).astype(np.float32)


def gelu_float(x, approximate):
    """Float32 GELU as the browser TFLite's Eigen expression (kernels/gelu.cc), every
    operation in float32:
    exact:       (0.5*x) * (1 + erf(x * float32(1/sqrt(2))))
    approximate: (0.5*x) * (1 + tanh(float32(sqrt(2/pi)) * (x + 0.044715*((x*x)*x))))
    with Eigen's fast erf and tanh (eigen_erff, eigen_tanhf)."""
    x = np.asarray(x, dtype=np.float32)
    with np.errstate(all="ignore"):
        half = np.float32(0.5) * x
        if approximate:
            cube = (x * x) * x
            inner = np.float32(float.fromhex("0x1.988454p-1")) * (x + np.float32(0.044715) * cube)
            return (half * (np.float32(1) + eigen_tanhf(inner))).astype(np.float32)
        return (half * (np.float32(1) + eigen_erff(x * np.float32(float.fromhex("0x1.6a09e6p-1"))))).astype(np.float32)
