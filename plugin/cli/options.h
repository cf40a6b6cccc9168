/*
 * options.h - the command line's two tables and what reads them, inside
 * cli/: the commands (main.c sg_cli_cmds: a bit each) and the options
 * (options.c: each bound to a field of struct sg_cli, with the bits of
 * the commands that take it). options.c parses argv against them and
 * prints every --help from them (git's parse-options, in small);
 * settings.c resolves what the command line gives with the project
 * configuration into one struct sg_settings (policy.h) per tree or FILE.
 */
#ifndef SG_OPTIONS_H
#define SG_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cli.h"

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

/* --color's values. */
enum { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

struct sg_cli_cmd {
    const char *name;
    unsigned bit;
    const char *args;
    const char *summary;
    int (*run)(struct sg_cli *);
    /* What each exit status means for it, "0 ...|1 ...|2 ...": its
     * --help's table, the man page's (tests/cli holds them together). */
    const char *exits;
};
extern const struct sg_cli_cmd sg_cli_cmds[]; /* main.c */
extern const size_t sg_cli_n_cmds;

/* options.c */
/* A completion script for SHELL ("bash", "zsh") generated from the
 * commands' and the options' tables: 0, or -1 for another shell. */
int sg_cli_completion(FILE *f, const char *shell);
/* --emit's kinds from the plan engines' table: before any parsing. */
void sg_cli_emits_fill(void);
/* The whole usage (every command, every option with its commands). */
void sg_cli_usage(FILE *f, const char *prog);
/* Whether option NAME was given; whether command C takes it. */
bool sg_cli_given(const struct sg_cli *cli, const char *name);
bool sg_cli_takes(const struct sg_cli_cmd *c, const char *name);

/* settings.c */
/* Read the project configuration (config.h) and resolve it under the
 * command line into cli->set, cli->each, fail_on and policies. 0, or
 * SG_EXIT_ERROR after saying why. */
int sg_cli_settings(struct sg_cli *cli, const struct sg_cli_cmd *c);
/* Colour (--color, --no-color, NO_COLOR, TERM, a terminal) and the
 * columns text wraps at. */
bool sg_cli_want_color(const struct sg_cli *cli);
int sg_cli_text_width(void);

#endif
