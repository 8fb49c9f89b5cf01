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
