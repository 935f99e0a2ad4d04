#!/usr/bin/env bash
# Enforces the dependency rule of the source tree (docs/architecture.md): nothing under src/fe/
# includes src/cn/ and the reverse; src/common/ and src/engine/ include neither. Also refuses
# absolute paths of a build machine in tracked files. Prints offenders and exits 1.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
bad=0
check() {  # check <dir> <forbidden include prefix>
  local hits
  hits=$(grep -rn --include='*.h' --include='*.cc' -E "#include \"$2/" "$1" 2>/dev/null)
  if [ -n "$hits" ]; then
    echo "layout: $1 must not include $2/:"; echo "$hits"; bad=1
  fi
}
check src/fe cn
check src/cn fe
for forbidden in fe cn; do
  check src/common "$forbidden"
  check src/engine "$forbidden"
done
check src/common engine
if git ls-files -z | xargs -0 grep -n -I -E '(/wor[k]/|/tmp/bash_[j]obs|/far[m]/)' -- 2>/dev/null; then
  echo "layout: tracked files name absolute paths of a build machine (above)"; bad=1
fi
[ "$bad" -eq 0 ] && echo "layout: ok"
exit "$bad"
