/* lpcs cosim UNIT [--fault] [--cases N] [--seed S] [--vcd-dir DIR]: one entry
 * point to the Verilated co-simulations of the units (RTL vs golden, bit for
 * bit). Runs the unit's harness, built by make under build/verilator/ next
 * to this lpcs, and reports the first mismatch the way the harness prints it
 * (case, row / readout, lane and cycle where the harness knows them, and a
 * waveform). --fault runs the harness with its planted fault: the run passes
 * when the fault is caught. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/commands.h"

typedef struct {
    const char *unit, *what, *path, *make_target;
    const char *cases_flag; /* NULL: the harness has a fixed suite */
    const char *fault_args[4];
    const char *vcd_flag;   /* "--vcd-dir" or "--vcd" (file in DIR) */
    const char *vcd_file;
} harness;

static const harness HARNESSES[] = {
    {"ternary", "ternary GEMV engine (rtl/ternary_gemv.v) vs golden ternary_gemv_i32", "verilator/ternary/ternary_cosim",
     "build/verilator/ternary/ternary_cosim", "--random", {"--inject-fault"}, "--vcd-dir", NULL},
    {"ternary-aq", "int8 absmax activation quantizer (rtl/ternary_act_quant.v) vs golden",
     "verilator/ternary/aq/ternary_aq_cosim", "build/verilator/ternary/aq/ternary_aq_cosim", "--random",
     {"--inject-fault"}, "--vcd-dir", NULL},
    {"rmmec", "RMMEC posit/FP4 SIMD MAC (rtl/rmmec.v) vs golden rmmec", "verilator/rmmec/obj/Vrmmec",
     "build/verilator/rmmec/obj/Vrmmec", NULL, {"--mode", "p8", "--inject-fault", "1000"}, "--vcd", "mismatch.vcd"},
    {"pim", "SRAM-PIM LUT-GEMV bank (rtl/pim_bank.v, G=4) vs golden lutgemv", "verilator/lutgemv/cosim_g4/lutgemv_cosim",
     "build/verilator/lutgemv/cosim_g4/lutgemv_cosim", "--cases", {"--fault"}, "--vcd-dir", NULL},
};
#define N_HARNESS (sizeof HARNESSES / sizeof HARNESSES[0])

static void help(FILE *out) {
    fprintf(out, "usage: lpcs cosim UNIT [--fault] [--cases N] [--seed S] [--vcd-dir DIR]\n"
                 "Runs the Verilated co-simulation of UNIT against the golden model, bit for bit.\n"
                 "The first mismatch names the case, row/readout, lane and cycle (where the\n"
                 "harness knows them) and writes a waveform to DIR (default build/verilator/...).\n"
                 "  --fault     plant the harness's fault: passes (exit 0) only if it is caught\n"
                 "  --cases N   random cases (default: the harness's own; rmmec runs its quick suite)\n"
                 "units:\n");
    for (size_t i = 0; i < N_HARNESS; i++) fprintf(out, "  %-11s %s\n", HARNESSES[i].unit, HARNESSES[i].what);
    fprintf(out, "The harnesses are built by `make test` or `make <path>` (see lpcs cosim UNIT with a missing one).\n");
}

/* Folder of this executable (the build directory). */
static int exe_dir(char *out, size_t len) {
    ssize_t n = readlink("/proc/self/exe", out, len - 1);
    if (n <= 0) return -1;
    out[n] = 0;
    char *s = strrchr(out, '/');
    if (!s) return -1;
    *s = 0;
    return 0;
}

