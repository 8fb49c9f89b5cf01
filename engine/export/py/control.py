# needs: movement
def new_state():
    """A fresh TFLite interpreter's state: no resource variables (by resource id), no
    CALL_ONCE init subgraph run (resource::ResourceMap, InitializationStatusMap)."""
    return {"variables": {}, "initialized": set()}


# The state forward() keeps from one call to the next, like TFLite's interpreter.
STATE = new_state()


def reset_state():
    """Brings STATE back to a fresh interpreter's (int8scope's Model.Reset)."""
    STATE.clear()
    STATE.update(new_state())


def call_once(S, init, subgraph, P):
    """CALL_ONCE (kernels/call_once.cc): runs the init subgraph the first time for the
    state S, and never again until the state is reset."""
    if init in S["initialized"]:
        return
    subgraph([], P, S)
    S["initialized"].add(init)


def read_variable(S, handle, dtype, shape):
    """READ_VARIABLE (kernels/read_variable.cc): a copy of the resource variable's value,
    which must have been assigned and have the output's type and size."""
    rid = int(np.asarray(handle).reshape(-1)[0])
    v = S["variables"].get(rid)
    if v is None:
        raise ModelError("resource variable %d is read before any ASSIGN_VARIABLE wrote it" % rid)
    if v.dtype != np.dtype(dtype) or v.size != int(np.prod(shape, dtype=np.int64)):
        raise ModelError("resource variable %d holds %s %s, but the output is %s %s"
                         % (rid, v.dtype, list(v.shape), np.dtype(dtype), list(shape)))
    return v


def assign_variable(S, handle, value):
    """ASSIGN_VARIABLE (kernels/assign_variable.cc): the resource variable becomes a copy
    of value, its type and shape included."""
    S["variables"][int(np.asarray(handle).reshape(-1)[0])] = np.array(value, copy=True)


def check_outputs(outs, specs):
    """The called subgraph's outputs must fit the op's, specs = [(dtype, size), ...]: one
    per output, of its type and number of elements (int8scope's shapes are fixed)."""
    if len(outs) != len(specs):
        raise ModelError("the subgraph has %d outputs, the op %d" % (len(outs), len(specs)))
    for i, (x, (dtype, size)) in enumerate(zip(outs, specs)):
        if np.asarray(x).dtype != np.dtype(dtype) or np.size(x) != size:
            raise ModelError("output %d: %s %s does not fit %s of %d elements"
                             % (i, np.asarray(x).dtype, list(np.shape(x)), np.dtype(dtype), size))


# int8scope stops a WHILE loop after this many iterations (TFLite would run on).
MAX_WHILE_ITERATIONS = 1 << 20


def while_loop(cond, body, values, P, S):
    """WHILE (kernels/while.cc): while cond(values) outputs true (one bool), values =
    body(values); returns the last values (the inputs when the body never runs)."""
    n = 0
    while True:
        c = cond(values, P, S)
        if len(c) != 1 or np.asarray(c[0]).dtype != np.bool_ or np.size(c[0]) != 1:
            raise ModelError("the cond subgraph must output one bool")
        if raw(c[0]).reshape(-1)[0] == 0:
            return values
        if n == MAX_WHILE_ITERATIONS:
            raise ModelError("the loop ran %d times without its cond turning false; int8scope stops it there" % n)
        out = body(values, P, S)
        if len(out) != len(values):
            raise ModelError("the body subgraph has %d outputs for %d loop variables" % (len(out), len(values)))
        values = out
        n += 1
