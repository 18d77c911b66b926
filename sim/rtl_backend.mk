# sim/rtl_backend.mk: C API libraries of the Verilated RMMEC and shift-MAC
# engine for the runtime's `rtl` backend (sw_runtime/rtl/), beside
# sim/ternary.mk's libternary_rtl.a. Each archive holds one Verilated model
# (no tracing), the Verilator runtime objects and the thin C++ shim.
#
#   build/verilator/rmmec/rt/librmmec_rtl.a          sim/rmmec_rtl.h
#   build/verilator/rmmec/rt_fault/librmmec_rtl.a    same API, RTL built with
#       -DRMMEC_FAULT_PP (a partial-product bit stuck at 0): the DUT-side fault
#   build/verilator/shiftmac/rt/libshiftmac_rtl.a    sim/shiftmac_rtl.h
#   build/verilator/shiftmac/rt_fault/libshiftmac_rtl.a  FAULT=2 (rtl/shiftmac_dot_tile.v)
#   build/verilator/ternary/rt_fault/libternary_rtl.a    -DTERNARY_FAULT_NEG
#   build/verilator/lutgemv/rt/libpim_rtl.a          sim/pim_rtl.h
#   build/verilator/lutgemv/rt_fault/libpim_rtl.a    -DPIM_FAULT_RSP (bit 3 of each read flipped)
RTLB_VINC := /usr/share/verilator/include
RTLB_VOBJS = $(1)/model/V$(2)__ALL.o $(addprefix $(1)/model/,verilated.o verilated_threads.o $(3))
RTLB_CXX = $(CXX) -std=c++17 -O2 -g -Wall -Wextra -Werror -faligned-new -DVM_COVERAGE=0 -DVM_SC=0 \
           -isystem $(1)/model -isystem $(RTLB_VINC) -isystem $(RTLB_VINC)/vltstd -Igolden -Isim

# $(call rtlb_lib,DIR,TOP,RTL,VERILATOR FLAGS,SHIMS,CXX FLAGS,LIB,EXTRA RUNTIME OBJS):
# verilate, compile the model and the shims (sim/<shim>.cpp), archive DIR/LIB.
define rtlb_lib
$(1)/model/stamp: $(3) sim/rtl_backend.mk
	@mkdir -p $(1)/model
	verilator --cc -Wall -Wno-fatal -Irtl --x-assign fast --x-initial fast $(4) --top-module $(2) --Mdir $(1)/model $(3) >$(1)/verilate.log 2>&1 \
	  || { tail -20 $(1)/verilate.log; exit 1; }
	touch $$@
$(call RTLB_VOBJS,$(1),$(2),$(8)) &: $(1)/model/stamp
	$$(MAKE) --no-print-directory -s -C $(1)/model -f V$(2).mk OPT_FAST=-O2 $(notdir $(call RTLB_VOBJS,$(1),$(2),$(8)))
