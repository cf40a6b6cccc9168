/*
 * main.c - entry point: the subcommand table, shared option parsing,
 * usage text generated from the options table, and where the lens lives.
 *
 * Data: `cmd_rows`, the commands (a bit each); `opt_rows`, the options,
 * each bound to a field of struct sg_cli (cli.h) by its offset, with the
 * commands that take it as bits, so that one table gives parsing, the
 * error for an option of another command ("--backup means nothing for
 * check") and every --help; `emits`, --emit's kinds, copied from the plan
 * engines' table at start. Settings are resolved once, in apply_config:
 * the command line over the project configuration (config.h) over the
 * policies' defaults, into cli->set (and cli->each per FILE argument).
 * Costs: parsing is one pass over argv with a scan of the table per
 * option (a few dozen rows); --help prints the table.
 */
#include "cli.h"
#include "../ansible/module.h"
#include "plan/plan.h"
#include "../core/near.h"
#include "../core/util.h"

#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef SG_LENSDIR
#define SG_LENSDIR "/usr/local/share/sysctl-guard/lenses"
#endif
#ifndef SG_POLICYDIR
#define SG_POLICYDIR "/usr/local/share/sysctl-guard/policies"
#endif

/* Which commands an option, a --format or an --emit kind belongs to. */
enum {
    C_CHECK = 1 << 0,
    C_FIX = 1 << 1,
    C_PLAN = 1 << 2,
    C_SHOW = 1 << 3,
    C_EXPLAIN = 1 << 4,
    C_POLICY = 1 << 5,
    C_LIST = 1 << 6, /* list-rules */
    C_REPORT = 1 << 7,
};
#define C_TREE (C_CHECK | C_FIX | C_PLAN | C_SHOW) /* read a tree */
#define C_RULES (C_CHECK | C_FIX | C_PLAN)         /* evaluate rules */

/* One value of an enumerated option, and the commands that accept it. */
struct choice {
    const char *name;
    int value;
    unsigned cmds;
    const char *gloss; /* shown in --help after the name, or NULL */
};

/* --emit's kinds: the plan engines' table (plan/plan.h), copied here as
 * choices (the value: 1 + the row) before the options are read. */
static struct choice emits[SG_PLAN_MAX_ENGINES + 1];

static void emits_fill(void)
{
    for (size_t i = 0; sg_plan_engines[i].name; i++)
        emits[i] = (struct choice){sg_plan_engines[i].name, (int)i + 1, C_PLAN,
                                   sg_plan_engines[i].gloss};
}
static const struct choice semantics[] = {
    {"systemd", SG_SEM_SYSTEMD, C_TREE, NULL},
    {"procps", SG_SEM_PROCPS, C_TREE,
     "`sysctl --system` of the tree's procps (3.3 or 4: its os-release or "
     "dpkg status)"},
    {"procps-3.3", SG_CLI_PROCPS_3, C_TREE, NULL},
    {"procps-4", SG_CLI_PROCPS_4, C_TREE, NULL},
    {NULL, 0, 0, NULL},
};
enum { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };
static const struct choice colors[] = {
    {"auto", COLOR_AUTO, C_CHECK | C_FIX | C_SHOW | C_EXPLAIN,
     "on a terminal that has colour, without NO_COLOR"},
    {"always", COLOR_ALWAYS, C_CHECK | C_FIX | C_SHOW | C_EXPLAIN, NULL},
    {"never", COLOR_NEVER, C_CHECK | C_FIX | C_SHOW | C_EXPLAIN, NULL},
    {NULL, 0, 0, NULL},
};
static const struct choice severities[] = {
    {"error", SG_SEV_ERROR, C_CHECK | C_FIX | C_REPORT, NULL},
    {"warning", SG_SEV_WARNING, C_CHECK | C_FIX | C_REPORT, NULL},
    {"info", SG_SEV_INFO, C_CHECK | C_FIX | C_REPORT, NULL},
    {NULL, 0, 0, NULL},
};

enum opt_type {
    OT_STRING, /* const char * */
    OT_FLAG,   /* bool, set to true */
    OT_LIST,   /* const char *[SG_MAX_LIST] + size_t count after it */
    OT_CHOICE, /* an enum, one of CHOICES */
    OT_VIEW,   /* const struct sg_view *: a row of views.h's table */
};

/* The options table: one row per option, pointing at its field of struct
 * sg_cli; parsing, the usage-error for an option of another command and
 * every --help are generated from it (git's parse-options, in small). */
