#!/usr/bin/python3
"""End-to-end check of `lpcs num` against the SoftPosit vectors in ../shared
(an oracle independent of golden/) and hand-derived float conversions.
Usage: num_cli_check.py LPCS_BINARY SHARED_DIR"""
import struct
import subprocess
import sys

lpcs, shared = sys.argv[1], sys.argv[2]
vec = shared + "/vectors/posit/"
checked = {}
failures = 0


def run_stdin(lines):
    out = subprocess.run([lpcs, "num", "--stdin"], input="\n".join(lines) + "\n",
                         capture_output=True, text=True, check=True).stdout.splitlines()
    assert len(out) == len(lines), f"{len(lines)} lines in, {len(out)} out"
    return out


def compare(name, lines, expected):
    global failures
    got = run_stdin(lines)
    for line, g, e in zip(lines, got, expected):
        if g != e:
            print(f"FAIL {name}: '{line}' -> {g}, expected {e}")
            failures += 1
            return
    checked[name] = len(lines)


def table8(fname, fmt, op, width, nib=False):
    data = open(vec + fname, "rb").read()
    n = 16 if nib else 256
    lines, exp = [], []
    for a in range(n):
        for b in range(n):
            lines.append(f"{fmt} {op} {a:#x} {b:#x}")
            r = data[a * n + b] & (0xF if nib else 0xFF)
            exp.append(f"0x{r:0{width}x}")
    compare(f"{fmt} {op}", lines, exp)


def records(fname, fmt, op, code, width, limit):
    data = open(vec + fname, "rb").read()
    size = struct.calcsize(code)
    lines, exp = [], []
    for i in range(min(limit, len(data) // size)):
        a, b, r = struct.unpack_from(code, data, i * size)
        lines.append(f"{fmt} {op} {a:#x} {b:#x}")
        exp.append(f"0x{r:0{width}x}")
    compare(f"{fmt} {op}", lines, exp)


for op in ("add", "sub", "mul", "div"):
    table8(f"p8_{op}.bin", "p8e0", op, 2)
table8("p4e1_add.bin", "p4e1", "add", 1, nib=True)
table8("p4e1_mul.bin", "p4e1", "mul", 1, nib=True)
for op in ("add", "mul", "div"):
    records(f"p16_{op}.bin", "p16e1", op, "<3H", 4, 50000)
for op in ("add", "mul"):
    records(f"p32_{op}.bin", "p32e2", op, "<3I", 8, 20000)

# double -> posit
for bits, code, width in ((8, "<dB", 2), (16, "<dH", 4), (32, "<dI", 8)):
    data = open(vec + f"f64_to_p{bits}.bin", "rb").read()
    fmt = {8: "p8e0", 16: "p16e1", 32: "p32e2"}[bits]
    lines, exp = [], []
    size = struct.calcsize(code)
    for i in range(min(20000, len(data) // size)):
        d, r = struct.unpack_from(code, data, i * size)
        lines.append(f"{fmt} from-f64 {struct.unpack('<Q', struct.pack('<d', d))[0]:#x}")
        exp.append(f"0x{r:0{width}x}")
    compare(f"{fmt} from-f64", lines, exp)

# quire fused dot products, rounded once
for fname, fmt, k, width in (("q8_dot32.bin", "p8e0", "B", 2), ("q16_dot32.bin", "p16e1", "H", 4)):
    data = open(vec + fname, "rb").read()
    rec = struct.Struct("<" + k * 65)
    lines, exp = [], []
    for i in range(len(data) // rec.size):
        v = rec.unpack_from(data, i * rec.size)
        terms = ",".join(f"{a:#x}:{b:#x}" for a, b in zip(v[:32], v[32:64]))
        lines.append(f"{fmt} fdp {terms}")
        exp.append(f"0x{v[64]:0{width}x}")
    compare(f"{fmt} fdp", lines, exp)

# float formats: values derived by hand from the format definitions
hand = [
    ("fp8e4m3 from-f32 0x3fc00000", "0x3c"),     # 1.5
    ("fp8e4m3 from-f32 0x447a0000", "0x7f"),     # 1000 overflows -> NaN (non-saturating)
    ("fp8e4m3sat from-f32 0x447a0000", "0x7e"),  # 1000 -> 448
    ("fp8e5m2 from-f32 0x49742400", "0x7c"),     # 1e6 -> inf
    ("fp8e5m2sat from-f32 0x49742400", "0x7b"),  # 1e6 -> 57344
    ("fp4e2m1 from-f32 0x40200000", "0x4"),      # 2.5: tie between 2 and 3 -> even (2)
    ("fp4e2m1 from-f32 0xc0e00000", "0xf"),      # -7 saturates to -6
    ("bf16 from-f32 0x3f808000", "0x3f80"),      # tie -> even
    ("bf16 from-f32 0x3f818000", "0x3f82"),      # tie -> even (up)
    ("fp16 from-f32 0x33800000", "0x0001"),      # 2^-24, smallest subnormal
    ("fp6e2m3 from-f32 0x40f00000", "0x1f"),     # 7.5 = max finite of E2M3
    ("fp6e3m2 from-f32 0x41e00000", "0x1f"),     # 28 = max finite of E3M2
    ("fp16 add 0x3c00 0x3c00", "0x4000"),        # 1 + 1 = 2
    ("p16e1 add 0x4000 0x3000", "0x4800"),       # 1 + 0.5 = 1.5
    ("p8e0 to-f64 0x40", "0x3ff0000000000000"),  # 1.0
]
compare("hand-derived", [h[0] for h in hand], [h[1] for h in hand])

# bad input: an error line per request in --stdin mode, exit status 2 otherwise
bad = ["p33e1 add 0x1 0x1", "p8e4 add 0x1 0x1", "fp7 add 0x1 0x1", "p8e0 add 0x100 0x1",
       "p8e0 add 0xzz 0x1", "p8e0 frob 0x1 0x1", "p8e0 add 0x1", "fp8e4m3 fdp 0x1:0x2", ""]
got = run_stdin(bad)
for line, g in zip(bad, got):
    if not g.startswith("error: "):
        print(f"FAIL bad input '{line}' -> '{g}', expected an error line")
        failures += 1
checked["bad input (stdin)"] = len(bad)
for args in (["p8e0", "add", "0x1ff", "0x1"], ["nope", "add", "0", "0"], ["p8e0"], ["p+8e0", "neg", "1"],
             ["p 8e0", "neg", "1"]):
    p = subprocess.run([lpcs, "num"] + args, capture_output=True, text=True)
    if p.returncode != 2 or "lpcs num:" not in p.stderr:
        print(f"FAIL bad input {args}: rc={p.returncode} stderr={p.stderr!r}")
        failures += 1
checked["bad input (argv)"] = 5

for k, v in checked.items():
    print(f"  {k}: {v} checked")
print(f"num-cli: {sum(checked.values())} requests checked, {failures} failures")
sys.exit(1 if failures else 0)
