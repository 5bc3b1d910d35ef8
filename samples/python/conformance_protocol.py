"""Serve a plain Python class to the loss-conformance suite (spec/protocol.md). Standard library only;
arrays arrive as numpy arrays when numpy is importable, as array.array otherwise.

    from conformance_protocol import serve, InvalidArgument

    class MySoftmax:
        name = "my-softmax"
        dtypes = ("float32", "float64")          # element types served
        def softmax(self, logits):                # one method per capability method, snake_case
            if len(logits) == 0: raise InvalidArgument("logits", "logits is empty")
            e = np.exp(logits - logits.max()); return e / e.sum()
        def log_softmax(self, logits): ...        # ISoftmax = softmax + log_softmax + log_sum_exp
        def log_sum_exp(self, logits): ...

    serve(MySoftmax())   # CONFORMANCE_IMPLEMENTATION="exec:python3 my_softmax.py" dotnet test

A capability is declared when the class defines all of its methods (CAPABILITIES below) or when the
class lists it in `capabilities`. Arguments come in the contract's order; scalars of the element type
as numpy scalars (float without numpy); LossReduction as "mean"/"sum". A method returns its result:
a scalar, an array, or a tuple (loss, gradient) / (loss, weightGradient, biasGradient). Raise
InvalidArgument / OutOfRange naming the contract's parameter, Unavailable when it cannot run here;
any other exception is reported as an internal error. print() goes to stderr: stdout carries frames.
"""

import array
import json
import os
import re
import struct
import sys
import traceback

try:
    import numpy as np
except ImportError:  # the helper works without numpy; arrays are then array.array
    np = None

PROTOCOL = 1
MAGIC = b"LCP1"

# The protocol's capability names (src/Contract/Capabilities.cs) and the wire methods each needs.
CAPABILITIES = {
    "IEntropy": ["Entropy"],
    "ICrossEntropy": ["CrossEntropy"],
    "IKlDivergence": ["KlDivergence"],
    "ISoftmax": ["Softmax", "LogSoftmax", "LogSumExp"],
    "ISoftmaxJacobian": ["SoftmaxJacobian"],
    "ISoftmaxCrossEntropy": ["CrossEntropyFromLogits", "CrossEntropyLogitGradient", "CrossEntropyProbabilityGradient"],
    "IBatchedSoftmaxCrossEntropy": ["ForwardBackward"],
    "IBinaryCrossEntropy": ["BinaryCrossEntropyWithLogit", "BinaryCrossEntropyLogitGradient"],
    "ILinearLayer": ["LinearForward", "LinearLossAndGradients"],
    "ISequenceLoss": ["SequenceLossAndGradients"],
}

# Per wire method: the arguments in the contract's order (array or scalar names) and the outputs it returns.
SIGNATURES = {
    "Entropy": (["p"], ["result"]),
    "CrossEntropy": (["p", "q"], ["result"]),
    "KlDivergence": (["p", "q"], ["result"]),
    "Softmax": (["logits"], ["probabilities"]),
    "LogSoftmax": (["logits"], ["logProbabilities"]),
    "LogSumExp": (["logits"], ["result"]),
    "SoftmaxJacobian": (["logits"], ["jacobian"]),
    "CrossEntropyFromLogits": (["target", "logits"], ["result"]),
    "CrossEntropyLogitGradient": (["target", "logits"], ["gradient"]),
    "CrossEntropyProbabilityGradient": (["target", "probabilities"], ["gradient"]),
    "ForwardBackward": (["logits", "classes", "targets", "ignoreIndex", "reduction"], ["result", "gradient"]),
    "BinaryCrossEntropyWithLogit": (["logit", "target"], ["result"]),
    "BinaryCrossEntropyLogitGradient": (["logit", "target"], ["result"]),
    "LinearForward": (["x", "weights", "bias"], ["logits"]),
    "LinearLossAndGradients": (["x", "weights", "bias", "target"], ["result", "weightGradient", "biasGradient"]),
    "SequenceLossAndGradients": (["tokens", "vocabulary", "weights", "bias", "lambda"], ["result", "weightGradient", "biasGradient"]),
}

# Arrays of one element that stand for a scalar argument of the element type.
SCALAR_ARRAYS = {"logit", "lambda"}
SCALAR_TARGET_METHODS = {"BinaryCrossEntropyWithLogit", "BinaryCrossEntropyLogitGradient"}


class ProtocolError(Exception):
    kind = "internal"

    def __init__(self, param, message):
        super().__init__(message)
        self.param = param
        self.message = message


class InvalidArgument(ProtocolError):
    """ArgumentException(message, param) on the suite's side."""
    kind = "invalid_argument"


class OutOfRange(ProtocolError):
    """ArgumentOutOfRangeException(param, message): class indices, tokens, non-positive dimensions, reduction."""
    kind = "out_of_range"


class Unavailable(ProtocolError):
    """ImplementationUnavailableException: the implementation cannot run on this machine."""
    kind = "unavailable"

    def __init__(self, message):
        super().__init__(None, message)


