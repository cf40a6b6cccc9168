/*
 * cmd_plan.c - `sysctl-guard plan --emit sh|ansible|ansible-tasks|salt`:
 * the fix-ups of `fix`, as a script or as tasks/states another tool
 * applies.
 *
 * A plan is the changes `fix` would make (fix.h sg_fix_plan: per file, the
 * text read and the text to write), so every engine writes exactly what
 * `fix` writes: the same lines at the same places, comments, line ends
 * and bytes that are not UTF-8 kept, a package's winner overridden in the
 * drop-in. A plan states what it was computed from: the root, the kernel,
 * and each file with the SHA-256 of its text then (or "absent") and of
 * the text the plan leaves. On a target, every file is checked first: one
 * that is neither (another host, a file changed since, a symlink in its
 * place) refuses the whole plan before anything changes; one already
 * fixed is left alone, so a second run changes nothing.
 *
 * Every path is prefixed with the root parameter (default "/"), whose
 * default lives where inventory, pillar or the environment override it.
 * The files are only written; the kernel is reloaded once, at the end,
 * the way boot does it (systemd-sysctl.service, after
 * systemd-modules-load.service when the plan writes a modules-load.d
 * list; or `sysctl --system` for --semantics procps), only when something
 * changed and only when the root is "/" unless the reload parameter asks
 * otherwise: an image's files are never loaded into the kernel that runs the
 * plan.
 */
#include "cli.h"
#include "../core/eval.h"
#include "../core/fix.h"
#include "../core/modload.h"
#include "../core/rootfs.h"
#include "../core/sha256.h"
#include "../core/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* One file of the plan, with its digests: the first ones are written (C
 * is their change), the others were only read (C is NULL; before and
 * after are the same): the plan's decisions rest on them too (a package's
 * value the drop-in overrides), so a target must hold them as well. */
struct pfile {
    const char *path;
    const struct sg_change *c;
    char before[65]; /* sha256 of the text read, or "absent" */
    char after[65];
    bool not_utf8;
};

static void comment_text(const char *s, bool jinja);

/* What a sysctl.d directory held (its *.conf names, fileset.h
 * sg_fileset_list, joined by "/", which no name holds) and what the plan
 * leaves there (with the drop-in it adds): a target holding other names
 * (another host's file, which could win over the plan's) is refused. */
struct pdir {
    const char *dir;
    char *before, *after;
};

/* What a plan checks on its target beside the files: the directories'
 * names, and (for the root "/") that the running kernel is one the
 * policies decide for as for the plan's (policy.h sg_policies_window). */
struct pctx {
    struct pdir dirs[SG_N_SYSCTL_DIRS];
    struct sg_krange win;
    bool modules; /* it writes a modules-load.d list */
};

/* A kernel version as the plans compare them: major * 1000000 + minor *
 * 1000 + patch (what kver_num in sh and the Jinja of the others compute
 * from a release string). */
static unsigned long kver_num(const struct sg_kver *k)
{
    return k->major * 1000000ul + k->minor * 1000ul + k->patch;
}

/* The window as a comment: ">= 4.12.0, < 5.8.0" ("any" when open). */
static void print_window(const struct sg_krange *w)
{
    if (w->has_from)
        printf(">= %u.%u.%u", w->from.major, w->from.minor, w->from.patch);
    if (w->has_from && w->has_before)
        printf(", ");
    if (w->has_before)
        printf("< %u.%u.%u", w->before.major, w->before.minor, w->before.patch);
    if (!w->has_from && !w->has_before)
        printf("any");
}

/* The Jinja expression that is false when kernel number KN (a Jinja
 * expression) is outside the window. */
static void jinja_in_window(const struct sg_krange *w, const char *kn)
{
    printf("(%s >= %lu and %s < %lu)", kn,
           w->has_from ? kver_num(&w->from) : 0ul, kn,
           w->has_before ? kver_num(&w->before) : 999999999ul);
}

