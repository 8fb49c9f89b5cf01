#!/usr/bin/env python3
"""The forward pass of mnist_dense_int8.tflite ("MLIR Converted."), exported by int8scope for the reference profile.

Arithmetic: TFLite's reference kernels and TFLite Micro (MultiplyByQuantizedMultiplier
with double rounding).

Usage: python3 THIS.py IN0.npy [IN1.npy ...] --out DIR   (writes DIR/tensor<t>.npy)
Needs Python 3 and NumPy only. Every tensor equals int8scope's engine (`int8scope run
--profile reference`) byte for byte.

Ops:
  op 0 QUANTIZE: in [0], out [4]; TFLite reference kernel (as TFLite Micro)
  op 1 FULLY_CONNECTED: in [4 2 1], out [5]; TFLite reference kernel (as TFLite Micro)
  op 2 DEQUANTIZE: in [5], out [6]; TFLite reference kernel (as TFLite Micro)

The .npz beside this file (same base name) holds, by key:
  t1               int32 [10]: tensor 1 "sequential/dense/BiasAdd/ReadVariableOp", scale 1.4638425e-05, zero point 0
  t2               int8 [10 784]: tensor 2 "sequential/dense/MatMul", scale 0.003732798, zero point 0
"""

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




def fully_connected_acc(x, w, bias, input_offset, filter_offset, wide=False):
    """FULLY_CONNECTED's accumulators (reference_integer_ops::FullyConnected):
    acc[b, c] = sum_d (x[b, d] + input_offset) * (w[c, d] + filter_offset) + bias[c],
    in int32 arithmetic that wraps (int64 for 16x8, wide=True). Returns int64 [batches, channels]."""
    depth = w.shape[1]
    xs = x.reshape(-1, depth).astype(np.int64) + input_offset
    ws = w.astype(np.int64) + filter_offset
    acc = xs @ ws.T  # exact: NumPy's integer matmul does not round
    if bias is not None:
        acc = acc + bias.astype(np.int64)
    return acc if wide else wrap32(acc)




def srdhm(a, b):
    """gemmlowp's SaturatingRoundingDoublingHighMul: a*b / 2^31 for int32 a, b, rounded
    to nearest (the nudge 2^30, or 1 - 2^30 below zero, then C's truncating division);
    MinInt32 * MinInt32 saturates to MaxInt32."""
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    ab = a * b
    nudge = np.where(ab >= 0, 1 << 30, 1 - (1 << 30))
    r = trunc_div(ab + nudge, 1 << 31)
    return np.where((a == -(1 << 31)) & (b == -(1 << 31)), (1 << 31) - 1, r)


def rounding_divide_by_pot(x, exponent):
    """gemmlowp's RoundingDivideByPOT: x / 2^exponent rounded half away from zero."""
    x = np.asarray(x, dtype=np.int64)
    exponent = np.asarray(exponent, dtype=np.int64)
    mask = (np.int64(1) << exponent) - 1
    remainder = x & mask
    threshold = (mask >> 1) + (x < 0)
    return (x >> exponent) + (remainder > threshold)


def multiply_by_quantized_multiplier(x, multiplier, shift):
    """TFLite's MultiplyByQuantizedMultiplier, double rounding (reference kernels,
    TFLite Micro): SRDHM(x * 2^left, M), then RoundingDivideByPOT by right, where
    left = max(shift, 0), right = max(-shift, 0). x is an int32 value; x * 2^left wraps
    like C's int32."""
    shift = np.asarray(shift, dtype=np.int64)
    left = np.maximum(shift, 0)
    right = np.maximum(-shift, 0)
    return rounding_divide_by_pot(srdhm(wrap32(np.asarray(x, dtype=np.int64) << left), multiplier), right)


def multiply_by_quantized_multiplier_single(x, multiplier, shift):
    """TFLite's MultiplyByQuantizedMultiplier under TFLITE_SINGLE_ROUNDING (and ruy):
    (x * M + 2^(30 - shift)) >> (31 - shift), in int64, truncated to int32."""
    shift = np.asarray(shift, dtype=np.int64)
    total = 31 - shift
    x = np.asarray(x, dtype=np.int64) * np.asarray(multiplier, dtype=np.int64)
    return wrap32((x + (np.int64(1) << (total - 1))) >> total)


def requantize(x, multiplier, shift, rounding):
    """MultiplyByQuantizedMultiplier with the build's rounding ("double" or "single")."""
    if rounding == "single":
        return multiply_by_quantized_multiplier_single(x, multiplier, shift)
    return multiply_by_quantized_multiplier(x, multiplier, shift)




def output_fixedpoint(acc, multiplier, shift, rounding, zero_point, act_min, act_max):
    """TFLite's integer output stage of FULLY_CONNECTED and the convolutions:
    clamp(MultiplyByQuantizedMultiplier(acc, M[c], shift[c]) + zero_point, act_min, act_max),
    with the multiplier and shift of each output channel c (the last axis), or one for all."""
    scaled = requantize(acc, multiplier, shift, rounding)
    return np.clip(scaled + zero_point, act_min, act_max)