static const struct opt_row {
    const char *name;
    const char *arg; /* NULL: takes no argument */
    enum opt_type type;
    size_t off;
    size_t count_off;             /* OT_LIST: the count's field */
    const struct choice *choices; /* OT_CHOICE */
    const char *deflt;            /* OT_CHOICE: the default's name */
    unsigned cmds;
    const char *help;
} opt_rows[] = {
#define F(field) offsetof(struct sg_cli, field)
    {"root", "DIR", OT_STRING, F(root), 0, NULL, NULL, C_TREE,
     "evaluate the tree under DIR as if it were /"},
    {"kernel", "VER", OT_STRING, F(kernel), 0, NULL, NULL, C_TREE | C_EXPLAIN,
     "kernel release (default: the running kernel)"},
    {"semantics", "S", OT_CHOICE, F(semantics), 0, semantics, "systemd", C_TREE,
     "whose file order to model"},
    {"format", "F", OT_VIEW, F(view), 0, NULL, NULL, 0, "output format"},
    {"emit", "KIND", OT_CHOICE, F(emit), 0, emits, NULL, C_PLAN,
     "what to write the plan for"},
    {"profile", "NAME", OT_LIST, F(profiles), F(n_profiles), NULL, NULL,
     C_RULES,
     "host role for profile-aware rules, as the policies declare "
     "them (repeatable, or NAME,NAME)"},
    {"policy", "PATH", OT_LIST, F(policies), F(n_policies), NULL, NULL,
     C_RULES | C_EXPLAIN | C_LIST,
     "policy file or directory (repeatable; default: the shipped ones)"},
    {"disable", "RULE", OT_LIST, F(disabled), F(n_disabled), NULL, NULL,
     C_RULES,
     "turn rule RULE off (repeatable, or RULE,RULE; list-rules "
     "lists them)"},
    {"enable", "RULE", OT_LIST, F(enabled), F(n_enabled), NULL, NULL, C_RULES,
     "turn rule RULE on, over a --disable"},
    {"fail-on", "LEVEL", OT_CHOICE, F(fail_on), 0, severities, "warning",
     C_CHECK | C_FIX | C_REPORT,
     "exit 1 on findings at or over this severity (fix: left after it; "
     "report: new ones, with --baseline)"},
    {"host", "NAME", OT_STRING, F(host), 0, NULL, NULL, C_CHECK,
     "json: record the host's name, for report"},
    {"baseline", "FILE", OT_STRING, F(baseline), 0, NULL, NULL, C_REPORT,
     "an earlier report --format json: what is new, fixed, unchanged"},
    {"output", "PATH", OT_STRING, F(output), 0, NULL, NULL, C_REPORT | C_PLAN,
     "write to the file PATH (atomically) instead of stdout; plan --emit "
     "salt: the directory PATH (init.sls and the files it copies)"},
    {"dry-run", NULL, OT_FLAG, F(dry_run), 0, NULL, NULL, C_FIX,
     "print the unified diff, change nothing"},
    {"backup", NULL, OT_FLAG, F(backup), 0, NULL, NULL, C_FIX,
     "keep the old file as FILE.bak"},
    {"live", NULL, OT_FLAG, F(live), 0, NULL, NULL, C_TREE,
     "also read <root>/proc/sys: drift and keys the kernel lacks"},
    {"quiet", NULL, OT_FLAG, F(quiet), 0, NULL, NULL, C_CHECK,
     "text: one line per finding (file:line: severity: title [rule]), and "
     "nothing at all when there is nothing to report"},
    {"color", "WHEN", OT_CHOICE, F(color_when), 0, colors, "auto",
     C_CHECK | C_FIX | C_SHOW | C_EXPLAIN, "colour the output"},
    {"no-color", NULL, OT_FLAG, F(no_color), 0, NULL, NULL,
     C_CHECK | C_FIX | C_SHOW | C_EXPLAIN,
     "never colour the output (as "
     "--color never)"},
    {"config", "FILE", OT_STRING, F(config_file), 0, NULL, NULL,
     C_TREE | C_EXPLAIN | C_LIST,
     "the project configuration (default: " SG_CONFIG_NAME
     " in the current directory or the nearest one above it, up to the "
     "repository's top)"},
    {"no-config", NULL, OT_FLAG, F(no_config), 0, NULL, NULL,
     C_TREE | C_EXPLAIN | C_LIST, "read no project configuration"},
    {"help", NULL, OT_FLAG, F(help), 0, NULL, NULL, ~0u, "show this help"},
#undef F
};
#define N_OPTS (sizeof(opt_rows) / sizeof(*opt_rows))

