#!/usr/bin/python3
"""Collects the FPGA flow's per-unit results into one JSON report and a
Markdown table (parsed from yosys `stat -json` and nextpnr `--report`).

Per unit directory (build/fpga/<unit>/) it reads:
  layout.json             scan layout and parameters (gen_wrapper.py)
  unit_ice40_stat.json    yosys synth_ice40 of the unit alone
  unit_generic_stat.json  yosys generic `synth` of the unit alone
  unit_memory_stat.json   memory bits of the elaborated unit
  unit_cmos_stat.json     generic logic, FFs legalized to $_DFF_P_, `stat -tech cmos`
  pnr_report.json         nextpnr-ice40 --report of the scan-wrapped top
  validate_rtl.log, validate_netlist{,_verilator}.log, corrupt.log   (if present)

Usage: report.py --out report.json [--readme README.md] UNIT_DIR...
With --readme, the table between the markers
<!-- fpga-table-begin --> and <!-- fpga-table-end --> is replaced.
"""
import argparse
import json
import os
import re
import sys

BEGIN, END = "<!-- fpga-table-begin -->", "<!-- fpga-table-end -->"


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        sys.stderr.write("report: cannot read %s: %s\n" % (path, e))
        return None


def design_cells(stat):
    if not stat:
        return {}
    d = stat.get("design") or next(iter(stat.get("modules", {}).values()), {})
    return d


def ice40_counts(stat):
    d = design_cells(stat)
    by = d.get("num_cells_by_type", {})
    return {
        "lut4": by.get("SB_LUT4", 0),
        "carry": by.get("SB_CARRY", 0),
        "ff": sum(v for k, v in by.items() if k.startswith("SB_DFF")),
        "bram": sum(v for k, v in by.items() if k.startswith("SB_RAM40_4K")),
        "dsp": by.get("SB_MAC16", 0),
        "cells_by_type": by,
    }


def log_result(path, pattern):
    try:
        text = open(path).read()
    except OSError:
        return None
    m = re.search(pattern, text)
    return m


def boundary_delay(pnr, clk):
    """Longest critical-path delay (ns) that starts or ends in the unit clock
    domain: reg-to-reg inside the unit, and the scan-register -> unit and
    unit -> scan-register paths (the unit with registered inputs/outputs)."""
    worst = 0.0
    for p in pnr.get("critical_paths", []):
        if clk in p.get("from", "") or clk in p.get("to", ""):
            if "<async>" in p.get("from", "") or "<async>" in p.get("to", ""):
                continue
            worst = max(worst, sum(s.get("delay", 0.0) for s in p.get("path", [])))
    return worst


