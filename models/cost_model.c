/* Cost model (see cost_model.h). */
#include "cost_model.h"

#include <math.h>

double cost_dies_per_wafer(double wafer_mm, double die_mm2) {
    if (!(wafer_mm > 0) || !(die_mm2 > 0)) return 0;
    const double pi = 3.14159265358979323846;
    double r = wafer_mm / 2, n = pi * r * r / die_mm2 - pi * wafer_mm / sqrt(2 * die_mm2);
    return n > 0 ? n : 0;
}

double cost_yield(double die_mm2, double defects_per_cm2) {
    return exp(-(die_mm2 / 100.0) * defects_per_cm2);
}

double cost_die_usd(double die_mm2, double wafer_usd, double wafer_mm, double defects_per_cm2) {
    double n = cost_dies_per_wafer(wafer_mm, die_mm2);
    if (!(n > 0) || !(wafer_usd >= 0) || !(defects_per_cm2 >= 0)) return -1;
    return wafer_usd / (n * cost_yield(die_mm2, defects_per_cm2));
}

double cost_usd_per_hour(double capex_usd, double years, double watts, double usd_per_kwh) {
    if (!(capex_usd >= 0) || !(years > 0) || !(watts >= 0) || !(usd_per_kwh >= 0)) return -1;
    return capex_usd / (years * 365 * 24) + watts / 1000 * usd_per_kwh;
}

double cost_tokens_per_usd(double tokens_per_s, double usd_per_hour) {
    return usd_per_hour > 0 ? tokens_per_s * 3600 / usd_per_hour : 0;
}