_Static_assert(N_OPTS <= 64, "struct sg_cli's given has a bit per row");
_Static_assert(sizeof(enum sg_semantics) == sizeof(int) &&
                   sizeof(enum sg_severity) == sizeof(int),
               "OT_CHOICE fields are stored as int");

static const struct cmd_row {
    const char *name;
    unsigned bit;
    const char *args;
    const char *summary;
    int (*run)(struct sg_cli *);
} cmd_rows[] = {
    {"check", C_CHECK, "[OPTIONS] [FILE...]",
     "findings for the tree, or for these files each on its own", sg_cmd_check},
    {"fix", C_FIX, "[OPTIONS] [FILE...]",
     "apply the fix-ups in place (--dry-run: print the diff)", sg_cmd_fix},
    {"plan", C_PLAN, "--emit KIND [OPTIONS]",
     "the fix-ups for Ansible, Salt, sh or git apply", sg_cmd_plan},
    {"show", C_SHOW, "[OPTIONS] [KEY...]",
     "effective configuration with provenance", sg_cmd_show},
    {"explain", C_EXPLAIN, "[OPTIONS] KEY|RULE",
     "the guidance per kernel version, with references; what the kernel key "
     "catalog knows of a key",
     sg_cmd_explain},
    {"policy", C_POLICY, "validate FILE...",
     "schema and semantic check of policies", sg_cmd_policy},
    {"list-rules", C_LIST, "[OPTIONS]",
     "the rules of the policies: id, severity, pack, title", sg_cmd_list_rules},
    {"report", C_REPORT, "[OPTIONS] RESULT...",
     "one report for many hosts' results (check --format json, the Ansible "
     "module, Ansible's json callback, Salt's JSON output; files or "
     "directories): by finding, by kernel, by host, since a baseline",
     sg_cmd_report},
};
#define N_CMDS (sizeof(cmd_rows) / sizeof(*cmd_rows))

/* Whether view V is one of the formats of a command in CMDS. */
static bool view_for(const struct sg_view *v, unsigned cmds)
{
    return ((cmds & C_CHECK) && v->check) || ((cmds & C_FIX) && v->fix) ||
           ((cmds & C_SHOW) && v->show) || ((cmds & C_LIST) && v->rules) ||
           ((cmds & C_REPORT) && v->report);
}

/* The commands that take option O: for --format, those some view is for. */
static unsigned row_cmds(const struct opt_row *o)
{
    unsigned cmds = o->cmds;
    for (const struct sg_view *v = sg_views; o->type == OT_VIEW && v->name; v++)
        for (unsigned bit = C_CHECK; bit <= C_REPORT; bit <<= 1)
            if (view_for(v, bit))
                cmds |= bit;
    return cmds;
}

/* "a, b or c" of the views CMDS takes, glossed when GLOSS. */
static void view_list(struct sg_buf *b, unsigned cmds, bool gloss)
{
    size_t n = 0, k = 0;
    for (const struct sg_view *v = sg_views; v->name; v++)
        n += view_for(v, cmds);
    for (const struct sg_view *v = sg_views; v->name; v++) {
        if (!view_for(v, cmds))
            continue;
        sg_buf_printf(b, "%s%s",
                      k == 0       ? ""
                      : k + 1 == n ? " or "
                                   : ", ",
                      v->name);
        if (gloss && v == sg_views)
            sg_buf_printf(b, " (default)");
        else if (gloss && v->gloss)
            sg_buf_printf(b, " (%s)", v->gloss);
        k++;
    }
}

/* "a, b or c" of the choices CMDS accepts, glossed when GLOSS. */
static void choice_list(struct sg_buf *b, const struct choice *cs,
                        unsigned cmds, const char *deflt, bool gloss)
{
    size_t n = 0, k = 0;
    for (const struct choice *c = cs; c->name; c++)
        n += (c->cmds & cmds) != 0;
    for (const struct choice *c = cs; c->name; c++) {
        if (!(c->cmds & cmds))
            continue;
        sg_buf_printf(b, "%s%s",
                      k == 0       ? ""
                      : k + 1 == n ? " or "
                                   : ", ",
                      c->name);
        if (gloss && deflt && strcmp(c->name, deflt) == 0)
            sg_buf_printf(b, " (default)");
        else if (gloss && c->gloss)
            sg_buf_printf(b, " (%s)", c->gloss);
        k++;
    }
}

