/* The table of accelerator units: one line per unit (models/unit.h). The
 * order is arch_unit's (ARCH_U_*) and the order of the design-point fields,
 * the sweep's CSV columns and the platform's unit modules. A new unit: its
 * descriptor file models/unit_<name>.c and one line here. */
#include "unit.h"

#include <string.h>

extern const arch_unit_desc arch_unit_rmmec, arch_unit_ternary, arch_unit_lutgemv, arch_unit_vector;

static const arch_unit_desc *const UNITS[] = {
    &arch_unit_rmmec,   /* ARCH_U_RMMEC */
    &arch_unit_ternary, /* ARCH_U_TERNARY */
    &arch_unit_lutgemv, /* ARCH_U_LUTGEMV */
    &arch_unit_vector,  /* ARCH_U_VECTOR */
};

_Static_assert(sizeof UNITS / sizeof UNITS[0] <= ARCH_MAX_UNITS, "raise ARCH_MAX_UNITS (models/arch_model.h)");

int arch_n_units(void) { return (int)(sizeof UNITS / sizeof UNITS[0]); }

const arch_unit_desc *arch_unit_get(int u) { return u >= 0 && u < arch_n_units() ? UNITS[u] : NULL; }

int arch_unit_find(const char *name) {
    for (int u = 0; name && u < arch_n_units(); u++)
        if (!strcmp(UNITS[u]->name, name)) return u;
    return -1;
}
