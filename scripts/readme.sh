#!/usr/bin/env bash
# Rewrite every shown output in README.md and docs/*.md (the blocks between
# `<!-- out: COMMAND -->` and `<!-- /out -->`) from the current binary.
# `cargo test` (tests/readme.rs) fails while one is stale.
set -euo pipefail
cd "$(dirname "$0")/.."
XINSHENG_BLESS=1 cargo test -q -p xinsheng-cli --test readme
git --no-pager diff --stat -- README.md docs/ 2>/dev/null || true
