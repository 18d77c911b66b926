#include "cli/sweep_plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>


int sweep_csv_field(const char *line, int k, char *out, size_t len) {
    int f = 0, q = 0;
    size_t o = 0;
    for (const char *c = line; *c && *c != '\n'; c++) {
        if (*c == '"') {
            if (q && c[1] == '"') {
                if (f == k && o + 1 < len) out[o++] = '"';
                c++;
            } else {
                q = !q;
            }
        } else if (*c == ',' && !q) {
            if (f++ == k) break;
        } else if (f == k && o + 1 < len) {
            out[o++] = *c;
        }
    }
    out[o] = 0;
    return f >= k ? 0 : -1;
}

static int col_of(const char *hdr, const char *name) {
    char f[64];
    for (int k = 0; k < 256; k++) {
        sweep_csv_field(hdr, k, f, sizeof f);
        if (!strcmp(f, name)) return k;
        if (!f[0] && !strchr(hdr, ',')) break;
    }
    return -1;
}

typedef struct {
    char id[96], label[200];
    double nll, energy, area, tps, tpsmm2;
    int front;
} pt;

static int run_gnuplot(const char *script, char *err, size_t len) {
    FILE *g = popen("gnuplot 2>&1", "w");
    if (!g) {
        snprintf(err, len, "cannot run gnuplot (make deps installs gnuplot-nox)");
        return -1;
    }
    fputs(script, g);
    int st = pclose(g);
    if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st)) {
        snprintf(err, len, "gnuplot failed (exit %d; is gnuplot-nox installed? make deps)",
                 st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1);
        return -1;
    }
    return 0;
}

