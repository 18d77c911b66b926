/* Calibration constants of models/arch_model.c. Every number names its
 * source; the table in models/README.md repeats them. "yosys" = this
 * project's RTL synthesized by yosys 0.23 `synth -flatten` +
 * `stat -tech cmos` (transistor estimate), reproduced by `make models-calib`. */
#ifndef LPCS_MODELS_ARCH_CONSTS_H
#define LPCS_MODELS_ARCH_CONSTS_H

/* --- RTL pipelines (cycles) -------------------------------------------- */
/* rtl/rmmec.v: decode | align+sum | accumulate | normalize | round: the
 * READ accepted at clock edge E sets v1 at E and res_valid at E+4, so a GEMV
 * of N commands has its last result after N + 4 edges (measured on the
 * Verilated RTL by `make test-rmmec-model`, every mode and shape). */
#define RMMEC_PIPE_FILL 4.0
/* rtl/ternary_gemv.v: start -> issue -> buffer read -> tile sums ->
 * accumulate -> y_valid / done: words + 2 cycles from start to done,
 * measured on the Verilated engine for every shape of
 * `make test-platform-validate` (1 word: 3 cycles). */
#define TERNARY_PIPE_FILL 2.0
/* rtl/ternary_gemv.v's handshake around a run: activations loaded one KTILE
 * word per cycle, the weight buffer one LANES x KTILE word per cycle, one
 * cycle for start, then the run: an op takes ceil(K/KTILE) + 2 x words + 3
 * cycles (measured on the Verilated engine: exact for every shape of
 * `make test-platform-validate`). With ternary_overlap_load = 1 (a double-
 * buffered weight buffer, not in the RTL) the weight load hides under the run. */
#define TERNARY_START_CYCLES 1.0
/* Host command protocol of the platform (sim/platform): 3 command-queue
 * register writes and the done interrupt, one bus cycle each. */
#define HOST_CMD_CYCLES 4.0
/* DMA tile buffers per unit (double buffering): the DMA runs at most this
 * many tiles ahead of the unit. */
#define DMA_TILE_BUFFERS 2

/* --- Technology anchors (45 nm) ------------------------------------------ */
/* Horowitz, "Computing's energy problem", ISSCC 2014, 45 nm, 0.9 V:
 * 8-bit integer multiply 0.2 pJ / 282 um^2; 32-bit add 0.1 pJ / 137 um^2;
 * fp32 add 0.9 pJ / 4184 um^2, fp32 multiply 3.7 pJ / 7700 um^2;
 * SRAM 64-bit read: 8 KB 10 pJ, 32 KB 20 pJ, 1 MB 100 pJ; DRAM 1.3-2.6 nJ per 64 bits. */
#define HZ_MUL8_PJ 0.2
#define HZ_MUL8_UM2 282.0
#define HZ_ADD32_PJ 0.1
#define HZ_ADD32_UM2 137.0
#define HZ_FP32_FMA_PJ (0.9 + 3.7)
#define HZ_FP32_FMA_UM2 (4184.0 + 7700.0)
#define HZ_SRAM_8K_PJ_PER_B (10.0 / 8)
#define HZ_SRAM_32K_PJ_PER_B (20.0 / 8)
#define HZ_SRAM_1M_PJ_PER_B (100.0 / 8)
#define HZ_DRAM_PJ_PER_B (1950.0 / 8) /* midpoint of 1.3-2.6 nJ / 64 bits */

/* yosys transistor estimates of the anchors (same flow as the units):
 * 8x8 unsigned multiplier 2688, 32-bit adder 1594, one DFF 16. */
#define YS_MUL8_T 2688.0
#define YS_ADD32_T 1594.0
#define YS_DFF_T 16.0
/* Energy and area per yosys transistor, anchored on the 8-bit multiplier
 * (the 32-bit adder gives 6.3e-5 pJ and 0.086 um^2: within 20%). Activity
 * factor 1 per command: an upper-side estimate for a busy datapath. */
