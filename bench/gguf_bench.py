#!/usr/bin/env python3
"""lpcs vs llama.cpp on the same GGUF files of shakespeare-llama (F32 written
by lpcs convert; Q8_0, Q4_0, Q4_K quantized by llama.cpp), 1 and 2 threads,
prompt processing and decode, alternating rounds, median of ROUNDS.

  decode  tokens/s: lpcs bench (greedy, one thread: lpcs decodes on one
          thread, so its 2-thread decode row repeats the 1-thread run) vs
          llama_oracle greedy -n 128 minus greedy -n 1 (model load and the
          prompt excluded);
  prompt  tokens/s: 512 validation tokens in 256-token windows; lpcs ppl
          (token by token, windows spread over T threads) vs llama_oracle
          nll (one 256-token batch per window, T threads); a 1-token run of
          each is subtracted (load time).
lpcs runs the files with --plan ggml (llama.cpp's arithmetic on the
file's blocks) and without (dequantized fp32 weights).

usage: gguf_bench.py BUILD SHARED OUT_PREFIX [ROUNDS]
writes OUT_PREFIX.csv and prints a markdown table."""
import os
import statistics
import subprocess
import sys
import time

build, shared, out = sys.argv[1:4]
rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 3
lpcs, oracle = build + '/lpcs', build + '/llama_oracle'
tok = shared + '/models/tok-bytes.bin'
text = shared + '/data/tinyshakespeare.txt'
work = build + '/gguf_bench'
os.makedirs(work, exist_ok=True)


def run(*a):
    return subprocess.run(list(a), check=True, capture_output=True, text=True).stdout


def wall(*a):
    t = time.perf_counter()
    run(*a)
    return time.perf_counter() - t


f32 = work + '/f32.gguf'
run(lpcs, 'convert', shared + '/models/shakespeare-llama.bin', f32)
models = {'F32': f32}
for t in ['Q8_0', 'Q4_0', 'Q4_K']:
    models[t] = work + '/%s.gguf' % t
    run(oracle, 'quantize', f32, models[t], t)
val = open(text, 'rb').read()[1003854:1003854 + 512]
ids = work + '/val.ids'
open(ids, 'w').write(' '.join(str(b + 3) for b in val))
one = work + '/one.ids'
open(one, 'w').write('69')

rows = []
for name, path in models.items():
    for threads in (1, 2):
        res = {}
        for r in range(rounds):
            print('%s threads=%d round %d/%d' % (name, threads, r + 1, rounds), file=sys.stderr, flush=True)
            for plan in (['fp32', 'ggml'] if name != 'F32' else ['fp32']):
                key = 'lpcs' + ('' if plan == 'fp32' else '-ggml')
                o = run(lpcs, 'bench', path, '--tokenizer', tok, '-n', '128', '--repeat', '1', '--warmup', '0',
                        '--plan', plan, '--quiet')
                tps = [float(l.split()[1]) for l in o.split('\n') if l.startswith('tokens/s:')][0]
                res.setdefault((key, 'decode'), []).append(tps)
                base = [lpcs, 'ppl', path, text, '--tokenizer', tok, '--split', 'val', '--quiet', '--threads',
                        str(threads), '--plan', plan]
                t_full = wall(*base, '--max-bytes', '512')
                t_one = wall(*base, '--max-bytes', '1')
                res.setdefault((key, 'prompt'), []).append(511 / max(t_full - t_one, 1e-9))
            th = ['--threads', str(threads)]
            t_n = wall(oracle, 'greedy', path, '--prompt-ids', '1', '-n', '128', *th)
            t_1 = wall(oracle, 'greedy', path, '--prompt-ids', '1', '-n', '1', *th)
            res.setdefault(('llama.cpp', 'decode'), []).append(127 / max(t_n - t_1, 1e-9))
            t_full = wall(oracle, 'nll', path, ids, '--ctx', '256', *th)
            t_one = wall(oracle, 'nll', path, one, '--ctx', '256', *th)
            res.setdefault(('llama.cpp', 'prompt'), []).append(511 / max(t_full - t_one, 1e-9))
        for (who, phase), v in sorted(res.items()):
            rows.append((name, threads, phase, who, statistics.median(v), min(v), max(v)))
        with open(out + '.csv', 'w') as f:  # rewritten after every model x threads: a cut run keeps its rows
            f.write('model,threads,phase,engine,tokens_per_s_median,min,max,load_avg_1min\n')
            for r in rows:
                f.write('%s,%d,%s,%s,%.1f,%.1f,%.1f,' % r + '%.1f\n' % os.getloadavg()[0])

print('| model | threads | phase | engine | tokens/s (median) | min | max |')
print('|---|---|---|---|---|---|---|')
for r in rows:
    print('| %s | %d | %s | %s | %.1f | %.1f | %.1f |' % r)
