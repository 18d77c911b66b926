/* Technology scaling factors; sources and checks in tech_scale.h and docs/dse/energy.md. */
#include "tech_scale.h"

#include <math.h>
#include <stddef.h>

typedef struct {
    double nm, vdd;      /* node, nominal supply (V) */
    double ea, eb, ec;   /* energy polynomial ea*V^2 + eb*V + ec (Stillmaker & Baas, HP devices) */
    double area;         /* area relative to 45 nm (their 45 nm row) */
} tech_node;

static const tech_node NODES[] = {
    {45, 1.00, 1.018, -0.3107, 0.1539, 1.0},
    {32, 0.90, 0.8367, -0.4341, 0.1701, 0.46},
    {20, 0.90, 0.373, -0.1582, 0.04104, 0.21},
    {16, 0.85, 0.2958, -0.1241, 0.03024, 0.19},
    {14, 0.80, 0.2363, -0.09675, 0.02239, 0.17},
    {10, 0.75, 0.2068, -0.09311, 0.02375, 0.10},
    {7, 0.70, 0.1776, -0.09097, 0.02447, 0.059},
};
#define NNODES (sizeof NODES / sizeof NODES[0])

static double energy_poly(const tech_node *t) { return (t->ea * t->vdd + t->eb) * t->vdd + t->ec; }

static const tech_node *exact_node(double nm) {
    for (size_t i = 0; i < NNODES; i++)
        if (NODES[i].nm == nm) return &NODES[i];
    return NULL;
}

int tech_node_interpolated(double nm) { return nm == 28 || nm == 22; }
int tech_node_known(double nm) { return exact_node(nm) || tech_node_interpolated(nm); }

/* Factor f of node nm; 28/22 nm: log-linear in the node between 32 and 20 nm. */
static double factor(double nm, int area) {
    const tech_node *t = exact_node(nm);
    if (t) return area ? t->area : energy_poly(t) / energy_poly(&NODES[0]);
    if (!tech_node_interpolated(nm)) return 0;
    double f32 = factor(32, area), f20 = factor(20, area);
    double s = log(32.0 / nm) / log(32.0 / 20.0);
    return f32 * pow(f20 / f32, s);
}

double tech_energy_factor(double nm) { return factor(nm, 0); }
double tech_area_factor(double nm) { return factor(nm, 1); }