/* Jinja: the kernel number of release expression K. */
#define JINJA_KN(k)                                                            \
    "((" k " ~ '.0.0').replace('-', '.').replace('+', '.').split('.')[0] | "   \
    "int) * 1000000 + ((" k " ~ '.0.0').replace('-', '.').replace('+', "       \
    "'.').split('.')[1] | int) * 1000 + ((" k " ~ '.0.0').replace('-', "       \
    "'.').replace('+', '.').split('.')[2] | int)"

/* Every directory's names (before, or AFTER the plan) as target paths,
 * sorted, joined by "//". */
static char *dir_paths(const struct pctx *x, bool after)
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

static char *join_names(char **v, size_t n)
{
    struct sg_buf b = {0};
    for (size_t i = 0; i < n; i++)
        sg_buf_printf(&b, "%s%s", i ? "/" : "", v[i]);
    return b.v ? b.v : strdup("");
}

static void plan_dirs_free(struct pdir *d)
{
    for (size_t i = 0; i < SG_N_SYSCTL_DIRS; i++) {
        free(d[i].before);
        free(d[i].after);
    }
}

static int plan_dirs(const struct sg_model *m, const struct sg_changes *cs,
                     struct pdir *out)
{
    int r = 0;
    memset(out, 0, SG_N_SYSCTL_DIRS * sizeof(*out));
    for (size_t i = 0; i < SG_N_SYSCTL_DIRS && r == 0; i++) {
        char **v = NULL;
        size_t n = 0, len = strlen(sg_sysctl_dirs[i]);
        out[i].dir = sg_sysctl_dirs[i];
        r = sg_fileset_list(m->rootfd, sg_sysctl_dirs[i], &v, &n);
        if (r == 0 && !(out[i].before = join_names(v, n)))
            r = -ENOMEM;
        char **all = r == 0 ? calloc(n + cs->n + 1, sizeof(*all)) : NULL;
        size_t k = n;
        if (r == 0 && !all)
            r = -ENOMEM;
        for (size_t j = 0; all && j < n; j++)
            all[j] = v[j];
        for (size_t j = 0; all && j < cs->n; j++) {
            const char *p = cs->v[j].path;
            if (!cs->v[j].before && strncmp(p, out[i].dir, len) == 0 &&
                p[len] == '/' && !strchr(p + len + 1, '/'))
                all[k++] = (char *)(p + len + 1);
        }
        if (all) {
            qsort(all, k, sizeof(*all), sg_strp_cmp);
            if (!(out[i].after = join_names(all, k)))
                r = -ENOMEM;
        }
        free(all);
        for (size_t j = 0; j < n; j++)
            free(v[j]);
        free(v);
    }
    return r;
}

/* The files of the plan: CS's changes, then every other file M read, its
 * text read again beneath the root for its digest. *N counts them all;
 * NULL without memory or when a file cannot be read again (said). */
static struct pfile *plan_files(const struct sg_model *m,
                                const struct sg_changes *cs, size_t *n)
{
    struct pfile *v = calloc(cs->n + m->n_files + 1, sizeof(*v));
    size_t k = 0;

    for (size_t i = 0; v && i < cs->n; i++, k++) {
        const struct sg_change *c = &cs->v[i];
        v[k].path = c->path;
        v[k].c = c;
        if (c->before)
            sg_sha256_hex(c->before, strlen(c->before), v[k].before);
        else
            strcpy(v[k].before, "absent");
        sg_sha256_hex(c->after, strlen(c->after), v[k].after);
        v[k].not_utf8 = !sg_utf8_valid(c->after) ||
                        (c->before && !sg_utf8_valid(c->before));
    }
    for (size_t i = 0; v && cs->n && i < m->n_files; i++) {
        const struct sg_file *f = m->files[i];
        bool written = false;
        for (size_t j = 0; j < cs->n && !written; j++)
            written = strcmp(cs->v[j].path, f->path) == 0;
        if (written || !f->readable)
            continue;
        char *text = NULL;
        size_t len;
        int err = 0;
        if (sg_read_at(m->rootfd, f->path, &text, &len, &err) != SG_READ_OK ||
            len != f->text_len || sg_hash(text, len) != f->text_hash) {
            fprintf(stderr,
                    "sysctl-guard plan: %s changed while the plan "
                    "was made\n",
                    sg_vis(f->path));
            free(text);
            free(v);
            return NULL;
        }
        v[k].path = f->path;
        sg_sha256_hex(text, len, v[k].before);
        memcpy(v[k].after, v[k].before, sizeof(v[k].after));
        free(text);
        k++;
    }
    *n = k;
    return v;
}