/* TEXT from column COL on, wrapped at 79 columns and indented by INDENT. */
static void wrap(FILE *f, int col, int indent, const char *text)
{
    while (*text) {
        size_t w = strcspn(text, " ");
        if (col > indent && col + 1 + (int)w > 79) {
            fprintf(f, "\n%*s", indent, "");
            col = indent;
        } else if (col > indent) {
            fputc(' ', f);
            col++;
        }
        col += fprintf(f, "%.*s", (int)w, text);
        text += w;
        text += strspn(text, " ");
    }
    fputc('\n', f);
}

/* "  LEFT  TEXT", TEXT wrapped under itself. */
static void print_row(FILE *f, const char *left, int width, const char *text)
{
    int col = fprintf(f, "  %-*s ", width, left), indent = width + 3;
    if (col > indent) {
        fprintf(f, "\n%*s", indent, "");
        col = indent;
    }
    wrap(f, col, indent, text);
}

static void print_options(FILE *f, unsigned cmds, bool name_cmds)
{
    for (size_t i = 0; i < N_OPTS; i++) {
        const struct opt_row *o = &opt_rows[i];
        if (!(row_cmds(o) & cmds))
            continue;
        char left[40];
        struct sg_buf b = {0};
        snprintf(left, sizeof(left), "--%s%s%s", o->name, o->arg ? " " : "",
                 o->arg ? o->arg : "");
        sg_buf_printf(&b, "%s", o->help);
        if (o->choices) {
            sg_buf_printf(&b, ": ");
            choice_list(&b, o->choices, cmds, o->deflt, true);
        } else if (o->type == OT_VIEW) {
            sg_buf_printf(&b, ": ");
            view_list(&b, cmds, true);
        }
        if (name_cmds && o->cmds != ~0u) {
            const char *sep = " [";
            for (size_t c = 0; c < N_CMDS; c++)
                if (row_cmds(o) & cmd_rows[c].bit) {
                    sg_buf_printf(&b, "%s%s", sep, cmd_rows[c].name);
                    sep = ", ";
                }
            sg_buf_printf(&b, "]");
        }
        print_row(f, left, 22, b.v ? b.v : "");
        free(b.v);
    }
}

static void usage(FILE *f, const char *prog)
{
    fprintf(f,
            "usage: %s COMMAND [OPTIONS] [ARGS]\n\n"
            "Tells whether a Linux machine's persistent sysctl configuration "
            "is safe\nfor the kernel it runs, reading /etc/sysctl.conf and "
            "every sysctl.d\ndirectory with systemd-sysctl's (or procps') "
            "precedence.\n\ncommands:\n",
            prog);
    for (size_t i = 0; i < N_CMDS; i++) {
        char left[64];
        snprintf(left, sizeof(left), "%-7s %s", cmd_rows[i].name,
                 cmd_rows[i].args);
        print_row(f, left, 29, cmd_rows[i].summary);
    }
    print_row(f, "ARGS.json", 29,
              "as the Ansible module sysctl_guard: ARGS.json is the "
              "arguments file");
    fprintf(f, "\noptions [the commands that take them]:\n");
    print_options(f, ~0u, true);
    fprintf(f,
            "\n'%s COMMAND --help' lists one command's options.\n"
            "exit status: 0 ok, 1 findings, 2 usage or input error\n"
            "configuration: " SG_CONFIG_NAME " (--config, --no-config; "
            "see sysctl-guard(1))\n"
            "environment: NO_COLOR and TERM=dumb turn colour off (see "
            "--color);\nSYSCTL_GUARD_LENSDIR, SYSCTL_GUARD_POLICYDIR and "
            "SYSCTL_GUARD_CATALOGDIR\noverride the lens, policy and kernel "
            "key catalog directories.\n",
            prog);
}

static void cmd_usage(FILE *f, const char *prog, const struct cmd_row *c)
{
    fprintf(f, "usage: %s %s %s\n\n", prog, c->name, c->args);
    wrap(f, 0, 0, c->summary);
    fprintf(f, "\noptions:\n");
    print_options(f, c->bit, false);
    fprintf(f, "\nexit status: 0 ok, 1 findings, 2 usage or input error\n");
}

/* Colour: --color always or never if given (--no-color is never); else
 * only on a terminal that has it (TERM set and not "dumb") and without
 * NO_COLOR (https://no-color.org). */
static bool want_color(const struct sg_cli *cli)
{
    const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
    if (cli->no_color || cli->color_when == COLOR_NEVER)
        return false;
    if (cli->color_when == COLOR_ALWAYS)
        return true;
    return !(nc && *nc) && term && *term && strcmp(term, "dumb") != 0 &&
           isatty(STDOUT_FILENO);
}