#define PJ_PER_T (HZ_MUL8_PJ / YS_MUL8_T)
#define UM2_PER_T (HZ_MUL8_UM2 / YS_MUL8_T)

/* --- Measured switching activity (issue 16) -------------------------------
 * Mean toggle rate per RTL signal bit per clock of rtl/rmmec.v, Verilated with
 * --coverage-toggle, on real operands: 32 rows of the shipped llama's layer-0
 * wq x RMSNorm'ed embeddings of 8 tokens of tinyshakespeare, every readout
 * checked against golden (`make rmmec-activity`, sim/rmmec_activity.cpp;
 * docs/dse/energy.md). Uniformly random codes give 0.273 / 0.268 / 0.265.
 * With design point activity_model = 1 the unit's compute energy is
 * e(activity 1) x this factor; 0 keeps activity 1 (the old constants). The
 * vector unit has no RTL: it keeps activity 1 in both settings. */
#define RMMEC_ACTIVITY_FP4 0.26585
#define RMMEC_ACTIVITY_P8 0.25179
#define RMMEC_ACTIVITY_P16 0.29653
/* rtl/ternary_gemv.v (LANES 8, KTILE 16), the same way (`make ternary-activity`,
 * tests/ternary_activity.c): all 31 BitLinear matrices of the shipped
 * HGRN-Bit but down_proj (ternarized by golden) x RMSNorm'ed, int8-quantized
 * embeddings of 8 tokens of tinyshakespeare, 124,952 outputs checked against
 * golden; cycles include the weight and activation loads. Random codes: 0.3155. */
#define TERNARY_ACTIVITY 0.31356
/* rtl/pim_bank.v (g 4, 16 rows, 8 groups, as the rtl backend) and
 * rtl/shiftmac_gemv.v (LANES 8, KTILE 16), the same way (`make unit-activity`,
 * tests/unit_activity.c): every matrix of every layer of the shipped llama
 * (PIM: int4 per row; shiftmac: golden shiftmac_quantize) x int8 RMSNorm'ed
 * embeddings of 8 tokens of tinyshakespeare (wo: V, w2: SwiGLU of them),
 * every output checked against golden. PIM_ACTIVITY scales the bank's logic
 * energy only (index compare, accumulate), not its SRAM table accesses. */
#define PIM_ACTIVITY 0.05040
#define SHIFTMAC_ACTIVITY 0.24200

/* --- Units (yosys transistor estimates of this project's RTL) ------------ */
/* rtl/rmmec.v (all modes, 128-bit quire): one unit. yosys reports 103012+
 * ; the '+' is 134 async-reset DFFs without a CMOS cost, added
 * here at YS_DFF_T each. */
#define YS_RMMEC_T (103012.0 + 134 * YS_DFF_T)
/* rtl/ternary_dot_tile.v KTILE=16: one lane's tile adder tree (15178 T);
 * plus a 32-bit accumulator per lane (adder + 32 DFF). */
#define YS_TERNARY_TILE16_T 15178.0
#define YS_TERNARY_LANE_ACC_T (YS_ADD32_T + 32 * YS_DFF_T)
/* rtl/pim_bank.v logic (Gray-code builder, index, shift-accumulate, control)
 * without its table/accumulator memories (modeled as SRAM below). */
/* Default bank (G=4, ROWS=8, GROUPS=4, NB=4): 20474+ (the '+' = its memories). */
#define YS_PIM_BANK_LOGIC_T 20474.0

/* --- SRAM area ----------------------------------------------------------- */
/* Intel 45 nm 6T bit cell 0.346 um^2 (Mistry et al., IEDM 2007), array
 * efficiency 0.7 (periphery; CACTI-typical for MB-class arrays). */
#define SRAM_BITCELL_UM2 0.346
#define SRAM_ARRAY_EFF 0.7

/* Vector unit: one fp32 FMA lane per element per cycle (Horowitz fp32 add+mul). */
#define VEC_PJ_PER_ELEM HZ_FP32_FMA_PJ
#define VEC_UM2_PER_LANE HZ_FP32_FMA_UM2

#endif
