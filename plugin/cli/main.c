/*
 * main.c - entry point: the subcommand table, shared option parsing,
 * usage text generated from the options table, and where the lens lives.
 */
#include "cli.h"
#include "../core/util.h"

#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef SG_LENSDIR
#define SG_LENSDIR "/usr/local/share/sysctl-guard/lenses"
#endif
#ifndef SG_POLICYDIR
#define SG_POLICYDIR "/usr/local/share/sysctl-guard/policies"
#endif

enum opt_id {
    OPT_ROOT = 256,
    OPT_KERNEL,
    OPT_SEMANTICS,
    OPT_FORMAT,
    OPT_LIVE,
    OPT_NO_COLOR,
    OPT_PROFILE,
    OPT_POLICY,
    OPT_FAIL_ON,
    OPT_DRY_RUN,
    OPT_BACKUP,
    OPT_EMIT,
    OPT_HELP,
};

/* The options table: one row per option, usage text generated from it. */
static const struct opt_row {
    const char *name;
    int has_arg;
    int id;
    const char *arg;
    const char *help;
} opt_rows[] = {
    {"root", 1, OPT_ROOT, "DIR", "evaluate the tree under DIR as if it were /"},
    {"kernel", 1, OPT_KERNEL, "VER",
     "kernel release (default: the running kernel)"},
    {"semantics", 1, OPT_SEMANTICS, "S",
     "systemd (default) or procps: whose file order to model"},
    {"format", 1, OPT_FORMAT, "F",
     "text (default), json, gcc, sarif, salt (a state return) or "
     "stateful (Salt cmd.run's stateful line)"},
    {"profile", 1, OPT_PROFILE, "NAME",
     "host role for profile-aware rules: client, server, nat (repeatable)"},
    {"policy", 1, OPT_POLICY, "PATH",
     "policy file or directory (repeatable; default: the shipped ones)"},
    {"fail-on", 1, OPT_FAIL_ON, "LEVEL",
     "check exits 1 on findings at or over error|warning (default)|info"},
    {"dry-run", 0, OPT_DRY_RUN, NULL,
     "fix: print the unified diff, change nothing"},
    {"backup", 0, OPT_BACKUP, NULL, "fix: keep the old file as FILE.bak"},
    {"emit", 1, OPT_EMIT, "KIND",
     "plan: sh, ansible (a playbook), ansible-tasks or salt (an SLS)"},
    {"live", 0, OPT_LIVE, NULL,
     "also read <root>/proc/sys: drift and keys the kernel lacks"},
    {"no-color", 0, OPT_NO_COLOR, NULL, "never colour the output"},
    {"help", 0, OPT_HELP, NULL, "show this help"},
};
#define N_OPTS (sizeof(opt_rows) / sizeof(*opt_rows))

static const struct cmd_row {
    const char *name;
    const char *args;
    const char *summary;
    int (*run)(struct sg_cli *);
} cmd_rows[] = {
    {"check", "[OPTIONS] [FILE...]",
     "findings for the tree, or for these files each on its own", sg_cmd_check},
    {"fix", "[OPTIONS] [FILE...]",
     "apply the fix-ups in place (--dry-run: print the diff)", sg_cmd_fix},
    {"plan", "--emit KIND [OPTIONS]",
     "the fix-ups for Ansible, Salt or sh to apply", sg_cmd_plan},
    {"show", "[OPTIONS] [KEY...]", "effective configuration with provenance",
     sg_cmd_show},
    {"explain", "KEY|RULE",
     "the guidance per kernel version, with references; what the kernel key "
     "catalog knows of a key",
     sg_cmd_explain},
    {"policy", "validate FILE...", "schema and semantic check of policies",
     sg_cmd_policy},
};
#define N_CMDS (sizeof(cmd_rows) / sizeof(*cmd_rows))

