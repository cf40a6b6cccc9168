/*
 * options.c - the option engine (options.h): the options table, parsing
 * argv against it with getopt_long, the usage error for an option of
 * another command, and every --help, all generated from the one table.
 *
 * Data: `opt_rows`, one row per option: its name, argument, type, the
 * field of struct sg_cli it sets (by offset), the commands that take it
 * (bits of main.c's command table) and its help; choices of enumerated
 * options with the commands that accept each. Costs: a few dozen rows,
 * scanned per option given.
 */
#include "options.h"
#include "plan/plan.h"
#include "../core/base/near.h"
#include "../core/base/util.h"

#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

void sg_cli_emits_fill(void)
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
    OT_WORDS,  /* the same, and "A,B" is two (a policy path may hold a
                  comma: OT_LIST) */
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
    size_t count_off;             /* OT_LIST, OT_WORDS: the count's field */
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
    {"profile", "NAME", OT_WORDS, F(profiles), F(n_profiles), NULL, NULL,
     C_RULES,
     "host role for profile-aware rules, as the policies declare "
     "them (repeatable, or NAME,NAME)"},
    {"policy", "PATH", OT_LIST, F(policies), F(n_policies), NULL, NULL,
     C_RULES | C_EXPLAIN | C_LIST,
     "policy file or directory (repeatable; default: the shipped ones)"},
    {"disable", "RULE", OT_WORDS, F(disabled), F(n_disabled), NULL, NULL,
     C_RULES,
     "turn rule RULE off (repeatable, or RULE,RULE; list-rules "
     "lists them)"},
    {"enable", "RULE", OT_WORDS, F(enabled), F(n_enabled), NULL, NULL, C_RULES,
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
    {"verbose", NULL, OT_FLAG, F(verbose), 0, NULL, NULL, C_CHECK,
     "text: each finding's whole message and its references (by default "
     "the first sentence, and the references once at the end)"},
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
            for (size_t c = 0; c < sg_cli_n_cmds; c++)
                if (row_cmds(o) & sg_cli_cmds[c].bit) {
                    sg_buf_printf(&b, "%s%s", sep, sg_cli_cmds[c].name);
                    sep = ", ";
                }
            sg_buf_printf(&b, "]");
        }
        print_row(f, left, 22, b.v ? b.v : "");
        free(b.v);
    }
}

/* ---- shell completion, from the same tables ---- */

/* The words option O takes for command bit CMD, space-separated, into B:
 * its choices, or the formats CMD writes; nothing for free text. */
static void completion_words(struct sg_buf *b, const struct opt_row *o,
                             unsigned cmd)
{
    if (o->type == OT_VIEW) {
        for (const struct sg_view *v = sg_views; v->name; v++)
            if (view_for(v, cmd))
                sg_buf_printf(b, "%s ", v->name);
        return;
    }
    for (const struct choice *c = o->choices; c && c->name; c++)
        if (c->cmds & cmd)
            sg_buf_printf(b, "%s ", c->name);
}

/* What completes an option's value when it has no words: a directory, a
 * file, or nothing (free text: a kernel, a rule, a host). */
static const char *completion_kind(const struct opt_row *o)
{
    if (!strcmp(o->name, "root"))
        return "d";
    if (!strcmp(o->name, "output") || !strcmp(o->name, "config") ||
        !strcmp(o->name, "policy") || !strcmp(o->name, "baseline"))
        return "f";
    return "";
}

int sg_cli_completion(FILE *f, const char *shell)
{
    bool zsh = strcmp(shell, "zsh") == 0;
    if (!zsh && strcmp(shell, "bash") != 0)
        return -1;
    if (zsh)
        fprintf(f, "#compdef sysctl-guard\n"
                   "# zsh completion for sysctl-guard, generated by "
                   "`sysctl-guard completion zsh`\n# from its options table "
                   "(bash's function, through bashcompinit).\n"
                   "autoload -U +X bashcompinit && bashcompinit\n");
    else
        fprintf(f, "# bash completion for sysctl-guard, generated by "
                   "`sysctl-guard completion bash`\n# from its options "
                   "table.\n");
    fprintf(f, "_sysctl_guard() {\n"
               "    local cur prev cmd w\n"
               "    cur=${COMP_WORDS[COMP_CWORD]}\n"
               "    prev=${COMP_WORDS[COMP_CWORD-1]}\n"
               "    cmd=${COMP_WORDS[1]}\n"
               "    if [ \"$COMP_CWORD\" -eq 1 ]; then\n"
               "        COMPREPLY=($(compgen -W \"");
    for (size_t i = 0; i < sg_cli_n_cmds; i++)
        fprintf(f, "%s ", sg_cli_cmds[i].name);
    fprintf(f, "completion --help --version\" -- \"$cur\"))\n"
               "        return\n    fi\n"
               "    if [ \"$cmd\" = completion ]; then\n"
               "        COMPREPLY=($(compgen -W \"bash zsh\" -- \"$cur\"))\n"
               "        return\n    fi\n"
               "    case $cmd/$prev in\n");
    /* an option's value: its words for that command, or a path kind */
    for (size_t c = 0; c < sg_cli_n_cmds; c++)
        for (size_t i = 0; i < N_OPTS; i++) {
            const struct opt_row *o = &opt_rows[i];
            if (!o->arg || !(row_cmds(o) & sg_cli_cmds[c].bit))
                continue;
            struct sg_buf w = {0};
            completion_words(&w, o, sg_cli_cmds[c].bit);
            const char *k = completion_kind(o);
            fprintf(f, "    %s/--%s)\n", sg_cli_cmds[c].name, o->name);
            if (w.v)
                fprintf(f,
                        "        COMPREPLY=($(compgen -W \"%s\" -- "
                        "\"$cur\"))\n",
                        w.v);
            else if (*k)
                fprintf(f, "        COMPREPLY=($(compgen -%s -- \"$cur\"))\n",
                        k);
            else
                fprintf(f, "        COMPREPLY=()\n");
            fprintf(f, "        return ;;\n");
            free(w.v);
        }
    fprintf(f, "    esac\n    case $cmd in\n");
    for (size_t c = 0; c < sg_cli_n_cmds; c++) {
        fprintf(f, "    %s) w=\"", sg_cli_cmds[c].name);
        for (size_t i = 0; i < N_OPTS; i++)
            if (row_cmds(&opt_rows[i]) & sg_cli_cmds[c].bit)
                fprintf(f, "--%s ", opt_rows[i].name);
        fprintf(f, "\" ;;\n");
    }
    fprintf(f, "    *) w= ;;\n    esac\n"
               "    case $cur in\n"
               "    -*) COMPREPLY=($(compgen -W \"$w\" -- \"$cur\")) ;;\n"
               "    *) COMPREPLY=($(compgen -f -- \"$cur\")) ;;\n"
               "    esac\n}\n"
               "complete -F _sysctl_guard sysctl-guard\n");
    return 0;
}

