/*
 * ansible.c - the plan as an Ansible playbook or task list (plan.h).
 */
#include "plan.h"
#include "../../core/util.h"

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
static void ans_path(const char *path)
{
    fputs("\"{{ " ANS_ROOT " }}", stdout);
    sg_plan_yq_body(path);
    putchar('"');
}

static void ansible_tasks(const struct sg_plan *p, const char *in)
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
        char *name = sg_strdup_printf("sysctl-guard: look at %s", fs[i].path);
        printf("%s- name: ", in);
        sg_plan_yq(name ? name : fs[i].path);
        free(name);
        printf("\n%s  ansible.builtin.stat:\n%s    path: ", in, in);
        ans_path(fs[i].path);
        printf("\n%s    checksum_algorithm: sha256\n%s    get_mime: false\n"
               "%s  register: sysctl_guard_file_%zu\n",
               in, in, in, i);
    }
    /* The kernel: the one given (sysctl_guard_kernel), else for the root
     * "/" the host's own (uname -r, run in check mode too). */
    printf("%s- name: \"sysctl-guard: the kernel the host runs\"\n"
           "%s  ansible.builtin.command:\n%s    argv: [uname, -r]\n"
           "%s  check_mode: false\n%s  changed_when: false\n"
           "%s  register: sysctl_guard_uname\n"
           "%s  when: sysctl_guard_kernel is not defined and %s == ''\n",
           in, in, in, in, in, in, in, ANS_ROOT);
    printf("%s- name: \"sysctl-guard: the kernel is one the plan was made "
           "for\"\n%s  ansible.builtin.assert:\n%s    that: >-\n%s      ",
           in, in, in, in);
    sg_plan_jinja_in_window(&x->win, JINJA_KN("sysctl_guard_k"));
    printf("\n%s    fail_msg: \"the host runs kernel {{ sysctl_guard_k }}; "
           "this plan was made for kernel {{ '",
           in);
    sg_plan_base64(m->kernel.release); /* the operator's text: never rendered */
    printf("' | b64decode }} (the same decisions for ");
    sg_plan_window(&x->win);
    printf("): nothing was changed; run sysctl-guard plan for this "
           "host\"\n%s    quiet: true\n"
           "%s  vars:\n%s    sysctl_guard_k: \"{{ sysctl_guard_kernel | "
           "default(sysctl_guard_uname.stdout | default('')) }}\"\n"
           "%s  when: sysctl_guard_kernel is defined or %s == ''\n",
           in, in, in, in, ANS_ROOT);
    /* One find over the five directories, one assert: the target paths
     * (the root cut off), sorted, joined by "//" (no path holds it), as
     * base64 (no name is ever rendered as Jinja). */
    printf("%s- name: \"sysctl-guard: list the sysctl.d directories\"\n"
           "%s  ansible.builtin.find:\n%s    paths:\n",
           in, in, in);
    for (size_t i = 0; i < SG_N_SYSCTL_DIRS; i++) {
        printf("%s      - ", in);
        ans_path(x->dirs[i].dir);
        printf("\n");
    }
    printf("%s    patterns: \"*.conf\"\n%s    file_type: any\n"
           "%s    hidden: false\n%s  register: sysctl_guard_dirs\n",
           in, in, in, in);
    char *before = dir_paths(x, false), *after = dir_paths(x, true);
    printf("%s- name: \"sysctl-guard: the sysctl.d directories hold the "
           "*.conf files the plan found there, or those it leaves\"\n"
           "%s  ansible.builtin.assert:\n%s    that: >-\n"
           "%s      (sysctl_guard_dirs.files | map(attribute='path') |\n"
           "%s      map('regex_replace', '^' ~ (%s | regex_escape), '') |\n"
           "%s      sort | join('//') | b64encode) in ['",
           in, in, in, in, in, ANS_ROOT, in);
    sg_plan_base64(before ? before : "");
    printf("', '");
    sg_plan_base64(after ? after : "");
    printf("']\n%s    fail_msg: \"the sysctl.d directories hold other *.conf "
           "files than this plan was computed from: nothing was changed; run "
           "sysctl-guard plan for this host\"\n%s    quiet: true\n",
           in, in);
    free(before);
    free(after);
    for (size_t i = 0; i < n; i++) {
        char *name = sg_strdup_printf("sysctl-guard: %s is as the plan found "
                                      "it, or as it leaves it",
                                      fs[i].path);
        char *msg = sg_strdup_printf(
            "%s differs from the file this plan was computed from: nothing "
            "was changed; run sysctl-guard plan for this host",
            fs[i].path);
        printf("%s- name: ", in);
        sg_plan_yq(name ? name : fs[i].path);
        printf(
            "\n%s  ansible.builtin.assert:\n%s    that: >-\n"
            "%s      (('symlink' if sysctl_guard_file_%zu.stat.islnk else\n"
            "%s      sysctl_guard_file_%zu.stat.checksum | default('absent'))\n"
            "%s      if sysctl_guard_file_%zu.stat.exists else 'absent') in\n"
            "%s      ['%s', '%s']\n%s    fail_msg: ",
            in, in, in, i, in, i, in, i, in, fs[i].before, fs[i].after, in);
        sg_plan_yq(msg ? msg : fs[i].path);
        printf("\n%s    quiet: true\n", in);
        free(name);
        free(msg);
    }
    for (size_t i = 0; i < nw; i++) {
        const struct sg_change *c = fs[i].c;
        const char *sl = strrchr(c->path, '/');
        sg_plan_fixes(c, in, false);
        if (!c->before && sl) {
            /* The drop-in's directory may be missing on a bare root. */
            char *dir = strndup(c->path, (size_t)(sl - c->path));
            printf("%s- name: ", in);
            char *name =
                sg_strdup_printf("sysctl-guard: the directory of %s", c->path);
            sg_plan_yq(name ? name : c->path);
            printf("\n%s  ansible.builtin.file:\n%s    path: ", in, in);
            ans_path(dir ? dir : "/");
            printf("\n%s    state: directory\n%s    mode: '0755'\n", in, in);
            printf("%s  when: (sysctl_guard_file_%zu.stat.checksum "
                   "| default('absent')) == '%s'\n",
                   in, i, fs[i].before);
            free(name);
            free(dir);
        }
        printf("%s- name: ", in);
        char *name = sg_strdup_printf("sysctl-guard: write %s", c->path);
        sg_plan_yq(name ? name : c->path);
        free(name);
        /* The bytes as base64: exact for text that is not UTF-8 (the
         * filter decodes with surrogateescape, copy encodes them back),
         * and no Jinja in a file's text is ever rendered. */
        printf("\n%s  ansible.builtin.copy:\n%s    dest: ", in, in);
        ans_path(c->path);
        printf("\n%s    content: \"{{ '", in);
        sg_plan_base64(c->after);
        printf("' | b64decode }}\"\n");
        if (!c->before)
            printf("%s    mode: '0644'\n", in);
        printf("%s  when: (sysctl_guard_file_%zu.stat.checksum | "
               "default('absent')) == '%s'\n",
               in, i, fs[i].before);
        printf("%s  register: sysctl_guard_edit_%zu\n", in, i);
    }
    printf("%s- name: \"sysctl-guard: reload the kernel as boot does\"\n", in);
    printf("%s  ansible.builtin.command:\n%s    argv: ", in, in);
    sg_plan_reload_argv(m, x);
    printf("\n");
    printf("%s  changed_when: true\n", in);
    printf("%s  when:\n%s    - \"%s\"\n%s    - >-\n%s      ", in, in,
           ANS_RELOAD, in, in);
    for (size_t i = 0; i < nw; i++)
        printf("%ssysctl_guard_edit_%zu is changed", i ? " or " : "", i);
    printf("\n");
}