static void print_options(FILE *f)
{
    for (size_t i = 0; i < N_OPTS; i++) {
        char left[40];
        snprintf(left, sizeof(left), "--%s%s%s", opt_rows[i].name,
                 opt_rows[i].arg ? " " : "",
                 opt_rows[i].arg ? opt_rows[i].arg : "");
        fprintf(f, "  %-22s %s\n", left, opt_rows[i].help);
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
    for (size_t i = 0; i < N_CMDS; i++)
        fprintf(f, "  %-7s %-20s %s\n", cmd_rows[i].name, cmd_rows[i].args,
                cmd_rows[i].summary);
    fprintf(f, "  %-28s %s\n", "ARGS.json",
            "as the Ansible module sysctl_guard: ARGS.json is the arguments "
            "file");
    fprintf(f, "\noptions:\n");
    print_options(f);
    fprintf(f,
            "\nexit status: 0 ok, 1 findings, 2 usage or input error\n"
            "environment: NO_COLOR disables colour; SYSCTL_GUARD_LENSDIR, "
            "SYSCTL_GUARD_POLICYDIR\nand SYSCTL_GUARD_CATALOGDIR override the "
            "lens, policy and kernel key catalog\ndirectories\n");
}

static bool file_exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

/* A data directory: $ENV; else the installed directory when
 * PREFER_INSTALLED and it holds PROBE; else the source tree next to the
 * binary (build/../SUB, when it holds PROBE); else the installed one when
 * it holds PROBE; else the copies built into the binary (embedded.c). */
static char *find_datadir(const char *env_name, const char *sub,
                          const char *probe, const char *installed,
                          bool prefer_installed)
{
    const char *env = getenv(env_name);
    char exe[PATH_MAX];
    ssize_t n;

    if (env && *env)
        return strdup(env);
    char *file = sg_strdup_printf("%s/%s", installed, probe);
    bool has_installed = file && file_exists(file);
    free(file);
    if (prefer_installed && has_installed)
        return strdup(installed);
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *dir = dirname(exe);
        char *cand = sg_strdup_printf("%s/../%s", dir, sub);
        file = cand ? sg_strdup_printf("%s/%s", cand, probe) : NULL;
        bool ok = file && file_exists(file);
        free(file);
        if (ok)
            return cand;
        free(cand);
    }
    const char *emb = has_installed ? NULL : sg_embedded_datadir();
    if (emb)
        return sg_strdup_printf("%s/%s", emb, sub);
    return strdup(installed);
}

static bool want_color(bool no_color_flag)
{
    const char *nc = getenv("NO_COLOR");
    return !no_color_flag && !(nc && *nc) && isatty(STDOUT_FILENO);
}

