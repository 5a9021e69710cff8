#!/usr/bin/env bash
# Seeds the fuzz corpora from tests/fixtures/<provider>/, in each target's input format.
set -euo pipefail
cd "$(dirname "$0")"
fixtures=../tests/fixtures
idx() { case "$1" in tryvox) echo 0;; voxtelesys) echo 1;; voxpria) echo 2;; vobiz) echo 3;; esac; }
mkdir -p corpus/dialects corpus/detect corpus/admit corpus/auth corpus/voxml
for dir in "$fixtures"/*/; do
    provider=$(basename "$dir")
    p=$(idx "$provider") || continue
    [ -n "$p" ] || continue
    for f in "$dir"*; do
        case "$f" in
            *.json) c=0; ct="application/json"; t=0 ;;
            *.form) c=1; ct="application/x-www-form-urlencoded"; t=1 ;;
            *.query) c=5; ct=""; t=4 ;;
            *) continue ;;
        esac
        name=$(basename "$f")
        { printf "\\x$(printf %02x "$p")\\x$(printf %02x "$c")"; cat "$f"; } > "corpus/dialects/$provider-$name"
        { printf '%s\n' "$ct"; cat "$f"; } > "corpus/detect/$provider-$name"
        { printf "\\x$(printf %02x "$p")\\x$(printf %02x "$t")/hook\\xff"; cat "$f"; } > "corpus/admit/$provider-$name"
    done
done