/* The columns text is wrapped at: the terminal's, else 80. */
static int text_width(void)
{
    struct winsize ws;
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
        ws.ws_col >= 20)
        return ws.ws_col;
    return 80;
}

/* The commands that take option O, for a message: "fix" or "check, fix". */
static void cmds_of(struct sg_buf *b, unsigned cmds)
{
    size_t n = 0, k = 0;
    for (size_t c = 0; c < N_CMDS; c++)
        n += (cmds & cmd_rows[c].bit) != 0;
    for (size_t c = 0; c < N_CMDS; c++)
        if (cmds & cmd_rows[c].bit)
            sg_buf_printf(b, "%s%s",
                          k++ == 0 ? ""
                          : k == n ? " and "
                                   : ", ",
                          cmd_rows[c].name);
}

/* Set option O of command C from ARG. 0, or SG_EXIT_ERROR after saying
 * why. */
static int set_option(struct sg_cli *cli, const struct cmd_row *c,
                      const struct opt_row *o, char *arg)
{
    char *field = (char *)cli + o->off;

    cli->given |= UINT64_C(1) << (o - opt_rows);
    if (!(row_cmds(o) & c->bit)) {
        struct sg_buf b = {0};
        cmds_of(&b, row_cmds(o));
        fprintf(stderr, "%s %s: --%s means nothing for %s (an option of %s)\n",
                cli->prog, c->name, o->name, c->name, b.v ? b.v : "none");
        free(b.v);
        return SG_EXIT_ERROR;
    }
    switch (o->type) {
    case OT_STRING:
        *(const char **)field = arg;
        return 0;
    case OT_FLAG:
        *(bool *)field = true;
        return 0;
    case OT_LIST: {
        const char **v = (const char **)field;
        size_t *n = (size_t *)((char *)cli + o->count_off);
        /* "--profile server,nat" and repeated --profile both work; a
         * policy path may hold a comma. */
        bool split = o->off == offsetof(struct sg_cli, profiles) ||
                     o->off == offsetof(struct sg_cli, disabled) ||
                     o->off == offsetof(struct sg_cli, enabled);
        for (char *save = NULL, *t = split ? strtok_r(arg, ",", &save) : arg; t;
             t = split ? strtok_r(NULL, ",", &save) : NULL) {
            if (*n == SG_MAX_LIST) {
                fprintf(stderr, "%s %s: more than %d --%s\n", cli->prog,
                        c->name, SG_MAX_LIST, o->name);
                return SG_EXIT_ERROR;
            }
            v[(*n)++] = t;
        }
        return 0;
    }
    case OT_VIEW:
        for (const struct sg_view *v = sg_views; v->name; v++)
            if (view_for(v, c->bit) && strcmp(v->name, arg) == 0) {
                *(const struct sg_view **)field = v;
                return 0;
            }
        struct sg_buf vb = {0};
        view_list(&vb, c->bit, false);
        fprintf(stderr, "%s %s: --%s must be %s, not \"%s\"\n", cli->prog,
                c->name, o->name, vb.v ? vb.v : "", sg_vis(arg));
        free(vb.v);
        return SG_EXIT_ERROR;
    case OT_CHOICE:
        for (const struct choice *ch = o->choices; ch->name; ch++)
            if ((ch->cmds & c->bit) && strcmp(ch->name, arg) == 0) {
                *(int *)field = ch->value;
                return 0;
            }
        struct sg_buf b = {0};
        choice_list(&b, o->choices, c->bit, NULL, false);
        fprintf(stderr, "%s %s: --%s must be %s, not \"%s\"\n", cli->prog,
                c->name, o->name, b.v ? b.v : "", sg_vis(arg));
        free(b.v);
        return SG_EXIT_ERROR;
    }
    return SG_EXIT_ERROR;
}

/* Whether option NAME was given, and whether command C takes it. */
static bool given(const struct sg_cli *cli, const char *name)
{
    for (size_t i = 0; i < N_OPTS; i++)
        if (strcmp(opt_rows[i].name, name) == 0)
            return cli->given & (UINT64_C(1) << i);
    return false;
}

static bool takes(const struct cmd_row *c, const char *name)
{
    for (size_t i = 0; i < N_OPTS; i++)
        if (strcmp(opt_rows[i].name, name) == 0)
            return row_cmds(&opt_rows[i]) & c->bit;
    return false;
}

/* What the configuration's settings S and the command line amount to:
 * the command line's kernel and profiles win, disabled rules add up, and
 * --enable takes one back out. */