int cmd_cosim(int argc, char **argv) {
    const harness *h = NULL;
    const char *cases = NULL, *seed = NULL, *vcd_dir = NULL;
    int fault = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            help(stdout);
            return 0;
        } else if (!strcmp(a, "--fault")) {
            fault = 1;
        } else if (!strcmp(a, "--cases") || !strcmp(a, "--seed") || !strcmp(a, "--vcd-dir")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "lpcs cosim: %s needs a value\n", a);
                return 2;
            }
            const char *v = argv[++i];
            if (a[2] != 'v' && strspn(v, "0123456789") != strlen(v)) {
                fprintf(stderr, "lpcs cosim: %s wants a non-negative integer, got '%s'\n", a, v);
                return 2;
            }
            *(a[2] == 'c' ? &cases : a[2] == 's' ? &seed : &vcd_dir) = v;
        } else if (a[0] == '-') {
            fprintf(stderr, "lpcs cosim: unknown option %s (try --help)\n", a);
            return 2;
        } else if (!h) {
            for (size_t k = 0; k < N_HARNESS; k++)
                if (!strcmp(a, HARNESSES[k].unit)) h = &HARNESSES[k];
            if (!h) {
                fprintf(stderr, "lpcs cosim: unknown unit '%s' (", a);
                for (size_t k = 0; k < N_HARNESS; k++) fprintf(stderr, "%s%s", k ? ", " : "", HARNESSES[k].unit);
                fprintf(stderr, ")\n");
                return 2;
            }
        } else {
            fprintf(stderr, "lpcs cosim: unexpected argument %s\n", a);
            return 2;
        }
    }
    if (!h) {
        help(stderr);
        return 2;
    }
    if (cases && !h->cases_flag) {
        fprintf(stderr, "lpcs cosim: %s runs a fixed suite; --cases does not apply\n", h->unit);
        return 2;
    }
    char dir[1024], bin[1200], vcd[1200];
    if (exe_dir(dir, sizeof dir)) {
        fprintf(stderr, "lpcs cosim: cannot find the build directory of this lpcs\n");
        return 1;
    }
    snprintf(bin, sizeof bin, "%s/%s", dir, h->path);
    if (access(bin, X_OK)) {
        fprintf(stderr, "lpcs cosim: the %s harness is not built (looked for %s): run `make %s`\n", h->unit, bin,
                h->make_target);
        return 1;
    }
    const char *args[16];
    int n = 0;
    args[n++] = bin;
    if (cases) args[n++] = h->cases_flag, args[n++] = cases;
    if (seed) args[n++] = "--seed", args[n++] = seed;
    for (int k = 0; fault && k < 4 && h->fault_args[k]; k++) args[n++] = h->fault_args[k];
    if (vcd_dir) {
        if (h->vcd_file) snprintf(vcd, sizeof vcd, "%s/%s", vcd_dir, h->vcd_file);
        else snprintf(vcd, sizeof vcd, "%s", vcd_dir);
        args[n++] = h->vcd_flag, args[n++] = vcd;
    }
    args[n] = NULL;
    /* the harness's stderr is shown and searched for its MISMATCH line */
    int pfd[2];
    if (pipe(pfd)) return 1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) return 1;
    if (pid == 0) {
        dup2(pfd[1], 2);
        close(pfd[0]), close(pfd[1]);
        execv(bin, (char *const *)args);
        _exit(127);
    }
    close(pfd[1]);
    FILE *err = fdopen(pfd[0], "r");
    char line[2048], first[2048] = "";
    while (err && fgets(line, sizeof line, err)) {
        fputs(line, stderr);
        if (!first[0] && strstr(line, "MISMATCH")) snprintf(first, sizeof first, "%s", line);
    }
    if (err) fclose(err);
    int st;
    waitpid(pid, &st, 0);
    int rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
    first[strcspn(first, "\n")] = 0;
    if (fault) {
        if (rc != 0 && first[0]) {
            printf("lpcs cosim %s --fault: planted fault caught: %s\n", h->unit, first);
            return 0;
        }
        printf("lpcs cosim %s --fault: planted fault NOT caught (harness exit %d)\n", h->unit, rc);
        return 1;
    }
    if (rc == 0) printf("lpcs cosim %s: PASS (RTL = golden bit for bit)\n", h->unit);
    else printf("lpcs cosim %s: FAIL (harness exit %d)%s%s\n", h->unit, rc, first[0] ? ": " : "", first);
    return rc == 0 ? 0 : 1;
}
