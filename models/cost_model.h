/* Cost model for tokens per dollar (issue 16, SAIL's claim): silicon cost of
 * a die from its area and a published wafer price, spread over an
 * amortization period, plus electricity; tokens per dollar from tokens/s and
 * dollars per hour. Every input is an argument: the figures used and their
 * sources are in models/seed_figures.c and docs/seed-claims.md. */
#ifndef LPCS_MODELS_COST_MODEL_H
#define LPCS_MODELS_COST_MODEL_H

#ifdef __cplusplus
extern "C" {
#endif

/* Gross dies per wafer of diameter wafer_mm: pi r^2 / A - pi d / sqrt(2 A)
 * (the usual edge-loss formula); 0 if the die does not fit. */
double cost_dies_per_wafer(double wafer_mm, double die_mm2);
/* Poisson yield exp(-A D0), A in cm^2, D0 defects per cm^2. */
double cost_yield(double die_mm2, double defects_per_cm2);
/* Cost of one good die; -1 on bad input or a die that does not fit. */
double cost_die_usd(double die_mm2, double wafer_usd, double wafer_mm, double defects_per_cm2);
/* Dollars per hour of hardware worth capex_usd spread over `years` of
 * continuous use, plus `watts` at usd_per_kwh. -1 on bad input. */
double cost_usd_per_hour(double capex_usd, double years, double watts, double usd_per_kwh);
/* Tokens per dollar at tokens_per_s on hardware costing usd_per_hour. */
double cost_tokens_per_usd(double tokens_per_s, double usd_per_hour);

#ifdef __cplusplus
}
#endif
#endif
