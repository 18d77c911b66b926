#!/usr/bin/python3
"""Formal check of one surviving mutant: is it equivalent to the design?

Builds a miter of the mutated netlist (tests/mutation.mk's mutated.v, every
mutant behind the `mutsel` input) with mutsel = 0 (the design) against
mutsel = ID (the mutant): both copies share every input, `trigger` is 1 when
any output differs. yosys `sat -tempinduct` then starts both copies from the
same all-zero state with reset held in the first cycle (RESET=1) and
  - proves trigger stays 0 forever (induction succeeded): "equivalent (proved)",
  - finds a cycle where an output differs: "differs" (+ the counterexample
    VCD, the stimulus that kills it),
  - or neither within DEPTH cycles: "equivalent for DEPTH cycles (bounded)".
Outputs are compared every cycle (cycle-accurate equivalence, stricter than
the co-simulation, which reads results only when valid).

usage: equiv_check.py MUTATED.v TOP RESET ID DEPTH [OUTDIR]
prints one line: ID,verdict,steps,seconds"""
import os
import re
import subprocess
import sys
import time

src, top, reset, mid, depth = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
outdir = sys.argv[6] if len(sys.argv) > 6 else "."
os.makedirs(outdir, exist_ok=True)

text = open(src).read()
m = re.search(r"^module %s\((.*?)\);(.*?)^endmodule" % re.escape(top), text, re.S | re.M)
if not m:
    sys.exit("equiv_check: no module %s in %s" % (top, src))
ports = {}  # name -> (direction, width text)
for d, w, n in re.findall(r"^\s*(input|output)\s*(\[[^\]]*\])?\s*(\w+);", m.group(2), re.M):
    ports[n] = (d, w)
if "mutsel" not in ports or reset not in ports:
    sys.exit("equiv_check: %s has no mutsel or no %s input" % (top, reset))
ins = [n for n, (d, _) in ports.items() if d == "input" and n != "mutsel"]
outs = [n for n, (d, _) in ports.items() if d == "output"]

lines = ["module equiv_miter(%s, trigger);" % ", ".join(ins)]
lines += ["  input %s %s;" % (ports[n][1], n) for n in ins]
lines.append("  output trigger;")
for copy in ("g", "m"):
    lines += ["  wire %s %s_%s;" % (ports[n][1], copy, n) for n in outs]
    conns = ["." + n + "(" + n + ")" for n in ins] + ["." + n + "(" + copy + "_" + n + ")" for n in outs]
    conns.append(".mutsel(16'd%d)" % (0 if copy == "g" else mid))
    lines.append("  %s u_%s(%s);" % (top, copy, ", ".join(conns)))
lines.append("  assign trigger = %s;" % " || ".join("(g_%s != m_%s)" % (n, n) for n in outs))
lines.append("endmodule")
miter = os.path.join(outdir, "miter_%d.v" % mid)
open(miter, "w").write("\n".join(lines) + "\n")

vcd = os.path.join(outdir, "cex_%d.vcd" % mid)
script = ("read_verilog %s %s; hierarchy -top equiv_miter; proc; flatten; opt_expr -mux_undef; opt; "
          "memory; opt; "
          "sat -tempinduct -prove trigger 0 -set-init-zero -set-at 1 %s 1 -seq 1 -maxsteps %d -dump_vcd %s"
          % (src, miter, reset, depth, vcd))
t0 = time.time()
r = subprocess.run(["yosys", "-q", "-p", script], capture_output=True, text=True)
log = r.stdout + r.stderr
open(os.path.join(outdir, "equiv_%d.log" % mid), "w").write(log)
secs = time.time() - t0
if "ERROR" in log:
    verdict = "error"
elif "Induction step proven: SUCCESS" in log or re.search(r"induction.*SUCCESS", log, re.I):
    verdict = "equivalent-proved"
elif "failed" in log.lower() and "Assert failed" not in log and "counter" in log.lower():
    verdict = "differs"
elif "Reached maximum number of time steps" in log:
    verdict = "equivalent-bounded"
else:
    verdict = "unknown"
steps = re.findall(r"time step (\d+)", log)
print("%d,%s,%s,%.1f" % (mid, verdict, steps[-1] if steps else "", secs))
