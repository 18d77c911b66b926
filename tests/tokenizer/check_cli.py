#!/usr/bin/env python3
"""lpcs run / ppl on a GGUF model take the GGUF's own tokenizer (no
--tokenizer): greedy ROMEO sample equal to metrics.json (PyTorch), and
lpcs ppl on 1024 validation bytes within 1e-6 of llama.cpp's NLL on the same
text (llama_oracle nll --text: llama.cpp tokenizes it itself). --tokenizer
with the llama2.c file still gives the same numbers.

usage: check_cli.py LPCS ORACLE FIXTURE.gguf SHARED WORKDIR"""
import json
import os
import subprocess
import sys


def run(args):
    r = subprocess.run(args, capture_output=True)
    if r.returncode != 0:
        sys.exit("FAIL: %s: %s" % (" ".join(args), r.stderr.decode(errors="replace")[-400:]))
    return r.stdout.decode(errors="replace")


def main():
    lpcs, oracle, gguf, shared, work = sys.argv[1:6]
    os.makedirs(work, exist_ok=True)
    sample = json.load(open(os.path.join(shared, "models", "metrics.json")))["llama"]["sample_greedy_ROMEO"]
    out = run([lpcs, "run", gguf, "--prompt", "ROMEO:", "-n", "200", "--temp", "0"])
    if not out.startswith(sample):
        print("FAIL lpcs run with the GGUF's tokenizer: %r" % out[:200])
        return 1
    print("tokenizer-cli: lpcs run on the GGUF = metrics.json greedy sample (200 tokens)")
    text = open(os.path.join(shared, "data", "tinyshakespeare.txt"), "rb").read()[1003854:1003854 + 1024]
    path = os.path.join(work, "val1024.txt")
    with open(path, "wb") as f:
        f.write(text)
    results = {}
    for name, extra in (("gguf", []), ("llama2c", ["--tokenizer", os.path.join(shared, "models", "tok-bytes.bin")])):
        last = run([lpcs, "ppl", gguf, path] + extra).strip().splitlines()[-1]
        kv = dict(x.split("=") for x in last.split())
        results[name] = (float(kv["nll"]), int(kv["bytes"]))
    ref = run([oracle, "nll", gguf, "--text", path, "--ctx", "256"]).split()
    ref_nll, ref_n = float(ref[1]), int(ref[3])
    print("tokenizer-cli: lpcs ppl %.10f over %d tokens (GGUF tokenizer), %.10f (llama2.c tokenizer); "
          "llama.cpp %.10f over %d" % (results["gguf"][0], results["gguf"][1], results["llama2c"][0], ref_nll, ref_n))
    ok = (results["gguf"][1] == ref_n == len(text) and results["gguf"] == results["llama2c"]
          and abs(results["gguf"][0] - ref_nll) <= 1e-6)
    if not ok:
        print("FAIL")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
