/*
 * cli.h - the command-line front end: shared options, the subcommand
 * table, and helpers every subcommand uses. Only this layer prints and
 * picks exit codes (0 ok, 1 findings, 2 usage or input error).
 */
#ifndef SG_CLI_H
#define SG_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "../core/tree/fileset.h"
#include "../core/tree/model.h"
#include "../data/data.h"
#include "../run/run.h"
#include "../views/views.h"
#include "config.h"

#include <stdint.h>

/* --semantics procps-3.3 and procps-4: procps with its version given
 * (sg_cli_semantics splits them into the semantics and the version). */
enum { SG_CLI_PROCPS_3 = 16, SG_CLI_PROCPS_4 };

struct sg_cli {
    const char *prog;
    const char *cmd; /* the subcommand (sg_cli_parse), for messages */
    const char *root;
    const char *kernel;
    enum sg_semantics semantics;
    const struct sg_view *view; /* --format (views.h); NULL: the first */
    bool live;
    bool dry_run; /* fix: print the diff, change nothing */
    bool backup;  /* fix: keep FILE.bak */
    int emit; /* plan: 1 + the row of sg_plan_engines (plan/plan.h); 0: none */
    bool no_color;        /* --no-color */
    bool quiet;           /* --quiet */
    bool verbose;         /* --verbose */
    const char *host;     /* --host */
    const char *baseline; /* report --baseline */
    const char *output;   /* report --output */
    int color_when;       /* --color: auto, always, never */
    bool help;            /* --help */
    bool color;           /* decided from --color, NO_COLOR, TERM, isatty */
    int width;            /* text wraps at this column: the terminal's, or 80 */
    enum sg_severity fail_on;
    const char *profiles[SG_MAX_LIST];
    size_t n_profiles;
    const char *disabled[SG_MAX_LIST]; /* --disable */
    size_t n_disabled;
    const char *enabled[SG_MAX_LIST]; /* --enable: wins over a disable */
    size_t n_enabled;
    const char *policies[SG_MAX_LIST];
    size_t n_policies;
    const char *config_file; /* --config */
    bool no_config;          /* --no-config */
    uint64_t given;          /* the options given, by row of the table */
    /* The project configuration (config.h; path NULL: none), applied:
     * SET is what the command line and it amount to for the tree (the
     * command line wins; disabled rules add up, --enable takes one back),
     * as fail_on and policies above are; EACH, when its overrides name
     * paths, what each FILE argument gets. KERNEL, PROFILES and DISABLED
     * above stay what the command line gave. */
    struct sg_config config;
    struct sg_settings set;
    bool profiles_from_config;
    struct sg_settings *each;
    struct sg_data data; /* the lens, policies, catalog (data.h) */
    char **args;         /* positional arguments after the options */
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
/* The semantics --semantics names, and procps's version (3, 4; 0: the
 * tree's own) into *PROCPS. */
enum sg_semantics sg_cli_semantics(const struct sg_cli *cli, int *procps);
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
int sg_cmd_list_rules(struct sg_cli *cli);
int sg_cmd_report(struct sg_cli *cli);

/* Load the policies the command line names (default: the policy
 * directory) with its profiles (data.h sg_data_policies). Prints
 * problems; returns 0 or SG_EXIT_ERROR. */
struct sg_policies;
int sg_cli_load_policies(const struct sg_cli *cli, const char *const *paths,
                         size_t n, struct sg_policies *ps);

#endif
