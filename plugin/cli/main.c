/*
 * main.c - the entry point: the command table (options.h sg_cli_cmds)
 * and main(), which runs a command (its options parsed and its settings
 * resolved by options.c and settings.c), --help or --version, or, given
 * one arguments file, the Ansible module (ansible/module.h).
 */
#include "options.h"
#include "../ansible/module.h"
#include "../core/base/near.h"
#include "../core/base/util.h"

#include <stdio.h>
#include <string.h>

const struct sg_cli_cmd sg_cli_cmds[] = {
    {"check", C_CHECK, "[OPTIONS] [FILE...]",
     "findings for the tree, or for these files each on its own", sg_cmd_check,
     "0 no finding at or over --fail-on|1 a finding at or over --fail-on|"
     "2 a usage error, or input that could not be read (a file, a policy, "
     "the lens)"},
    {"fix", C_FIX, "[OPTIONS] [FILE...]",
     "apply the fix-ups in place (--dry-run: print the diff)", sg_cmd_fix,
     "0 nothing left to fix (--dry-run: nothing would change)|1 findings a "
     "fix could change are left, or one no fix-up changes at or over "
     "--fail-on (--dry-run: something would change)|2 a usage error, input "
     "that could not be read, or a file that could not be written"},
    {"plan", C_PLAN, "--emit KIND [OPTIONS]",
     "the fix-ups for Ansible, Salt, sh or git apply", sg_cmd_plan,
     "0 the plan was written (it may change nothing)|2 a usage error, or "
     "input that could not be read"},
    {"show", C_SHOW, "[OPTIONS] [KEY...]",
     "effective configuration with provenance", sg_cmd_show,
     "0 shown|2 a usage error, or input that could not be read"},
    {"explain", C_EXPLAIN, "[OPTIONS] KEY|RULE",
     "the guidance per kernel version, with references; what the kernel key "
     "catalog knows of a key",
     sg_cmd_explain, "0 explained|2 a usage error, or no such key or rule"},
    {"policy", C_POLICY, "validate FILE...",
     "schema and semantic check of policies", sg_cmd_policy,
     "0 every file valid|2 a usage error, or a file that is not valid"},
    {"list-rules", C_LIST, "[OPTIONS]",
     "the rules of the policies: id, severity, pack, title", sg_cmd_list_rules,
     "0 listed|2 a usage error, or a policy that does not load"},
    {"report", C_REPORT, "[OPTIONS] RESULT...",
     "one report for many hosts' results (check --format json, the Ansible "
     "module, Ansible's json callback, Salt's JSON output; files or "
     "directories): by finding, by kernel, by host, since a baseline",
     sg_cmd_report,
     "0 no finding at or over --fail-on (with --baseline: no new one)|1 "
     "such findings|2 a usage error, or an input that could not be read "
     "(the rest is still reported)"},
};
const size_t sg_cli_n_cmds = sizeof(sg_cli_cmds) / sizeof(*sg_cli_cmds);

int main(int argc, char **argv)
{
    struct sg_cli cli = {.prog = "sysctl-guard", .fail_on = SG_SEV_WARNING};
    int r;

    sg_cli_emits_fill();
    if (argc < 2) {
        sg_cli_usage(stderr, cli.prog);
        return SG_EXIT_ERROR;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        sg_cli_usage(stdout, cli.prog);
        return SG_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0 ||
        strcmp(argv[1], "version") == 0) {
        printf("sysctl-guard %s\n", SG_VERSION);
        return SG_EXIT_OK;
    }
    for (size_t i = 0; i < sg_cli_n_cmds; i++) {
        if (strcmp(argv[1], sg_cli_cmds[i].name) != 0)
            continue;
        r = sg_cli_parse(&cli, argv[1], argc - 1, argv + 1);
        if (r == 0)
            r = sg_cli_cmds[i].run(&cli);
        else if (r < 0)
            r = SG_EXIT_OK;
        sg_cli_free(&cli);
        return r;
    }
    /* `completion bash|zsh`: a script from the options table (make
     * install puts both where bash-completion and zsh look). */
    if (strcmp(argv[1], "completion") == 0) {
        if (argc == 3 && sg_cli_completion(stdout, argv[2]) == 0)
            return SG_EXIT_OK;
        fprintf(stderr, "usage: %s completion bash|zsh\n", cli.prog);
        return SG_EXIT_ERROR;
    }
    /* Ansible runs a binary module as `MODULE ARGS-FILE`. */
    if (argc == 2 && sg_ansible_args_file(argv[1]))
        return sg_ansible_main(argv[1]);
    const char *names[sizeof(sg_cli_cmds) / sizeof(*sg_cli_cmds)];
    for (size_t i = 0; i < sg_cli_n_cmds; i++)
        names[i] = sg_cli_cmds[i].name;
    const char *near = sg_near(argv[1], names, sg_cli_n_cmds);
    fprintf(stderr, "%s: unknown command \"%s\"%s%s%s\nTry '%s --help'.\n",
            cli.prog, sg_vis(argv[1]), near ? "; did you mean " : "",
            near ? near : "", near ? "?" : "", cli.prog);
    return SG_EXIT_ERROR;
}
