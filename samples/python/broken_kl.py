"""A deliberately broken implementation, for showing (and self-testing) what a failure looks like:
the numpy sample with the sign of the KL divergence flipped, named "numpy-broken-kl".

    CONFORMANCE_IMPLEMENTATION="exec:python3 samples/python/broken_kl.py" dotnet test tests/Properties --filter "DisplayName~numpy-broken-kl&FullyQualifiedName~KlDivergence"
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from conformance_protocol import serve  # noqa: E402
from numpy_impl import NumpyImplementation  # noqa: E402


class BrokenKl(NumpyImplementation):
    name = "numpy-broken-kl"
    capabilities = ["IKlDivergence"]

    def kl_divergence(self, p, q):
        return -super().kl_divergence(p, q)   # the break: D(p ‖ q) ≤ 0


if __name__ == "__main__":
    serve(BrokenKl())
