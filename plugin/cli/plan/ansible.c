/*
 * ansible.c - the plan as an Ansible playbook or task list (plan.h).
 */
#include "plan.h"
#include "../../core/base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every directory's names (before, or AFTER the plan) as target paths,
 * sorted, joined by "//". */
static char *dir_paths(const struct sg_plan_ctx *x, bool after)
{
    struct {
        char **v;
        size_t n, cap;
    } all = {0};
    struct sg_buf b = {0};
    for (size_t i = 0; i < SG_N_SYSCTL_DIRS; i++) {
        char *names = strdup(after ? x->dirs[i].after : x->dirs[i].before);
        for (char *sv = NULL, *t = names ? strtok_r(names, "/", &sv) : NULL; t;
             t = strtok_r(NULL, "/", &sv)) {
            char *p = sg_strdup_printf("%s/%s", x->dirs[i].dir, t);
            if (!p || SG_PUSH(all, p) < 0)
                free(p);
        }
        free(names);
    }
    if (all.n)
        qsort(all.v, all.n, sizeof(*all.v), sg_strp_cmp);
    for (size_t i = 0; i < all.n; i++) {
        sg_buf_printf(&b, "%s%s", i ? "//" : "", all.v[i]);
        free(all.v[i]);
    }
    free(all.v);
    return b.v ? b.v : strdup("");
}

#define ANS_ROOT "(sysctl_guard_root | default('/') | regex_replace('/+$', ''))"
/* Reload: as asked, else only when the root is "/". */
#define ANS_RELOAD "(sysctl_guard_reload | default(" ANS_ROOT " == '')) | bool"

/* Target PATH under the root parameter, as a YAML double-quoted scalar. */
static void ans_path(FILE *out, const char *path)
{
    fputs("\"{{ " ANS_ROOT " }}", out);
    sg_plan_yq_body(out, path);
    fputc('"', out);
}

