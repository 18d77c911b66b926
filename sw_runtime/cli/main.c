/* build/lpcs: the project's one binary; dispatches to subcommands. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_platform.h"
#include "cli/commands.h"
#include "cli/version.h"

int cli_register_backends(rt_sched_opts *so, cli_backend_cfg *cfg, const char *cmd) {
    rt_err e = {0, ""};
    memset(cfg, 0, sizeof *cfg);
    dp_default(&cfg->point); /* filled in after the arguments by cli_design_point (cli_common.h) */
    if (rt_sched_register(so, &rt_backend_platform, &cfg->point, &e) ||
        rt_sched_register(so, &rt_backend_rtl, &cfg->rtl, &e)) {
        fprintf(stderr, "lpcs %s: %s\n", cmd, e.msg);
        return 1;
    }
    return 0;
}

typedef struct {
    const char *name;
    int (*fn)(int, char **);
    const char *summary;
} command;

static const command commands[] = {
    {"num", cmd_num, "number formats: encode, decode and compute (golden library)"},
    {"run", cmd_run, "generate text with a model"},
    {"ppl", cmd_ppl, "mean NLL (nats/byte) and perplexity of a model on a text file"},
    {"bench", cmd_bench, "tokens/s and per-op time, backend and bytes"},
    {"sweep", cmd_sweep, "design-space exploration sweep over a grid of design points"},
    {"convert", cmd_convert, "write a llama model as a GGUF file (llama.cpp), weights in a ggml type"},
    {"tokenize", cmd_tokenize, "token ids of a text with the tokenizer of a GGUF file"},
    {"gen-model", cmd_gen_model, "random-weight checkpoint with a public model's shapes (llama2-7b, ...)"},
    {"workload", cmd_workload, "prefill/decode cost of a real model shape (no weights) on design points"},
    {"cosim", cmd_cosim, "a unit's Verilated RTL against its golden model, bit for bit"},
};

static void usage(FILE *out) {
    fprintf(out, "usage: lpcs COMMAND [ARGS...]   (lpcs COMMAND --help for details)\n"
                 "       lpcs --version\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
        printf("lpcs %s (git %s)\n", lpcs_version(), lpcs_git_hash());
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "lpcs: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
