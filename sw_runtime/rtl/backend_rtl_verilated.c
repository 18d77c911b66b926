/* The rtl backend compiled against the Verilated ternary engine. Linked
 * ahead of liblpcsrt.a (whose backend_rtl.o is the stub), so it replaces
 * the stub: tests/test_runtime_rtl and `make LPCS_RTL=1 build/lpcs`. */
#define LPCS_WITH_TERNARY_RTL 1
#include "../backend_rtl.c"
