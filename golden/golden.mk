# golden/: the bit-exact reference library (no dependencies).
# Each module appends its sources in its own golden/<module>.mk.
GOLDEN_SRCS += golden/status.c