def unit_report(d):
    name = os.path.basename(os.path.normpath(d))
    layout = load(os.path.join(d, "layout.json")) or {}
    r = {"unit": name, "module": layout.get("unit"), "params": layout.get("params", []),
         "device": "iCE40-HX8K ct256", "scan_width": layout.get("width"),
         "in_bits": layout.get("in_bits"), "out_bits": layout.get("out_bits")}
    r["ice40_unit"] = ice40_counts(load(os.path.join(d, "unit_ice40_stat.json")))
    g = design_cells(load(os.path.join(d, "unit_generic_stat.json")))
    r["generic"] = {"cells": g.get("num_cells"), "cells_by_type": g.get("num_cells_by_type", {})}
    mem = design_cells(load(os.path.join(d, "unit_memory_stat.json")))
    r["generic"]["memory_bits"] = mem.get("num_memory_bits")
    r["generic"]["memory_macros"] = g.get("num_cells_by_type", {}).get("$mem_v2", 0)
    c = design_cells(load(os.path.join(d, "unit_cmos_stat.json")))
    t = str(c.get("estimated_num_transistors", ""))
    r["cmos_transistors"] = {"logic_estimate": int(t.rstrip("+")) if t.rstrip("+").isdigit() else None,
                             "excludes": "memory macros (see generic.memory_bits)",
                             "lower_bound_only": t.endswith("+") and not r["generic"]["memory_macros"]}
    # cells yosys 0.23's cmos cost table lacks (counted as 0, hence the "+")
    costed = {"$_NOT_", "$_BUF_", "$_NAND_", "$_NOR_", "$_ANDNOT_", "$_ORNOT_", "$_AND_", "$_OR_",
              "$_XOR_", "$_XNOR_", "$_AOI3_", "$_OAI3_", "$_AOI4_", "$_OAI4_", "$_MUX_", "$_NMUX_",
              "$_DFF_P_", "$_DFF_N_", "$mem_v2"}
    r["cmos_transistors"]["uncosted_cells"] = {k: v for k, v in c.get("num_cells_by_type", {}).items()
                                               if k not in costed}
    if r["cmos_transistors"]["uncosted_cells"]:
        r["cmos_transistors"]["lower_bound_only"] = True
    pnr = load(os.path.join(d, "pnr_report.json"))
    if pnr:
        util = pnr.get("utilization", {})
        r["pnr_top"] = {k: util.get(k, {}).get("used") for k in ("ICESTORM_LC", "ICESTORM_RAM", "SB_IO", "SB_GB")}
        r["pnr_top"]["ICESTORM_LC_available"] = util.get("ICESTORM_LC", {}).get("available")
        fmax = {k.split("$")[0]: v.get("achieved") for k, v in pnr.get("fmax", {}).items()}
        r["fmax_mhz"] = {"unit_clock_domain": fmax.get("uclk"), "scan_clock_domain": fmax.get("sclk")}
        worst = boundary_delay(pnr, "uclk")
        r["fmax_mhz"]["unit_registered_io"] = round(1000.0 / worst, 2) if worst > 0 else None
    m = log_result(os.path.join(d, "validate_rtl.log"), r"PASS: (\d+) unit cycles")
    r["validate_rtl_cycles"] = int(m.group(1)) if m else None
    m = log_result(os.path.join(d, "validate_netlist.log"), r"PASS: (\d+) unit cycles")
    r["validate_netlist_cycles"] = int(m.group(1)) if m else None
    m = log_result(os.path.join(d, "validate_netlist_verilator.log"), r"PASS: (\d+) unit cycles")
    r["validate_netlist_verilator_cycles"] = int(m.group(1)) if m else None
    m = log_result(os.path.join(d, "corrupt.log"), r"corrupt_lut: flipped (.*)")
    caught = log_result(os.path.join(d, "corrupt.log"), r"CORRUPTION CAUGHT")
    r["corrupted_bitstream"] = None if not m else {"flip": m.group(1), "caught": bool(caught)}
    return r


def fmt(v, spec="%s"):
    return "-" if v is None else spec % v


def table(units):
    rows = ["| unit (params) | LUT4 | carry | FF | BRAM | DSP | placed LCs (with wrapper) | Fmax unit domain (MHz) | Fmax reg. I/O (MHz) | generic cells (+ memory bits) | CMOS transistors (logic) | netlist cycles vs golden | corrupted bitstream |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in units:
        u, p, f = r["ice40_unit"], r.get("pnr_top", {}), r.get("fmax_mhz", {})
        ct = r["cmos_transistors"]
        cor = r.get("corrupted_bitstream")
        mb = r["generic"].get("memory_bits")
        rows.append("| %s (%s) | %s | %s | %s | %s | %s | %s / %s | %s | %s | %s%s | %s%s | %s | %s |" % (
            r["unit"], ", ".join(r["params"]) or "-", u["lut4"], u["carry"], u["ff"], u["bram"], u["dsp"],
            fmt(p.get("ICESTORM_LC")), fmt(p.get("ICESTORM_LC_available")),
            fmt(f.get("unit_clock_domain"), "%.1f"), fmt(f.get("unit_registered_io"), "%.1f"),
            fmt(r["generic"]["cells"]), (" + %d bits" % mb) if mb else "",
            fmt(ct["logic_estimate"]), "+" if ct["lower_bound_only"] else "",
            fmt(r["validate_netlist_cycles"]),
            "not run" if cor is None else ("caught" if cor["caught"] else "NOT CAUGHT")))
    return "\n".join(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--readme")
    ap.add_argument("dirs", nargs="+")
    a = ap.parse_args()
    units = [unit_report(d) for d in a.dirs if os.path.isdir(d)]
    rep = {"flow": "yosys synth_ice40 (no DSP) -> nextpnr-ice40 --hx8k --package ct256 -> icepack; "
                   "validated via iceunpack -> icebox_vlog -> iverilog against golden traces",
           "units": units}
    with open(a.out, "w") as f:
        json.dump(rep, f, indent=1, sort_keys=True)
        f.write("\n")
    tab = table(units)
    print(tab)
    if a.readme:
        text = open(a.readme).read()
        if BEGIN not in text or END not in text:
            sys.stderr.write("report: markers missing in %s\n" % a.readme)
            return 1
        pre, rest = text.split(BEGIN, 1)
        _, post = rest.split(END, 1)
        with open(a.readme, "w") as f:
            f.write(pre + BEGIN + "\n" + tab + "\n" + END + post)
    return 0


if __name__ == "__main__":
    sys.exit(main())