static void ansible_tasks(FILE *out, const struct sg_plan *p, const char *in)
{
    const struct sg_model *m = p->m;
    const struct sg_plan_file *fs = p->fs;
    const struct sg_plan_ctx *x = p->x;
    size_t nw = p->nw, n = p->n;
    if (!n)
        return;
    /* One stat and one assert per file, every path inline: a path in a
     * loop's data would be rendered as Jinja a second time when used. */
    for (size_t i = 0; i < n; i++) {
        char *name = sg_strdup_printf("Sysctl-guard: look at %s", fs[i].path);
        fprintf(out, "%s- name: ", in);
        sg_plan_yq(out, name ? name : fs[i].path);
        free(name);
        fprintf(out, "\n%s  ansible.builtin.stat:\n%s    path: ", in, in);
        ans_path(out, fs[i].path);
        fprintf(out,
                "\n%s    checksum_algorithm: sha256\n%s    get_mime: false\n"
                "%s  register: sysctl_guard_file_%zu\n",
                in, in, in, i);
    }
    /* The kernel: the one given (sysctl_guard_kernel), else for the root
     * "/" the host's own (uname -r, run in check mode too). */
    fprintf(out,
            "%s- name: \"Sysctl-guard: the kernel the host runs\"\n"
            "%s  ansible.builtin.command:\n%s    argv: [uname, -r]\n"
            "%s  check_mode: false\n%s  changed_when: false\n"
            "%s  register: sysctl_guard_uname\n"
            "%s  when: sysctl_guard_kernel is not defined and %s == ''\n",
            in, in, in, in, in, in, in, ANS_ROOT);
    fprintf(out,
            "%s- name: \"Sysctl-guard: the kernel is one the plan was made "
            "for\"\n%s  ansible.builtin.assert:\n%s    that: >-\n%s      ",
            in, in, in, in);
    sg_plan_jinja_in_window(out, &x->win, JINJA_KN("sysctl_guard_k"));
    fprintf(out,
            "\n%s    fail_msg: \"the host runs kernel {{ sysctl_guard_k }}; "
            "this plan was made for kernel {{ '",
            in);
    sg_plan_base64(out,
                   m->kernel.release); /* the operator's text: never rendered */
    fprintf(out, "' | b64decode }} (the same decisions for ");
    sg_plan_window(out, &x->win);
    fprintf(out,
            "): nothing was changed; run sysctl-guard plan for this "
            "host\"\n%s    quiet: true\n"
            "%s  vars:\n%s    sysctl_guard_k: \"{{ sysctl_guard_kernel | "
            "default(sysctl_guard_uname.stdout | default('')) }}\"\n"
            "%s  when: sysctl_guard_kernel is defined or %s == ''\n",
            in, in, in, in, ANS_ROOT);
    /* One find over the directories that exist (find warns about each
     * missing path, and a stock host lacks some: a stat of each first),
     * one assert: the target paths (the root cut off), sorted, joined by
     * "//" (no path holds it), as base64 (no name is ever rendered as
     * Jinja). */
    fprintf(out,
            "%s- name: \"Sysctl-guard: which sysctl.d directories exist\"\n"
            "%s  ansible.builtin.stat:\n%s    path: \"{{ item }}\"\n"
            "%s    get_checksum: false\n%s    get_mime: false\n"
            "%s  loop:\n",
            in, in, in, in, in, in);
    for (size_t i = 0; i < SG_N_SYSCTL_DIRS; i++) {
        fprintf(out, "%s    - ", in);
        ans_path(out, x->dirs[i].dir);
        fprintf(out, "\n");
    }
    fprintf(out,
            "%s  register: sysctl_guard_dir_stats\n"
            "%s- name: \"Sysctl-guard: list the sysctl.d directories\"\n"
            "%s  ansible.builtin.find:\n"
            "%s    paths: \"{{ sysctl_guard_dir_stats.results | "
            "selectattr('stat.isdir', 'defined') | selectattr('stat.isdir') | "
            "map(attribute='item') | list }}\"\n"
            "%s    patterns: \"*.conf\"\n%s    file_type: any\n"
            "%s    hidden: false\n%s  register: sysctl_guard_dirs\n",
            in, in, in, in, in, in, in, in);
    char *before = dir_paths(x, false), *after = dir_paths(x, true);
    fprintf(out,
            "%s- name: \"Sysctl-guard: the sysctl.d directories hold the "
            "*.conf files the plan found there, or those it leaves\"\n"
            "%s  ansible.builtin.assert:\n%s    that: >-\n"
            "%s      (sysctl_guard_dirs.files | map(attribute='path') |\n"
            "%s      map('regex_replace', '^' ~ (%s | regex_escape), '') |\n"
            "%s      sort | join('//') | b64encode) in ['",
            in, in, in, in, in, ANS_ROOT, in);
    sg_plan_base64(out, before ? before : "");
    fprintf(out, "', '");
    sg_plan_base64(out, after ? after : "");
    fprintf(out,
            "']\n%s    fail_msg: \"the sysctl.d directories hold other *.conf "
            "files than this plan was computed from: nothing was changed; run "
            "sysctl-guard plan for this host\"\n%s    quiet: true\n",
            in, in);
    free(before);
    free(after);
    for (size_t i = 0; i < n; i++) {
        char *name = sg_strdup_printf("Sysctl-guard: %s is as the plan found "
                                      "it, or as it leaves it",
                                      fs[i].path);
        char *msg = sg_strdup_printf(
            "%s differs from the file this plan was computed from: nothing "
            "was changed; run sysctl-guard plan for this host",
            fs[i].path);
        fprintf(out, "%s- name: ", in);
        sg_plan_yq(out, name ? name : fs[i].path);
        fprintf(
            out,
            "\n%s  ansible.builtin.assert:\n%s    that: >-\n"
            "%s      (('symlink' if sysctl_guard_file_%zu.stat.islnk else\n"
            "%s      sysctl_guard_file_%zu.stat.checksum | default('absent'))\n"
            "%s      if sysctl_guard_file_%zu.stat.exists else 'absent') in\n"
            "%s      ['%s', '%s']\n%s    fail_msg: ",
            in, in, in, i, in, i, in, i, in, fs[i].before, fs[i].after, in);
        sg_plan_yq(out, msg ? msg : fs[i].path);
        fprintf(out, "\n%s    quiet: true\n", in);
        free(name);
        free(msg);
    }
    for (size_t i = 0; i < nw; i++) {
        const struct sg_change *c = fs[i].c;
        const char *sl = strrchr(c->path, '/');
        sg_plan_fixes(out, c, in, false);
        /* What the base64 below holds, for the person reading the plan. */
        sg_plan_diff_comment(out, c, in, false);
        if (!c->before && sl) {
            /* The drop-in's directory may be missing on a bare root. */
            char *dir = strndup(c->path, (size_t)(sl - c->path));
            fprintf(out, "%s- name: ", in);
            char *name =
                sg_strdup_printf("Sysctl-guard: the directory of %s", c->path);
            sg_plan_yq(out, name ? name : c->path);
            fprintf(out, "\n%s  ansible.builtin.file:\n%s    path: ", in, in);
            ans_path(out, dir ? dir : "/");
            fprintf(out, "\n%s    state: directory\n%s    mode: '0755'\n", in,
                    in);
            fprintf(out,
                    "%s  when: (sysctl_guard_file_%zu.stat.checksum "
                    "| default('absent')) == '%s'\n",
                    in, i, fs[i].before);
            free(name);
            free(dir);
        }
        fprintf(out, "%s- name: ", in);
        char *name = sg_strdup_printf("Sysctl-guard: write %s", c->path);
        sg_plan_yq(out, name ? name : c->path);
        free(name);
        /* The bytes as base64: exact for text that is not UTF-8 (the
         * filter decodes with surrogateescape, copy encodes them back),
         * and no Jinja in a file's text is ever rendered. */
        fprintf(out, "\n%s  ansible.builtin.copy:\n%s    dest: ", in, in);
        ans_path(out, c->path);
        fprintf(out, "\n%s    content: \"{{ '", in);
        sg_plan_base64(out, c->after);
        fprintf(out, "' | b64decode }}\"\n");
        if (!c->before)
            fprintf(out, "%s    mode: '0644'\n", in);
        else /* as it is (the owner and group are kept by copy) */
            fprintf(out,
                    "%s    mode: \"{{ sysctl_guard_file_%zu.stat.mode }}\"\n",
                    in, i);
        fprintf(out,
                "%s  when: (sysctl_guard_file_%zu.stat.checksum | "
                "default('absent')) == '%s'\n",
                in, i, fs[i].before);
        fprintf(out, "%s  register: sysctl_guard_edit_%zu\n", in, i);
    }
    /* One systemctl call for both units (modules-load.d, then sysctl.d,
     * in one transaction ordered as boot orders them): the systemd_service
     * module takes one unit a task. */
    fprintf(out,
            "%s# systemctl restarts systemd-modules-load and systemd-sysctl in "
            "one\n%s# transaction, ordered as boot orders them "
            "(systemd_service takes one unit).\n"
            "%s- name: \"Sysctl-guard: reload the kernel as boot does\"  "
            "# noqa: command-instead-of-module\n",
            in, in, in);
    fprintf(out, "%s  ansible.builtin.command:\n%s    argv: ", in, in);
    sg_plan_reload_argv(out, m, x);
    fprintf(out, "\n");
    fprintf(out, "%s  changed_when: true\n", in);
    fprintf(out, "%s  when:\n%s    - \"%s\"\n%s    - >-\n%s      ", in, in,
            ANS_RELOAD, in, in);
    for (size_t i = 0; i < nw; i++)
        fprintf(out, "%ssysctl_guard_edit_%zu is changed", i ? " or " : "", i);
    fprintf(out, "\n");
}

