/*
 * sh.c - the plan as a POSIX sh script (plan.h); its functions are
 * functions.sh, built in.
 */
#include "plan.h"
#include "../../core/base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* functions.sh, built in (SG_SRCDIR: the source tree, from the Makefile). */
__asm__(".section .rodata\n"
        "sg_plan_functions_start:\n"
        ".incbin \"" SG_SRCDIR "/plugin/cli/plan/functions.sh\"\n"
        "sg_plan_functions_end:\n"
        ".previous\n");
extern const char sg_plan_functions_start[], sg_plan_functions_end[];

/* The functions, without the file's own header (up to its first blank
 * line). */
static void functions(FILE *out)
{
    const char *p = sg_plan_functions_start, *end = sg_plan_functions_end;
    const char *body = memmem(p, (size_t)(end - p), "\n\n", 2);
    body = body ? body + 2 : p;
    fwrite(body, 1, (size_t)(end - body), out);
}

int sg_plan_emit_sh(FILE *out, const struct sg_plan *p)
{
    const struct sg_model *m = p->m;
    const struct sg_plan_file *fs = p->fs;
    const struct sg_plan_ctx *x = p->x;
    size_t nw = p->nw, n = p->n;
    fprintf(out, "#!/bin/sh\n");
    sg_plan_header(out, p, false, ".");
    fprintf(
        out,
        "# SYSCTL_GUARD_ROOT (default /) prefixes every path.\n"
        "# SYSCTL_GUARD_RELOAD: 1 reloads the kernel at the end as boot "
        "does\n"
        "# (%s), 0 does not; by default only when the\n"
        "# root is /. A file that cannot be written does not stop the "
        "others:\n"
        "# the failures are listed at the end and the exit status is 1; a\n"
        "# target that is not what the plan was computed from: exit 3.\n"
        "# SYSCTL_GUARD_KERNEL: the kernel the target runs (default: uname -r\n"
        "# for the root /; none for an image): outside the versions for which\n"
        "# the policies decide as for the plan's kernel, exit 3.\n"
        "# SYSCTL_GUARD_DRY_RUN=1: check the target, print what would be\n"
        "# written and reloaded (\"would write FILE\"), change nothing.\n"
        "# shellcheck disable=SC2016 # names and texts are literal: "
        "single quotes\n"
        "set -u\n"
        "LC_ALL=C; export LC_ALL # globs sort bytewise, as the plan did\n"
        "root=${SYSCTL_GUARD_ROOT:-/}\n"
        "while [ \"${root%%/}\" != \"$root\" ]; do root=${root%%/}; done\n"
        "kernel=${SYSCTL_GUARD_KERNEL:-}\n"
        "reload=${SYSCTL_GUARD_RELOAD:-}\n"
        "dry=${SYSCTL_GUARD_DRY_RUN:-0}\n"
        "if [ -z \"$reload\" ]; then\n"
        "    if [ -z \"$root\" ]; then reload=1; else reload=0; fi\n"
        "fi\n"
        "changed=0\n"
        "failed=''\n"
        "\n",
        sg_plan_reload_cmd(m, x));
    functions(out);
    if (n)
        fprintf(out, "\n");
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "check \"$root\"");
        sg_plan_shq(out, fs[i].path);
        fprintf(out, " %s %s\n", fs[i].before, fs[i].after);
    }
    if (n) {
        fprintf(
            out,
            "if [ -z \"$kernel\" ] && [ -z \"$root\" ]; then "
            "kernel=$(uname -r); fi\n"
            "if [ -n \"$kernel\" ]; then\n"
            "    kn=$(kver_num \"$kernel\")\n"
            "    if [ \"$kn\" -lt %lu ] || [ \"$kn\" -ge %lu ]; then\n"
            "        printf 'sysctl-guard plan: the target runs kernel %%s; "
            "this plan was made for %%s (the same decisions for ",
            x->win.has_from ? sg_plan_kver_num(&x->win.from) : 0ul,
            x->win.has_before ? sg_plan_kver_num(&x->win.before) : 999999999ul);
        sg_plan_window(out, &x->win);
        fprintf(out, "): nothing was changed; run sysctl-guard plan for this "
                     "host\\n' \"$kernel\" ");
        sg_plan_shq(out, m->kernel.release);
        fprintf(out, " >&2\n        exit 3\n    fi\nfi\n");
    }
    for (size_t i = 0; n && i < SG_N_SYSCTL_DIRS; i++) {
        fprintf(out, "check_dir \"$root\"");
        sg_plan_shq(out, x->dirs[i].dir);
        fputc(' ', out);
        sg_plan_shq(out, x->dirs[i].before);
        fputc(' ', out);
        sg_plan_shq(out, x->dirs[i].after);
        fputc('\n', out);
    }
    for (size_t i = 0; i < nw; i++) {
        const struct sg_change *c = fs[i].c;
        fprintf(out, "\n");
        sg_plan_fixes(out, c, "", false);
        char *what = sg_strdup_printf("write %s", c->path);
        fprintf(out, "step ");
        sg_plan_shq(out, what ? what : c->path);
        free(what);
        fprintf(out, " write \"$root\"");
        sg_plan_shq(out, c->path);
        fprintf(out, " %s ", fs[i].before);
        sg_plan_shq(out, c->after);
        fprintf(out, "\n");
    }
    fprintf(out,
            "\n# The kernel, once, as boot applies the files: only for the "
            "root /,\n# unless SYSCTL_GUARD_RELOAD says otherwise.\n"
            "if [ \"$changed\" = 1 ] && [ \"$reload\" = 1 ]; then\n"
            "    if [ \"$dry\" = 1 ]; then\n"
            "        echo 'would reload the kernel (%s)'\n"
            "    else\n"
            "        step 'reload the kernel (%s)' %s &&\n"
            "            case $failed in *'reload the kernel'*) ;;\n"
            "            *) echo 'reloaded the kernel (%s)' ;; esac\n"
            "    fi\n"
            "elif [ \"$changed\" = 0 ]; then\n"
            "    echo 'nothing to change: the files are as the plan makes "
            "them'\n"
            "fi\n"
            "if [ -n \"$failed\" ]; then\n"
            "    printf 'sysctl-guard plan: these steps failed:%%s\\n' "
            "\"$failed\" >&2\n"
            "    exit 1\n"
            "fi\n",
            sg_plan_reload_cmd(m, x), sg_plan_reload_cmd(m, x),
            sg_plan_reload_cmd(m, x), sg_plan_reload_cmd(m, x));
    return 0;
}