int sweep_plot_front(const char *csv, const char *prefix, char *best_id, size_t best_len, char *err, size_t len) {
    best_id[0] = 0;
    FILE *f = fopen(csv, "r");
    if (!f) {
        snprintf(err, len, "--plot: cannot read %s", csv);
        return -1;
    }
    char hdr[8192], line[8192];
    if (!fgets(hdr, sizeof hdr, f)) {
        fclose(f);
        snprintf(err, len, "--plot: %s is empty", csv);
        return -1;
    }
    const char *need[] = {"id", "plan", "nll", "energy_per_token_uJ", "area_active_mm2", "tokens_per_s",
                          "tokens_per_s_per_mm2", "rmmec_units", "ternary_lanes", "pim_banks", "sram_kib"};
    int c[11];
    for (int i = 0; i < 11; i++)
        if ((c[i] = col_of(hdr, need[i])) < 0) {
            fclose(f);
            snprintf(err, len, "--plot: %s has no column %s (an older sweep's output?)", csv, need[i]);
            return -1;
        }
    pt *p = NULL;
    int n = 0, cap = 0;
    while (fgets(line, sizeof line, f)) {
        char v[11][256];
        for (int i = 0; i < 11; i++) sweep_csv_field(line, c[i], v[i], sizeof v[i]);
        double nll = strtod(v[2], NULL);
        if (isnan(nll) || !v[0][0]) continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            pt *q = realloc(p, (size_t)cap * sizeof *q);
            if (!q) break;
            p = q;
        }
        pt *x = &p[n++];
        memset(x, 0, sizeof *x);
        snprintf(x->id, sizeof x->id, "%.95s", v[0]);
        /* label: id, plan, units (R RMMEC units, T ternary lanes, P PIM banks, S SRAM KiB) */
        snprintf(x->label, sizeof x->label, "%.20s %.60s R%.6s T%.6s P%.6s S%.8s", v[0], v[1], v[7], v[8], v[9], v[10]);
        for (char *s = x->label; *s; s++)
            if (*s == '"') *s = '\'';
        x->nll = nll, x->energy = strtod(v[3], NULL), x->area = strtod(v[4], NULL), x->tps = strtod(v[5], NULL);
        x->tpsmm2 = strtod(v[6], NULL);
    }
    fclose(f);
    if (!n) {
        free(p);
        snprintf(err, len, "--plot: no row of %s has an NLL (run without --no-nll)", csv);
        return -1;
    }
    char path[1200];
    snprintf(path, sizeof path, "%s.front.csv", prefix);
    FILE *fc = fopen(path, "w");
    snprintf(path, sizeof path, "%s.plot.dat", prefix);
    FILE *fd = fopen(path, "w");
    if (!fc || !fd) {
        if (fc) fclose(fc);
        if (fd) fclose(fd);
        free(p);
        snprintf(err, len, "--plot: cannot write %s.*", prefix);
        return -1;
    }
    fprintf(fc, "id,nll,energy_per_token_uJ,area_active_mm2,tokens_per_s,tokens_per_s_per_mm2,label\n");
    double best = -1;
    for (int i = 0; i < n; i++) {
        int dom = 0;
        for (int j = 0; j < n && !dom; j++) {
            if (j == i) continue;
            int le = p[j].nll <= p[i].nll && p[j].energy <= p[i].energy && p[j].area <= p[i].area && p[j].tps >= p[i].tps;
            int lt = p[j].nll < p[i].nll || p[j].energy < p[i].energy || p[j].area < p[i].area || p[j].tps > p[i].tps;
            dom = le && lt;
        }
        p[i].front = !dom;
        if (!dom) {
            fprintf(fc, "%s,%.10g,%.10g,%.10g,%.10g,%.10g,\"%s\"\n", p[i].id, p[i].nll, p[i].energy, p[i].area, p[i].tps,
                    p[i].tpsmm2, p[i].label);
            if (p[i].tpsmm2 > best) best = p[i].tpsmm2, snprintf(best_id, best_len, "%s", p[i].id);
        }
        fprintf(fd, "%.10g %.10g %.10g %d \"%s\"\n", p[i].tpsmm2, p[i].nll, p[i].energy, p[i].front, p[i].label);
    }
    fclose(fc), fclose(fd);
    /* the 2-D front shown: NLL (min) vs tokens/s per mm^2 (max) */
    snprintf(path, sizeof path, "%s.front2.dat", prefix);
    FILE *f2 = fopen(path, "w");
    if (f2) {
        for (int i = 0; i < n; i++) {
            int dom = 0;
            for (int j = 0; j < n && !dom; j++)
                dom = j != i && p[j].nll <= p[i].nll && p[j].tpsmm2 >= p[i].tpsmm2 &&
                      (p[j].nll < p[i].nll || p[j].tpsmm2 > p[i].tpsmm2);
            if (!dom) fprintf(f2, "%.10g %.10g \"%s\"\n", p[i].tpsmm2, p[i].nll, p[i].label);
        }
        fclose(f2);
    }
    free(p);
    char script[4096];
    size_t o = 0;
    for (int t = 0; t < 2; t++) {
        o += (size_t)snprintf(
            script + o, sizeof script - o,
            "set terminal %s size 1200,800 enhanced font 'DejaVu Sans,10'\n"
            "set output '%s.pareto.%s'\nset grid\nset logscale x\nset key bottom left box opaque\n"
            "set title 'NLL vs throughput per active area (colour: energy per token); labels: id plan R=RMMEC units "
            "T=ternary lanes P=PIM banks S=SRAM KiB'\n"
            "set xlabel 'tokens/s per mm^2 of active area (log; more is better)'\n"
            "set ylabel 'NLL (nats/byte; less is better)'\nset cblabel 'energy per token (uJ)'\n"
            "set palette rgb 33,13,10\n"
            "plot '%s.plot.dat' using 1:2:3 with points pt 7 ps 1.1 palette title 'design points', "
            "'%s.front2.dat' using 1:2 smooth unique with lines lw 2 lc rgb 'red' title 'front (NLL, tokens/s/mm^2)', "
            "'%s.plot.dat' using ($4 > 0 ? $1 : 1/0):2:5 with labels noenhanced font ',7' offset 0.5,0.5 left rotate by 20 "
            "textcolor rgb '#333333' notitle\n",
            t ? "svg" : "pngcairo", prefix, t ? "svg" : "png", prefix, prefix, prefix);
    }
    return run_gnuplot(script, err, len);
}