static void merge(const struct sg_cli *cli, const struct sg_settings *s,
                  struct sg_settings *e)
{
    memset(e, 0, sizeof(*e));
    e->kernel = given(cli, "kernel") ? cli->kernel : s->kernel;
    if (given(cli, "profile") || !s->n_profiles) {
        memcpy(e->profiles, cli->profiles, sizeof(e->profiles));
        e->n_profiles = cli->n_profiles;
    } else {
        memcpy(e->profiles, s->profiles, sizeof(e->profiles));
        e->n_profiles = s->n_profiles;
    }
    for (size_t i = 0; i < s->n_disabled + cli->n_disabled; i++) {
        const char *id = i < s->n_disabled ? s->disabled[i]
                                           : cli->disabled[i - s->n_disabled];
        bool enabled = false;
        for (size_t j = 0; j < cli->n_enabled && !enabled; j++)
            enabled = strcmp(id, cli->enabled[j]) == 0;
        if (!enabled)
            sg_settings_disable(e, id);
    }
}

/* Read the project configuration (config.h) and apply it under what the
 * command line says. 0, or SG_EXIT_ERROR after saying why. */
static int apply_config(struct sg_cli *cli, const struct cmd_row *c)
{
    struct sg_settings none = {0}, set;
    char *err = NULL;
    bool fragments = cli->n_args > 0 && (c->bit & (C_CHECK | C_FIX));

    /* A configuration found by searching governs the FILE arguments
     * below it, or explain and list-rules; a run on a root reads only
     * --config FILE (config.h). */
    struct sg_config_find find = {
        .explicit_path = cli->config_file,
        .search = fragments || (c->bit & (C_EXPLAIN | C_LIST)),
        .files = fragments ? cli->args : NULL,
        .n_files = fragments ? (size_t)cli->n_args : 0,
    };
    char *note = NULL;
    if (!cli->no_config &&
        sg_config_load(&find, &cli->config, &err, &note) < 0) {
        fprintf(stderr, "%s %s: %s\n", cli->prog, c->name, err);
        free(err);
        return SG_EXIT_ERROR;
    }
    if (note)
        fprintf(stderr, "%s %s: note: %s\n", cli->prog, c->name, note);
    free(note);
    const struct sg_config *cf = &cli->config;
    if (!cf->path) {
        set = none;
    } else {
        sg_config_for(cf, fragments ? NULL : cli->root, &set);
        if (!given(cli, "fail-on") && takes(c, "fail-on") && cf->fail_on)
            for (const struct choice *ch = severities; ch->name; ch++)
                if (strcmp(ch->name, cf->fail_on) == 0)
                    cli->fail_on = ch->value;
        /* Its policies come besides the shipped ones; --policy replaces
         * both. */
        if (!given(cli, "policy") && takes(c, "policy") && cf->n_policies) {
            if (cf->n_policies + 1 > SG_MAX_LIST) {
                fprintf(stderr,
                        "%s %s: %s: \"policy\" has more than %d "
                        "entries\n",
                        cli->prog, c->name, cf->path, SG_MAX_LIST - 1);
                return SG_EXIT_ERROR;
            }
            cli->policies[cli->n_policies++] = cli->data.policydir;
            for (size_t i = 0; i < cf->n_policies; i++)
                cli->policies[cli->n_policies++] = cf->policies[i];
        }
    }
    merge(cli, &set, &cli->set);
    if (!takes(c, "kernel"))
        cli->set.kernel = cli->kernel;
    if (!takes(c, "profile")) {
        memcpy(cli->set.profiles, cli->profiles, sizeof(cli->profiles));
        cli->set.n_profiles = cli->n_profiles;
    }
    cli->profiles_from_config =
        takes(c, "profile") && !given(cli, "profile") && cli->set.n_profiles;
    if (!fragments || !cf->n_overrides)
        return 0;
    /* Each FILE argument with the overrides for its path. */
    cli->each = calloc((size_t)cli->n_args, sizeof(*cli->each));
    if (!cli->each) {
        fprintf(stderr, "%s: out of memory\n", cli->prog);
        return SG_EXIT_ERROR;
    }
    for (int i = 0; i < cli->n_args; i++) {
        sg_config_for(cf, cli->args[i], &set);
        merge(cli, &set, &cli->each[i]);
    }
    return 0;
}

/* "unknown option --rot; did you mean --root?": the nearest option
 * command C takes. */
