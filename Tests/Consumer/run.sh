#!/usr/bin/env bash
# Builds and runs Tests/Consumer against Retort as a versioned dependency: a bare clone of this
# repository's committed HEAD, tagged 0.0.1, reached through a file:// URL (SwiftPM resolves it like a
# remote package: no unsafe flags allowed, only the `Retort` product's public API visible). The Swift
# examples of the Markdown (doc-examples.sh) are compiled into it.
# Usage: Tests/Consumer/run.sh   (from anywhere; uses a temporary folder, removed at the end)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/retort-consumer.XXXXXX)
trap 'rm -rf "$work"' EXIT
git clone -q --bare "$root" "$work/retort.git"
git -C "$work/retort.git" tag 0.0.1 "$(git -C "$root" rev-parse HEAD)"
cp -R "$root/Tests/Consumer" "$work/consumer"
# The Swift examples of README.md, docs/ and notebooks-md/ are compiled with the consumer (they must not rot).
"$root/Tests/Consumer/doc-examples.sh" "$root" "$work/consumer/Sources/RetortConsumer/DocExamples.swift"
cd "$work/consumer"
RETORT_PACKAGE_URL="file://$work/retort.git" swift build -c release 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\] (Compiling|Emitting)' | tail -20
"$work/consumer/.build/release/RetortConsumer"
