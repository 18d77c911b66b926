#!/usr/bin/python3
"""Flips one configuration bit of a used LUT of the unit in an .asc bitmap.

Proves the bitstream validation can fail: the corrupted .asc is packed,
unpacked, turned into a netlist and simulated like the real one, and the
comparison with golden must report a mismatch.

Which LUT: the logic cells of nextpnr's routed design (--write JSON) whose
source attribute names one of the unit's RTL files (so the LUT belongs to
the unit, not the scan wrapper), with a non-constant LUT_INIT, registered
ones first, sorted by name; --pick selects among them. Which bit: LUT
entry 0 (all four inputs 0). Entry 0 is the same entry whatever input
permutation the router applied, and unconnected inputs read 0, so it is
always a reachable entry of a used LUT.

iCE40 logic tile layout (icestorm docs): LC n uses rows 2n and 2n+1,
columns 36..45; LUT entry k sits at lutff bit PERM[k] of those 20 bits.
"""
import argparse
import json
import re
import sys

PERM = [4, 14, 15, 5, 6, 16, 17, 7, 3, 13, 12, 2, 1, 11, 10, 0]


def fail(msg):
    sys.stderr.write("corrupt_lut: " + msg + "\n")
    sys.exit(1)


def lut_bit_pos(lc, entry):
    b = PERM[entry]
    return 2 * lc + b // 10, 36 + b % 10


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--routed", required=True, help="nextpnr --write JSON")
    ap.add_argument("--asc", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--src", action="append", required=True, help="basename of a unit RTL file")
    ap.add_argument("--pick", type=int, default=0)
    a = ap.parse_args()

    mods = json.load(open(a.routed))["modules"]
    cells = next(iter(mods.values()))["cells"]
    cands = []
    for name, c in cells.items():
        if c.get("type") != "ICESTORM_LC":
            continue
        src = c.get("attributes", {}).get("src", "")
        if not any(re.search(r"(^|[/|])" + re.escape(s) + ":", src) for s in a.src):
            continue
        init = c.get("parameters", {}).get("LUT_INIT", "0")
        if set(init) <= {"0"} or set(init) <= {"1"}:
            continue
        bel = c.get("attributes", {}).get("NEXTPNR_BEL", "")
        m = re.match(r"^X(\d+)/Y(\d+)/lc(\d)$", bel)
        if not m:
            continue
        registered = c.get("parameters", {}).get("DFF_ENABLE", "0") in ("1", "00000000000000000000000000000001")
        cands.append((not registered, name, int(m.group(1)), int(m.group(2)), int(m.group(3))))
    if not cands:
        fail("no used LUT of the unit found (sources %s)" % ", ".join(a.src))
    cands.sort()
    if not 0 <= a.pick < len(cands):
        fail("--pick %d out of range (%d candidates)" % (a.pick, len(cands)))
    _, name, x, y, lc = cands[a.pick]

    lines = open(a.asc).read().split("\n")
    hdr = ".logic_tile %d %d" % (x, y)
    try:
        t = lines.index(hdr)
    except ValueError:
        fail("tile %s not in %s" % (hdr, a.asc))
    tile = lines[t + 1:t + 17]
    bits = []
    for k in range(16):
        r, col = lut_bit_pos(lc, k)
        bits.append(tile[r][col])
    if set(bits) <= {"0"} or set(bits) <= {"1"}:
        fail("LUT at X%d/Y%d/lc%d is constant in the .asc; layout assumption broken" % (x, y, lc))
    r, col = lut_bit_pos(lc, 0)
    row = list(lines[t + 1 + r])
    old = row[col]
    row[col] = "1" if old == "0" else "0"
    lines[t + 1 + r] = "".join(row)
    with open(a.out, "w") as f:
        f.write("\n".join(lines))
    print("corrupt_lut: flipped LUT entry 0 (%s -> %s) of %s at logic tile (%d,%d) lc%d, "
          "asc row %d col %d; candidate %d of %d" % (old, row[col], name, x, y, lc, r, col, a.pick, len(cands)))


if __name__ == "__main__":
    main()
