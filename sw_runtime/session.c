#include "session.h"
#include "cuda_resident.h"
#include "exact.h"
#include "kernels/fp_cpu.h"
#include "kernels/pool.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

void rt_common_init(rt_common_opts *o) {
    memset(o, 0, sizeof *o);
    rt_sched_default(&o->sched);
    o->threads = 1;
}

void rt_common_help(FILE *out) {
    fprintf(out,
            "common options:\n"
            "  --plan SPEC        quantization plan, e.g. fp32 (default), mxfp4 (= w=mxfp4),\n"
            "                     w=int4,a=fp8e4m3,kv=bf16, w.ffn=nvfp4, L0.w=fp32, @planfile\n"
            "  --backend NAME     auto (default: cuda, rtl, sim, cpu in priority order), or one\n"
            "                     backend first with cpu as the fallback: cuda, rtl, sim, cpu\n"
            "  --place PAT=BACKEND  place ops matching PAT (op type such as matmul/bitlinear, op\n"
            "                     name such as L0.wq, or a prefix ending in '*') on BACKEND when\n"
            "                     it supports them (repeatable)\n"
            "  --design-point FILE  the simulated hardware (JSON, fields in models/README.md;\n"
            "                     default: lpcs run --print-design-point); its \"plan\" is the\n"
            "                     run's plan unless --plan says otherwise (a different --plan is\n"
            "                     an error); recorded in the report\n"
            "  --print-design-point  print the design point in use (defaults + FILE) and exit\n"
            "  --check            shadow mode: every op placed on sim/rtl/cuda also runs on cpu\n"
            "                     (golden) and must match bit for bit; the first mismatch names\n"
            "                     op, layer, token, buffer and element (rtl: cycles, lane), exit 1\n"
            "  --vcd FILE         rtl: write a waveform of the Verilated units to FILE\n"
            "  --vcd-window A:B   rtl: only clock cycles A..B-1 (a --check mismatch prints the\n"
            "                     window of the failing op)\n"
            "  --strict           fail (exit 1) if an op cannot run on the backend asked for by\n"
            "                     --backend/--place; without it such ops run on cpu, are listed\n"
            "                     on stderr and flagged \"fallback\": true in the report\n"
            "  --report FILE.json write the run report (placement and costs of every op)\n"
            "  --config FILE      config.json of a .safetensors model (default: beside it)\n"
            "  --tokenizer FILE   llama2.c tokenizer or a GGUF's (default: a GGUF model's own,\n"
            "                     else <model>.tok.bin, tok-bytes.bin or tokenizer.bin beside it)\n"
            "  --threads T        run: split matmul rows and attention heads over T threads;\n"
            "                     ppl: evaluate windows on T threads (same bits for any T)\n"
            "  --no-spin          run: idle threads sleep at once instead of spinning briefly\n"
            "                     between ops (for comparisons; same bits)\n"
            "  --exec MODE        exact (default): matmuls whose weight format belongs to a unit\n"
            "                     run in that unit's arithmetic (p4e1/p8e0/p16e1/fp4e2m1 on the\n"
            "                     RMMEC); fake: quantize-dequantize, computed in fp32\n"
            "  --isa NAME         cpu kernels: auto (default), avx512, avx2, portable (same bits)\n"
            "  --quiet            no progress on stderr\n"
            "  -h, --help         this help\n");
}

