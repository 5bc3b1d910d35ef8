#!/bin/sh
# Compiles samples/c/softmax_ce.c with the system C compiler (into ${TMPDIR:-/tmp}) and runs it as a
# protocol server: CONFORMANCE_IMPLEMENTATION="exec:sh samples/c/run.sh". The compiler's messages go to stderr.
set -e
here=$(dirname "$0")
bin="${TMPDIR:-/tmp}/conformance-c-softmax-$(id -u)"
command -v "${CC:-gcc}" >/dev/null || { echo "samples/c/run.sh: no C compiler (${CC:-gcc}); apt-get install gcc" >&2; exit 127; }
if [ ! -x "$bin" ] || [ "$here/softmax_ce.c" -nt "$bin" ]; then
  "${CC:-gcc}" -std=c11 -O2 -Wall -Wextra -Werror -o "$bin.$$" "$here/softmax_ce.c" -lm >&2
  mv -f "$bin.$$" "$bin"
fi
exec "$bin"
