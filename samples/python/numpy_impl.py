"""Every capability of src/Contract/Capabilities.cs in numpy, float32 and float64, served over the
protocol (spec/protocol.md). It claims full conformance: no known deviations.

    CONFORMANCE_IMPLEMENTATION="exec:python3 samples/python/numpy_impl.py" dotnet test tests/Properties --filter DisplayName~numpy

Inputs are validated as src/Contract/InputRules.cs does (same parameter names, same order, the
same sequential Σp in the element type); the arithmetic follows spec/accuracy.md: softmax shifted by
the maximum, ln ŷᵢ = (zᵢ − m) − ln Σ exp(zⱼ − m), KL through ln(pᵢ/qᵢ) only where that ratio is a
normal number (ln pᵢ − ln qᵢ otherwise), binary cross-entropy as max(z, 0) − yz + log1p(e^−|z|).
Arithmetic runs in the element type (numpy's pairwise sums).
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from conformance_protocol import InvalidArgument, OutOfRange, serve  # noqa: E402


# ---------------------------------------------------------------- input rules (InputRules.cs)

def unit_roundoff(dt):
    return dt.type(np.ldexp(1.0, -(np.finfo(dt).nmant + 1)))


def non_empty(v, name):
    if len(v) == 0:
        raise InvalidArgument(name, "%s is empty; every vector needs at least one entry (INPUT-EMPTY)." % name)


def finite(v, name):
    non_empty(v, name)
    bad = np.flatnonzero(~np.isfinite(v))
    if bad.size:
        raise InvalidArgument(name, "%s[%d] is %r; values must be finite (INPUT-NAN)." % (name, bad[0], v[bad[0]]))


def finite_scalar(x, name):
    if not np.isfinite(x):
        raise InvalidArgument(name, "%s is %r; it must be finite (INPUT-NAN)." % (name, x))


def distribution(p, name):
    non_empty(p, name)
    bad = np.flatnonzero(~np.isfinite(p))
    if bad.size:
        raise InvalidArgument(name, "%s[%d] is %r; probabilities must be finite (INPUT-NAN)." % (name, bad[0], p[bad[0]]))
    bad = np.flatnonzero((p < 0) | (p > 1))
    if bad.size:
        raise InvalidArgument(name, "%s[%d] = %r is outside [0, 1] (INPUT-PROB)." % (name, bad[0], p[bad[0]]))
    total = np.add.accumulate(p)[-1]   # sequential, in the element type, as InputRules sums
    tolerance = p.dtype.type(2 * len(p) + 8) * unit_roundoff(p.dtype)
    if abs(total - p.dtype.type(1)) > tolerance:
        raise InvalidArgument(name, "%s sums to %r, not 1 within %r (INPUT-PROB)." % (name, total, tolerance))


def non_negative_weights(y, name):
    non_empty(y, name)
    bad = np.flatnonzero(~np.isfinite(y))
    if bad.size:
        raise InvalidArgument(name, "%s[%d] is %r; weights must be finite (INPUT-NAN)." % (name, bad[0], y[bad[0]]))
    bad = np.flatnonzero(y < 0)
    if bad.size:
        raise InvalidArgument(name, "%s[%d] = %r is negative (INPUT-PROB)." % (name, bad[0], y[bad[0]]))


def same_length(a, a_name, b, b_name):
    if len(a) != len(b):
        raise InvalidArgument(b_name, "%s has length %d but %s has length %d (INPUT-LENGTH)." % (a_name, len(a), b_name, len(b)))


def length(v, expected, name):
    if len(v) != expected:
        raise InvalidArgument(name, "%s has length %d; expected %d (INPUT-LENGTH)." % (name, len(v), expected))


def matrix(v, rows, columns, name):
    if len(v) != rows * columns:
        raise InvalidArgument(name, "%s has length %d; expected %d x %d = %d (INPUT-LENGTH)." % (name, len(v), rows, columns, rows * columns))


def positive(value, name):
    if value <= 0:
        raise OutOfRange(name, "%s must be positive (INPUT-EMPTY); got %d." % (name, value))


def class_indices(targets, classes, name, ignore_index=None):
    for i, t in enumerate(targets.tolist()):
        if ignore_index is not None and t == ignore_index:
            continue
        if not 0 <= t < classes:
            raise OutOfRange(name, "%s[%d] = %d is not a class in [0, %d) (INPUT-TARGET)." % (name, i, t, classes))


def probability(y, name):
    finite_scalar(y, name)
    if y < 0 or y > 1:
        raise InvalidArgument(name, "%s = %r is outside [0, 1] (INPUT-PROB)." % (name, y))


# ---------------------------------------------------------------- kernels

def _log_softmax_rows(z):
    """ln softmax along the last axis: (z − m) − ln Σ exp(z − m)."""
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _softmax_rows(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


class NumpyImplementation:
    name = "numpy"
    dtypes = ("float32", "float64")
    known_deviations = []

    def entropy(self, p):
        distribution(p, "p")
        nz = p[p > 0]                       # 0 · ln 0 = 0
        return -(nz * np.log(nz)).sum()

    def cross_entropy(self, p, q):
        distribution(p, "p")
        distribution(q, "q")
        same_length(p, "p", q, "q")
        counted = p > 0
        if np.any(counted & (q == 0)):
            return np.inf                   # pᵢ > 0 = qᵢ (XENT-SUPPORT)
        return -(p[counted] * np.log(q[counted])).sum()

    def kl_divergence(self, p, q):
        distribution(p, "p")
        distribution(q, "q")
        same_length(p, "p", q, "q")
        counted = p > 0
        if np.any(counted & (q == 0)):
            return np.inf
        a, b = p[counted], q[counted]
        with np.errstate(over="ignore", under="ignore"):
            ratio = a / b
            normal = np.isfinite(ratio) & (ratio >= np.finfo(p.dtype).tiny)
            log_ratio = np.where(normal, np.log(np.where(normal, ratio, 1)), np.log(a) - np.log(b))
        return (a * log_ratio).sum()

    def softmax(self, logits):
        finite(logits, "logits")
        return _softmax_rows(logits)

    def log_softmax(self, logits):
        finite(logits, "logits")
        return _log_softmax_rows(logits)

    def log_sum_exp(self, logits):
        finite(logits, "logits")
        m = logits.max()
        return m + np.log(np.exp(logits - m).sum())

    def softmax_jacobian(self, logits):
        finite(logits, "logits")
        y = _softmax_rows(logits)
        return y[:, None] * (np.eye(len(y), dtype=y.dtype) - y[None, :])   # ŷᵢ (δᵢⱼ − ŷⱼ)

    def cross_entropy_from_logits(self, target, logits):
        non_negative_weights(target, "target")
        finite(logits, "logits")
        same_length(target, "target", logits, "logits")
        counted = target > 0
        return -(target[counted] * _log_softmax_rows(logits)[counted]).sum()

    def cross_entropy_logit_gradient(self, target, logits):
        non_negative_weights(target, "target")
        finite(logits, "logits")
        same_length(target, "target", logits, "logits")
        return target.sum() * _softmax_rows(logits) - target   # (Σy) ŷ − y

    def cross_entropy_probability_gradient(self, target, probabilities):
        non_negative_weights(target, "target")
        distribution(probabilities, "probabilities")
        same_length(target, "target", probabilities, "probabilities")
        bad = np.flatnonzero((target > 0) & (probabilities == 0))
        if bad.size:
            i = bad[0]
            raise InvalidArgument("probabilities", "probabilities[%d] = 0 where target[%d] = %r > 0: the loss is +inf and dL/dy is -inf (GRAD-PROB)." % (i, i, target[i]))
        gradient = np.zeros_like(target)
        counted = target > 0
        gradient[counted] = -target[counted] / probabilities[counted]
        return gradient

    def forward_backward(self, logits, classes, targets, ignore_index, reduction):
        positive(classes, "classes")
        finite(logits, "logits")
        if len(logits) % classes != 0:
            raise InvalidArgument("logits", "logits has length %d, not a multiple of classes = %d (INPUT-LENGTH)." % (len(logits), classes))
        rows = len(logits) // classes
        length(targets, rows, "targets")
        class_indices(targets, classes, "targets", ignore_index)
        if reduction not in ("mean", "sum"):
            raise OutOfRange("reduction", "reduction must be Mean or Sum; got %r." % (reduction,))
        z = logits.reshape(rows, classes)
        counted = targets != ignore_index
        idx = np.flatnonzero(counted)
        t = targets[idx]
        gradient = np.zeros_like(z)
        gradient[idx] = _softmax_rows(z[idx])
        gradient[idx, t] -= 1                                  # ŷ − e_t; ignored rows stay 0
        loss = -_log_softmax_rows(z[idx])[np.arange(len(idx)), t].sum()
        if reduction == "mean":
            if len(idx) == 0:
                return z.dtype.type(0), gradient               # the mean over no rows is 0 (GRAD-ALL-IGNORED)
            gradient /= len(idx)
            loss = loss / z.dtype.type(len(idx))
        return loss, gradient

    def binary_cross_entropy_with_logit(self, logit, target):
        finite_scalar(logit, "logit")
        probability(target, "target")
        return max(logit, 0) - logit * target + np.log1p(np.exp(-abs(logit)))

    def binary_cross_entropy_logit_gradient(self, logit, target):
        finite_scalar(logit, "logit")
        probability(target, "target")
        if logit >= 0:
            sigmoid = 1 / (1 + np.exp(-logit))
        else:
            e = np.exp(logit)
            sigmoid = e / (1 + e)
        return sigmoid - target

    def _linear_logits(self, x, weights, bias):
        finite(x, "x")
        finite(weights, "weights")
        finite(bias, "bias")
        matrix(weights, len(x), len(bias), "weights")
        with np.errstate(over="ignore", invalid="ignore"):
            z = x @ weights.reshape(len(x), len(bias)) + bias
        bad = np.flatnonzero(~np.isfinite(z))
        if bad.size:
            raise InvalidArgument("weights", "z[%d] = (W^T x + b)[%d] overflows to %r; the logits must be finite (INPUT-NAN)." % (bad[0], bad[0], z[bad[0]]))
        return z

    def linear_forward(self, x, weights, bias):
        return self._linear_logits(x, weights, bias)

    def linear_loss_and_gradients(self, x, weights, bias, target):
        finite(x, "x")
        finite(weights, "weights")
        finite(bias, "bias")
        matrix(weights, len(x), len(bias), "weights")
        non_negative_weights(target, "target")
        length(target, len(bias), "target")
        z = self._linear_logits(x, weights, bias)
        counted = target > 0
        loss = -(target[counted] * _log_softmax_rows(z)[counted]).sum()
        bias_gradient = target.sum() * _softmax_rows(z) - target
        return loss, np.outer(x, bias_gradient), bias_gradient   # ∂L/∂W = x (ŷ − y)ᵀ, ∂L/∂b = ŷ − y

    def sequence_loss_and_gradients(self, tokens, vocabulary, weights, bias, lam):
        if len(tokens) < 2:
            raise InvalidArgument("tokens", "tokens has length %d; a sequence needs a context and at least one target (T >= 1)." % len(tokens))
        positive(vocabulary, "vocabulary")
        class_indices(tokens, vocabulary, "tokens")
        finite(weights, "weights")
        matrix(weights, vocabulary, vocabulary, "weights")
        finite(bias, "bias")
        length(bias, vocabulary, "bias")
        finite_scalar(lam, "lambda")
        if lam < 0:
            raise InvalidArgument("lambda", "lambda = %r is negative; an L2 strength must be >= 0." % (lam,))
        v = vocabulary
        w = weights.reshape(v, v)
        context, following = tokens[:-1], tokens[1:]
        steps = len(following)
        with np.errstate(over="ignore", invalid="ignore"):
            z = w[context] + bias                             # teacher forcing: row x_{t-1} of W, plus b
        bad = np.argwhere(~np.isfinite(z))
        if bad.size:
            t, j = bad[0]
            raise InvalidArgument("weights", "W[%d, %d] + b[%d] overflows to %r; the logits must be finite (INPUT-NAN)." % (context[t], j, j, z[t, j]))
        nll = -_log_softmax_rows(z)[np.arange(steps), following].sum()
        g = _softmax_rows(z)
        g[np.arange(steps), following] -= 1
        g /= steps                                            # (ŷₜ − e_{xₜ}) / T
        weight_gradient = np.zeros_like(w)
        np.add.at(weight_gradient, context, g)
        bias_gradient = g.sum(axis=0)
        weight_gradient += lam * w                            # ∂(λ · ½‖W‖²)/∂W = λW
        with np.errstate(over="ignore"):
            penalty = 0 if lam == 0 else lam * (weights.dtype.type(0.5) * (weights * weights).sum())
        return nll / weights.dtype.type(steps) + penalty, weight_gradient, bias_gradient


if __name__ == "__main__":
    serve(NumpyImplementation())