int sweep_plot_roofline(const char *prefix, const char *title, const roof_op *ops, int n, double dram_bytes_per_cycle,
                        char *err, size_t len) {
    char path[1200];
    snprintf(path, sizeof path, "%s.roofline.dat", prefix);
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(err, len, "--plot: cannot write %s", path);
        return -1;
    }
    const char *units[8];
    double peak[8];
    int nu = 0;
    double imax = 1;
    for (int i = 0; i < n; i++) {
        const roof_op *o = &ops[i];
        if (o->macs <= 0 || o->cycles <= 0) continue;
        double in = o->dram_bytes > 0 ? o->macs / o->dram_bytes : -1;
        if (in > imax) imax = in;
        int u = 0;
        while (u < nu && strcmp(units[u], o->unit)) u++;
        if (u == nu && nu < 8) units[nu] = o->unit, peak[nu++] = 0;
        if (u < nu && o->compute_cycles > 0 && o->macs / o->compute_cycles > peak[u]) peak[u] = o->macs / o->compute_cycles;
    }
    /* ops with weights on chip (no DRAM bytes) sit at the right edge */
    for (int i = 0; i < n; i++) {
        const roof_op *o = &ops[i];
        if (o->macs <= 0 || o->cycles <= 0) continue;
        double in = o->dram_bytes > 0 ? o->macs / o->dram_bytes : imax * 4;
        fprintf(f, "%.6g %.6g %s %s\n", in, o->macs / o->cycles, o->unit, o->name);
    }
    fclose(f);
    char script[8192];
    size_t o = 0;
    for (int t = 0; t < 2; t++) {
        o += (size_t)snprintf(script + o, sizeof script - o,
                              "set terminal %s size 1100,750 enhanced font 'DejaVu Sans,10'\n"
                              "set output '%s.roofline.%s'\nset grid\nset logscale xy\nset key top left box opaque\n"
                              "set title \"%s: roofline per op (one token; ops with no DRAM traffic at the right edge)\"\n"
                              "set xlabel 'arithmetic intensity (MACs per DRAM byte, log)'\n"
                              "set ylabel 'attained MACs per cycle (log)'\nset xrange [*:%g]\n"
                              "plot [x=1e-3:%g] x * %g with lines lw 2 lc rgb 'black' title 'DRAM roof (%.3g B/cycle)'",
                              t ? "svg" : "pngcairo", prefix, t ? "svg" : "png", title, imax * 8, imax * 8,
                              dram_bytes_per_cycle, dram_bytes_per_cycle);
        for (int u = 0; u < nu; u++)
            o += (size_t)snprintf(script + o, sizeof script - o,
                                  ", %g with lines dt 2 lw 2 title '%s compute roof (%.3g MACs/cycle)'", peak[u],
                                  units[u], peak[u]);
        for (int u = 0; u < nu; u++)
            o += (size_t)snprintf(script + o, sizeof script - o,
                                  ", '%s.roofline.dat' using ((strcol(3) eq '%s') ? $1 : 1/0):2 with points pt 7 ps 1.3 "
                                  "title '%s ops'",
                                  prefix, units[u], units[u]);
        o += (size_t)snprintf(script + o, sizeof script - o,
                              ", '%s.roofline.dat' using 1:2:4 with labels noenhanced font ',7' offset 0.6,0.3 left notitle\n",
                              prefix);
    }
    if (o >= sizeof script) {
        snprintf(err, len, "--plot: roofline script too long");
        return -1;
    }
    return run_gnuplot(script, err, len);
}

/* ---- shape-only workload sweeps (cli/workload_sweep.h) -------------------- */

typedef struct {
    double e, y, nll;
    long index;
    char label[120];
} wl_pt;

static int wl_pt_cmp(const void *a, const void *b) { /* energy up, then throughput down, then nll up */
    const wl_pt *p = a, *q = b;
    if (p->e != q->e) return p->e < q->e ? -1 : 1;
    if (p->y != q->y) return p->y > q->y ? -1 : 1;
    return p->nll < q->nll ? -1 : p->nll > q->nll;
}

