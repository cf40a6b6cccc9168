/*
 * settings.c - what the command line and the project configuration amount
 * to (options.h): one struct sg_settings for the tree, one per FILE
 * argument when the configuration's overrides name paths; the command
 * line wins (kernel, profiles, fail-on, policies), disabled rules add up
 * and --enable takes one back. Resolved once, after parsing; every
 * command reads cli->set (or cli->each) and the run options made here.
 */
#include "options.h"
#include "../core/base/util.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* Colour: --color always or never if given (--no-color is never); else
 * only on a terminal that has it (TERM set and not "dumb") and without
 * NO_COLOR (https://no-color.org). */
bool sg_cli_want_color(const struct sg_cli *cli)
{
    const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
    if (cli->no_color || cli->color_when == COLOR_NEVER)
        return false;
    if (cli->color_when == COLOR_ALWAYS)
        return true;
    return !(nc && *nc) && term && *term && strcmp(term, "dumb") != 0 &&
           isatty(STDOUT_FILENO);
}

/* The columns text is wrapped at: the terminal's, else $COLUMNS (as ls
 * and git read it: a pager's or a CI log's width), else 80. */
int sg_cli_text_width(void)
{
    struct winsize ws;
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
        ws.ws_col >= 20)
        return ws.ws_col;
    const char *cols = getenv("COLUMNS");
    char *end;
    long n = cols && *cols ? strtol(cols, &end, 10) : 0;
    return n >= 20 && n <= 1000 && cols && !*end ? (int)n : 80;
}

/* What the configuration's settings S and the command line amount to:
 * the command line's kernel and profiles win, disabled rules add up, and
 * --enable takes one back out. */
static void merge(const struct sg_cli *cli, const struct sg_settings *s,
                  struct sg_settings *e)
{
    memset(e, 0, sizeof(*e));
    e->kernel = sg_cli_given(cli, "kernel") ? cli->kernel : s->kernel;
    if (sg_cli_given(cli, "profile") || !s->n_profiles) {
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

int sg_cli_settings(struct sg_cli *cli, const struct sg_cli_cmd *c)
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
        if (!sg_cli_given(cli, "fail-on") && sg_cli_takes(c, "fail-on") &&
            cf->fail_on)
            sg_severity_parse(cf->fail_on, &cli->fail_on);
        /* Its policies come besides the shipped ones; --policy replaces
         * both. */
        if (!sg_cli_given(cli, "policy") && sg_cli_takes(c, "policy") &&
            cf->n_policies) {
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
    if (!sg_cli_takes(c, "kernel"))
        cli->set.kernel = cli->kernel;
    if (!sg_cli_takes(c, "profile")) {
        memcpy(cli->set.profiles, cli->profiles, sizeof(cli->profiles));
        cli->set.n_profiles = cli->n_profiles;
    }
    cli->profiles_from_config = sg_cli_takes(c, "profile") &&
                                !sg_cli_given(cli, "profile") &&
                                cli->set.n_profiles;
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
    o->quote = sg_cli_view(cli)->quote && !cli->quiet;
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
    o->verbose = cli->verbose;
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
