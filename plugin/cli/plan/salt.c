/*
 * salt.c - the plan as a Salt SLS, checked when rendered (plan.h): a
 * directory's init.sls, whose file.managed states copy the files beside
 * it (files/, out.c writes them) byte for byte. A reviewer reads each
 * file there, and each change as a diff in the SLS's comments.
 */
#include "plan.h"
#include "../../core/base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Target PATH under the root parameter, as a YAML double-quoted scalar
 * (the header makes prefix safe inside one). */
static void salt_path(FILE *out, const char *path)
{
    fputs("\"{{ prefix }}", out);
    sg_plan_yq_body(out, path);
    fputc('"', out);
}

int sg_plan_emit_salt(FILE *out, const struct sg_plan *p)
{
    const struct sg_model *m = p->m;
    const struct sg_plan_file *fs = p->fs;
    const struct sg_plan_ctx *x = p->x;
    size_t nw = p->nw, n = p->n;
    fputs("---\n", out);
    sg_plan_header(out, p, true, "");
    fprintf(out,
            "# Parameters (Jinja context or pillar): sysctl_guard_root "
            "(default /),\n# sysctl_guard_reload (default: True when the root "
            "is /, else False).\n# The files are checked when the SLS is "
            "rendered (so test=True sees it\n# too); the states write them; "
            "one reload at the end applies them as\n# boot does (%s).\n",
            sg_plan_reload_cmd(m, x));
    fprintf(out, "{%%- set sysctl_guard_root = sysctl_guard_root | default("
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
        return 0;
    fprintf(out, "{%%- set sg = namespace(bad=[], names=[]) %%}\n");
    /* The kernel: sysctl_guard_kernel, else for the root "/" the minion's
     * own (grains). */
    fprintf(out,
            "{%%- set k = sysctl_guard_kernel | default(salt['pillar.get']("
            "'sysctl_guard_kernel', grains['kernelrelease'] if "
            "sysctl_guard_root.rstrip('/') == '' else '')) %%}\n"
            "{%%- if k and not ");
    sg_plan_jinja_in_window(out, &x->win, JINJA_KN("k"));
    fprintf(out,
            " %%}{%%- set sg.bad = sg.bad + ['kernel ' ~ k ~ ' (this plan is "
            "for ");
    sg_plan_window(out, &x->win);
    fprintf(out, ")'] %%}{%%- endif %%}\n");
    /* Each sysctl.d directory's *.conf names, compared as base64 (no name
     * is ever rendered as Jinja). file.find lists every entry, filtered
     * here: its name= glob matches no name that holds a line break. */
    for (size_t i = 0; i < SG_N_SYSCTL_DIRS; i++) {
        fprintf(out,
                "{%%- set d = sysctl_guard_root.rstrip('/') ~ '%s' %%}\n"
                "{%%- set sg.names = [] %%}\n"
                "{%%- for f in salt['file.find'](d, maxdepth=1) %%}\n"
                "{%%- set b = f.split('/')[-1] %%}\n"
                "{%%- if f == d ~ '/' ~ b and b.endswith('.conf') and "
                "not b.startswith('.') %%}"
                "{%%- set sg.names = sg.names + [b] %%}{%%- endif %%}\n"
                "{%%- endfor %%}\n"
                "{%%- if (sg.names | sort | join('/') | base64_encode) not in "
                "['",
                x->dirs[i].dir);
        sg_plan_base64(out, x->dirs[i].before);
        fprintf(out, "', '");
        sg_plan_base64(out, x->dirs[i].after);
        fprintf(out, "'] %%}{%%- set sg.bad = sg.bad + [d ~ ' (other *.conf "
                     "files)'] %%}{%%- endif %%}\n");
    }
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "{%%- set p = sysctl_guard_root.rstrip('/') ~ \"");
        sg_plan_yq_as(out, fs[i].path, false, false);
        fprintf(out,
                "\" %%}\n"
                "{%%- set s = 'symlink' if salt['file.is_link'](p) else "
                "(salt['file.get_hash'](p, 'sha256') if "
                "salt['file.file_exists'](p) else 'absent') %%}\n"
                "{%%- if s not in ['%s', '%s'] %%}{%%- set sg.bad = sg.bad + "
                "[p] %%}{%%- endif %%}\n",
                fs[i].before, fs[i].after);
    }
    fprintf(out,
            "{%%- if sg.bad %%}\n"
            "{%%- set why = (sg.bad | join(', ') ~ ': not the files this plan "
            "was computed from; nothing was changed (run sysctl-guard plan for "
            "this minion)') | replace('\\\\', '\\\\\\\\') | "
            "replace('\"', '\\\\\"') %%}\n"
            "sysctl-guard-refused:\n  test.fail_without_changes:\n"
            "    - name: \"{{ why }}\"\n"
            "    - comment: \"{{ why }}\"\n"
            "{%%- else %%}\n");
    for (size_t i = 0; i < nw; i++) {
        const struct sg_change *c = fs[i].c;
        char name[96];
        fprintf(out, "\n");
        sg_plan_fixes(out, c, "", true);
        sg_plan_diff_comment(out, c, "", true);
        sg_plan_salt_name(name, sizeof(name), i, c->path);
        fprintf(out, "sysctl-guard-%zu-write:\n  file.managed:\n    - name: ",
                i + 1);
        salt_path(out, c->path);
        /* The bytes are copied from the file beside the SLS, not given as
         * contents: file.managed rebuilds contents line by line
         * (str.splitlines(), os.linesep, the last newline dropped), which
         * loses CRLF, a form feed or U+0085 inside a line and the final
         * newline. A copy is atomic (a temporary file renamed) and keeps
         * the file's owner and mode. */
        fprintf(out, "\n    - source: \"salt://{{ tpldir }}/files/%s\"\n",
                name);
        if (!c->before)
            fprintf(out, "    - makedirs: true\n    - mode: '0644'\n");
    }
    fprintf(out, "\n{%%- if sysctl_guard_reload %%}\n");
    fprintf(out,
            "sysctl-guard-reload:\n  cmd.run:\n    - name: %s\n"
            "    - onchanges:\n",
            sg_plan_reload_cmd(m, x));
    for (size_t i = 0; i < nw; i++)
        fprintf(out, "        - sysctl-guard-%zu-write\n", i + 1);
    fprintf(out, "{%%- endif %%}\n{%%- endif %%}\n");
    return 0;
}