static void unknown_option(const struct sg_cli *cli, const struct cmd_row *c,
                           const char *word)
{
    const char *names[N_OPTS];
    char *name = strdup(word);
    char *eq = name ? strchr(name, '=') : NULL;
    if (eq)
        *eq = '\0';
    for (size_t i = 0; i < N_OPTS; i++)
        names[i] = row_cmds(&opt_rows[i]) & c->bit ? opt_rows[i].name : NULL;
    const char *near = name && strncmp(name, "--", 2) == 0
                           ? sg_near(name + 2, names, N_OPTS)
                           : NULL;
    fprintf(stderr, "%s %s: unknown option \"%s\"%s%s%s\n", cli->prog, c->name,
            sg_vis(word), near ? "; did you mean --" : "", near ? near : "",
            near ? "?" : "");
    free(name);
}

int sg_cli_parse(struct sg_cli *cli, const char *cmd, int argc, char **argv)
{
    struct option lopts[N_OPTS + 1];
    const struct cmd_row *row = NULL;
    int c;

    for (size_t i = 0; i < N_CMDS; i++)
        if (strcmp(cmd_rows[i].name, cmd) == 0)
            row = &cmd_rows[i];
    if (!row)
        return SG_EXIT_ERROR;
    memset(lopts, 0, sizeof(lopts));
    for (size_t i = 0; i < N_OPTS; i++) {
        lopts[i].name = opt_rows[i].name;
        lopts[i].has_arg = opt_rows[i].arg ? 1 : 0;
        lopts[i].val = 256 + (int)i;
    }
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "hq", lopts, NULL)) != -1) {
        if (c == 'h') {
            cli->help = true;
        } else if (c == 'q') { /* -q is --quiet */
            for (size_t i = 0; i < N_OPTS; i++)
                if (strcmp(opt_rows[i].name, "quiet") == 0 &&
                    set_option(cli, row, &opt_rows[i], NULL))
                    return SG_EXIT_ERROR;
        } else if (c >= 256 && c < 256 + (int)N_OPTS) {
            int r = set_option(cli, row, &opt_rows[c - 256], optarg);
            if (r)
                return r;
        } else {
            /* In a cluster ("-xy") optind has not moved on: name the
             * letter, not the word before it. */
            if (optopt >= 256 && optopt < 256 + (int)N_OPTS)
                fprintf(stderr, "%s %s: --%s needs a value (%s)\n", cli->prog,
                        cmd, opt_rows[optopt - 256].name,
                        opt_rows[optopt - 256].arg);
            else if (optopt > 0 && optopt < 128)
                fprintf(stderr, "%s %s: unknown option \"-%c\"\n", cli->prog,
                        cmd, optopt);
            else
                unknown_option(cli, row, argv[optind - 1]);
            fprintf(stderr, "Try '%s %s --help'.\n", cli->prog, cmd);
            return SG_EXIT_ERROR;
        }
        if (cli->help) {
            cmd_usage(stdout, cli->prog, row);
            return -1;
        }
    }
    if (cli->root) {
        struct stat st;
        int se = stat(cli->root, &st) < 0 ? errno : 0;
        if (se || !S_ISDIR(st.st_mode)) {
            fprintf(stderr, "%s %s: --root %s: %s\n", cli->prog, cmd, cli->root,
                    se ? strerror(se) : "not a directory");
            return SG_EXIT_ERROR;
        }
    }
    cli->args = argv + optind;
    cli->n_args = argc - optind;
    /* FILE arguments have no root, so no <root>/proc/sys to read. */
    if (cli->live && cli->n_args > 0 &&
        (strcmp(cmd, "check") == 0 || strcmp(cmd, "fix") == 0)) {
        fprintf(stderr,
                "%s %s: --live reads <root>/proc/sys, and FILE arguments "
                "are checked without a root: use --root DIR --live, or no "
                "--live\n",
                cli->prog, cmd);
        return SG_EXIT_ERROR;
    }
    /* show takes keys; a path would be looked up as a key and found
     * nowhere. */
    for (int i = 0; strcmp(cmd, "show") == 0 && i < cli->n_args; i++) {
        const char *a = cli->args[i];
        if (a[0] == '/' || a[0] == '.' ||
            (sg_str_has_suffix(a, ".conf") &&
             (strchr(a, '/') || access(a, F_OK) == 0))) {
            fprintf(stderr,
                    "%s show: \"%s\" is a path, and show takes keys "
                    "(net.ipv4.tcp_tw_reuse); to see what a tree sets, use "
                    "--root DIR\n",
                    cli->prog, sg_vis(a));
            return SG_EXIT_ERROR;
        }
    }
    cli->color = want_color(cli);
    cli->width = text_width();
    if (sg_data_find(&cli->data) < 0) {
        fprintf(stderr, "%s: %s\n", cli->prog,
                cli->data.problem ? cli->data.problem : "out of memory");
        return SG_EXIT_ERROR;
    }
    return apply_config(cli, row);
}

