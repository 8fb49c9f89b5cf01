import argparse
import os
import sys

import numpy as np


class ModelError(Exception):
    """A value the kernel refuses (TFLite fails the same way)."""


def load_params(path=None):
    """Loads the .npz of constants and prepared parameters (default: beside this file)."""
    if path is None:
        path = os.path.splitext(os.path.abspath(__file__))[0] + ".npz"
    with np.load(path, allow_pickle=False) as z:
        return {k: z[k] for k in z.files}


def check_inputs(inputs):
    """Checks the inputs against INPUTS: count, dtype, shape."""
    inputs = list(inputs)
    if len(inputs) != len(INPUTS):
        raise ModelError("the model has %d inputs, got %d" % (len(INPUTS), len(inputs)))
    for k, ((i, name, dtype, shape), x) in enumerate(zip(INPUTS, inputs)):
        if not isinstance(x, np.ndarray) or x.dtype != np.dtype(dtype) or tuple(x.shape) != tuple(shape):
            got = "%s %s" % (x.dtype, list(x.shape)) if isinstance(x, np.ndarray) else type(x).__name__
            raise ModelError("input %d (tensor %d %r) must be %s %s, got %s"
                             % (k, i, name, np.dtype(dtype), list(shape), got))
    return inputs


def as_tensor(x, dtype, shape):
    """x as a tensor of dtype and shape (the kernels compute in int64/float32)."""
    return np.array(np.asarray(x).astype(dtype, copy=False).reshape(shape), order="C")


def wrap32(x):
    """x (int64) wrapped to int32 as C's int32_t arithmetic does, kept in int64."""
    return np.asarray(x, dtype=np.int64).astype(np.int32).astype(np.int64)


def trunc_div(n, d):
    """C's integer division n / d (truncates toward zero), d > 0."""
    n = np.asarray(n, dtype=np.int64)
    q = np.abs(n) // d
    return np.where(n < 0, -q, q)


def type_range(dtype):
    """The range [lo, hi] of an integer dtype."""
    i = np.iinfo(dtype)
    return int(i.min), int(i.max)


def clamp_float(x, lo, hi):
    """TFLite's ActivationFunctionWithMinMax in float32: x < lo gives lo, hi < x gives
    hi (NaN and the sign of zero pass through as in C)."""
    x = np.where(x < lo, lo, x)
    return np.where(hi < x, hi, x).astype(np.float32)


def go_max(x, lo):
    """max(x, lo) with NaN winning and max(-0, +0) = +0 (XNNPACK's and Go's max)."""
    r = np.where(x > lo, x, lo)
    r = np.where(x == lo, np.where(np.signbit(x), lo, x), r)
    return np.where(np.isnan(x), x, r).astype(np.float32)


def go_min(x, hi):
    """min(x, hi) with NaN winning and min(-0, +0) = -0."""
    r = np.where(x < hi, x, hi)
    r = np.where(x == hi, np.where(np.signbit(x), x, hi), r)
    return np.where(np.isnan(x), x, r).astype(np.float32)