def round_half_away(f):
    """C's roundf / std::round: halves away from zero (in float64, exact for float32 values)."""
    f = np.asarray(f, dtype=np.float64)
    return np.where(f < 0, -np.floor(-f + 0.5), np.floor(f + 0.5))


def float_to_int32(f):
    """C's static_cast<int32_t>(float) on x86-64 (CVTTSS2SI): truncation; NaN and
    values outside the int32 range give INT32_MIN."""
    f = np.asarray(f, dtype=np.float64)
    ok = (f >= -2.0 ** 31) & (f < 2.0 ** 31)
    return np.where(ok, np.trunc(np.where(ok, f, 0)), -2 ** 31).astype(np.int64)


def quantize_float(x, scale, zero_point, qmin, qmax):
    """QUANTIZE from float32 (AffineQuantize): x / scale in float32, rounded half away
    from zero (TfLiteRound), cast to int32, plus the zero point, clamped."""
    q = float_to_int32(round_half_away(x / scale))
    return np.clip(q + zero_point, qmin, qmax)


def dequantize(x, scale, zero_point):
    """DEQUANTIZE: scale * float32(q - zero_point), in float32."""
    return scale * (np.asarray(x, dtype=np.int64) - zero_point).astype(np.float32)


# The model.

PROFILE = "reference"
# Subgraph inputs, in order: (tensor index, name, dtype, shape).
INPUTS = [
    (0, "serving_default_input:0", np.float32, (1, 28, 28, 1)),
]
# Every tensor the forward pass writes (what `int8scope run` writes), by index.
WRITTEN = [0, 4, 5, 6]


def forward(inputs, P=None):
    """Runs the model on inputs (one array per entry of INPUTS) and returns a
    dict of every tensor by index. P is the .npz (load_params())."""
    if P is None:
        P = load_params()
    t = {}
    for (i, name, dtype, shape), x in zip(INPUTS, check_inputs(inputs)):
        t[i] = x
    t[1] = P["t1"]  # "sequential/dense/BiasAdd/ReadVariableOp" int32 [10]
    t[2] = P["t2"]  # "sequential/dense/MatMul" int8 [10 784]

    # op 0: QUANTIZE, TFLite reference kernel (as TFLite Micro)
    t[4] = as_tensor(quantize_float(t[0], np.float32(0.003921568859368563), zero_point=-128, qmin=-128, qmax=127), np.int8, (1, 28, 28, 1))

    # op 1: FULLY_CONNECTED, TFLite reference kernel (as TFLite Micro)
    acc = fully_connected_acc(t[4], t[2], t[1], input_offset=128, filter_offset=0)
    t[5] = as_tensor(output_fixedpoint(acc, 1401504141, -12, "double", zero_point=18, act_min=-128, act_max=127), np.int8, (1, 10))

    # op 2: DEQUANTIZE, TFLite reference kernel (as TFLite Micro)
    t[6] = as_tensor(dequantize(t[5], np.float32(0.09187339246273041), zero_point=18), np.float32, (1, 10))
    return t


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Run the model's forward pass (profile %s) and write every tensor as DIR/tensor<t>.npy." % PROFILE,
        epilog="inputs, in order: " + "; ".join(
            "tensor %d %r %s %s" % (i, n, np.dtype(d), list(s)) for i, n, d, s in INPUTS))
    ap.add_argument("inputs", nargs="*", metavar="IN.npy", help="one .npy file per model input, in order")
    ap.add_argument("--out", required=True, metavar="DIR", help="directory for tensor<t>.npy")
    ap.add_argument("--params", metavar="NPZ", help="the .npz of parameters (default: beside this program)")
    a = ap.parse_args(argv)

    def fail(msg):
        print("%s: error: %s" % (os.path.basename(sys.argv[0]), msg), file=sys.stderr)
        sys.exit(2)

    if len(a.inputs) != len(INPUTS):
        fail("the model has %d inputs, %d files given" % (len(INPUTS), len(a.inputs)))
    xs = []
    for k, path in enumerate(a.inputs):
        try:
            x = np.load(path, allow_pickle=False)
        except (OSError, ValueError) as e:
            fail("input %d: cannot read %s as .npy: %s" % (k, path, e))
        i, name, dtype, shape = INPUTS[k]
        if not isinstance(x, np.ndarray) or x.dtype != np.dtype(dtype) or tuple(x.shape) != tuple(shape):
            fail("input %d: %s is %s %s; tensor %d %r needs %s %s"
                 % (k, path, x.dtype, list(x.shape), i, name, np.dtype(dtype), list(shape)))
        xs.append(x)
    try:
        P = load_params(a.params)
    except (OSError, ValueError) as e:
        fail("cannot read the parameters: %s" % e)
    try:
        t = forward(xs, P)
    except ModelError as e:
        fail(str(e))
    try:
        os.makedirs(a.out, exist_ok=True)
        for i in WRITTEN:
            np.save(os.path.join(a.out, "tensor%d.npy" % i), t[i])
    except OSError as e:
        fail("cannot write %s: %s" % (a.out, e))


if __name__ == "__main__":
    main()