/* One phase: prefix_PHASE.dat (all points), prefix_PHASE_front.{dat,csv} and the gnuplot lines for both terminals. */
static int wl_phase(const char *csv, const char *prefix, int prefill, char *script, size_t cap, size_t *o, int *front_n,
                    char *err, size_t len) {
    const char *ph = prefill ? "prefill" : "decode";
    FILE *f = fopen(csv, "r");
    char hdr[8192], line[8192], path[1200];
    if (!f || !fgets(hdr, sizeof hdr, f)) {
        if (f) fclose(f);
        return snprintf(err, len, "--plot: cannot read %s", csv), -1;
    }
    const char *need[] = {prefill ? "prefill_energy_per_token_j" : "energy_per_token_j",
                          prefill ? "prefill_tokens_per_s_per_mm2" : "tokens_per_s_per_mm2",
                          "nll_proxy_shipped", "index", "workload", "w_bits", "w_fmt", "point"};
    int c[8];
    for (int i = 0; i < 8; i++)
        if ((c[i] = col_of(hdr, need[i])) < 0) {
            fclose(f);
            return snprintf(err, len, "--plot: %s has no column %s", csv, need[i]), -1;
        }
    wl_pt *p = NULL;
    size_t n = 0, ncap = 0;
    while (fgets(line, sizeof line, f)) {
        char v[8][128];
        for (int i = 0; i < 8; i++) sweep_csv_field(line, c[i], v[i], sizeof v[i]);
        wl_pt x = {strtod(v[0], NULL), strtod(v[1], NULL), strtod(v[2], NULL), atol(v[3]), ""};
        if (isnan(x.nll) || !(x.e > 0) || !(x.y > 0)) continue; /* no accuracy proxy: not on the front */
        snprintf(x.label, sizeof x.label, "%.40s w%.8s%.10s %.40s", v[4], v[5], v[6], v[7]);
        if (n == ncap) {
            ncap = ncap ? 2 * ncap : 256;
            wl_pt *q = realloc(p, ncap * sizeof *q);
            if (!q) break;
            p = q;
        }
        p[n++] = x;
    }
    fclose(f);
    if (!n) {
        free(p);
        return snprintf(err, len, "--plot: no row of %s has an NLL proxy", csv), -1;
    }
    qsort(p, n, sizeof *p, wl_pt_cmp);
    snprintf(path, sizeof path, "%s_%s.dat", prefix, ph);
    FILE *fd = fopen(path, "w");
    snprintf(path, sizeof path, "%s_%s_front.csv", prefix, ph);
    FILE *fc = fopen(path, "w");
    snprintf(path, sizeof path, "%s_%s_front.dat", prefix, ph);
    FILE *ff = fopen(path, "w");
    size_t *kept = malloc(n * sizeof *kept), nk = 0;
    int ok = fd && fc && ff && kept;
    if (ok) fprintf(fc, "index,energy_per_token_j,tokens_per_s_per_mm2,nll_proxy_shipped,label\n");
    /* 3-objective front (min energy, max tokens/s/mm^2, min NLL): in energy order a point is kept
     * unless a kept point (no more energy) is at least as good on both others */
    for (size_t i = 0; ok && i < n; i++) {
        int dom = 0;
        for (size_t j = 0; j < nk && !dom; j++) dom = p[kept[j]].y >= p[i].y && p[kept[j]].nll <= p[i].nll;
        fprintf(fd, "%.8g %.8g %.8g\n", p[i].e, p[i].y, p[i].nll);
        if (dom) continue;
        kept[nk++] = i;
        fprintf(fc, "%ld,%.8g,%.8g,%.8g,\"%s\"\n", p[i].index, p[i].e, p[i].y, p[i].nll, p[i].label);
        fprintf(ff, "%.8g %.8g\n", p[i].e, p[i].y);
    }
    if (fd) fclose(fd);
    if (fc) fclose(fc);
    if (ff) fclose(ff);
    free(p), free(kept);
    if (!ok) return snprintf(err, len, "--plot: cannot write %s_%s.*", prefix, ph), -1;
    *front_n = (int)nk;
    for (int t = 0; t < 2; t++)
        *o += (size_t)snprintf(script + *o, *o < cap ? cap - *o : 0,
                               "set terminal %s size 900,600\nset output '%s_%s.%s'\nset title 'shape-only sweep: %s "
                               "(colour = NLL proxy of the weight format)' noenhanced\nset logscale xy\n"
                               "set xlabel 'energy per token (J)'\nset ylabel 'tokens/s per mm^2'\n"
                               "set cblabel 'NLL proxy (shipped models, nats/byte)'\n"
                               "set palette defined (0 '#1a9850', 1 '#fee08b', 2 '#d73027')\nset key top right\n"
                               "plot '%s_%s.dat' using 1:2:3 with points pt 7 ps 0.3 lc palette title 'points', "
                               "'%s_%s_front.dat' using 1:2 with points pt 6 ps 1.2 lc rgb 'black' "
                               "title 'Pareto front (energy, tokens/s/mm^2, NLL)'\n",
                               t ? "svg" : "pngcairo", prefix, ph, t ? "svg" : "png", ph, prefix, ph, prefix, ph);
    return 0;
}

int sweep_plot_workload(const char *csv, const char *prefix, int *decode_front, int *prefill_front, char *err,
                        size_t len) {
    char script[8192];
    size_t o = 0;
    if (wl_phase(csv, prefix, 0, script, sizeof script, &o, decode_front, err, len) ||
        wl_phase(csv, prefix, 1, script, sizeof script, &o, prefill_front, err, len))
        return -1;
    if (o >= sizeof script) return snprintf(err, len, "--plot: output prefix too long"), -1;
    return run_gnuplot(script, err, len);
}
