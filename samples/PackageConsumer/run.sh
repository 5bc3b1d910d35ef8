#!/usr/bin/env bash
# Packs the repository's packages into ./feed and runs this sample's tests against them, as a plug-in in
# another repository would (README.md, "Packages"). From anywhere:
#   bash samples/PackageConsumer/run.sh              # builds and packs Release, then tests
#   bash samples/PackageConsumer/run.sh --no-build   # packs what `dotnet build`/`dotnet test` built (Debug), as .ci/run does
# Extra arguments after --no-build go to dotnet test (e.g. --filter …).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
pack=(-c Release)
if [[ ${1:-} == --no-build ]]; then pack=(-c Debug --no-build); shift; fi

rm -rf "$here/feed" "$here/packages" "$here"/MyKernels*/bin "$here"/MyKernels*/obj
start=$SECONDS
dotnet pack "$root/Conformance.sln" "${pack[@]}" -o "$here/feed" -nologo -v:q
echo "packed $(ls "$here/feed" | tr '\n' ' ')in $((SECONDS - start)) s"

cd "$here"
# The user's NuGet cache as a fallback folder: xunit, FsCheck and MathNet are taken from it without a copy
# where they are there; the LossConformance.* packages never are (they come from ./feed into ./packages).
fallback="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
start=$SECONDS
dotnet test MyKernels.Tests -nologo -p:RestoreFallbackFolders="$fallback" "$@"
echo "sample tests (restore, build, run) in $((SECONDS - start)) s"