$(foreach o,$(5),$(1)/obj/$(o).o): $(1)/obj/%.o: sim/%.cpp $(wildcard sim/*.h) $(1)/model/stamp
	@mkdir -p $(1)/obj
	$(call RTLB_CXX,$(1)) $(if $(8),-DVM_TRACE=1 -DVM_TRACE_FST=0 -DVM_TRACE_VCD=1,-DVM_TRACE=0) $(6) -c $$< -o $$@
$(1)/$(7): $(call RTLB_VOBJS,$(1),$(2),$(8)) $(foreach o,$(5),$(1)/obj/$(o).o)
	rm -f $$@ && ar rcs $$@ $$^
endef

RTLB_RMMEC_DIR := $(BUILD)/verilator/rmmec/rt
RTLB_RMMEC_FAULT_DIR := $(BUILD)/verilator/rmmec/rt_fault
$(eval $(call rtlb_lib,$(RTLB_RMMEC_DIR),rmmec,$(UNIT_RTL_rmmec),,rmmec_rtl,,librmmec_rtl.a))
$(eval $(call rtlb_lib,$(RTLB_RMMEC_FAULT_DIR),rmmec,$(UNIT_RTL_rmmec),-DRMMEC_FAULT_PP,rmmec_rtl,,librmmec_rtl.a))

# The shift-MAC engine as sim/shiftmac.mk's main configuration.
RTLB_SM_CFG := -GLANES=8 -GKTILE=16 -GWDEPTH=256 -GXDEPTH=64
RTLB_SM_DEFS := -DSM_LANES=8 -DSM_KTILE=16 -DSM_WDEPTH=256 -DSM_XDEPTH=64
RTLB_SM_DIR := $(BUILD)/verilator/shiftmac/rt
RTLB_SM_FAULT_DIR := $(BUILD)/verilator/shiftmac/rt_fault
$(eval $(call rtlb_lib,$(RTLB_SM_DIR),shiftmac_gemv,$(UNIT_RTL_shiftmac),$(RTLB_SM_CFG) -GFAULT=0,shiftmac_rtl,$(RTLB_SM_DEFS),libshiftmac_rtl.a))
$(eval $(call rtlb_lib,$(RTLB_SM_FAULT_DIR),shiftmac_gemv,$(UNIT_RTL_shiftmac),$(RTLB_SM_CFG) -GFAULT=2,shiftmac_rtl,$(RTLB_SM_DEFS),libshiftmac_rtl.a))

# The ternary engine of sim/ternary.mk (same parameters, same driver) Verilated
# with -DTERNARY_FAULT_NEG (rtl/ternary_dot_tile.v: the last tile position
# adds x for a -1 weight): the fault build's replacement for libternary_rtl.a.
RTLB_TERNARY_FAULT_DIR := $(BUILD)/verilator/ternary/rt_fault
$(eval $(call rtlb_lib,$(RTLB_TERNARY_FAULT_DIR),ternary_gemv,$(UNIT_RTL_ternary),--trace -DTERNARY_FAULT_NEG \
  -GLANES=8 -GKTILE=16 -GWDEPTH=4096 -GXDEPTH=64,ternary_engine ternary_rtl,-DTERNARY_LANES=8 -DTERNARY_KTILE=16 \
  -DTERNARY_WDEPTH=4096 -DTERNARY_XDEPTH=64,libternary_rtl.a,verilated_vcd_c.o))

# The PIM LUT-GEMV bank as sim/lutgemv.mk's g4 configuration; the fault
# build flips bit 3 of every result the bank reads out (-DPIM_FAULT_RSP).
RTLB_PIM_CFG := -GG=4 -GROWS=16 -GGROUPS=8 -GNB=8 -GAB=8 -GWB=9 -GE=11 -GACC=24
RTLB_PIM_DEFS := -DPB_G=4 -DPB_ROWS=16 -DPB_GROUPS=8 -DPB_NB=8 -DPB_AB=8 -DPB_WB=9 -DPB_E=11 -DPB_ACC=24
RTLB_PIM_DIR := $(BUILD)/verilator/lutgemv/rt
RTLB_PIM_FAULT_DIR := $(BUILD)/verilator/lutgemv/rt_fault
$(eval $(call rtlb_lib,$(RTLB_PIM_DIR),pim_bank,$(UNIT_RTL_lutgemv),$(RTLB_PIM_CFG),pim_rtl,$(RTLB_PIM_DEFS),libpim_rtl.a))
$(eval $(call rtlb_lib,$(RTLB_PIM_FAULT_DIR),pim_bank,$(UNIT_RTL_lutgemv),$(RTLB_PIM_CFG) -DPIM_FAULT_RSP,pim_rtl,$(RTLB_PIM_DEFS),libpim_rtl.a))

RTLB_LIBS := $(RTLB_RMMEC_DIR)/librmmec_rtl.a $(RTLB_SM_DIR)/libshiftmac_rtl.a $(RTLB_PIM_DIR)/libpim_rtl.a
RTLB_FAULT_LIBS := $(RTLB_RMMEC_FAULT_DIR)/librmmec_rtl.a $(RTLB_SM_FAULT_DIR)/libshiftmac_rtl.a \
                   $(RTLB_PIM_FAULT_DIR)/libpim_rtl.a
# The rtl backend's C sources (linked ahead of liblpcsrt.a, replacing its stub).
RTLB_SRCS := sw_runtime/rtl/backend_rtl_verilated.c sw_runtime/rtl/unit_mm_pim_rtl.c
RTLB_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(RTLB_SRCS))
