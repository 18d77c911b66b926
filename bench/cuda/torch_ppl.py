"""Baseline for the cuda engine: full validation-split NLL of the shipped
checkpoints with PyTorch eager on the same GPU, batched fp32 (TF32 off), all
windows in one batch. The model classes come from ../shared/models/train.py
(its definitions only: the training part of the file is not run).
usage: python3 bench/cuda/torch_ppl.py SHARED_DIR  -> one line per model;
       python3 bench/cuda/torch_ppl.py SHARED_DIR --profile  -> llama's GPU kernels, one forward."""
import math, os, struct, sys, time
import torch
import torch.nn.functional as F

shared = next((a for a in sys.argv[1:] if not a.startswith("--")), "../shared")
src = open(os.path.join(shared, "models", "train.py")).read()
src = src[:src.index("\ndef save_safetensors")]  # definitions only
src = src.replace('open("shared/data/tinyshakespeare.txt", "rb")', 'open(os.path.join(SHARED, "data", "tinyshakespeare.txt"), "rb")')
ns = {"SHARED": shared, "__name__": "train_defs"}
os.environ.setdefault("OUT", "/tmp/torch_ppl_out")
exec(compile(src, "train.py", "exec"), ns)
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
dev = "cuda"
SEQ, BOS = 256, 1

def windows():
    raw = open(os.path.join(shared, "data", "tinyshakespeare.txt"), "rb").read()
    val = list(raw[1003854:])
    full, last = [], None
    for s in range(0, len(val), SEQ):
        t = [b + 3 for b in val[s:s + SEQ]]
        if len(t) == SEQ: full.append(([BOS] + t[:-1], t))
        else: last = ([BOS] + t[:-1], t)
    return full, last

def load_llama(path):
    m = ns["Llama"]()
    with open(path, "rb") as f:
        hdr = struct.unpack("7i", f.read(28))
        data = torch.frombuffer(bytearray(f.read()), dtype=torch.float32)
    o = 0
    def take(p):
        nonlocal o
        n = p.numel(); p.data.copy_(data[o:o + n].view_as(p)); o += n
    with torch.no_grad():
        for p in [m.tok.weight, m.att_norm, m.wq, m.wk, m.wv, m.wo, m.ffn_norm, m.w1, m.w2, m.w3, m.norm]: take(p)
    return m

def load_mmfree(path):
    m = ns["MMFree"]()
    import json
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]; hdr = json.loads(f.read(n)); blob = f.read()
    st = m.state()
    with torch.no_grad():
        for k, v in hdr.items():
            a, b = v["data_offsets"]
            t = torch.frombuffer(bytearray(blob[a:b]), dtype=torch.int16).view(torch.bfloat16).float().view(v["shape"])
            st[k].data.copy_(t)
    return m

@torch.no_grad()
def run(name, m, reps=6):
    m.to(dev).eval()
    full, last = windows()
    inp = torch.tensor([w[0] for w in full], device=dev); tgt = torch.tensor([w[1] for w in full], device=dev)
    li = torch.tensor([last[0]], device=dev); lt = torch.tensor([last[1]], device=dev)
    times, nll = [], None
    for r in range(reps):
        torch.cuda.synchronize(); t0 = time.perf_counter()
        tot = F.cross_entropy(m(inp).float().reshape(-1, 259), tgt.reshape(-1), reduction="sum")
        tot = tot + F.cross_entropy(m(li).float().reshape(-1, 259), lt.reshape(-1), reduction="sum")
        torch.cuda.synchronize(); times.append((time.perf_counter() - t0) * 1e3)
        nll = tot.item() / (tgt.numel() + lt.numel())
    times = sorted(times[1:])
    print(f"torch eager {name}: {len(full) + 1} windows, {times[len(times)//2]:.2f} ms (median of {len(times)}), "
          f"nll={nll:.10f} on {torch.cuda.get_device_name()} torch {torch.__version__}", flush=True)

@torch.no_grad()
def profile(name, m):
    """Where PyTorch's time goes (the GPU kernels of one full-split forward, by total device time)."""
    m.to(dev).eval()
    full, _ = windows()
    inp = torch.tensor([w[0] for w in full], device=dev)
    m(inp); torch.cuda.synchronize()
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CUDA]) as prof:
        m(inp); torch.cuda.synchronize()
    print(f"torch eager {name}, one forward of {len(full)} windows, GPU kernels:")
    print(prof.key_averages().table(sort_by="cuda_time_total", row_limit=20, max_name_column_width=90), flush=True)

if "--profile" in sys.argv:
    profile("llama", load_llama(os.path.join(shared, "models", "shakespeare-llama.bin")))
else:
    run("llama", load_llama(os.path.join(shared, "models", "shakespeare-llama.bin")))
    run("mmfree", load_mmfree(os.path.join(shared, "models", "shakespeare-mmfree.safetensors")))
