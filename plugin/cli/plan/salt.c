/*
 * salt.c - the plan as a Salt SLS, checked when rendered (plan.h).
 */
#include "plan.h"
#include "../../core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Target PATH under the root parameter, as a YAML double-quoted scalar
 * (the header makes prefix safe inside one). */
static void salt_path(const char *path)
{
    fputs("\"{{ prefix }}", stdout);
    sg_plan_yq_body(path);
    putchar('"');
}

void sg_plan_emit_salt(const struct sg_plan *p)
{
    const struct sg_model *m = p->m;
    const struct sg_plan_file *fs = p->fs;
    const struct sg_plan_ctx *x = p->x;
    size_t nw = p->nw, n = p->n;
    sg_plan_header(p, true, "");
    printf("# Parameters (Jinja context or pillar): sysctl_guard_root "
           "(default /),\n# sysctl_guard_reload (default: True when the root "
           "is /, else False).\n# The files are checked when the SLS is "
           "rendered (so test=True sees it\n# too); the states write them; "
           "one reload at the end applies them as\n# boot does (%s).\n",
           sg_plan_reload_cmd(m, x));
    printf("{%%- set sysctl_guard_root = sysctl_guard_root | default("
           "salt['pillar.get']('sysctl_guard_root', '/')) %%}\n"
           "{#- to_bool: a pillar's 'false' or 'no' is False #}\n"
           "{%%- set sysctl_guard_reload = sysctl_guard_reload | default("
           "salt['pillar.get']('sysctl_guard_reload', "
           "sysctl_guard_root.rstrip('/') == '')) | to_bool %%}\n"
           "{#- prefix goes inside YAML double quotes: \\ and \" escaped "
           "#}\n"
           "{%%- set prefix = sysctl_guard_root.rstrip('/')"
           ".replace('\\\\', '\\\\\\\\').replace('\"', '\\\\\"') %%}\n");
    if (!n)
        return;
    printf("{%%- set sg = namespace(bad=[], names=[]) %%}\n");
    /* The kernel: sysctl_guard_kernel, else for the root "/" the minion's
     * own (grains). */
    printf("{%%- set k = sysctl_guard_kernel | default(salt['pillar.get']("
           "'sysctl_guard_kernel', grains['kernelrelease'] if "
           "sysctl_guard_root.rstrip('/') == '' else '')) %%}\n"
           "{%%- if k and not ");
    sg_plan_jinja_in_window(&x->win, JINJA_KN("k"));
    printf(" %%}{%%- set sg.bad = sg.bad + ['kernel ' ~ k ~ ' (this plan is "
           "for ");
    sg_plan_window(&x->win);
    printf(")'] %%}{%%- endif %%}\n");
    /* Each sysctl.d directory's *.conf names, compared as base64 (no name
     * is ever rendered as Jinja). */
    for (size_t i = 0; i < SG_N_SYSCTL_DIRS; i++) {
        printf("{%%- set d = sysctl_guard_root.rstrip('/') ~ '%s' %%}\n"
               "{%%- set sg.names = [] %%}\n"
               "{%%- for f in salt['file.find'](d, name='*.conf', "
               "maxdepth=1) %%}\n"
               "{%%- set b = f.split('/')[-1] %%}\n"
               "{%%- if f == d ~ '/' ~ b and not b.startswith('.') %%}"
               "{%%- set sg.names = sg.names + [b] %%}{%%- endif %%}\n"
               "{%%- endfor %%}\n"
               "{%%- if (sg.names | sort | join('/') | base64_encode) not in "
               "['",
               x->dirs[i].dir);
        sg_plan_base64(x->dirs[i].before);
        printf("', '");
        sg_plan_base64(x->dirs[i].after);
        printf("'] %%}{%%- set sg.bad = sg.bad + [d ~ ' (other *.conf "
               "files)'] %%}{%%- endif %%}\n");
    }
    for (size_t i = 0; i < n; i++) {
        printf("{%%- set p = sysctl_guard_root.rstrip('/') ~ \"");
        sg_plan_yq_as(fs[i].path, false, false);
        printf("\" %%}\n"
               "{%%- set s = 'symlink' if salt['file.is_link'](p) else "
               "(salt['file.get_hash'](p, 'sha256') if "
               "salt['file.file_exists'](p) else 'absent') %%}\n"
               "{%%- if s not in ['%s', '%s'] %%}{%%- set sg.bad = sg.bad + "
               "[p] %%}{%%- endif %%}\n",
               fs[i].before, fs[i].after);
    }
    printf("{%%- if sg.bad %%}\n"
           "sysctl-guard-refused:\n  test.fail_without_changes:\n"
           "    - name: \"{{ sg.bad | join(', ') | replace('\\\\', '\\\\\\\\') "
           "| replace('\"', '\\\\\"') }}: not the files this plan was "
           "computed from; nothing was changed (run sysctl-guard plan for this "
           "minion)\"\n"
           "{%%- else %%}\n");
    for (size_t i = 0; i < nw; i++) {
        const struct sg_change *c = fs[i].c;
        printf("\n");
        sg_plan_fixes(c, "", true);
        printf("sysctl-guard-%zu-write:\n  file.managed:\n    - name: ", i + 1);
        salt_path(c->path);
        /* A text that is not UTF-8 goes as Latin-1, which maps each byte
         * to one code point and back. */
        printf("\n    - contents: \"");
        sg_plan_yq_as(c->after, true, fs[i].not_utf8);
        printf("\"\n    - contents_newline: False\n");
        if (fs[i].not_utf8)
            printf("    - encoding: latin-1\n");
        if (!c->before)
            printf("    - makedirs: True\n    - mode: '0644'\n");
    }
    printf("\n{%%- if sysctl_guard_reload %%}\n");
    printf("sysctl-guard-reload:\n  cmd.run:\n    - name: %s\n"
           "    - onchanges:\n",
           sg_plan_reload_cmd(m, x));
    for (size_t i = 0; i < nw; i++)
        printf("      - sysctl-guard-%zu-write\n", i + 1);
    printf("{%%- endif %%}\n{%%- endif %%}\n");
}
