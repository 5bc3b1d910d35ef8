"""A protocol server that misbehaves on purpose, for the suite's self-tests (tests/SelfTests/ExternalProcessFailures.cs).
It offers ISoftmax; its softmax does what argv[1] says, and behaves on every other input:

    crash   writes a line to stderr and exits with code 3 when the logits have 3 entries
    hang    sleeps for an hour when the logits have 3 entries
    noise   writes a stray line to the real stdout (outside a frame) when the logits have 3 entries
    fine    never misbehaves
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from conformance_protocol import serve  # noqa: E402
from numpy_impl import NumpyImplementation  # noqa: E402

MODE = sys.argv[1] if len(sys.argv) > 1 else "fine"


class Misbehaving(NumpyImplementation):
    name = "misbehaving-" + MODE
    capabilities = ["ISoftmax"]

    def softmax(self, logits):
        if len(logits) == 3:
            if MODE == "crash":
                sys.stderr.write("misbehaving: crashing on purpose\n")
                sys.stderr.flush()
                os._exit(3)
            if MODE == "hang":
                sys.stderr.write("misbehaving: hanging on purpose\n")
                sys.stderr.flush()
                time.sleep(3600)
            if MODE == "noise":
                os.write(STDOUT_FD, b"stray debug print\n")
        return super().softmax(logits)


# serve() moves fd 1 to a private descriptor; keep the real stdout for the stray print.
STDOUT_FD = os.dup(1)

if __name__ == "__main__":
    serve(Misbehaving())
