#!/bin/sh
# make test-seed-claims (issue 16): docs/seed-claims.md regenerates byte for
# byte from the committed measurements (SEED_CLAIMS_LIVE=0, as in a clean
# clone), has a row for every headline claim of the seed papers, and no row
# without an lpcs figure ("none yet", "-" or no number). The row check runs
# first on a copy with one figure replaced by "none yet", which must fail.
# Usage: tests/seed_claims_check.sh LPCS OUTDIR
set -eu
lpcs=$1 out=$2
mkdir -p "$out"
SEED_CLAIMS_LIVE=0 models/seed_claims.sh "$lpcs" "$out/seed-claims.md" >/dev/null
# The claims of the issue, one pattern per claim (a row's claim column must match).
claims='1.4x fewer LUTs|0.016 mm\^2|1.72 GHz|38% less power|13.8% fewer cycles|10.7x speedup|2% hardware overhead|scaling to 2.7 B|61% less memory|13 W|W4A4 kernel 2.88x|W6A6/W6A8|arbitrary-bit-width'
rows_ok() { # FILE -> 0 if every claim has a row and every row an lpcs figure
  awk -F' \\| ' -v claims="$claims" '
    /^\| / && !/^\| paper \|/ && !/^\|---/ {
      n++; fig = $4; sub(/^\| /, "", $1)
      if (fig ~ /none yet/ || fig ~ /^ *-? *$/ || fig !~ /[0-9]/) { printf "seed-claims: no lpcs figure for %s: %s\n", $1, $2; bad = 1 }
      text = text "\n" $2
    }
    END {
      k = split(claims, c, "|")
      for (i = 1; i <= k; i++) if (text !~ c[i]) { printf "seed-claims: no row for the claim /%s/\n", c[i]; bad = 1 }
      if (n < k) { printf "seed-claims: %d rows, want >= %d\n", n, k; bad = 1 }
      if (!bad) printf "seed-claims: %d rows, %d claims, every row with an lpcs figure\n", n, k
      exit bad
    }' "$1"
}
# Negative control: the FlexQ row's figure replaced by "none yet" must fail.
awk -F' \\| ' 'BEGIN { OFS = " | " } /W6A6\/W6A8/ { $4 = "none yet" } { print }' "$out/seed-claims.md" > "$out/planted.md"
if rows_ok "$out/planted.md" >"$out/planted.log" 2>&1; then
  echo "seed-claims: FAIL: the check accepted a planted \"none yet\" row"; exit 1
fi
grep -q 'no lpcs figure' "$out/planted.log" || { echo "seed-claims: FAIL: planted row rejected for the wrong reason"; cat "$out/planted.log"; exit 1; }
rows_ok "$out/seed-claims.md" || { echo "seed-claims: FAIL"; exit 1; }
if ! cmp -s "$out/seed-claims.md" docs/seed-claims.md; then
  echo "seed-claims: FAIL: docs/seed-claims.md differs from the regenerated table (run SEED_CLAIMS_LIVE=0 make seed-claims):"
  diff "$out/seed-claims.md" docs/seed-claims.md | head -20; exit 1
fi
echo "seed-claims: docs/seed-claims.md regenerates byte-identical; planted \"none yet\" caught"
