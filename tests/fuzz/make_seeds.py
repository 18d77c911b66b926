#!/usr/bin/python3
"""Writes the seed corpora of the fuzz harnesses into OUT/<harness>/:
small valid inputs (tiny models derived from ../shared layouts, the shared
byte tokenizer) so the fuzzers start past the format checks.
usage: make_seeds.py OUT SHARED"""
import json
import os
import struct
import sys

out, shared = sys.argv[1], sys.argv[2]


def put(harness, name, data):
    d = os.path.join(out, harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


for i, line in enumerate([
        "p8e0 add 0x40 0x48", "p16e1 fma 4000 4000 c000", "p32e2 div 40000000 0",
        "p4e1 sqrt 3", "p12e3 neg 800", "p16e1 fdp 4000:4000,1:2,7fff:7fff",
        "fp8e4m3 mul 7e 7e", "fp8e4m3sat add 7e 7e", "fp8e5m2 from-f32 7f800000",
        "fp4e2m1 from-f64 7ff8000000000000", "bf16 to-f32 ffc1", "fp16 to-f64 7c00",
        "fp6e2m3 sub 1f 3f", "fp6e3m2 div 01 3f"]):
    put("fuzz_num", "seed%02d" % i, line + "\n")

floats = struct.pack("<16f", 1.0, -2.5, 0.0, -0.0, 1e-40, 3e38, 65504.0, -1e-3,
                     float("inf"), float("-inf"), float("nan"), 0.1, 7.0, -7.0, 448.0, 1e-8)
for i, name in enumerate(["fp32", "bf16", "fp16", "fp8e4m3", "fp8e5m2", "fp6e2m3", "fp6e3m2",
                          "fp4e2m1", "mxfp4", "mxfp6", "mxfp8", "mxint8", "nvfp4", "p8e0",
                          "p16e1", "int2", "int4", "int8", "ternary"]):
    put("fuzz_qformat", "seed%02d" % i, name.encode() + b"\0" + bytes([16 if i % 2 else 8]) + floats * 4)

# loaders, mode 0: tiny legacy (v0) and v1 llama2.c checkpoints
dim, hidden, layers, heads, kv, vocab, seq = 8, 16, 1, 2, 1, 8, 4
kvd = dim * kv // heads
nf = (vocab * dim + layers * (dim + dim * dim + 2 * dim * kvd + dim * dim + dim + 3 * dim * hidden)
      + dim + seq * (dim // heads))
v0 = struct.pack("<7i", dim, hidden, layers, heads, kv, vocab, seq) + struct.pack("<%df" % nf, *[
    (i % 7 - 3) / 8 for i in range(nf)])
put("fuzz_loaders", "llama2c_v0", b"\0" + v0)
put("fuzz_loaders", "llama2c_v0_unshared", b"\0" + struct.pack("<7i", dim, hidden, layers, heads, kv, -vocab, seq)
    + v0[28:] + struct.pack("<%df" % (vocab * dim), *[0.5] * (vocab * dim)))
nf1 = nf - seq * (dim // heads)
hdr = struct.pack("<2I7iB", 0x616b3432, 1, dim, hidden, layers, heads, kv, vocab, seq, 1)
put("fuzz_loaders", "llama2c_v1", b"\0" + hdr.ljust(256, b"\0") + struct.pack("<%df" % nf1, *[0.25] * nf1))
# v2: Q8_0 (group 8): fp32 norms, then per tensor int8 codes + fp32 group scales
hdr2 = struct.pack("<2I7iBi", 0x616b3432, 2, dim, hidden, layers, heads, kv, vocab, seq, 1, 8)
body = struct.pack("<%df" % (2 * layers * dim + dim), *[1.0] * (2 * layers * dim + dim))
for n in [vocab * dim] + [x * layers for x in (dim * dim, dim * kvd, dim * kvd, dim * dim)] + [dim * hidden] * 3:
    body += bytes((i * 5) & 0xff for i in range(n)) + struct.pack("<%df" % (n // 8), *[0.01] * (n // 8))
put("fuzz_loaders", "llama2c_v2_q80", b"\0" + hdr2.ljust(256, b"\0") + body)


def safetensors(tensors):
    """tensors: name -> (dtype, shape); data is a ramp of 2- or 4-byte words."""
    head, blobs, off = {}, [], 0
    for name, (dtype, shape) in tensors.items():
        n = 1
        for s in shape:
            n *= s
        size = n * (4 if dtype == "F32" else 2)
        blobs.append(bytes((i * 37 + 11) & 0x3f for i in range(size)))
        head[name] = {"dtype": dtype, "shape": shape, "data_offsets": [off, off + size]}
        off += size
    head["__metadata__"] = {"format": "pt"}
    h = json.dumps(head).encode()
    return struct.pack("<Q", len(h)) + h + b"".join(blobs)


put("fuzz_loaders", "safetensors", b"\1" + safetensors({"a": ("F32", [2, 3]), "b": ("F16", [4]),
                                                   "c": ("BF16", [1, 1, 2]), "d": ("I8", [2])}))

with open(os.path.join(shared, "models", "tok-bytes.bin"), "rb") as f:
    tok = f.read()
put("fuzz_loaders", "tokenizer", b"\2" + struct.pack("<H", 259) + tok)

# mode 3: the shared hgrn_bit model's layout, shrunk (dims 256/768 -> 4/8, vocab 8, one layer)
with open(os.path.join(shared, "models", "shakespeare-mmfree.config.json")) as f:
    cfg = json.load(f)
with open(os.path.join(shared, "models", "shakespeare-mmfree.safetensors"), "rb") as f:
    n = struct.unpack("<Q", f.read(8))[0]
    real = json.loads(f.read(n))
shrink = {cfg["hidden_size"]: 4, cfg["intermediate_size"]: 8, 2 * cfg["intermediate_size"]: 16,
          cfg["vocab_size"]: 8}
tiny = {k: (v["dtype"], [shrink.get(s, s) for s in v["shape"]]) for k, v in real.items()
        if k != "__metadata__" and not (k.startswith("model.layers.") and not k.startswith("model.layers.0."))}
if "model.lower_bounds" in tiny:
    tiny["model.lower_bounds"] = (tiny["model.lower_bounds"][0], [1, 4])   # [layers, dim]
cfg.update(vocab_size=8, hidden_size=4, num_hidden_layers=1, intermediate_size=8, max_position_embeddings=16)
put("fuzz_loaders", "hgrn_safetensors", b"\3" + json.dumps(cfg).encode() + b"\0" + safetensors(tiny))

# design points: the defaults, every field set once, comments, bad values
put("fuzz_design_point", "empty", "{}")
put("fuzz_design_point", "full", json.dumps({
    "id": "p1", "clock_ghz": 1.0, "rmmec_units": 64, "ternary_lanes": 8, "ternary_ktile": 16,
    "pim_banks": 32, "pim_g": 4, "sram_kib": 512, "dram_gbps": 51.2, "plan": "w=int4,kv=bf16",
    "_comment": "seed"}))
put("fuzz_design_point", "bad_type", '{"rmmec_units": "many"}')
put("fuzz_design_point", "unknown", '{"bogus": 1}')
put("fuzz_design_point", "nested", '{"plan": {"w": "int4"}}')

# sweep grids (lpcs sweep --list): the CI grid and the DSE grids, plus small variants
for name in ("ci_small.json", "dse_llama.json", "dse_mmfree.json"):
    p = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "models", "grids", name)
    if os.path.exists(p):
        with open(p, "rb") as f:
            put("fuzz_grid", name, f.read())
put("fuzz_grid", "points", json.dumps({"model": "m.bin", "text": "t.txt", "base": {"sram_kib": 256},
                                       "points": [{"id": "a", "rmmec_units": 8}, {"pim_banks": 4}]}))
put("fuzz_grid", "grid_and_points", json.dumps({"model": "m.bin", "no_nll": 1, "grid": {"plan": ["w=int4", "w=p8e0"],
                                                "pim_g": [2, 4]}, "points": [{"clock_ghz": 2.0}]}))
put("fuzz_grid", "empty_grid", '{"model": "m", "text": "t", "grid": {}}')

# plans: strings (first byte even) and plan files (odd)
for i, spec in enumerate(["w=int4", "w=p8e0,kv=bf16", "w.attn=fp8e4m3,w.ffn=nvfp4,a=bf16",
                          "L0.w=fp32,L3.kv=p16e1", "mxfp4", "w=ternary,a=int8", "w=int4,w=int8,kv=fp16"]):
    put("fuzz_plan", "str%02d" % i, b"\0" + spec.encode())
put("fuzz_plan", "file00", b"\1# a plan file\nw=int4   # weights\n\nkv=bf16\r\nL1.a=fp16\n")
put("fuzz_plan", "file01", b"\1w.head=fp32,a.embed=bf16\n@nested\n")