int rt_common_arg(rt_common_opts *o, int argc, char **argv, int *i, const char *cmd) {
    const char *a = argv[*i];
    const char *const with_val[] = {"--plan",    "--backend",      "--place",        "--report",
                                    "--config",  "--tokenizer",    "--threads",      "--design-point",
                                    "--inject-fault", "--vcd", "--vcd-window", "--isa", "--exec"};
    int k = -1;
    for (int j = 0; j < (int)(sizeof with_val / sizeof *with_val); j++)
        if (!strcmp(a, with_val[j])) k = j;
    if (k < 0) {
        int *flag = !strcmp(a, "--quiet")                ? &o->quiet
                    : !strcmp(a, "--strict")             ? &o->strict
                    : !strcmp(a, "--check")              ? &o->sched.check
                    : !strcmp(a, "--print-design-point") ? &o->print_design_point
                    : !strcmp(a, "--no-spin")            ? &o->no_spin
                                                         : NULL;
        if (flag) *flag = 1;
        return flag != NULL;
    }
    if (*i + 1 >= argc) {
        fprintf(stderr, "lpcs %s: %s needs a value\n", cmd, a);
        return -1;
    }
    const char *v = argv[++*i];
    rt_err e = {0, ""};
    switch (k) {
    case 0: o->plan_spec = v; break;
    case 1:
        if (rt_sched_backend(&o->sched, v, &e)) goto bad;
        break;
    case 2:
        if (rt_sched_place(&o->sched, v, &e)) goto bad;
        break;
    case 3: o->report_path = v; break;
    case 4: o->config_path = v; break;
    case 5: o->tokenizer_path = v; break;
    case 6: {
        char *end;
        long t = strtol(v, &end, 10);
        if (*end || t < 1 || t > 64) {
            fprintf(stderr, "lpcs %s: --threads wants 1..64\n", cmd);
            return -1;
        }
        o->threads = (int)t;
        break;
    }
    case 7: o->design_point_path = v; break;
    case 8: /* testing --check: the sim/rtl backend corrupts op v (shadow.h) */
        if (strlen(v) >= sizeof o->sched.fault_op) {
            fprintf(stderr, "lpcs %s: --inject-fault: op name too long\n", cmd);
            return -1;
        }
        snprintf(o->sched.fault_op, sizeof o->sched.fault_op, "%s", v);
        break;
    case 9: o->vcd_path = v; break;
    case 10: {
        unsigned long long from, to;
        char tail;
        if (sscanf(v, "%llu:%llu%c", &from, &to, &tail) != 2 || to <= from) {
            fprintf(stderr, "lpcs %s: --vcd-window wants FROM:TO clock cycles with FROM < TO, got '%s'\n", cmd, v);
            return -1;
        }
        o->vcd_window[0] = from, o->vcd_window[1] = to;
        break;
    }
    case 11: {
        int isa = kn_isa_parse(v);
        if (isa < 0 || !kn_isa_supported((kn_isa)isa)) {
            fprintf(stderr, "lpcs %s: --isa %s: unknown or not supported by this CPU (auto, avx512, avx2, portable)\n",
                    cmd, v);
            return -1;
        }
        o->sched.cpu_isa_forced = isa + 1;
        break;
    }
    case 12: {
        int m = rt_exec_parse(v);
        if (m < 0) {
            fprintf(stderr, "lpcs %s: --exec wants exact or fake, got '%s'\n", cmd, v);
            return -1;
        }
        o->sched.exec_fake = m == RT_EXEC_FAKE;
        break;
    }
    }
    return 1;
bad:
    fprintf(stderr, "lpcs %s: %s\n", cmd, e.msg);
    return -1;
}

/* Says on stderr (even with --quiet: it changes what the numbers mean) which
 * ops do not run where --backend/--place asked, grouped by reason; 1 if
 * --strict makes that an error. */
static int report_fallbacks(const rt_engine *eng, const rt_common_opts *o, const char *cmd) {
    int n = rt_sched_fallbacks(eng);
    if (!n) return 0;
    fprintf(stderr, "lpcs %s: %s: %d of %d ops do not run on the backend asked for:\n", cmd,
            o->strict ? "error" : "warning", n, eng->n_ops);
    for (int i = 0; i < eng->n_ops; i++) {
        const rt_op *op = &eng->ops[i];
        if (op->requested < 0 || op->requested == op->backend) continue;
        int first = 1, count = 0;
        for (int j = 0; j < eng->n_ops; j++) {
            const rt_op *p = &eng->ops[j];
            if (p->requested < 0 || p->requested == p->backend || strcmp(p->fallback_why, op->fallback_why) ||
                p->backend != op->backend)
                continue;
            if (j < i) first = 0;
            count++;
        }
        if (!first) continue;
        fprintf(stderr, "  %d op%s (first %s) on %s: %s\n", count, count > 1 ? "s" : "", op->name,
                rt_engine_backend_name(eng, op->backend), op->fallback_why);
    }
    if (o->strict) {
        fprintf(stderr, "lpcs %s: --strict: stopping (use --place TYPE=BACKEND to ask for the supported ops only)\n",
                cmd);
        return 1;
    }
    if (!o->quiet)
        fprintf(stderr, "  (--place TYPE=BACKEND asks for the supported op types only; --strict makes this an error)\n");
    return 0;
}