static void emit_ansible(FILE *out, const struct sg_plan *p, bool tasks_only)
{
    const struct sg_model *m = p->m;
    const struct sg_plan_ctx *x = p->x;
    size_t n = p->n;
    fputs("---\n", out);
    sg_plan_header(out, p, false, "");
    fprintf(out,
            "# Parameters, from inventory (host or group vars), the play or "
            "-e:\n"
            "# sysctl_guard_root (default /) prefixes every path;\n"
            "# sysctl_guard_reload (default: true when the root is /, else "
            "false)\n"
            "# reloads the kernel once at the end, as boot does (%s).\n",
            sg_plan_reload_cmd(m, x));
    if (tasks_only) {
        fprintf(out, "# Tasks only: include_tasks/import_tasks it.\n");
        if (!n)
            fprintf(out, "[]\n");
        ansible_tasks(out, p, "");
        return;
    }
    /* No play vars: they would beat the inventory's. */
    fprintf(out,
            "- name: Sysctl-guard fix-ups\n"
            "  hosts: all\n"
            "  gather_facts: false\n"
            "  tasks:%s\n",
            n ? "" : " []");
    ansible_tasks(out, p, "    ");
}

int sg_plan_emit_ansible(FILE *out, const struct sg_plan *p)
{
    emit_ansible(out, p, false);
    return 0;
}

int sg_plan_emit_ansible_tasks(FILE *out, const struct sg_plan *p)
{
    emit_ansible(out, p, true);
    return 0;
}