int sg_cli_parse(struct sg_cli *cli, const char *cmd, int argc, char **argv)
{
    struct option lopts[N_OPTS + 1];
    bool no_color = false;
    int c;

    memset(lopts, 0, sizeof(lopts));
    for (size_t i = 0; i < N_OPTS; i++) {
        lopts[i].name = opt_rows[i].name;
        lopts[i].has_arg = opt_rows[i].has_arg;
        lopts[i].val = opt_rows[i].id;
    }
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
        switch (c) {
        case OPT_ROOT:
            cli->root = optarg;
            break;
        case OPT_KERNEL:
            cli->kernel = optarg;
            break;
        case OPT_SEMANTICS:
            if (sg_semantics_parse(optarg, &cli->semantics) < 0) {
                fprintf(stderr,
                        "%s %s: --semantics must be systemd or procps, "
                        "not \"%s\"\n",
                        cli->prog, cmd, optarg);
                return SG_EXIT_ERROR;
            }
            break;
        case OPT_FORMAT:
            if (strcmp(optarg, "text") == 0)
                cli->format = SG_FMT_TEXT;
            else if (strcmp(optarg, "json") == 0)
                cli->format = SG_FMT_JSON;
            else if (strcmp(optarg, "gcc") == 0)
                cli->format = SG_FMT_GCC;
            else if (strcmp(optarg, "sarif") == 0)
                cli->format = SG_FMT_SARIF;
            else if (strcmp(optarg, "salt") == 0)
                cli->format = SG_FMT_SALT;
            else if (strcmp(optarg, "stateful") == 0)
                cli->format = SG_FMT_STATEFUL;
            else {
                fprintf(stderr,
                        "%s %s: --format must be text, json, gcc, sarif, "
                        "salt or stateful, not \"%s\"\n",
                        cli->prog, cmd, optarg);
                return SG_EXIT_ERROR;
            }
            break;
        case OPT_PROFILE:
            /* "--profile server,nat" and repeated --profile both work. */
            for (char *save = NULL, *t = strtok_r(optarg, ",", &save); t;
                 t = strtok_r(NULL, ",", &save)) {
                if (cli->n_profiles == SG_MAX_LIST) {
                    fprintf(stderr, "%s %s: too many profiles\n", cli->prog,
                            cmd);
                    return SG_EXIT_ERROR;
                }
                cli->profiles[cli->n_profiles++] = t;
            }
            break;
        case OPT_POLICY:
            if (cli->n_policies == SG_MAX_LIST) {
                fprintf(stderr, "%s %s: too many --policy\n", cli->prog, cmd);
                return SG_EXIT_ERROR;
            }
            cli->policies[cli->n_policies++] = optarg;
            break;
        case OPT_FAIL_ON:
            if (sg_severity_parse(optarg, &cli->fail_on) < 0) {
                fprintf(stderr,
                        "%s %s: --fail-on must be error, warning or info, not "
                        "\"%s\"\n",
                        cli->prog, cmd, optarg);
                return SG_EXIT_ERROR;
            }
            break;
        case OPT_LIVE:
            cli->live = true;
            break;
        case OPT_DRY_RUN:
            cli->dry_run = true;
            break;
        case OPT_BACKUP:
            cli->backup = true;
            break;
        case OPT_EMIT:
            if (strcmp(optarg, "sh") && strcmp(optarg, "ansible") &&
                strcmp(optarg, "ansible-tasks") && strcmp(optarg, "salt")) {
                fprintf(stderr,
                        "%s %s: --emit must be sh, ansible, ansible-tasks or "
                        "salt, not \"%s\"\n",
                        cli->prog, cmd, optarg);
                return SG_EXIT_ERROR;
            }
            cli->emit = optarg;
            break;
        case OPT_NO_COLOR:
            no_color = true;
            break;
        case 'h':
        case OPT_HELP:
            usage(stdout, cli->prog);
            return -1;
        default:
            /* In a cluster ("-xy") optind has not moved on: name the
             * letter, not the word before it. */
            if (optopt > 0 && optopt < 128)
                fprintf(stderr, "%s %s: unknown option \"-%c\"\n", cli->prog,
                        cmd, optopt);
            else
                fprintf(stderr, "%s %s: unknown or incomplete option \"%s\"\n",
                        cli->prog, cmd, sg_vis(argv[optind - 1]));
            fprintf(stderr, "Try '%s --help'.\n", cli->prog);
            return SG_EXIT_ERROR;
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
    cli->color = want_color(no_color);
    if (sg_cli_datadirs(cli) < 0) {
        fprintf(stderr, "%s: out of memory\n", cli->prog);
        return SG_EXIT_ERROR;
    }
    return 0;
}

int sg_cli_datadirs(struct sg_cli *cli)
{
    /* The lens must match the binary: the source tree's comes first. The
     * policies are the installed ones first (an operator may have added
     * their own there), then the source tree's. */
    cli->lensdir = find_datadir("SYSCTL_GUARD_LENSDIR", "lenses",
                                "sysctl_guard.aug", SG_LENSDIR, false);
    cli->policydir = find_datadir("SYSCTL_GUARD_POLICYDIR", "policies",
                                  "policy.rng", SG_POLICYDIR, true);
    /* The catalog is the binary's (built in, parsed at build time) unless
     * SYSCTL_GUARD_CATALOGDIR names another. */
    const char *cd = getenv("SYSCTL_GUARD_CATALOGDIR");
    cli->catalogdir = cd && *cd ? strdup(cd) : NULL;
    return cli->lensdir && cli->policydir && (!(cd && *cd) || cli->catalogdir)
               ? 0
               : -1;
}

void sg_cli_free(struct sg_cli *cli)
{
    free(cli->lensdir);
    free(cli->policydir);
    free(cli->catalogdir);
}

void sg_cli_model_opts(const struct sg_cli *cli, struct sg_model_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->root = cli->root;
    o->kernel = cli->kernel;
    o->semantics = cli->semantics;
    o->lensdir = cli->lensdir;
    o->live = cli->live;
}

int main(int argc, char **argv)
{
    struct sg_cli cli = {.prog = "sysctl-guard", .fail_on = SG_SEV_WARNING};
    int r;

    if (argc < 2) {
        usage(stderr, cli.prog);
        return SG_EXIT_ERROR;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout, cli.prog);
        return SG_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
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
    fprintf(stderr, "%s: unknown command \"%s\"\nTry '%s --help'.\n", cli.prog,
            argv[1], cli.prog);
    return SG_EXIT_ERROR;
}
