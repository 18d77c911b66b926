#!/usr/bin/env python3
"""Test fixture: writes a llama2.c checkpoint (legacy v0 layout, fp32) and its
llama2.c tokenizer as an F32 GGUF v3 that llama.cpp loads, in plain Python
(no numpy, no gguf-py), independently of lpcs's own GGUF writer, so that
llama.cpp can be the oracle for lpcs's forward pass and NLL.

usage: llama2c_to_gguf.py MODEL.bin TOKENIZER.bin OUT.gguf
The vocabulary becomes a SentencePiece ("llama") vocabulary: <0xXX> pieces are
byte tokens, a single space piece is written as U+2581 as SentencePiece does,
no space prefix is added."""
import struct
import sys

ALIGN = 32
T_U32, T_I32, T_F32, T_BOOL, T_STR, T_ARR = 4, 5, 6, 7, 8, 9


def gstr(s):
    b = s if isinstance(s, bytes) else s.encode()
    return struct.pack('<Q', len(b)) + b


def kv(key, typ, val):
    out = gstr(key) + struct.pack('<I', typ)
    if typ == T_U32:
        return out + struct.pack('<I', val)
    if typ == T_I32:
        return out + struct.pack('<i', val)
    if typ == T_F32:
        return out + struct.pack('<f', val)
    if typ == T_BOOL:
        return out + struct.pack('<B', 1 if val else 0)
    if typ == T_STR:
        return out + gstr(val)
    etyp, items = val
    out += struct.pack('<IQ', etyp, len(items))
    fmt = {T_I32: '<i', T_F32: '<f'}
    return out + b''.join(gstr(x) if etyp == T_STR else struct.pack(fmt[etyp], x) for x in items)


def main():
    model, tok, out = sys.argv[1:4]
    raw = open(model, 'rb').read()
    dim, hidden, layers, heads, kv_heads, vocab, seq = struct.unpack_from('<7i', raw, 0)
    shared = vocab > 0
    vocab = abs(vocab)
    head = dim // heads
    kv_dim = kv_heads * head
    off = 28

    def take(*shape):  # fp32 bytes of a row-major [shape] block
        nonlocal off
        n = 4
        for s in shape:
            n *= s
        b = raw[off:off + n]
        off += n
        return b

    emb = take(vocab, dim)
    per_layer = {}
    for name, shape in [('attn_norm', (dim,)), ('attn_q', (dim, dim)), ('attn_k', (kv_dim, dim)),
                        ('attn_v', (kv_dim, dim)), ('attn_output', (dim, dim)), ('ffn_norm', (dim,)),
                        ('ffn_gate', (hidden, dim)), ('ffn_down', (dim, hidden)), ('ffn_up', (hidden, dim))]:
        per_layer[name] = [(take(*shape), shape) for _ in range(layers)]
    norm = take(dim)
    tensors = [('token_embd.weight', emb, (vocab, dim))]
    for layer in range(layers):
        for name in per_layer:
            b, shape = per_layer[name][layer]
            tensors.append(('blk.%d.%s.weight' % (layer, name), b, shape))
    tensors.append(('output_norm.weight', norm, (dim,)))
    if not shared:
        off += seq * head * 4  # the two unused legacy freq_cis arrays
        tensors.append(('output.weight', take(vocab, dim), (vocab, dim)))

    tb = open(tok, 'rb').read()
    o = 4
    pieces, scores, types = [], [], []
    while o < len(tb):
        score, n = struct.unpack_from('<fi', tb, o)
        o += 8
        p = tb[o:o + n]
        o += n
        i = len(pieces)
        if i == 0:
            t = 2                      # unknown
        elif i < 3:
            t = 3                      # control (<s>, </s>)
            p = p.strip()
        elif p.startswith(b'<0x') and len(p) == 6:
            t = 6                      # byte
        else:
            t = 1                      # normal
            p = p.replace(b' ', '\u2581'.encode())
        pieces.append(p)
        scores.append(score)
        types.append(t)
    if len(pieces) != vocab:
        sys.exit('tokenizer has %d pieces, model %d' % (len(pieces), vocab))

    kvs = [
        kv('general.architecture', T_STR, 'llama'),
        kv('general.name', T_STR, 'llama2c-fixture'),
        kv('general.alignment', T_U32, ALIGN),
        kv('general.file_type', T_U32, 0),
        kv('llama.context_length', T_U32, seq),
        kv('llama.embedding_length', T_U32, dim),
        kv('llama.block_count', T_U32, layers),
        kv('llama.feed_forward_length', T_U32, hidden),
        kv('llama.attention.head_count', T_U32, heads),
        kv('llama.attention.head_count_kv', T_U32, kv_heads),
        kv('llama.attention.layer_norm_rms_epsilon', T_F32, 1e-5),
        kv('llama.rope.dimension_count', T_U32, head),
        kv('llama.rope.freq_base', T_F32, 10000.0),
        kv('llama.vocab_size', T_U32, vocab),
        kv('tokenizer.ggml.model', T_STR, 'llama'),
        kv('tokenizer.ggml.tokens', T_ARR, (T_STR, pieces)),
        kv('tokenizer.ggml.scores', T_ARR, (T_F32, scores)),
        kv('tokenizer.ggml.token_type', T_ARR, (T_I32, types)),
        kv('tokenizer.ggml.bos_token_id', T_U32, 1),
        kv('tokenizer.ggml.eos_token_id', T_U32, 2),
        kv('tokenizer.ggml.unknown_token_id', T_U32, 0),
        kv('tokenizer.ggml.add_bos_token', T_BOOL, True),
        kv('tokenizer.ggml.add_space_prefix', T_BOOL, False),
    ]
    infos, data = [], b''
    for name, b, shape in tensors:
        pad = (-len(data)) % ALIGN
        data += b'\0' * pad
        ne = list(reversed(shape))     # ggml: ne[0] is the contiguous dimension
        infos.append(gstr(name) + struct.pack('<I', len(ne)) + b''.join(struct.pack('<Q', x) for x in ne)
                     + struct.pack('<IQ', 0, len(data)))
        data += b
    head_bytes = b'GGUF' + struct.pack('<IQQ', 3, len(tensors), len(kvs)) + b''.join(kvs) + b''.join(infos)
    head_bytes += b'\0' * ((-len(head_bytes)) % ALIGN)
    with open(out, 'wb') as f:
        f.write(head_bytes)
        f.write(data)


if __name__ == '__main__':
    main()