int rt_session_open(rt_session *s, const rt_common_opts *o, const char *cmd) {
    memset(s, 0, sizeof *s);
    rt_err e = {0, ""};
    if (!o->model_path) {
        fprintf(stderr, "lpcs %s: no MODEL given (try --help)\n", cmd);
        return 2;
    }
    if (rt_plan_parse(&s->plan, o->plan_spec, &e)) goto fail_plan;
    if (rt_model_load(&s->model, o->model_path, o->config_path, &e)) goto fail;
    size_t mlen = strlen(o->model_path);
    if (o->tokenizer_path)
        snprintf(s->tok_path, sizeof s->tok_path, "%s", o->tokenizer_path);
    else if (mlen > 5 && !strcmp(o->model_path + mlen - 5, ".gguf")) /* the GGUF's own tokenizer */
        snprintf(s->tok_path, sizeof s->tok_path, "%s", o->model_path);
    else if (!rt_find_beside(o->model_path, ".tok.bin", "tok-bytes.bin", s->tok_path, sizeof s->tok_path) &&
             !rt_find_beside(o->model_path, NULL, "tokenizer.bin", s->tok_path, sizeof s->tok_path)) {
        fprintf(stderr, "lpcs %s: %s: no tokenizer beside it (tok-bytes.bin, tokenizer.bin); give --tokenizer\n",
                cmd, o->model_path);
        rt_model_free(&s->model);
        return 1;
    }
    if (rt_tokenizer_load(&s->tok, s->tok_path, s->model.cfg.vocab, &e)) {
        rt_model_free(&s->model);
        goto fail;
    }
    if (rt_engine_init(&s->eng, &s->model, &s->plan, &o->sched, &e)) {
        rt_tokenizer_free(&s->tok);
        rt_model_free(&s->model);
        goto fail;
    }
    /* ppl / run / bench run the whole model on the GPU when it can take every op */
    if ((!strcmp(cmd, "run") || !strcmp(cmd, "bench") || (!strcmp(cmd, "ppl") && !s->tok.gguf)) &&
        rt_cuda_resident_usable(&s->eng, &o->sched, NULL, 0))
        rt_cuda_resident_claim(&s->eng);
    if (report_fallbacks(&s->eng, o, cmd)) {
        rt_session_close(s);
        return 1;
    }
    if (o->threads > 1 && strcmp(cmd, "ppl") != 0 && rt_engine_set_threads(&s->eng, o->threads, &e)) {
        rt_session_close(s);
        goto fail;
    }
    kn_pool_set_spin(s->eng.pool, !o->no_spin);
    return 0;
fail_plan:
    fprintf(stderr, "lpcs %s: --plan: %s\n", cmd, e.msg);
    return 2;
fail:
    fprintf(stderr, "lpcs %s: %s\n", cmd, e.msg);
    return 1;
}

void rt_session_close(rt_session *s) {
    rt_engine_free(&s->eng);
    rt_tokenizer_free(&s->tok);
    rt_model_free(&s->model);
}

