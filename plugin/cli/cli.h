/*
 * cli.h - the command-line front end: shared options, the subcommand
 * table, and helpers every subcommand uses. Only this layer prints and
 * picks exit codes (0 ok, 1 findings, 2 usage or input error).
 */
#ifndef SG_CLI_H
#define SG_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "../core/fileset.h"
#include "../core/model.h"
#include "../run/run.h"
#include "../views/views.h"

enum sg_emit {
    SG_EMIT_NONE,
    SG_EMIT_SH,
    SG_EMIT_ANSIBLE,       /* a playbook */
    SG_EMIT_ANSIBLE_TASKS, /* a task list to include */
    SG_EMIT_SALT,          /* an SLS */
};

#define SG_MAX_LIST 32

struct sg_cli {
    const char *prog;
    const char *root;
    const char *kernel;
    enum sg_semantics semantics;
    const struct sg_view *view; /* --format (views.h); NULL: the first */
    bool live;
    bool dry_run;      /* fix: print the diff, change nothing */
    bool backup;       /* fix: keep FILE.bak */
    enum sg_emit emit; /* plan */
    bool no_color;     /* --no-color */
    bool help;         /* --help */
    bool color;        /* decided from --no-color, NO_COLOR and isatty */
    enum sg_severity fail_on;
    const char *profiles[SG_MAX_LIST];
    size_t n_profiles;
    const char *policies[SG_MAX_LIST];
    size_t n_policies;
    char *lensdir;
    char *policydir;   /* the default policies and the schema */
    char *catalogdir;  /* the kernel key catalog */
    bool validate_all; /* validate even the shipped policies (policy
                          validate); else their built-in bytes are trusted */
    char **args;       /* positional arguments after the options */
    int n_args;
};

/* Parse the options of subcommand CMD (argv[0] is CMD) from the options
 * table in main.c: an option or a --format another command takes is a
 * usage error naming the commands it belongs to. Prints usage errors
 * itself; returns 0, or SG_EXIT_ERROR, or -1 after --help. */
int sg_cli_parse(struct sg_cli *cli, const char *cmd, int argc, char **argv);
void sg_cli_free(struct sg_cli *cli);

/* Model options from the parsed command line. */
void sg_cli_model_opts(const struct sg_cli *cli, struct sg_model_opts *o);
/* What the command line asks a run (run.h) of MODE to do. */
void sg_cli_run_opts(const struct sg_cli *cli, enum sg_run_mode mode,
                     struct sg_run_opts *o);
/* What the views are told: colour, the preview, fail_on, the profiles,
 * the state's name (the root or the fragments; allocated into *NAME). */
void sg_cli_view_opts(const struct sg_cli *cli, struct sg_view_opts *o,
                      char **name);
/* The --format view, the first of the table by default. */
const struct sg_view *sg_cli_view(const struct sg_cli *cli);

int sg_cmd_show(struct sg_cli *cli);
int sg_cmd_check(struct sg_cli *cli);
int sg_cmd_fix(struct sg_cli *cli);
int sg_cmd_plan(struct sg_cli *cli);
int sg_cmd_explain(struct sg_cli *cli);
int sg_cmd_policy(struct sg_cli *cli);

/* Load the policies the command line names (default: the policy
 * directory). Prints problems; returns 0 or SG_EXIT_ERROR. */
struct sg_policies;
int sg_cli_load_policies(const struct sg_cli *cli, const char *const *paths,
                         size_t n, struct sg_policies *ps);
char *sg_cli_schema(const struct sg_cli *cli);
/* The same, with the problems as diagnostics in D; 0 or -1. */
int sg_cli_policies(const struct sg_cli *cli, const char *const *paths,
                    size_t n, struct sg_policies *ps, struct sg_diags *d);

/* The built-in lens and policies, written to a private directory (with
 * subdirectories lenses/ and policies/) the first time this is called and
 * removed at exit (embedded.c); NULL if that failed. */
const char *sg_embedded_datadir(void);

/* The bytes of a file built into the binary (not NUL-terminated), or
 * NULL. */
const char *sg_embedded_text(const char *dir, const char *name, size_t *len);
/* Whether BUF is, byte for byte, the shipped policy named as PATH's last
 * component: the build validated those bytes against the schema
 * (Makefile: xmllint before they are built in). */
bool sg_embedded_trusted(const char *path, const char *buf, size_t len);

struct sg_catalog;
/* The catalog built into the binary (embedded.c). 0 or a negative errno. */
int sg_embedded_catalog(struct sg_catalog *out, struct sg_diags *d);
/* The catalog: SYSCTL_GUARD_CATALOGDIR's when set, else the binary's. */
int sg_cli_catalog(const struct sg_cli *cli, struct sg_catalog *out,
                   struct sg_diags *d);

/* Where the lens and the default policies are (see main.c); 0 or -1. */
int sg_cli_datadirs(struct sg_cli *cli);

/* Ansible binary-module mode (ansible.c): ARG looks like the JSON
 * arguments file Ansible passes, and the module run over it. */
bool sg_ansible_args_file(const char *arg);
int sg_ansible_main(const char *args_path);

#endif
