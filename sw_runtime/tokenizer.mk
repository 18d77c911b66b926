# Tokenizers from GGUF metadata (tokenizer_vocab, tokenizer_pretok,
# tokenizer_gguf; sources come in through runtime.mk's wildcard). The BPE
# pre-tokenizers take Unicode categories from ICU (Debian libicu-dev).
TOKENIZER_LDLIBS := -licuuc
LPCS_LDLIBS += $(TOKENIZER_LDLIBS)