void sg_cli_usage(FILE *f, const char *prog)
{
    fprintf(f,
            "usage: %s COMMAND [OPTIONS] [ARGS]\n\n"
            "Tells whether a Linux machine's persistent sysctl configuration "
            "is safe\nfor the kernel it runs, reading /etc/sysctl.conf and "
            "every sysctl.d\ndirectory with systemd-sysctl's (or procps') "
            "precedence.\n\ncommands:\n",
            prog);
    for (size_t i = 0; i < sg_cli_n_cmds; i++) {
        char left[64];
        snprintf(left, sizeof(left), "%-7s %s", sg_cli_cmds[i].name,
                 sg_cli_cmds[i].args);
        print_row(f, left, 29, sg_cli_cmds[i].summary);
    }
    print_row(f, "completion bash|zsh", 29,
              "a shell completion script, from the options table");
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

static void cmd_usage(FILE *f, const char *prog, const struct sg_cli_cmd *c)
{
    fprintf(f, "usage: %s %s %s\n\n", prog, c->name, c->args);
    wrap(f, 0, 0, c->summary);
    fprintf(f, "\noptions:\n");
    print_options(f, c->bit, false);
    /* the exit statuses, one a row: "  0  what it means" */
    fprintf(f, "\nexit status:\n");
    for (const char *p = c->exits; p && *p;) {
        size_t n = strcspn(p, "|");
        char left[8], *what = strndup(p + 2, n > 2 ? n - 2 : 0);
        snprintf(left, sizeof(left), "%c", *p);
        print_row(f, left, 1, what ? what : "");
        free(what);
        p += n + (p[n] == '|');
    }
}

/* The commands that take option O, for a message: "fix" or "check, fix". */
static void cmds_of(struct sg_buf *b, unsigned cmds)
{
    size_t n = 0, k = 0;
    for (size_t c = 0; c < sg_cli_n_cmds; c++)
        n += (cmds & sg_cli_cmds[c].bit) != 0;
    for (size_t c = 0; c < sg_cli_n_cmds; c++)
        if (cmds & sg_cli_cmds[c].bit)
            sg_buf_printf(b, "%s%s",
                          k++ == 0 ? ""
                          : k == n ? " and "
                                   : ", ",
                          sg_cli_cmds[c].name);
}

/* Set option O of command C from ARG. 0, or SG_EXIT_ERROR after saying
 * why. */
static int set_option(struct sg_cli *cli, const struct sg_cli_cmd *c,
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
    case OT_LIST:
    case OT_WORDS: {
        const char **v = (const char **)field;
        size_t *n = (size_t *)((char *)cli + o->count_off);
        /* "--profile server,nat" and repeated --profile both work. */
        bool split = o->type == OT_WORDS;
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

bool sg_cli_given(const struct sg_cli *cli, const char *name)
{
    for (size_t i = 0; i < N_OPTS; i++)
        if (strcmp(opt_rows[i].name, name) == 0)
            return cli->given & (UINT64_C(1) << i);
    return false;
}

bool sg_cli_takes(const struct sg_cli_cmd *c, const char *name)
{
    for (size_t i = 0; i < N_OPTS; i++)
        if (strcmp(opt_rows[i].name, name) == 0)
            return row_cmds(&opt_rows[i]) & c->bit;
    return false;
}

/* "unknown option --rot; did you mean --root?": the nearest option
 * command C takes. */
static void unknown_option(const struct sg_cli *cli, const struct sg_cli_cmd *c,
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
    const struct sg_cli_cmd *row = NULL;
    int c;

    for (size_t i = 0; i < sg_cli_n_cmds; i++)
        if (strcmp(sg_cli_cmds[i].name, cmd) == 0)
            row = &sg_cli_cmds[i];
    if (!row)
        return SG_EXIT_ERROR;
    cli->cmd = row->name;
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
    cli->color = sg_cli_want_color(cli);
    cli->width = sg_cli_text_width();
    if (sg_data_find(&cli->data) < 0) {
        fprintf(stderr, "%s: %s\n", cli->prog,
                cli->data.problem ? cli->data.problem : "out of memory");
        return SG_EXIT_ERROR;
    }
    return sg_cli_settings(cli, row);
}
