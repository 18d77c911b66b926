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

# fuzz_gguf: tiny llama GGUFs (first byte 1 = also load as a model), with
# tensors in several ggml block formats, and metadata of every value type.
def gguf(kvs, tensors, align=32):
    def gs(s):
        b = s if isinstance(s, bytes) else s.encode()
        return struct.pack("<Q", len(b)) + b
    out = b"GGUF" + struct.pack("<IQQ", 3, len(tensors), len(kvs))
    for k, t, v in kvs:
        out += gs(k) + struct.pack("<I", t)
        if t == 8:
            out += gs(v)
        elif t == 9:
            et, items = v
            out += struct.pack("<IQ", et, len(items))
            out += b"".join(gs(x) if et == 8 else struct.pack({4: "<I", 5: "<i", 6: "<f"}[et], x) for x in items)
        else:
            out += struct.pack({4: "<I", 5: "<i", 6: "<f", 7: "<B", 10: "<Q", 12: "<d"}[t], v)
    data, infos = b"", b""
    for name, ne, typ, raw in tensors:
        data += b"\0" * (-len(data) % align)
        infos += gs(name) + struct.pack("<I", len(ne)) + b"".join(struct.pack("<Q", x) for x in ne)
        infos += struct.pack("<IQ", typ, len(data))
        data += raw
    out += infos
    out += b"\0" * (-len(out) % align)
    return out + data

def q8_0(n):  # n values: blocks of fp16 d = 0.0625 and ints
    return b"".join(struct.pack("<H", 0x2c00) + bytes((j * 37 + b) % 256 for j in range(32)) for b in range(n // 32))

def f32(n):
    return struct.pack("<%df" % n, *[(i % 5 - 2) / 4 for i in range(n)])

D, HID, V = 32, 64, 8
meta = [("general.architecture", 8, "llama"), ("llama.embedding_length", 4, D),
        ("llama.feed_forward_length", 4, HID), ("llama.block_count", 4, 1),
        ("llama.attention.head_count", 4, 2), ("llama.attention.head_count_kv", 4, 1),
        ("llama.context_length", 4, 4), ("llama.attention.layer_norm_rms_epsilon", 6, 1e-5),
        ("tokenizer.ggml.tokens", 9, (8, ["<unk>", "<s>", "</s>", "\u2581", "<0x41>", "a", "b", "c"])),
        ("tokenizer.ggml.scores", 9, (6, [0.0] * 8)), ("tokenizer.ggml.token_type", 9, (5, [2, 3, 3, 1, 6, 1, 1, 1])),
        ("tokenizer.ggml.add_bos_token", 7, 1), ("general.size", 10, 12345), ("general.ratio", 12, 0.5)]
t = [("token_embd.weight", [D, V], 8, q8_0(D * V)), ("output_norm.weight", [D], 0, f32(D)),
     ("blk.0.attn_norm.weight", [D], 0, f32(D)), ("blk.0.ffn_norm.weight", [D], 0, f32(D))]
for name, ne in [("attn_q", [D, D]), ("attn_k", [D, D // 2]), ("attn_v", [D, D // 2]), ("attn_output", [D, D]),
                 ("ffn_gate", [D, HID]), ("ffn_up", [D, HID]), ("ffn_down", [HID, D])]:
    t.append(("blk.0.%s.weight" % name, ne, 8, q8_0(ne[0] * ne[1])))
put("fuzz_gguf", "llama_q8_0", b"\1" + gguf(meta, t))
put("fuzz_gguf", "llama_f32_output", b"\1" + gguf(meta, [(n, ne, 0, f32(ne[0] * (ne[1] if len(ne) > 1 else 1)))
                                                        for n, ne, _, _ in t] + [("output.weight", [D, V], 0, f32(D * V))]))
blocks = {2: 18, 3: 20, 6: 22, 7: 24, 12: 144, 13: 176, 14: 210, 34: 54, 35: 66, 1: 2, 30: 2}
qk = {2: 32, 3: 32, 6: 32, 7: 32, 12: 256, 13: 256, 14: 256, 34: 256, 35: 256, 1: 1, 30: 1}
for typ in blocks:
    n = 256
    raw = bytes((i * 29 + typ) % 256 for i in range(n // qk[typ] * blocks[typ]))
    put("fuzz_gguf", "tensor_type%d" % typ, b"\0" + gguf([("general.alignment", 4, 64)], [("w", [256], typ, raw)], 64))

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

# tokenizer: mode byte + text (modes 0-3 built-in vocabularies), mode 4 a vocabulary from the input
for i, text in enumerate([b"the theater", b" Hello world 123 1234", "caf\u00e9 \U0001f999 <tool>".encode(),
                          b"it's IT'S\r\n\r\n  x", b"\xc3\x28 \xe2\x82 \xf0\x9f"]):
    for mode in range(4):
        put("fuzz_tokenizer", "seed%d_%d" % (mode, i), bytes([mode]) + text)
put("fuzz_tokenizer", "seed4_0", b"\x04\x01a\nb\nab\n!<s>\n#a b\n\x00abab<s>ab")
put("fuzz_tokenizer", "seed4_1", b"\x04\x00a\nb\nab\n\x00abab ab")