def snake(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


_NUMPY_TYPES = {"float32": "<f4", "float64": "<f8", "int32": "<i4"}
_ARRAY_CODES = {"float32": "f", "float64": "d", "int32": "i"}
_SIZES = {"float32": 4, "float64": 8, "int32": 4}


def _decode(kind, data):
    if np is not None:
        return np.frombuffer(data, dtype=_NUMPY_TYPES[kind])
    values = array.array(_ARRAY_CODES[kind])
    values.frombytes(bytes(data))
    if sys.byteorder != "little":
        values.byteswap()
    return values


def _encode(kind, value):
    """Little-endian bytes of a scalar or a sequence, in the element type (values are cast, not checked)."""
    if np is not None:
        return np.ascontiguousarray(np.asarray(value, dtype=_NUMPY_TYPES[kind]).reshape(-1)).tobytes()
    if isinstance(value, (int, float)):
        return struct.pack("<" + _ARRAY_CODES[kind], value)
    values = array.array(_ARRAY_CODES[kind], value)
    if sys.byteorder != "little":
        values.byteswap()
    return values.tobytes()


def _read_exactly(stream, n):
    chunks, got = [], 0
    while got < n:
        chunk = stream.read(n - got)
        if not chunk:
            return None
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def read_frame(stream):
    prefix = _read_exactly(stream, 8)
    if prefix is None:
        return None
    if prefix[:4] != MAGIC:
        raise ValueError("input is not a protocol frame: %r" % prefix)
    (length,) = struct.unpack("<I", prefix[4:])
    header = json.loads(_read_exactly(stream, length).decode("utf-8"))
    arrays = {}
    for spec in header.get("arrays", []):
        data = bytearray(_read_exactly(stream, spec["count"] * _SIZES[spec["type"]]))
        arrays[spec["name"]] = _decode(spec["type"], data)
    return header, arrays


def write_frame(stream, header, arrays=()):
    """arrays: (name, type, bytes) triples, in order."""
    header = dict(header)
    header["arrays"] = [{"name": n, "type": t, "count": len(b) // _SIZES[t]} for n, t, b in arrays]
    data = json.dumps(header).encode("utf-8")
    stream.write(MAGIC + struct.pack("<I", len(data)) + data + b"".join(b for _, _, b in arrays))
    stream.flush()


def capabilities_of(impl):
    dtypes = list(getattr(impl, "dtypes", ("float32", "float64")))
    declared = getattr(impl, "capabilities", None)
    if declared is None:
        declared = [c for c, methods in CAPABILITIES.items() if all(callable(getattr(impl, snake(m), None)) for m in methods)]
    return {d: list(declared) for d in dtypes}


def handshake(impl):
    return {
        "ok": True,
        "protocol": PROTOCOL,
        "name": getattr(impl, "name", type(impl).__name__),
        "capabilities": capabilities_of(impl),
        "deviations": list(getattr(impl, "known_deviations", [])),
    }


def _scalar(dtype, values):
    if np is not None:
        return values.astype(_NUMPY_TYPES[dtype])[0].astype(np.float32 if dtype == "float32" else np.float64)
    return float(values[0])


def call(impl, header, arrays):
    method = header["method"]
    dtype = header["dtype"]
    scalars = header.get("scalars", {})
    names, outputs = SIGNATURES[method]
    args = []
    for name in names:
        if name in arrays:
            value = arrays[name]
            if name in SCALAR_ARRAYS or (name == "target" and method in SCALAR_TARGET_METHODS):
                value = _scalar(dtype, value)
            args.append(value)
        elif name == "reduction":
            r = scalars[name]
            args.append({0: "mean", 1: "sum"}.get(r, r))
        else:
            args.append(scalars[name])
    result = getattr(impl, snake(method))(*args)
    values = result if len(outputs) > 1 else (result,)
    if len(values) != len(outputs):
        raise TypeError("%s returned %d values, the protocol expects %s" % (snake(method), len(values), outputs))
    return [(name, dtype, _encode(dtype, v)) for name, v in zip(outputs, values)]


def serve(impl, stdin=None, stdout=None):
    """Answer frames on stdin/stdout until stdin ends. Python and C-level prints go to stderr."""
    if stdout is None:
        out = os.fdopen(os.dup(1), "wb", buffering=0)
        os.dup2(2, 1)          # native code writing to fd 1 now writes to stderr
        sys.stdout = sys.stderr
    else:
        out = stdout
    inp = stdin or sys.stdin.buffer
    while True:
        frame = read_frame(inp)
        if frame is None:
            return
        header, arrays = frame
        if header.get("op") == "hello":
            write_frame(out, handshake(impl))
            continue
        reply = {"id": header.get("id"), "ok": True}
        try:
            out_arrays = call(impl, header, arrays)
        except ProtocolError as e:
            reply = {"id": header.get("id"), "ok": False, "error": {"kind": e.kind, "param": e.param, "message": e.message}}
            out_arrays = []
        except Exception as e:  # anything unclassified is the implementation's internal error, with where it came from
            reply = {"id": header.get("id"), "ok": False,
                     "error": {"kind": "internal", "param": None, "message": "%s: %s\n%s" % (type(e).__name__, e, traceback.format_exc(limit=4))}}
            out_arrays = []
        write_frame(out, reply, out_arrays)
