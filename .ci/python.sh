#!/usr/bin/env bash
# CI for the Python package (crates/xinsheng-py): installs what is missing (pinned pip
# packages in a virtual environment, Java for Spark), builds the wheel with maturin,
# installs it, and runs the pytest suite (including a real local-mode Spark test).
# Run after the Rust tests (it reuses their build of the CLI and of the dependencies).
#
# Environment: XINSHENG_VENV (default ~/.cache/xinsheng-py/venv-<hash of the pins>),
# XINSHENG_PY_PROFILE (cargo profile of the wheel: dev by default, which reuses what
# `cargo test --workspace` compiled; `release` for a wheel to ship).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY_CRATE=crates/xinsheng-py
REQ=$PY_CRATE/requirements-ci.txt
PROFILE=${XINSHENG_PY_PROFILE:-dev}
say() { printf 'python.sh: %s\n' "$*" >&2; }

apt_install() {
    if ! command -v apt-get >/dev/null; then
        say "cannot install $* (no apt-get)"
        return 1
    fi
    if [ -z "${APT_UPDATED:-}" ]; then
        apt-get update -qq >/dev/null
        APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Python 3.9+.
PYTHON=${PYTHON:-python3}
if ! command -v "$PYTHON" >/dev/null; then
    apt_install python3 python3-venv python3-pip
fi
"$PYTHON" -c 'import sys; assert sys.version_info >= (3, 9), sys.version' \
    || { say "need CPython >= 3.9"; exit 1; }

# Java for Spark (pyspark 4 needs 17+).
if ! command -v java >/dev/null; then
    say "installing Java (openjdk-17-jre-headless)"
    apt_install openjdk-17-jre-headless
fi

# A virtual environment with the pinned packages.
PINS_HASH=$(sha256sum "$REQ" | cut -c1-12)
VENV=${XINSHENG_VENV:-$HOME/.cache/xinsheng-py/venv-$PINS_HASH}
if [ ! -x "$VENV/bin/python" ]; then
    say "creating $VENV"
    mkdir -p "$(dirname "$VENV")"
    "$PYTHON" -m venv "$VENV" 2>/dev/null || {
        apt_install python3-venv
        "$PYTHON" -m venv "$VENV"
    }
fi
VPY=$VENV/bin/python
"$VPY" -m pip install -q --disable-pip-version-check -r "$REQ"

# The wheel.
say "building the wheel (profile $PROFILE)"
rm -rf target/wheels-ci
"$VENV/bin/maturin" build --quiet --profile "$PROFILE" -m "$PY_CRATE/Cargo.toml" \
    -i "$VPY" -o target/wheels-ci
"$VPY" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps target/wheels-ci/xinsheng-*.whl

# The CLI the parity tests compare with: the binary `cargo test --workspace` built (a
# no-op after the Rust tests; `cargo build -p xinsheng-cli` alone would unify features
# differently and rebuild dependencies).
cargo test -q --workspace --no-run
export XINSHENG_CLI=${CARGO_TARGET_DIR:-$ROOT/target}/debug/xinsheng
export XINSHENG_REQUIRE_SPARK=1
export PYSPARK_PYTHON=$VPY PYSPARK_DRIVER_PYTHON=$VPY

# The suite runs from a temporary directory so that `import xinsheng` is the installed
# wheel, not the source tree.
say "running pytest"
set +e
(cd "$(mktemp -d)" && "$VPY" -m pytest -q -p no:cacheprovider "$ROOT/$PY_CRATE/tests")
status=$?
set -e
case $status in
    0) ;;
    5) say "pytest collected no test"; exit 1 ;;
    *) say "pytest failed (exit $status)"; exit "$status" ;;
esac
