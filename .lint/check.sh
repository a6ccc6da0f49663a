#!/usr/bin/env bash
# Module-boundary lint (plain bash + grep, well under a second; `make lint`, called by .ci/run):
#  1. no file in the layers above TensorCore imports Kernels unless .lint/kernels-import-allowlist.txt
#     names it (and every name there still does: the list only shrinks);
#  1b. inside TensorCore only the CPU backend (Sources/TensorCore/CPU) and Threading.swift import Kernels;
#  2. no `@_exported import` anywhere (every file imports what it uses, explicitly);
#  3. every Swift target's dependency list in Package.swift names exactly the package modules its
#     files import;
#  5. library code changes no process-wide setting: `Threading.setCount`, `Tensor.setBackend`, `InstructionSet.limit`, `setenv`/`unsetenv`,
#     `limitIdleSpinning` and `signal` appear only in the executables (RetortCLI, RetortBench) and in
#     the Kernels/Support files that define them;
#  4. the Swift files follow the checked-in .swift-format (house layout, 4-space indentation, 150 columns,
#     documentation on every public declaration): `swift format lint --strict` (the toolchain's swift-format,
#     a few seconds). Fix with `swift format format -i -r -p Sources Tests`.
set -euo pipefail
cd "$(dirname "$0")/.."
fail=0
complain() { echo "lint: $*" >&2; fail=1; }

# An import of MODULE in any form: `import Kernels`, `@testable import Kernels`, `import struct Kernels.BLAS`.
import_re() { echo "^[[:space:]]*(@[A-Za-z_]+[[:space:]]+)*import[[:space:]]+((struct|class|enum|protocol|func|var|let|typealias)[[:space:]]+)?$1([.[:space:]]|$)"; }

# 1. Kernels imports above TensorCore.
allowlist=.lint/kernels-import-allowlist.txt
checked_dirs=(Sources/NN Sources/Backbones Sources/Objectives Sources/Recipes Sources/RetortCLI Sources/DataStore)
allowed=$(grep -v '^[[:space:]]*\(#\|$\)' "$allowlist" || true)
while IFS= read -r file; do
    [ -n "$file" ] || continue
    grep -qxF "$file" <<<"$allowed" ||
        complain "$file imports Kernels; code above TensorCore uses Support and TensorCore (only the files in $allowlist may still import Kernels, and that list may only shrink)"
done < <(grep -rlE "$(import_re Kernels)" --include='*.swift' "${checked_dirs[@]}" | sort)
while IFS= read -r file; do
    [ -n "$file" ] || continue
    if [ ! -f "$file" ] || ! grep -qE "$(import_re Kernels)" "$file"; then
        complain "$allowlist names $file, which no longer imports Kernels: delete that line"
    fi
done <<<"$allowed"

# 1b. Inside TensorCore, only the CPU backend (Sources/TensorCore/CPU) and Threading (the process's thread
#     settings) import Kernels: every op reaches its kernels through the `Backend` protocol.
while IFS= read -r file; do
    [ -n "$file" ] || continue
    case "$file" in
        Sources/TensorCore/CPU/*|Sources/TensorCore/Threading.swift) ;;
        *) complain "$file imports Kernels; TensorCore's ops reach kernels through Tensor.backend (Sources/TensorCore/Backend.swift); only Sources/TensorCore/CPU implements it" ;;
    esac
done < <(grep -rlE "$(import_re Kernels)" --include='*.swift' Sources/TensorCore | sort)

# 2. No re-exports.
while IFS= read -r hit; do
    [ -n "$hit" ] && complain "$hit: use explicit imports, not @_exported (docs/architecture.md)"
done < <(grep -rnE '^[[:space:]]*@_exported[[:space:]]+import' --include='*.swift' Sources Tests || true)

# 3. Package.swift dependency lists against the imports of each target's files.
system_modules='^(Foundation|FoundationXML|FoundationNetworking|Dispatch|Glibc|Darwin|XCTest|Synchronization)$'
flat=$(tr '\n' ' ' < Package.swift)
for dir in Sources/* Tests/*; do
    [ -d "$dir" ] || continue
    target=${dir#*/}
    files=$(find "$dir" -name '*.swift' | sort)
    [ -n "$files" ] || continue  # C targets, fixtures
    [ -f "$dir/Package.swift" ] && continue  # a package of its own (Tests/Consumer), checked by building it
    # The target's declaration, up to its dependency list's closing bracket.
    decl=$(grep -oE "\.(target|testTarget|executableTarget)\(name: \"$target\"[^)]*(\.product\([^)]*\)[^)]*)*\)" <<<"$flat" | head -1 || true)
    if [ -z "$decl" ]; then complain "$dir has Swift files but Package.swift declares no target \"$target\""; continue; fi
    declared=$(grep -oE 'dependencies: \[[^]]*\]' <<<"$decl" | sed -E 's/package: "[^"]*"//g' | grep -oE '"[A-Za-z0-9_]+"' | tr -d '"' | sort -u || true)
    imported=$(sed -nE 's/^[[:space:]]*(@[A-Za-z_]+[[:space:]]+)*import[[:space:]]+((struct|class|enum|protocol|func|var|let|typealias)[[:space:]]+)?([A-Za-z0-9_]+).*/\4/p' $files \
        | sort -u | grep -vE "$system_modules" || true)
    missing=$(comm -13 <(echo "$declared") <(echo "$imported") | grep . || true)
    unused=$(comm -23 <(echo "$declared") <(echo "$imported") | grep . || true)
    [ -z "$missing" ] || complain "target $target imports $(echo $missing) but Package.swift does not declare it"
    [ -z "$unused" ] || complain "target $target declares $(echo $unused) in Package.swift but no file of it imports that"
done

# 5. Process-wide settings belong to applications.
while IFS= read -r hit; do
    [ -n "$hit" ] && complain "$hit: library code changes no process-wide setting (threads, environment, signals); the application (RetortCLI, RetortBench, a test) does, once"
done < <(grep -rnE '(Threading\.setCount|Tensor\.setBackend|InstructionSet\.limit|[^A-Za-z_.](setenv|unsetenv|signal)\(|limitIdleSpinning\(\))' --include='*.swift' Sources \
    | grep -vE '^Sources/(RetortCLI|RetortBench)/|^Sources/Kernels/BLAS\+Threads\.swift:|^Sources/TensorCore/Threading\.swift:|^Sources/TensorCore/Backend\.swift:|^Sources/Kernels/InstructionSet\.swift:' \
    | grep -vE '^[^:]+:[0-9]+:[[:space:]]*///' || true)

# 4. House style (.swift-format).
if ! swift format --version >/dev/null 2>&1; then
    complain "swift-format is missing from the Swift toolchain (swift format --version fails)"
elif ! swift format lint --strict -r -p Sources Tests; then
    complain "the Swift files above do not follow .swift-format: run swift format format -i -r -p Sources Tests"
fi

if [ "$fail" -ne 0 ]; then exit 1; fi
echo "lint: ok"
