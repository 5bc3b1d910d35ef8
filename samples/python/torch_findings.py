"""Measures, on this machine's libtorch (Debian's python3-torch 1.13), the behaviours torch_impl.py
declares as known deviations, as tests/SelfTests/TorchFindings.cs measures them for TorchSharp's
libtorch 2.10. Run: python3 samples/python/torch_findings.py  (prints one line per finding)."""

import random
from decimal import Decimal, getcontext

import numpy as np
import torch
import torch.nn.functional as F

getcontext().prec = 60
torch.set_num_threads(1)
DTYPES = {"float32": torch.float32, "float64": torch.float64}
U = {"float32": 2.0 ** -24, "float64": 2.0 ** -53}


def all_ignored():
    for name, dtype in DTYPES.items():
        z = torch.zeros(2, 3, dtype=dtype, requires_grad=True)
        loss = F.cross_entropy(z, torch.tensor([-100, -100]), ignore_index=-100, reduction="mean")
        loss.backward()
        print("all_ignored %s: loss = %r, gradient = %s" % (name, loss.item(), z.grad.flatten().tolist()))


def xlogy_grad():
    for name, dtype in DTYPES.items():
        y_hat = torch.tensor([1.0, 0.0, 0.0], dtype=dtype, requires_grad=True)
        (-torch.xlogy(torch.tensor([1.0, 0.0, 0.0], dtype=dtype), y_hat).sum()).backward()
        print("xlogy_grad %s: y = yhat = [1, 0, 0] gives dL/dyhat = %s" % (name, y_hat.grad.tolist()))


def largest_logits():
    for name, dtype in DTYPES.items():
        top = torch.finfo(dtype).max
        loss = F.cross_entropy(torch.tensor([[top, 1.0, -top]], dtype=dtype), torch.tensor([[1.0, 0.0, 0.0]], dtype=dtype), reduction="sum")
        print("largest_logits %s: z = (+max, 1, -max), y = (1, 0, 0): loss = %r (exact 0)" % (name, loss.item()))


def exact_bce(z, y):
    z, y = Decimal(z), Decimal(y)
    return float(max(z, Decimal(0)) - y * z + (Decimal(1) + (-abs(z)).exp()).ln())


def torch_bce(z, y, dtype):
    return F.binary_cross_entropy_with_logits(torch.tensor([z], dtype=dtype), torch.tensor([y], dtype=dtype), reduction="sum").item()


def binary():
    rng = random.Random(20240607)
    inputs = []
    for _ in range(20000):
        z = (2 * rng.random() - 1) * 10 ** rng.randrange(0, 5)
        y = 0.0 if rng.random() < 0.3 else 0.1 * rng.random()
        inputs.append((z, y))
    for name, dtype in DTYPES.items():
        worst = (0.0, 0.0, 0.0)
        for z0, y0 in inputs:
            z, y = (float(np.float32(z0)), float(np.float32(y0))) if name == "float32" else (z0, y0)
            ratio = abs(torch_bce(z, y, dtype) - exact_bce(z, y)) / (U[name] * (abs(z) + 1))
            if ratio > worst[0]:
                worst = (ratio, z, y)
        print("binary %s: worst |error| / (u (|z| + 1)) = %.2f over %d inputs (|z| up to 1e4), at z = %r, y = %r"
              % (name, worst[0], len(inputs), worst[1], worst[2]))
    for z, y, name in [(-624.0, 0.001, "float32"), (-33.0, 0.0, "float64")]:
        if name == "float32":
            z, y = float(np.float32(z)), float(np.float32(y))
        got, exact = torch_bce(z, y, DTYPES[name]), exact_bce(z, y)
        print("binary %s z = %r, y = %r: L = %r vs exact %r, |error| = %.3g = %.2f u (|z| + 1) = %.0f u (L + 1)"
              % (name, z, y, got, exact, abs(got - exact), abs(got - exact) / (U[name] * (abs(z) + 1)), abs(got - exact) / (U[name] * (exact + 1))))
    print("binary float32 z = -30, y = 0: torch %r, exact %r" % (torch_bce(-30.0, 0.0, torch.float32), exact_bce(-30.0, 0.0)))


if __name__ == "__main__":
    print("torch", torch.__version__)
    all_ignored()
    xlogy_grad()
    largest_logits()
    binary()