json_t *rt_report_new(const rt_session *s, const rt_common_opts *o, const char *cmd) {
    const rt_model *m = &s->model;
    const rt_config *c = &m->cfg;
    json_t *r = json_object();
    json_object_set_new(r, "command", json_string(cmd));
    json_t *mj = json_object();
    json_object_set_new(mj, "path", json_string(m->path));
    json_object_set_new(mj, "format", json_string(m->format));
    json_object_set_new(mj, "arch", json_string(c->arch == RT_ARCH_LLAMA ? "llama" : "hgrn_bit"));
    json_object_set_new(mj, "dim", json_integer(c->dim));
    json_object_set_new(mj, "hidden", json_integer(c->hidden));
    json_object_set_new(mj, "layers", json_integer(c->n_layers));
    json_object_set_new(mj, "vocab", json_integer(c->vocab));
    json_object_set_new(mj, "params", json_integer((json_int_t)m->n_params));
    json_object_set_new(mj, "tokenizer", json_string(s->tok_path));
    json_object_set_new(r, "model", mj);
    json_object_set_new(r, "plan", json_string(s->plan.text));
    json_object_set_new(r, "exec", json_string(o->sched.exec_fake ? "fake" : "exact"));
    json_t *be = json_array();
    for (int b = 0; b < o->sched.n_backends; b++)
        if (o->sched.backends[b].enabled) json_array_append_new(be, json_string(o->sched.backends[b].iface->name));
    json_object_set_new(r, "backends_enabled", be);
    for (int b = 0; b < s->eng.n_backends; b++) { /* "<name>_model": what stands behind a backend's costs */
        const rt_backend_inst *bi = &s->eng.backends[b];
        char key[48];
        snprintf(key, sizeof key, "%s_model", bi->iface->name);
        if (bi->iface->describe) json_object_set_new(r, key, json_string(bi->iface->describe(bi)));
    }
    json_t *ops = json_array();
    const rt_engine *eng = &s->eng;
    double steps = eng->steps ? (double)eng->steps : 1;
    for (int i = 0; i < eng->n_ops; i++) {
        const rt_op *op = &eng->ops[i];
        json_t *oj = json_object();
        json_object_set_new(oj, "name", json_string(op->name));
        json_object_set_new(oj, "type", json_string(rt_op_type_name(op->type)));
        json_object_set_new(oj, "layer", json_integer(op->layer));
        json_object_set_new(oj, "backend", json_string(rt_engine_backend_name(eng, op->backend)));
        json_object_set_new(oj, "unit", json_string(op->unit ? op->unit : "vector"));
        json_object_set_new(oj, "mode", json_string(op->mode[0] ? op->mode : "fp32"));
        if (op->requested >= 0) {
            json_object_set_new(oj, "requested", json_string(rt_engine_backend_name(eng, op->requested)));
            json_object_set_new(oj, "fallback", json_boolean(op->requested != op->backend));
            if (op->requested != op->backend) json_object_set_new(oj, "fallback_reason", json_string(op->fallback_why));
        }
        if (op->type == OP_MATMUL || op->type == OP_BITLINEAR) {
            json_object_set_new(oj, "rows", json_integer((json_int_t)op->rows));
            json_object_set_new(oj, "cols", json_integer((json_int_t)op->cols));
            json_object_set_new(oj, "weight_format",
                                json_string(op->type == OP_BITLINEAR ? "ternary" : op->qf ? op->qf->name : "fp32"));
        }
        if (op->type == OP_QUANT && op->qf) json_object_set_new(oj, "format", json_string(op->qf->name));
        json_object_set_new(oj, "calls", json_integer((json_int_t)op->st.calls));
        json_object_set_new(oj, "time_ms", json_real(op->st.ns * 1e-6));
        json_object_set_new(oj, "us_per_token", json_real(op->st.ns * 1e-3 / steps));
        json_object_set_new(oj, "bytes", json_real(op->st.bytes));
        json_object_set_new(oj, "macs", json_real(op->st.macs));
        if (eng->backends[op->backend].iface->describe) { /* a backend with a cost model */
            json_object_set_new(oj, "sim_cycles", json_real(op->st.cycles));
            json_object_set_new(oj, "sim_energy_pj", json_real(op->st.energy_pj));
        }
        json_array_append_new(ops, oj);
    }
    json_object_set_new(r, "ops", ops);
    json_object_set_new(r, "fallback_ops", json_integer(rt_sched_fallbacks(eng)));
    json_object_set_new(r, "check", json_boolean(eng->check));
    if (eng->check) json_object_set_new(r, "checked_op_calls", json_integer((json_int_t)eng->checked_ops));
    json_object_set_new(r, "tokens", json_integer((json_int_t)eng->steps));
    return r;
}

int rt_report_write(json_t *report, const char *path, const char *cmd) {
    if (!path) return 0;
    if (json_dump_file(report, path, JSON_INDENT(1) | JSON_PRESERVE_ORDER) != 0) {
        fprintf(stderr, "lpcs %s: cannot write report %s\n", cmd, path);
        return 1;
    }
    return 0;
}

void rt_print_ops(const rt_engine *eng, FILE *out, int with_time) {
    double total = 0, steps = eng->steps ? (double)eng->steps : 1;
    for (int i = 0; i < eng->n_ops; i++) total += eng->ops[i].st.ns;
    fprintf(out, "%-22s %-10s %-8s %10s %6s %12s %12s\n", "op", "type", "backend", "us/token", "time%", "bytes/token",
            "sim_cycles");
    for (int i = 0; i < eng->n_ops; i++) {
        const rt_op *op = &eng->ops[i];
        char be[24];
        snprintf(be, sizeof be, "%s%s", rt_engine_backend_name(eng, op->backend),
                 op->requested >= 0 && op->requested != op->backend ? "*" : "");
        fprintf(out, "%-22s %-10s %-8s %10.2f %6.2f %12.0f %12.0f\n", op->name, rt_op_type_name(op->type), be,
                with_time ? op->st.ns * 1e-3 / steps : 0.0, with_time && total > 0 ? 100.0 * op->st.ns / total : 0.0,
                op->st.bytes / steps, op->st.cycles / steps);
    }
    fprintf(out, "(* = requested backend does not support the op: fell back)\n");
}

void rt_progress_stderr(void *ctx, size_t done, size_t total) {
    (void)ctx;
    /* called by the first thread for each of its windows */
    fprintf(stderr, "\r  window %zu/%zu", done, total);
}
