"""Every capability of src/Contract/Capabilities.cs through PyTorch (Debian's python3-torch, libtorch
1.13), used the way torch code uses it: xlogy, softmax/log_softmax/logsumexp, autograd for the softmax
Jacobian and the gradients, F.cross_entropy (soft and hard targets, ignore_index),
F.binary_cross_entropy_with_logits, addmv. It mirrors src/Optimized/Torch/TorchKernels.cs (TorchSharp,
libtorch 2.10): a second peer in another language and another libtorch version.

Inputs are validated by numpy_impl's rules (those of src/Contract/InputRules.cs). Where libtorch departs
from the spec the departure is declared through the protocol (KNOWN_DEVIATIONS), each with what
samples/python/torch_findings.py measured on libtorch 1.13.

    CONFORMANCE_IMPLEMENTATION="exec:python3 samples/python/torch_impl.py" dotnet test tests/Properties --filter DisplayName~torch-1.13
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from conformance_protocol import InvalidArgument, Unavailable, serve  # noqa: E402
import numpy_impl as rules  # noqa: E402

try:
    import torch
    import torch.nn.functional as F
except ImportError as e:  # reported as the implementation being unavailable, not as wrong results
    torch = None
    IMPORT_ERROR = str(e)

ALL_IGNORED_REASON = ("F.cross_entropy(reduction='mean') divides the summed loss by the number of counted rows; with every row ignored "
                      "that is 0/0 = NaN. The spec defines the mean over no rows as 0 (GRAD-ALL-IGNORED). The gradient is 0, as the spec asks.")
ALL_IGNORED_MEASURED = ("libtorch 1.13, float and double: loss = NaN, gradient = 0 for rows = 2, classes = 3, targets = [ignore, ignore] "
                        "(samples/python/torch_findings.py, all_ignored).")
XLOGY_REASON = ("The gradient comes from autograd of L = -sum xlogy(y, yhat); libtorch's derivative of xlogy(x, y) in y is x/y, which is "
                "0/0 = NaN where y_i = yhat_i = 0. The spec's dL/dyhat_i there is 0: the term 0 * ln yhat_i is constant (GRAD-PROB).")
XLOGY_MEASURED = ("libtorch 1.13, float and double: y = yhat = [1, 0, 0] gives dL/dyhat = [-1, NaN, NaN] "
                  "(samples/python/torch_findings.py, xlogy_grad).")
LARGEST_LOGITS_REASON = ("F.cross_entropy with class-probability targets computes -sum y_i log_softmax(z)_i over every class: where the logits "
                         "hold +max and -max, z_i - m overflows to -inf for the smallest, and its term 0 * (-inf) is NaN although a zero target "
                         "contributes nothing (SMAX-LARGE: the finite logits have a finite loss).")
LARGEST_LOGITS_MEASURED = ("libtorch 1.13, float and double: z = (+max, 1, -max), y = (1, 0, 0): loss NaN, exact 0 "
                           "(samples/python/torch_findings.py, largest_logits).")
BINARY_REASON = ("F.binary_cross_entropy_with_logits evaluates (1 - y) z - log sigmoid(z): for z << 0 two terms of size |z| cancel, so its "
                 "absolute error is about u |z| instead of u L (ACC-XENT-LOGITS), and for y = 0 log(1 + e^z) is rounded to 0 once e^z < u.")
BINARY_MEASURED_TEMPLATE = "libtorch 1.13: {} (samples/python/torch_findings.py, binary)."

# torch_findings.py's output on Debian 12's libtorch 1.13.0a0 (as TorchFindings measured 1.74 and 1.87 on libtorch 2.10).
BINARY_MEASURED = BINARY_MEASURED_TEMPLATE.format(
    "worst |error| / (u (|z| + 1)) = 1.95 (float), 1.97 (double) over 20 000 inputs, |z| up to 1e4; float z = -624, y = 0.001: "
    "L = 0.6239624 vs 0.6240000 (off by 3.8e-5 = 389 u (L + 1)); float z = -30, y = 0: L = 0 vs 9.36e-14. (Unlike 2.10, double "
    "z = -33, y = 0 gives 4.6629e-15 vs 4.6589e-15: off by 4e-18, within the bound's scale.)")


def deviation(clause, test, reason, measured, case=None, inputs=None):
    return {"clause": clause, "test": test, "elementType": None, "reason": reason, "measured": measured, "case": case, "inputs": inputs}


KNOWN_DEVIATIONS = [
    deviation("GRAD-ALL-IGNORED", "All_ignored_batches_give_loss_zero_and_gradient_zero", ALL_IGNORED_REASON, ALL_IGNORED_MEASURED),
    deviation("GRAD-ALL-IGNORED", "Fused_kernel_equals_its_decomposition", ALL_IGNORED_REASON, ALL_IGNORED_MEASURED, inputs="all ignored"),
    deviation("GRAD-ALL-IGNORED", "Batched_loss_and_gradient_agree_with_the_reference", ALL_IGNORED_REASON, ALL_IGNORED_MEASURED, inputs="all ignored"),
    deviation("GRAD-ALL-IGNORED", "Batched_gradient_matches_central_differences_of_the_loss", ALL_IGNORED_REASON, ALL_IGNORED_MEASURED, inputs="all ignored"),
    deviation("GRAD-ALL-IGNORED", "Batched_kernel_equals_its_rows", ALL_IGNORED_REASON, ALL_IGNORED_MEASURED, inputs="all ignored"),
    deviation("GRAD-ALL-IGNORED", "Batched_kernel_equals_the_reference_rows", ALL_IGNORED_REASON, ALL_IGNORED_MEASURED, inputs="all ignored"),
    deviation("GRAD-ALL-IGNORED", "Batched_loss_of_hard_batches", ALL_IGNORED_REASON, ALL_IGNORED_MEASURED,
              case="every row ignored, Mean: loss 0 and gradient 0 (no 0/0)"),
    deviation("GRAD-PROB", "Probability_gradient_is_minus_target_over_probability", XLOGY_REASON, XLOGY_MEASURED, inputs="p and q share a zero"),
    deviation("GRAD-PROB", "Probability_gradient_agrees_with_the_reference", XLOGY_REASON, XLOGY_MEASURED, inputs="p and q share a zero"),
    deviation("GRAD-PROB", "Probability_gradient_at_hard_probabilities", XLOGY_REASON, XLOGY_MEASURED, case="ŷ = 0 where y = 0: 0, not 0/0"),
    deviation("SMAX-LARGE", "Softmax_cross_entropy_accepts_the_largest_finite_logits", LARGEST_LOGITS_REASON, LARGEST_LOGITS_MEASURED),
    deviation("ACC-XENT-LOGITS", "Binary_cross_entropy_and_its_gradient_agree_with_the_reference", BINARY_REASON, BINARY_MEASURED, inputs="z < 0"),
    deviation("GRAD-BINARY", "Binary_gradient_is_sigmoid_minus_target", BINARY_REASON, BINARY_MEASURED, inputs="z < 0"),
    deviation("GRAD-BINARY", "Binary_gradient_matches_central_differences_of_the_loss", BINARY_REASON, BINARY_MEASURED, inputs="z < 0"),
]


def t(a, requires_grad=False):
    x = torch.from_numpy(np.array(a))   # a copy: the protocol's buffers stay untouched
    return x.requires_grad_() if requires_grad else x


def out(x):
    return x.detach().numpy()


class TorchImplementation:
    name = "torch-1.13"
    dtypes = ("float32", "float64")
    known_deviations = KNOWN_DEVIATIONS

    def __init__(self):
        if torch is not None:
            torch.set_num_threads(1)

    def _require(self):
        if torch is None:
            raise Unavailable("PyTorch does not import here: %s (Debian: apt-get install python3-torch)" % IMPORT_ERROR)

    def entropy(self, p):
        rules.distribution(p, "p")
        self._require()
        pt = t(p)
        return 0 - out(torch.xlogy(pt, pt).sum())

    def cross_entropy(self, p, q):
        rules.distribution(p, "p")
        rules.distribution(q, "q")
        rules.same_length(p, "p", q, "q")
        self._require()
        return 0 - out(torch.xlogy(t(p), t(q)).sum())

    def kl_divergence(self, p, q):
        rules.distribution(p, "p")
        rules.distribution(q, "q")
        rules.same_length(p, "p", q, "q")
        self._require()
        pt = t(p)
        return out((torch.xlogy(pt, pt) - torch.xlogy(pt, t(q))).sum())

    def softmax(self, logits):
        rules.finite(logits, "logits")
        self._require()
        return out(torch.softmax(t(logits), 0))

    def log_softmax(self, logits):
        rules.finite(logits, "logits")
        self._require()
        return out(F.log_softmax(t(logits), 0))

    def log_sum_exp(self, logits):
        rules.finite(logits, "logits")
        self._require()
        return out(torch.logsumexp(t(logits), 0))

    def softmax_jacobian(self, logits):
        rules.finite(logits, "logits")
        self._require()
        n = len(logits)
        rows = t(logits).unsqueeze(0).repeat(n, 1).requires_grad_()
        torch.softmax(rows, 1).backward(torch.eye(n, dtype=rows.dtype))
        return out(rows.grad).reshape(-1)

    def _soft_target_loss(self, target, z):
        return F.cross_entropy(z.unsqueeze(0), t(target).unsqueeze(0), reduction="sum")

    def _target_and_logits(self, target, logits):
        rules.non_negative_weights(target, "target")
        rules.finite(logits, "logits")
        rules.same_length(target, "target", logits, "logits")
        self._require()

    def cross_entropy_from_logits(self, target, logits):
        self._target_and_logits(target, logits)
        return out(self._soft_target_loss(target, t(logits)))

    def cross_entropy_logit_gradient(self, target, logits):
        self._target_and_logits(target, logits)
        z = t(logits, True)
        self._soft_target_loss(target, z).backward()
        return out(z.grad)

    def cross_entropy_probability_gradient(self, target, probabilities):
        rules.non_negative_weights(target, "target")
        rules.distribution(probabilities, "probabilities")
        rules.same_length(target, "target", probabilities, "probabilities")
        bad = np.flatnonzero((target > 0) & (probabilities == 0))
        if bad.size:
            raise InvalidArgument("probabilities", "probabilities[%d] = 0 where target[%d] > 0: the loss is +inf (GRAD-PROB)." % (bad[0], bad[0]))
        self._require()
        y_hat = t(probabilities, True)
        (-torch.xlogy(t(target), y_hat).sum()).backward()
        return out(y_hat.grad)

    def forward_backward(self, logits, classes, targets, ignore_index, reduction):
        rules.positive(classes, "classes")
        rules.finite(logits, "logits")
        if len(logits) % classes != 0:
            raise InvalidArgument("logits", "logits has length %d, not a multiple of classes = %d (INPUT-LENGTH)." % (len(logits), classes))
        rows = len(logits) // classes
        rules.length(targets, rows, "targets")
        rules.class_indices(targets, classes, "targets", ignore_index)
        if reduction not in ("mean", "sum"):
            raise rules.OutOfRange("reduction", "reduction must be Mean or Sum; got %r." % (reduction,))
        self._require()
        z = t(logits.reshape(rows, classes), True)
        loss = F.cross_entropy(z, torch.from_numpy(targets.astype(np.int64)), ignore_index=ignore_index, reduction=reduction)
        loss.backward()
        return out(loss), out(z.grad).reshape(-1)

    def _binary_loss(self, z, target):
        return F.binary_cross_entropy_with_logits(z, torch.tensor([target], dtype=z.dtype), reduction="sum")

    def binary_cross_entropy_with_logit(self, logit, target):
        rules.finite_scalar(logit, "logit")
        rules.probability(target, "target")
        self._require()
        return out(self._binary_loss(t([logit]), target))

    def binary_cross_entropy_logit_gradient(self, logit, target):
        rules.finite_scalar(logit, "logit")
        rules.probability(target, "target")
        self._require()
        z = t(np.array([logit]), True)
        self._binary_loss(z, target).backward()
        return out(z.grad.sum())

    def _linear_rules(self, x, weights, bias):
        rules.finite(x, "x")
        rules.finite(weights, "weights")
        rules.finite(bias, "bias")
        rules.matrix(weights, len(x), len(bias), "weights")

    @staticmethod
    def _logits(x, w, b):
        z = torch.addmv(b, w.t(), x)
        if not bool(torch.isfinite(z).all()):
            raise InvalidArgument("weights", "Some (W^T x + b)_j overflows; the logits must be finite (INPUT-NAN).")
        return z

    def linear_forward(self, x, weights, bias):
        self._linear_rules(x, weights, bias)
        self._require()
        return out(self._logits(t(x), t(weights.reshape(len(x), len(bias))), t(bias)))

    def linear_loss_and_gradients(self, x, weights, bias, target):
        self._linear_rules(x, weights, bias)
        rules.non_negative_weights(target, "target")
        rules.length(target, len(bias), "target")
        self._require()
        w = t(weights.reshape(len(x), len(bias)), True)
        b = t(bias, True)
        loss = self._soft_target_loss(target, self._logits(t(x), w, b))
        loss.backward()
        return out(loss), out(w.grad).reshape(-1), out(b.grad)

    def sequence_loss_and_gradients(self, tokens, vocabulary, weights, bias, lam):
        if len(tokens) < 2:
            raise InvalidArgument("tokens", "tokens has length %d; a sequence needs a context and at least one target (T >= 1)." % len(tokens))
        rules.positive(vocabulary, "vocabulary")
        rules.class_indices(tokens, vocabulary, "tokens")
        rules.finite(weights, "weights")
        rules.matrix(weights, vocabulary, vocabulary, "weights")
        rules.finite(bias, "bias")
        rules.length(bias, vocabulary, "bias")
        rules.finite_scalar(lam, "lambda")
        if lam < 0:
            raise InvalidArgument("lambda", "lambda = %r is negative; an L2 strength must be >= 0." % (lam,))
        self._require()
        v = vocabulary
        w = t(weights.reshape(v, v), True)
        b = t(bias, True)
        idx = torch.from_numpy(tokens.astype(np.int64))
        z = w.index_select(0, idx[:-1]) + b              # z_t = W[x_{t-1}, :] + b
        if not bool(torch.isfinite(z).all()):
            raise InvalidArgument("weights", "Some W[x_{t-1}, j] + b[j] overflows; the logits must be finite (INPUT-NAN).")
        loss = F.cross_entropy(z, idx[1:], reduction="mean")
        if lam != 0:
            loss = loss + w.square().sum() * float(lam * lam.dtype.type(0.5))
        loss.backward()
        return out(loss), out(w.grad).reshape(-1), out(b.grad)


if __name__ == "__main__":
    serve(TorchImplementation())