/* The comment line naming the findings change C fixes. */
static void print_fixes(const struct sg_change *c, const char *in, bool jinja)
{
    printf("%s# fixes ", in);
    for (size_t j = 0; j < c->n_fixes; j++) {
        printf("%s", j ? ", " : "");
        comment_text(c->fixes[j], jinja);
    }
    printf("\n");
}

/* ---- quoting ---- */

/* S inside a YAML double-quoted scalar (the quotes not printed): "\", the
 * quote and control characters escaped (a line break as \n), and every
 * "{" as Jinja's {{ '{' }} when JINJA (Salt renders the whole SLS; Ansible
 * every string of a playbook). LATIN1: each byte is the code point of the
 * same number (Salt's encoding: latin-1 writes the bytes back exactly). */
static void yq_body_as(const char *s, bool jinja, bool latin1)
{
    char *fixed = latin1 || sg_utf8_valid(s) ? NULL : sg_utf8_repair(s);
    for (const unsigned char *p = (const void *)(fixed ? fixed : s); *p; p++)
        if (*p == '\\' || *p == '"')
            printf("\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", stdout);
        else if (*p == '\t')
            fputs("\\t", stdout);
        else if (*p < 0x20 || *p == 0x7f)
            printf("\\x%02x", *p);
        else if (*p == '{' && jinja)
            fputs("{{ '{' }}", stdout);
        else if (*p >= 0x80 && latin1)
            printf("\\x%02x", *p);
        else
            putchar(*p);
    free(fixed);
}

static void yq_body(const char *s)
{
    yq_body_as(s, true, false);
}

static void yq(const char *s)
{
    putchar('"');
    yq_body(s);
    putchar('"');
}

/* A string as a single-quoted shell word. */
static void shq(const char *s)
{
    putchar('\'');
    for (; *s; s++) {
        if (*s == '\'')
            fputs("'\\''", stdout);
        else
            putchar(*s);
    }
    putchar('\'');
}

