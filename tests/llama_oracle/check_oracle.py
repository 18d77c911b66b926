#!/usr/bin/env python3
"""Checks the llama.cpp oracle itself against the PyTorch reference
(../shared/models/metrics.json), so that later comparisons with it mean
something: the F32 GGUF fixture of shakespeare-llama (llama2c_to_gguf.py)
in llama.cpp must give the recorded greedy ROMEO sample byte for byte and, with
--full, the recorded validation NLL within 1e-6.

usage: check_oracle.py ORACLE FIXTURE.gguf SHARED [--full]"""
import json
import subprocess
import sys


def run(*args):
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def main():
    oracle, fixture, shared = sys.argv[1:4]
    full = '--full' in sys.argv[4:]
    metrics = json.load(open(shared + '/models/metrics.json'))['llama']
    sample = metrics['sample_greedy_ROMEO'].encode()
    prompt = b'ROMEO:'
    ids = [1] + [b + 3 for b in prompt]
    out = run(oracle, 'greedy', fixture, '--prompt-ids', ','.join(map(str, ids)),
              '-n', str(len(sample) - len(prompt))).split()
    text = prompt + bytes(int(t) - 3 for t in out)
    checked = len(out)
    if text != sample:
        print('FAIL greedy sample differs from metrics.json:\n%r\n%r' % (text, sample))
        return 1
    print('llama_oracle: greedy %d tokens equal metrics.json' % checked)
    if checked < 190:
        print('FAIL only %d tokens compared' % checked)
        return 1
    if full:
        data = open(shared + '/data/tinyshakespeare.txt', 'rb').read()[1003854:]
        path = sys.argv[2] + '.val.ids'
        with open(path, 'w') as f:
            f.write(' '.join(str(b + 3) for b in data))
        line = run(oracle, 'nll', fixture, path, '--ctx', '256').split()
        nll, n = float(line[1]), int(line[3])
        ref = metrics['val_nll']
        print('llama_oracle: val NLL %.10f over %d tokens, PyTorch %.10f, |diff| %.2e'
              % (nll, n, ref, abs(nll - ref)))
        if n != len(data) or abs(nll - ref) > 1e-6:
            print('FAIL')
            return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
