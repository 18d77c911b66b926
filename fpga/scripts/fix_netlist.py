#!/usr/bin/python3
"""Makes icebox_vlog's netlist simulable by Verilator and iverilog alike.

icebox_vlog writes an ANSI header whose ports are single bits with escaped
names (`output \\sdo[4] `), then re-declares every port as a wire/reg in the
body. Verilator rejects the re-declaration of ANSI ports, and the bit-split
names do not match the RTL's vector ports. This rewrites the header in
non-ANSI style with the original vector ports (`input [7:0] sdi;`) and
connects each escaped bit net to its vector bit, so the same testbench
drives the RTL wrapper and the bitstream's netlist. Comments are dropped
(they are most of the file: routing-segment lists).
"""
import re
import sys

PORT = re.compile(r"^\s*(input|output)\s+(\\\S+|\w+)\s*$")
BIT = re.compile(r"^\\(\w+)\[(\d+)\]$")


def fail(msg):
    sys.stderr.write("fix_netlist: " + msg + "\n")
    sys.exit(1)


def main():
    if len(sys.argv) != 3:
        fail("usage: fix_netlist.py IN.v OUT.v")
    lines = open(sys.argv[1]).read().split("\n")
    hdr = next((i for i, l in enumerate(lines) if l.startswith("module ")), None)
    if hdr is None:
        fail("no module header in " + sys.argv[1])
    m = re.match(r"^module\s+(\w+)\s*\((.*)\);\s*$", lines[hdr])
    if not m:
        fail("unexpected module header: " + lines[hdr][:200])
    modname, plist = m.group(1), m.group(2)
    scalars, buses = [], {}  # name -> dir ; base -> (dir, {idx})
    for item in [p for p in plist.split(",") if p.strip()]:
        pm = PORT.match(item)
        if not pm:
            fail("unexpected port entry: " + item)
        d, name = pm.group(1), pm.group(2)
        bm = BIT.match(name)
        if bm:
            base, idx = bm.group(1), int(bm.group(2))
            if base in buses and buses[base][0] != d:
                fail("bus %s mixes directions" % base)
            buses.setdefault(base, (d, set()))[1].add(idx)
        else:
            scalars.append((d, name.lstrip("\\")))

    body = [l for l in lines[hdr + 1:] if l.strip() and not l.lstrip().startswith("//")]
    text = "\n".join(body)
    out = ["// Netlist recovered from the bitstream by icebox_vlog; header rewritten by",
           "// fpga/scripts/fix_netlist.py (non-ANSI, vector ports).",
           "/* verilator lint_off UNUSEDSIGNAL */",
           "/* verilator lint_off UNDRIVEN */",
           "module %s (%s);" % (modname, ", ".join([n for _, n in scalars] + sorted(buses)))]
    for d, n in scalars:
        out.append("%s %s;" % (d, n))
    for base in sorted(buses):
        d, idxs = buses[base]
        out.append("%s [%d:0] %s;" % (d, max(idxs), base))
    glue = []  # escaped bit nets <-> vector bits, placed after the body's declarations
    for base in sorted(buses):
        d, idxs = buses[base]
        for i in sorted(idxs):
            net = "\\%s[%d] " % (base, i)
            if not re.search(r"^\s*(wire|reg)\s+" + re.escape(net), text, re.M):
                out.append("wire %s;" % net)
            if d == "input":
                glue.append("assign %s = %s[%d];" % (net, base, i))
            else:
                glue.append("assign %s[%d] = %s;" % (base, i, net))
    end = max(i for i, l in enumerate(body) if l.strip() == "endmodule")
    out += body[:end] + glue + body[end:]
    with open(sys.argv[2], "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
