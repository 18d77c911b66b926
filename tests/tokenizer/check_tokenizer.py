#!/usr/bin/env python3
"""lpcs's GGUF tokenizers against llama.cpp (the oracle):
1. llama.cpp's own test vectors (models/ggml-vocab-NAME.gguf.inp/.out of the
   llama.cpp source, format of its tests/test-tokenizer-0.cpp);
2. token ids equal to llama_tokenize (build/llama_oracle) on a generated
   UTF-8 torture text and on tinyshakespeare (first 100 KB; all of it, with
   every flag set, with --long), with and without BOS and special-token parsing;
3. the pieces of those ids equal to llama_token_to_piece.
Every comparison counts what it compared; too few items fail the step.

usage: check_tokenizer.py LPCS ORACLE VOCAB_DIR SHARED WORKDIR [--long]"""
import os
import subprocess
import sys

VOCABS = ["llama-spm", "llama-bpe", "gpt-2", "qwen2", "mpt", "phi-3", "starcoder", "refact", "command-r"]
# vocabularies checked on the vectors and the torture text only (time)
SHORT = {"starcoder", "refact", "command-r"}
FLAGS = [[], ["--bos"], ["--bos", "--special"]]


def run(args):
    r = subprocess.run(args, capture_output=True)
    if r.returncode != 0:
        sys.exit("FAIL: %s: %s" % (" ".join(args), r.stderr.decode(errors="replace")[-500:]))
    return r.stdout


def main():
    lpcs, oracle, vdir, shared, work = sys.argv[1:6]
    long_run = "--long" in sys.argv[6:]
    os.makedirs(work, exist_ok=True)
    here = os.path.dirname(os.path.abspath(__file__))
    torture = os.path.join(work, "torture.txt")
    run([sys.executable, os.path.join(here, "make_torture.py"), torture])
    shakes = os.path.join(work, "shakespeare.txt")
    data = open(os.path.join(shared, "data", "tinyshakespeare.txt"), "rb").read()
    with open(shakes, "wb") as f:
        f.write(data if long_run else data[:100000])

    failures, vectors, ids_compared, bytes_compared = 0, 0, 0, 0
    for v in VOCABS:
        gguf = os.path.join(vdir, "ggml-vocab-%s.gguf" % v)
        # 1. llama.cpp's vectors
        want = [l.split() for l in open(gguf + ".out")]
        got = [l.split() for l in run([lpcs, "tokenize", gguf, "--split-vectors", "--text", gguf + ".inp"])
               .decode().splitlines()]
        bad = [i for i in range(len(want)) if i >= len(got) or got[i] != want[i]]
        if len(want) < 40 or len(got) != len(want) or bad:
            print("FAIL %s: vectors %d/%d equal (first bad: %s)" % (v, len(want) - len(bad), len(want), bad[:5]))
            failures += 1
        vectors += len(want) - len(bad)
        # 2. + 3. long texts against llama_tokenize / llama_token_to_piece
        for text in ((torture,) if v in SHORT and not long_run else (torture, shakes)):
            plain = None
            for flags in (FLAGS if text == torture or long_run else FLAGS[:1]):
                a = run([lpcs, "tokenize", gguf, "--text", text] + flags).split()
                if not flags:
                    plain = a
                b = run([oracle, "tokenize", gguf, text] + flags).split()
                if a != b or len(a) < 1000:
                    i = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
                    print("FAIL %s %s %s: ids differ at %d (lpcs %s, llama.cpp %s)"
                          % (v, os.path.basename(text), " ".join(flags), i, a[i:i + 5], b[i:i + 5]))
                    failures += 1
                ids_compared += len(a)
            idfile = os.path.join(work, "ids-%s.txt" % v)
            pa = run([lpcs, "tokenize", gguf, "--text", text, "--pieces"])
            with open(idfile, "wb") as f:
                f.write(b" ".join(plain))
            pb = run([oracle, "pieces", gguf, idfile])
            if pa != pb or len(pa) < 1000:
                print("FAIL %s %s: pieces differ" % (v, os.path.basename(text)))
                failures += 1
            bytes_compared += len(pa)
        print("tokenizer %-9s vectors %d/%d, %s ids and pieces equal to llama.cpp"
              % (v, len(want) - len(bad), len(want),
                 "torture" if v in SHORT and not long_run else "torture + shakespeare")
              if not failures else "tokenizer %s checked" % v)
    print("tokenizer: %d vectors, %d token ids, %d piece bytes compared with llama.cpp; %d failures"
          % (vectors, ids_compared, bytes_compared, failures))
    return 1 if failures or vectors < 40 * len(VOCABS) else 0


if __name__ == "__main__":
    sys.exit(main())