void sg_cli_free(struct sg_cli *cli)
{
    sg_config_free(&cli->config);
    free(cli->each);
    sg_data_free(&cli->data);
}

const struct sg_view *sg_cli_view(const struct sg_cli *cli)
{
    return cli->view ? cli->view : &sg_views[0];
}

void sg_cli_run_opts(const struct sg_cli *cli, enum sg_run_mode mode,
                     struct sg_run_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->mode = mode;
    o->root = cli->root;
    o->fragments = cli->args;
    o->n_fragments = cli->n_args > 0 ? (size_t)cli->n_args : 0;
    o->each = cli->each;
    o->set = cli->set;
    o->semantics = sg_cli_semantics(cli, &o->procps);
    o->live = cli->live;
    o->lensdir = cli->data.lensdir;
    o->fail_on = cli->fail_on;
    o->backup = cli->backup;
    o->edits = sg_cli_view(cli)->spans;
}

void sg_cli_view_opts(const struct sg_cli *cli, struct sg_view_opts *o,
                      char **name)
{
    struct sg_buf b = {0};
    memset(o, 0, sizeof(*o));
    o->err = stderr;
    o->color = cli->color;
    o->width = cli->width;
    o->host = cli->host;
    o->quiet = cli->quiet;
    o->preview = cli->dry_run;
    o->fail_on = cli->fail_on;
    o->profiles = cli->set.profiles;
    o->n_profiles = cli->set.n_profiles;
    o->prog = cli->prog;
    o->keys = cli->args;
    o->n_keys = cli->n_args > 0 ? (size_t)cli->n_args : 0;
    /* A Salt state's name: the root, or the fragments checked. */
    if (!cli->n_args)
        sg_buf_printf(&b, "%s", cli->root ? cli->root : "/");
    for (int i = 0; i < cli->n_args; i++)
        sg_buf_printf(&b, "%s%s", i ? " " : "", cli->args[i]);
    *name = b.v ? b.v : strdup("");
    o->name = *name;
}

enum sg_semantics sg_cli_semantics(const struct sg_cli *cli, int *procps)
{
    int s = (int)cli->semantics;
    *procps = s == SG_CLI_PROCPS_3 ? 3 : s == SG_CLI_PROCPS_4 ? 4 : 0;
    return *procps ? SG_SEM_PROCPS : cli->semantics;
}

void sg_cli_model_opts(const struct sg_cli *cli, struct sg_model_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->root = cli->root;
    o->kernel = cli->set.kernel;
    o->semantics = sg_cli_semantics(cli, &o->procps);
    o->lensdir = cli->data.lensdir;
    o->live = cli->live;
}

int main(int argc, char **argv)
{
    struct sg_cli cli = {.prog = "sysctl-guard", .fail_on = SG_SEV_WARNING};
    int r;

    emits_fill();
    if (argc < 2) {
        usage(stderr, cli.prog);
        return SG_EXIT_ERROR;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout, cli.prog);
        return SG_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0 ||
        strcmp(argv[1], "version") == 0) {
        printf("sysctl-guard %s\n", SG_VERSION);
        return SG_EXIT_OK;
    }
    for (size_t i = 0; i < N_CMDS; i++) {
        if (strcmp(argv[1], cmd_rows[i].name) != 0)
            continue;
        r = sg_cli_parse(&cli, argv[1], argc - 1, argv + 1);
        if (r == 0)
            r = cmd_rows[i].run(&cli);
        else if (r < 0)
            r = SG_EXIT_OK;
        sg_cli_free(&cli);
        return r;
    }
    /* Ansible runs a binary module as `MODULE ARGS-FILE`. */
    if (argc == 2 && sg_ansible_args_file(argv[1]))
        return sg_ansible_main(argv[1]);
    const char *names[N_CMDS];
    for (size_t i = 0; i < N_CMDS; i++)
        names[i] = cmd_rows[i].name;
    const char *near = sg_near(argv[1], names, N_CMDS);
    fprintf(stderr, "%s: unknown command \"%s\"%s%s%s\nTry '%s --help'.\n",
            cli.prog, sg_vis(argv[1]), near ? "; did you mean " : "",
            near ? near : "", near ? "?" : "", cli.prog);
    return SG_EXIT_ERROR;
}
