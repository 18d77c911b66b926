#!/usr/bin/env python3
"""Writes a deterministic UTF-8 torture text for tokenizer comparisons:
many scripts, emoji (ZWJ sequences, skin tones, flags), combining marks,
digit runs, contractions in every case, every Unicode white-space kind,
CRLF runs, control characters and a few invalid UTF-8 bytes.

usage: make_torture.py OUT [N_PIECES] [SEED]"""
import random
import sys

PIECES = [
    "Hello", " world", "HELLO", "wOrLd", "It's", "IT'S", "we'll", "WE'LL", "they're", "I'd", "you've",
    "don't", "'s", "'T", "'Re", "'vE", "'m", "'Ll", "'D", "'x", "''", "'",
    "нещо на Български", "Ελληνικά", "עִבְרִית", "العربية", "हिन्दी", "ภาษาไทย", "한국어 텍스트",
    "日本語のテキスト", "中文文本", "我想在apple工作1314151天～", "ქართული", "Tiếng Việt", "ḁ̶̧̛̤̈́",
    "e\u0301", "n\u0303", "\u0915\u094d\u0937", "🦙", "🚀", "😶‍🌫️", "👩🏽‍💻", "🇫🇷", "🏳️‍🌈", "✅", "❤️",
    "0", "7", "42", "333", "4444", "55555", "123456789", "3.14159", "1,000,000", "٣٤٥", "१२३", "Ⅻ", "½",
    " ", "  ", "   ", "    ", "\t", "\t\t", "\n", "\n\n", "\n\n\n", "\r\n", "\r\n\r\n", " \n", "\n ",
    "\u00a0", "\u3000", "\u2028", "\u2029", "\u2003", "\u0085", "\u000b", "\u000c", "\u200b", "\ufeff",
    "(", ")", "[]", "{}", "<>", "!?", "...", "—", "–", "«»", "“quoted”", "‘single’", "#", "$", "%", "&",
    "*", "+", "=", "@", "\\", "^", "_", "`", "|", "~", "::", "->", "=>", "//", "/*", "*/",
    "<s>", "</s>", "<unk>", "<|endoftext|>", "<0x41>", "▁", "Ġ", "Ċ",
    "\x00", "\x01", "\x1b[0m", "\x7f",
    "w048 7tuijk dsdfhu", " this is 🦙.cpp", "    Hello\n    Hello", "' era", "\n =",
]
INVALID = [b"\x80", b"\xbf", b"\xc3", b"\xe2\x82", b"\xf0\x9f\x98", b"\xc0\xaf", b"\xed\xa0\x80", b"\xff"]


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 6000
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 15)
    parts = []
    for i in range(n):
        if rng.random() < 0.01:
            parts.append(rng.choice(INVALID))
        else:
            parts.append(rng.choice(PIECES).encode())
        if rng.random() < 0.3:
            parts.append(b" ")
    with open(out, "wb") as f:
        f.write(b"".join(parts))


if __name__ == "__main__":
    main()