static void emit_ansible(const struct sg_plan *p, bool tasks_only)
{
    const struct sg_model *m = p->m;
    const struct sg_plan_ctx *x = p->x;
    size_t n = p->n;
    sg_plan_header(p, false, "");
    printf("# Parameters, from inventory (host or group vars), the play or "
           "-e:\n"
           "# sysctl_guard_root (default /) prefixes every path;\n"
           "# sysctl_guard_reload (default: true when the root is /, else "
           "false)\n"
           "# reloads the kernel once at the end, as boot does (%s).\n",
           sg_plan_reload_cmd(m, x));
    if (tasks_only) {
        printf("# Tasks only: include_tasks/import_tasks it.\n");
        if (!n)
            printf("[]\n");
        ansible_tasks(p, "");
        return;
    }
    /* No play vars: they would beat the inventory's. */
    printf("- name: sysctl-guard fix-ups\n"
           "  hosts: all\n"
           "  gather_facts: false\n"
           "  tasks:%s\n",
           n ? "" : " []");
    ansible_tasks(p, "    ");
}

void sg_plan_emit_ansible(const struct sg_plan *p)
{
    emit_ansible(p, false);
}

void sg_plan_emit_ansible_tasks(const struct sg_plan *p)
{
    emit_ansible(p, true);
}