static void base64(const char *s)
{
    static const char t[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *p = (const void *)s;
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 |
                     (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
                     (i + 2 < n ? p[i + 2] : 0);
        putchar(t[v >> 18 & 63]);
        putchar(t[v >> 12 & 63]);
        putchar(i + 1 < n ? t[v >> 6 & 63] : '=');
        putchar(i + 2 < n ? t[v & 63] : '=');
    }
}

/* A file name or finding as text of a comment line: a control character
 * (a newline in a file name) would end the comment, so it prints as "?";
 * JINJA: the comment is rendered as Jinja too (Salt). */
static void comment_text(const char *s, bool jinja)
{
    for (const unsigned char *p = (const void *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            putchar('?');
        else if (*p == '{' && jinja)
            fputs("{{ '{' }}", stdout);
        else
            putchar(*p);
}

/* ---- what every plan says first ---- */

/* The reload as boot does it; when the plan writes a modules-load.d list
 * (x->modules), systemd-modules-load first, so that the modules' keys
 * exist when systemd-sysctl runs (one systemctl call orders the two as
 * their units do). */
static const char *boot_reload_sh(const struct sg_model *m,
                                  const struct pctx *x)
{
    return m->semantics != SG_SEM_SYSTEMD ? "sysctl --system"
           : x->modules ? "systemctl restart systemd-modules-load.service "
                          "systemd-sysctl.service"
                        : "systemctl restart systemd-sysctl.service";
}

/* The same as a YAML flow sequence ("[systemctl, restart, ...]"): the
 * words hold no blank, comma or quote. */
static void print_reload_argv(const struct sg_model *m, const struct pctx *x)
{
    putchar('[');
    for (const char *p = boot_reload_sh(m, x); *p; p++)
        if (*p == ' ')
            fputs(", ", stdout);
        else
            putchar(*p);
    putchar(']');
}

/* The comment lines that open a plan: version, kernel, root, and each
 * file with its digests and the findings its new text fixes. */
static void print_header(const struct sg_model *m, const struct pfile *fs,
                         size_t nw, size_t n, const struct pctx *x, bool jinja,
                         const char *end)
{
    printf("# sysctl-guard %s plan: %zu file%s to write for kernel ",
           SG_VERSION, nw, nw == 1 ? "" : "s");
    comment_text(m->kernel.release, jinja);
    printf("%s\n# Computed from the root ", end);
    comment_text(m->root, jinja);
    printf(" (--semantics %s). Each file must hold the text it held\n"
           "# then (sha256 before) or the text this plan leaves (after): "
           "any other\n# target is refused before anything changes.\n",
           sg_semantics_name(m->semantics));
    for (size_t i = 0; i < n; i++) {
        printf("#   ");
        comment_text(fs[i].path, jinja);
        if (!fs[i].c) {
            printf(" (read, not written)\n#     sha256 %s\n", fs[i].before);
            continue;
        }
        printf("\n#     before %s\n#     after  %s\n", fs[i].before,
               fs[i].after);
        for (size_t j = 0; j < fs[i].c->n_fixes; j++) {
            printf("#     fixes ");
            comment_text(fs[i].c->fixes[j], jinja);
            printf("\n");
        }
    }
    if (!n)
        return;
    printf("# The sysctl.d directories must hold these *.conf names (as the "
           "plan\n# found them, or as it leaves them), and no other:\n");
    for (size_t i = 0; i < SG_N_SYSCTL_DIRS; i++) {
        printf("#   %s: ", x->dirs[i].dir);
        comment_text(*x->dirs[i].before ? x->dirs[i].before : "(none)", jinja);
        if (strcmp(x->dirs[i].before, x->dirs[i].after) != 0) {
            printf("\n#     after: ");
            comment_text(x->dirs[i].after, jinja);
        }
        printf("\n");
    }
    printf("# The kernel the target runs (for the root /; or the one given)\n"
           "# must be one the policies decide for as for this one: ");
    print_window(&x->win);
    printf(".\n");
}

/* ---- ansible ---- */

#define ANS_ROOT "(sysctl_guard_root | default('/') | regex_replace('/+$', ''))"
/* Reload: as asked, else only when the root is "/". */
#define ANS_RELOAD "(sysctl_guard_reload | default(" ANS_ROOT " == '')) | bool"

/* Target PATH under the root parameter, as a YAML double-quoted scalar. */
static void ans_path(const char *path)
{
    fputs("\"{{ " ANS_ROOT " }}", stdout);
    yq_body(path);
    putchar('"');
}

static void ansible_tasks(const struct sg_model *m, const struct pfile *fs,
                          size_t nw, size_t n, const struct pctx *x,
                          const char *in)
{
    if (!n)
        return;
    /* One stat and one assert per file, every path inline: a path in a
     * loop's data would be rendered as Jinja a second time when used. */
    for (size_t i = 0; i < n; i++) {
        char *name = sg_strdup_printf("sysctl-guard: look at %s", fs[i].path);
        printf("%s- name: ", in);
        yq(name ? name : fs[i].path);
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
    jinja_in_window(&x->win, JINJA_KN("sysctl_guard_k"));
    printf("\n%s    fail_msg: \"the host runs kernel {{ sysctl_guard_k }}; "
           "this plan was made for kernel {{ '",
           in);
    base64(m->kernel.release); /* the operator's text: never rendered */
    printf("' | b64decode }} (the same decisions for ");
    print_window(&x->win);
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
    base64(before ? before : "");
    printf("', '");
    base64(after ? after : "");
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
        yq(name ? name : fs[i].path);
        printf(
            "\n%s  ansible.builtin.assert:\n%s    that: >-\n"
            "%s      (('symlink' if sysctl_guard_file_%zu.stat.islnk else\n"
            "%s      sysctl_guard_file_%zu.stat.checksum | default('absent'))\n"
            "%s      if sysctl_guard_file_%zu.stat.exists else 'absent') in\n"
            "%s      ['%s', '%s']\n%s    fail_msg: ",
            in, in, in, i, in, i, in, i, in, fs[i].before, fs[i].after, in);
        yq(msg ? msg : fs[i].path);
        printf("\n%s    quiet: true\n", in);
        free(name);
        free(msg);
    }
    for (size_t i = 0; i < nw; i++) {
        const struct sg_change *c = fs[i].c;
        const char *sl = strrchr(c->path, '/');
        print_fixes(c, in, false);
        if (!c->before && sl) {
            /* The drop-in's directory may be missing on a bare root. */
            char *dir = strndup(c->path, (size_t)(sl - c->path));
            printf("%s- name: ", in);
            char *name =
                sg_strdup_printf("sysctl-guard: the directory of %s", c->path);
            yq(name ? name : c->path);
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
        yq(name ? name : c->path);
        free(name);
        /* The bytes as base64: exact for text that is not UTF-8 (the
         * filter decodes with surrogateescape, copy encodes them back),
         * and no Jinja in a file's text is ever rendered. */
        printf("\n%s  ansible.builtin.copy:\n%s    dest: ", in, in);
        ans_path(c->path);
        printf("\n%s    content: \"{{ '", in);
        base64(c->after);
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
    print_reload_argv(m, x);
    printf("\n");
    printf("%s  changed_when: true\n", in);
    printf("%s  when:\n%s    - \"%s\"\n%s    - >-\n%s      ", in, in,
           ANS_RELOAD, in, in);
    for (size_t i = 0; i < nw; i++)
        printf("%ssysctl_guard_edit_%zu is changed", i ? " or " : "", i);
    printf("\n");
}

static void emit_ansible(const struct sg_model *m, const struct pfile *fs,
                         size_t nw, size_t n, const struct pctx *x,
                         bool tasks_only)
{
    print_header(m, fs, nw, n, x, false, "");
    printf("# Parameters, from inventory (host or group vars), the play or "
           "-e:\n"
           "# sysctl_guard_root (default /) prefixes every path;\n"
           "# sysctl_guard_reload (default: true when the root is /, else "
           "false)\n"
           "# reloads the kernel once at the end, as boot does (%s).\n",
           boot_reload_sh(m, x));
    if (tasks_only) {
        printf("# Tasks only: include_tasks/import_tasks it.\n");
        if (!n)
            printf("[]\n");
        ansible_tasks(m, fs, nw, n, x, "");
        return;
    }
    /* No play vars: they would beat the inventory's. */
    printf("- name: sysctl-guard fix-ups\n"
           "  hosts: all\n"
           "  gather_facts: false\n"
           "  tasks:%s\n",
           n ? "" : " []");
    ansible_tasks(m, fs, nw, n, x, "    ");
}

/* ---- salt ---- */

/* Target PATH under the root parameter, as a YAML double-quoted scalar
 * (the header makes prefix safe inside one). */
static void salt_path(const char *path)
{
    fputs("\"{{ prefix }}", stdout);
    yq_body(path);
    putchar('"');
}

static void emit_salt(const struct sg_model *m, const struct pfile *fs,
                      size_t nw, size_t n, const struct pctx *x)
{
    print_header(m, fs, nw, n, x, true, "");
    printf("# Parameters (Jinja context or pillar): sysctl_guard_root "
           "(default /),\n# sysctl_guard_reload (default: True when the root "
           "is /, else False).\n# The files are checked when the SLS is "
           "rendered (so test=True sees it\n# too); the states write them; "
           "one reload at the end applies them as\n# boot does (%s).\n",
           boot_reload_sh(m, x));
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
    jinja_in_window(&x->win, JINJA_KN("k"));
    printf(" %%}{%%- set sg.bad = sg.bad + ['kernel ' ~ k ~ ' (this plan is "
           "for ");
    print_window(&x->win);
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
        base64(x->dirs[i].before);
        printf("', '");
        base64(x->dirs[i].after);
        printf("'] %%}{%%- set sg.bad = sg.bad + [d ~ ' (other *.conf "
               "files)'] %%}{%%- endif %%}\n");
    }
    for (size_t i = 0; i < n; i++) {
        printf("{%%- set p = sysctl_guard_root.rstrip('/') ~ \"");
        yq_body_as(fs[i].path, false, false);
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
        print_fixes(c, "", true);
        printf("sysctl-guard-%zu-write:\n  file.managed:\n    - name: ", i + 1);
        salt_path(c->path);
        /* A text that is not UTF-8 goes as Latin-1, which maps each byte
         * to one code point and back. */
        printf("\n    - contents: \"");
        yq_body_as(c->after, true, fs[i].not_utf8);
        printf("\"\n    - contents_newline: False\n");
        if (fs[i].not_utf8)
            printf("    - encoding: latin-1\n");
        if (!c->before)
            printf("    - makedirs: True\n    - mode: '0644'\n");
    }
    printf("\n{%%- if sysctl_guard_reload %%}\n");
    printf("sysctl-guard-reload:\n  cmd.run:\n    - name: %s\n"
           "    - onchanges:\n",
           boot_reload_sh(m, x));
    for (size_t i = 0; i < nw; i++)
        printf("      - sysctl-guard-%zu-write\n", i + 1);
    printf("{%%- endif %%}\n{%%- endif %%}\n");
}

/* ---- sh ---- */

static void emit_sh(const struct sg_model *m, const struct pfile *fs, size_t nw,
                    size_t n, const struct pctx *x)
{
    printf("#!/bin/sh\n");
    print_header(m, fs, nw, n, x, false, ".");
    printf(
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
        "\n"
        "# digest FILE: its sha256, \"absent\", or \"symlink\".\n"
        "digest() {\n"
        "    if [ -L \"$1\" ]; then echo symlink\n"
        "    elif [ -e \"$1\" ]; then sha256sum < \"$1\" | cut -c1-64\n"
        "    else echo absent; fi\n"
        "}\n"
        "\n"
        "# check FILE BEFORE AFTER: the file is as the plan found it, or as "
        "it\n# leaves it; else nothing is done at all.\n"
        "check() {\n"
        "    d=$(digest \"$1\")\n"
        "    if [ \"$d\" != \"$2\" ] && [ \"$d\" != \"$3\" ]; then\n"
        "        printf 'sysctl-guard plan: %%s is not the file this plan "
        "was computed from (sha256 %%s): nothing was changed; run "
        "sysctl-guard plan for this host\\n' \"$1\" \"$d\" >&2\n"
        "        exit 3\n"
        "    fi\n"
        "}\n"
        "\n"
        "# kver_num RELEASE: major * 1000000 + minor * 1000 + patch.\n"
        "kver_num() {\n"
        "    printf '%%s\\n' \"$1\" | awk -F'[.+-]' '{ printf \"%%d\\n\", "
        "$1 * 1000000 + $2 * 1000 + ($3 ~ /^[0-9]+$/ ? $3 : 0) }'\n"
        "}\n"
        "\n"
        "# names DIR: its *.conf entries (not hidden), sorted, joined by /.\n"
        "names() {\n"
        "    out=''\n"
        "    for f in \"$1\"/*.conf; do\n"
        "        if [ -e \"$f\" ] || [ -L \"$f\" ]; then "
        "out=\"$out${out:+/}${f##*/}\"; fi\n"
        "    done\n"
        "    printf '%%s' \"$out\"\n"
        "}\n"
        "\n"
        "# check_dir DIR BEFORE AFTER: DIR holds the *.conf files the plan\n"
        "# found there, or those it leaves; another one (another host's,\n"
        "# which could win over the plan's) refuses everything.\n"
        "check_dir() {\n"
        "    n=$(names \"$1\")\n"
        "    if [ \"$n\" != \"$2\" ] && [ \"$n\" != \"$3\" ]; then\n"
        "        printf 'sysctl-guard plan: %%s holds other *.conf files "
        "(%%s) than this plan was computed from: nothing was changed; run "
        "sysctl-guard plan for this host\\n' \"$1\" \"$n\" >&2\n"
        "        exit 3\n"
        "    fi\n"
        "}\n"
        "\n"
        "# write FILE BEFORE TEXT: FILE gets TEXT when it still holds what it\n"
        "# held (BEFORE), through a copy (cp -p: owner, group, mode) renamed\n"
        "# over it.\n"
        "write() {\n"
        "    [ \"$(digest \"$1\")\" = \"$2\" ] || return 0\n"
        "    if [ \"$dry\" = 1 ]; then\n"
        "        printf 'would write %%s\\n' \"$1\"; changed=1; return 0\n"
        "    fi\n"
        "    dir=$(dirname \"$1\")\n"
        "    mkdir -p \"$dir\" || return 1\n"
        "    tmp=$(mktemp \"$dir/.sysctl-guard.XXXXXX\") || return 1\n"
        "    if [ -e \"$1\" ]; then\n"
        "        cp -p \"$1\" \"$tmp\" || { rm -f \"$tmp\"; return 1; }\n"
        "    else\n"
        "        chmod 0644 \"$tmp\" || { rm -f \"$tmp\"; return 1; }\n"
        "    fi\n"
        "    if printf '%%s' \"$3\" > \"$tmp\" && mv -f \"$tmp\" \"$1\"; then\n"
        "        changed=1\n"
        "    else\n"
        "        rm -f \"$tmp\"; return 1\n"
        "    fi\n"
        "}\n"
        "\n"
        "# step WHAT COMMAND...: run one step; a failure is noted, not "
        "fatal.\n"
        "step() {\n"
        "    what=$1; shift\n"
        "    \"$@\" || failed=\"$failed\n  $what\"\n"
        "}\n",
        boot_reload_sh(m, x));
    if (n)
        printf("\n");
    for (size_t i = 0; i < n; i++) {
        printf("check \"$root\"");
        shq(fs[i].path);
        printf(" %s %s\n", fs[i].before, fs[i].after);
    }
    if (n) {
        printf("if [ -z \"$kernel\" ] && [ -z \"$root\" ]; then "
               "kernel=$(uname -r); fi\n"
               "if [ -n \"$kernel\" ]; then\n"
               "    kn=$(kver_num \"$kernel\")\n"
               "    if [ \"$kn\" -lt %lu ] || [ \"$kn\" -ge %lu ]; then\n"
               "        printf 'sysctl-guard plan: the target runs kernel %%s; "
               "this plan was made for %%s (the same decisions for ",
               x->win.has_from ? kver_num(&x->win.from) : 0ul,
               x->win.has_before ? kver_num(&x->win.before) : 999999999ul);
        print_window(&x->win);
        printf("): nothing was changed; run sysctl-guard plan for this "
               "host\\n' \"$kernel\" ");
        shq(m->kernel.release);
        printf(" >&2\n        exit 3\n    fi\nfi\n");
    }
    for (size_t i = 0; n && i < SG_N_SYSCTL_DIRS; i++) {
        printf("check_dir \"$root\"");
        shq(x->dirs[i].dir);
        putchar(' ');
        shq(x->dirs[i].before);
        putchar(' ');
        shq(x->dirs[i].after);
        putchar('\n');
    }
    for (size_t i = 0; i < nw; i++) {
        const struct sg_change *c = fs[i].c;
        printf("\n");
        print_fixes(c, "", false);
        char *what = sg_strdup_printf("write %s", c->path);
        printf("step ");
        shq(what ? what : c->path);
        free(what);
        printf(" write \"$root\"");
        shq(c->path);
        printf(" %s ", fs[i].before);
        shq(c->after);
        printf("\n");
    }
    printf("\n# The kernel, once, as boot applies the files: only for the "
           "root /,\n# unless SYSCTL_GUARD_RELOAD says otherwise.\n"
           "if [ \"$changed\" = 1 ] && [ \"$reload\" = 1 ]; then\n"
           "    if [ \"$dry\" = 1 ]; then\n"
           "        echo 'would reload the kernel (%s)'\n"
           "    else\n"
           "        step 'reload the kernel (%s)' %s\n"
           "    fi\n"
           "fi\n"
           "if [ -n \"$failed\" ]; then\n"
           "    printf 'sysctl-guard plan: these steps failed:%%s\\n' "
           "\"$failed\" >&2\n"
           "    exit 1\n"
           "fi\n",
           boot_reload_sh(m, x), boot_reload_sh(m, x), boot_reload_sh(m, x));
}

int sg_cmd_plan(struct sg_cli *cli)
{
    struct sg_policies ps;
    struct sg_model_opts o;
    struct sg_model *m = NULL;
    struct sg_findings fs = {0};
    struct sg_changes cs = {0};
    struct sg_eval_opts eo = {.profiles = cli->profiles,
                              .n_profiles = cli->n_profiles};
    char *err = NULL;
    int r;

    if (cli->emit == SG_EMIT_NONE || cli->n_args) {
        fprintf(stderr,
                "usage: %s plan --emit sh|ansible|ansible-tasks|salt "
                "[OPTIONS]\n",
                cli->prog);
        return SG_EXIT_ERROR;
    }
    r = sg_cli_load_policies(cli, cli->policies, cli->n_policies, &ps);
    if (r != 0)
        return r;
    sg_cli_model_opts(cli, &o);
    if (sg_model_load(&o, &m, &err) < 0) {
        fprintf(stderr, "%s plan: %s\n", cli->prog, err ? err : "failed");
        free(err);
        sg_policies_free(&ps);
        return SG_EXIT_ERROR;
    }
    size_t d0 = m->diags.n;
    r = sg_evaluate(m, &ps, &eo, &fs);
    if (r == 0 && sg_diag_count(&m->diags, SG_SEV_ERROR) == 0)
        r = sg_fix_plan(m, &ps, &eo, &fs, cli->lensdir, NULL, &cs, NULL,
                        &m->diags);
    for (size_t i = 0; i < m->diags.n; i++)
        if (m->diags.v[i].severity > SG_SEV_INFO &&
            (i >= d0 || m->diags.v[i].severity == SG_SEV_ERROR))
            sg_print_diag(stderr, &m->diags.v[i], false);
    size_t n = 0;
    struct pfile *pf = r == 0 ? plan_files(m, &cs, &n) : NULL;
    struct pctx x;
    if (pf && plan_dirs(m, &cs, x.dirs) < 0) {
        plan_dirs_free(x.dirs);
        free(pf);
        pf = NULL;
    }
    if (pf) {
        sg_policies_window(&ps, &m->kernel, &x.win);
        x.modules = false;
        for (size_t i = 0; i < cs.n; i++)
            x.modules |= sg_modload_is_list(cs.v[i].path);
    }
    if (r < 0 || !pf || sg_diag_count(&m->diags, SG_SEV_ERROR) > 0) {
        r = SG_EXIT_ERROR;
    } else {
        if (cli->emit == SG_EMIT_SH)
            emit_sh(m, pf, cs.n, n, &x);
        else if (cli->emit == SG_EMIT_SALT)
            emit_salt(m, pf, cs.n, n, &x);
        else
            emit_ansible(m, pf, cs.n, n, &x,
                         cli->emit == SG_EMIT_ANSIBLE_TASKS);
        r = SG_EXIT_OK;
    }
    if (pf)
        plan_dirs_free(x.dirs);
    free(pf);
    sg_changes_free(&cs);
    sg_findings_free(&fs);
    sg_model_free(m);
    sg_policies_free(&ps);
    return r;
}
