/*
 * cmd_plan.c - `sysctl-guard plan --emit sh|ansible|ansible-tasks|salt`:
 * the fix-ups of `fix`, as a script or as tasks/states another tool
 * applies. Every path is prefixed with the root parameter (default "/"),
 * whose default lives where inventory, pillar or the environment override
 * it. The files are only edited; the kernel is reloaded once, at the end,
 * the way boot does it (systemd-sysctl.service, or `sysctl --system` for
 * --semantics procps), only when something changed and only when the root
 * is "/" unless the reload parameter asks otherwise: an image's files are
 * never loaded into the kernel that runs the plan. Removals come first.
 * Each step carries the finding it fixes (rule file:line).
 */
#include "cli.h"
#include "../core/eval.h"
#include "../core/fix.h"
#include "../core/util.h"

#include <stdlib.h>
#include <string.h>

/* A regular expression for a line that sets KEY, in any spelling: leading
 * blanks, an optional "-", components separated by "." or "/". BLANK is
 * the regex for a run of blanks in the dialect at hand: "\s*" (Python,
 * one line at a time), "[[:space:]]*" (POSIX ERE), "[ \t]*" (a whole file
 * in multi-line mode, where \s would cross line ends). */
static char *key_regex(const char *key, const char *blank)
{
    size_t cap = strlen(key) * 6 + 3 * strlen(blank) + 16;
    char *r = malloc(cap), *o = r;

    if (!r)
        return NULL;
    o += sprintf(o, "^%s-?%s", blank, blank);
    for (const char *p = key; *p; p++) {
        if (*p == '.' || *p == '/')
            o += sprintf(o, "[./]");
        else if (strchr("\\^$*+?()[]{}|", *p))
            o += sprintf(o, "\\%c", *p);
        else
            *o++ = *p;
    }
    sprintf(o, "%s=", blank);
    return r;
}

/* S inside a YAML double-quoted scalar (the quotes not printed): "\", the
 * quote and control characters escaped, and every "{" as Jinja's
 * {{ '{' }}: Ansible renders the strings of a playbook as Jinja, Salt the
 * whole SLS, and a file or key name may hold "{{" or "{%". YAML is
 * Unicode: text that is not UTF-8 is repaired (U+FFFD). */
static void yq_body(const char *s)
{
    char *fixed = sg_utf8_valid(s) ? NULL : sg_utf8_repair(s);
    for (const unsigned char *p = (const void *)(fixed ? fixed : s); *p; p++)
        if (*p == '\\' || *p == '"')
            printf("\\%c", *p);
        else if (*p < 0x20 || *p == 0x7f)
            printf("\\x%02x", *p);
        else if (*p == '{')
            fputs("{{ '{' }}", stdout);
        else
            putchar(*p);
    free(fixed);
}

/* A string as a YAML double-quoted scalar (see yq_body). */
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

static const char *verb(enum sg_line_op op)
{
    return op == SG_LINE_REMOVE    ? "remove"
           : op == SG_LINE_COMMENT ? "comment out"
                                   : "set";
}

/* Whether an earlier step already does what step I does: the steps match
 * lines by key, so one per file, key and kind is enough. */
static bool repeated(const struct sg_plan_ops *ops, size_t i)
{
    const struct sg_plan_op *o = &ops->v[i];
    bool set = o->op == SG_LINE_SET || o->op == SG_LINE_APPEND;
    for (size_t j = 0; j < i; j++) {
        const struct sg_plan_op *p = &ops->v[j];
        bool pset = p->op == SG_LINE_SET || p->op == SG_LINE_APPEND;
        if (strcmp(p->file, o->file) == 0 && strcmp(p->key, o->key) == 0 &&
            (p->op == o->op || (set && pset)))
            return true;
    }
    return false;
}

/* A file name or finding as text of a comment line: a control character
 * (a newline in a file name) would end the comment, so it prints as "?";
 * JINJA: the comment is rendered as Jinja too (Salt), see yq_body. */
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

/* The comment line naming every finding a step fixes. */
static void print_fixes(const struct sg_plan_ops *ops, size_t i,
                        const char *indent, bool jinja)
{
    printf("%s# fixes ", indent);
    comment_text(ops->v[i].why, jinja);
    for (size_t j = i + 1; j < ops->n; j++)
        if (repeated(ops, j) && strcmp(ops->v[j].file, ops->v[i].file) == 0 &&
            strcmp(ops->v[j].key, ops->v[i].key) == 0) {
            printf(", ");
            comment_text(ops->v[j].why, jinja);
        }
    printf("\n");
}

/* The first comment line of a plan: version, steps, kernel (a release
 * given with --kernel is the operator's text: kept to the comment). */
static void print_headline(const struct sg_model *m,
                           const struct sg_plan_ops *ops, bool jinja,
                           const char *end)
{
    printf("# sysctl-guard %s plan: %zu step%s for kernel ", SG_VERSION, ops->n,
           ops->n == 1 ? "" : "s");
    comment_text(m->kernel.release, jinja);
    printf("%s\n", end);
}

/* ---- ansible ---- */

/* Target PATH under the root parameter, as a YAML double-quoted scalar. */
#define ANS_ROOT "(sysctl_guard_root | default('/') | regex_replace('/+$', ''))"
/* Reload: as asked, else only when the root is "/". */
#define ANS_RELOAD                                                             \
    "(sysctl_guard_reload | default(" ANS_ROOT " == '')) | bool"

static void ans_path(const char *path)
{
    fputs("\"{{ " ANS_ROOT " }}", stdout);
    yq_body(path);
    putchar('"');
}

/* How boot applies the files: the command, as an argv. */
static const char *boot_reload_argv(const struct sg_model *m)
{
    return m->semantics == SG_SEM_SYSTEMD
               ? "[systemctl, restart, systemd-sysctl.service]"
               : "[sysctl, --system]";
}

static const char *boot_reload_sh(const struct sg_model *m)
{
    return m->semantics == SG_SEM_SYSTEMD
               ? "systemctl restart systemd-sysctl.service"
               : "sysctl --system";
}

/* Whether the file at target PATH in M holds text other than UTF-8 (Latin-1
 * comments): ansible.posix.sysctl reads its file as UTF-8 and fails on such
 * a file, ansible.builtin.lineinfile works on its bytes. */
static bool not_utf8(const struct sg_model *m, const char *path)
{
    const struct sg_file *f = sg_model_file(m, path);
    return f && f->not_utf8; /* no file: a new drop-in */
}

/* Set KEY in a file that is not UTF-8: lineinfile rewrites the line that
 * sets it (keeping a "-" prefix and the indentation) or, for an append to
 * a drop-in, adds the line at the end (the reload comes at the end). */
static void ansible_set_lineinfile(const struct sg_plan_op *o, const char *re,
                                   const char *indent)
{
    /* RE is "^\s*-?\s*KEY\s*=" (key_regex): the prefix becomes group 1. */
    static const char pre[] = "^\\s*-?\\s*";
    char *grp =
        strncmp(re, pre, sizeof(pre) - 1) == 0
            ? sg_strdup_printf("^(%s)%s.*$", pre + 1, re + sizeof(pre) - 1)
            : NULL;
    struct sg_buf line = {0};

    bool append = o->op == SG_LINE_APPEND;

    /* With backrefs, "\\" in LINE is one backslash; without, it is text. */
    sg_buf_printf(&line, "%s%s = ", append ? "" : "\\1", o->key);
    for (const char *v = o->value ? o->value : ""; *v; v++)
        sg_buf_add(&line, *v == '\\' && !append ? "\\\\" : v,
                   *v == '\\' && !append ? 2 : 1);
    printf("%s  ansible.builtin.lineinfile:\n", indent);
    printf("%s    path: ", indent);
    ans_path(o->file);
    printf("\n");
    printf("%s    regexp: ", indent);
    yq(grp && !append ? grp : re);
    printf("\n%s    line: ", indent);
    yq(line.v ? line.v : "");
    /* An append adds the line at the end (the file exists: it was read). */
    printf("\n");
    if (!append)
        printf("%s    backrefs: true\n", indent);
    free(line.v);
    free(grp);
}

/* The last task: reload the kernel as boot does, once, when an edit
 * changed something and the reload parameter (default: the root is "/")
 * says so. */
static void ansible_reload(const struct sg_model *m,
                           const struct sg_plan_ops *ops, const char *indent)
{
    bool any = false;
    for (size_t i = 0; i < ops->n; i++)
        any |= !repeated(ops, i);
    if (!any)
        return;
    printf("%s- name: \"sysctl-guard: reload the kernel as boot does\"\n",
           indent);
    printf("%s  ansible.builtin.command:\n%s    argv: %s\n", indent, indent,
           boot_reload_argv(m));
    printf("%s  changed_when: true\n", indent);
    printf("%s  when:\n%s    - \"%s\"\n%s    - >-\n%s      ", indent, indent,
           ANS_RELOAD, indent, indent);
    const char *sep = "";
    for (size_t i = 0; i < ops->n; i++)
        if (!repeated(ops, i)) {
            printf("%ssysctl_guard_edit_%zu is changed", sep, i);
            sep = " or ";
        }
    printf("\n");
}

static void ansible_tasks(const struct sg_model *m,
                          const struct sg_plan_ops *ops, const char *indent)
{
    for (size_t i = 0; i < ops->n; i++) {
        const struct sg_plan_op *o = &ops->v[i];
        if (repeated(ops, i))
            continue;
        char *re = key_regex(o->key, "\\s*");
        print_fixes(ops, i, indent, false);
        printf("%s- name: ", indent);
        char *name =
            o->op == SG_LINE_APPEND
                ? sg_strdup_printf("sysctl-guard: the directory of %s", o->file)
                : sg_strdup_printf("sysctl-guard: %s %s in %s", verb(o->op),
                                   o->key, o->file);
        yq(name ? name : o->key);
        free(name);
        printf("\n");
        switch (o->op) {
        case SG_LINE_REMOVE:
            printf("%s  ansible.builtin.lineinfile:\n", indent);
            printf("%s    path: ", indent);
            ans_path(o->file);
            printf("\n");
            printf("%s    regexp: ", indent);
            yq(re);
            printf("\n%s    state: absent\n", indent);
            break;
        case SG_LINE_COMMENT:
            printf("%s  ansible.builtin.replace:\n", indent);
            printf("%s    path: ", indent);
            ans_path(o->file);
            printf("\n");
            printf("%s    regexp: ", indent);
            char *grp = sg_strdup_printf("(%s.*)$", re);
            yq(grp ? grp : re);
            free(grp);
            printf("\n%s    replace: '# \\1'\n", indent);
            break;
        case SG_LINE_SET:
        case SG_LINE_APPEND:
            if (o->op == SG_LINE_APPEND) {
                /* The drop-in's directory may be missing on a bare root. */
                char *dir = strdup(o->file), *sl = dir ? strrchr(dir, '/') : 0;
                if (sl)
                    *sl = '\0';
                printf("%s  ansible.builtin.file:\n", indent);
                printf("%s    path: ", indent);
                ans_path(dir ? dir : "");
                printf("\n");
                printf("%s    state: directory\n%s    mode: '0755'\n", indent,
                       indent);
                printf("%s- name: ", indent);
                char *n2 = sg_strdup_printf("sysctl-guard: set %s in %s",
                                            o->key, o->file);
                yq(n2 ? n2 : o->key);
                free(n2);
                printf("\n");
                free(dir);
            }
            if (not_utf8(m, o->file)) {
                ansible_set_lineinfile(o, re, indent);
                break;
            }
            printf("%s  ansible.posix.sysctl:\n", indent);
            printf("%s    name: ", indent);
            yq(o->key);
            printf("\n%s    value: ", indent);
            yq(o->value ? o->value : "");
            printf("\n%s    sysctl_file: ", indent);
            ans_path(o->file);
            printf("\n");
            /* Only the file: the kernel is reloaded once, at the end. */
            printf("%s    reload: false\n", indent);
            break;
        }
        printf("%s  register: sysctl_guard_edit_%zu\n", indent, i);
        free(re);
    }
    ansible_reload(m, ops, indent);
}

static void emit_ansible(const struct sg_model *m,
                         const struct sg_plan_ops *ops, bool tasks_only)
{
    print_headline(m, ops, false, "");
    printf("# Parameters, from inventory (host or group vars), the play or "
           "-e:\n"
           "# sysctl_guard_root (default /) prefixes every path;\n"
           "# sysctl_guard_reload (default: true when the root is /, else "
           "false)\n"
           "# reloads the kernel once at the end, as boot does (%s).\n",
           m->semantics == SG_SEM_SYSTEMD ? "systemd-sysctl.service"
                                          : "sysctl --system");
    if (tasks_only) {
        printf("# Tasks only: include_tasks/import_tasks it.\n");
        if (!ops->n)
            printf("[]\n");
        ansible_tasks(m, ops, "");
        return;
    }
    /* No play vars: they would beat the inventory's. */
    printf("- name: sysctl-guard fix-ups\n"
           "  hosts: all\n"
           "  gather_facts: false\n"
           "  tasks:%s\n",
           ops->n ? "" : " []");
    ansible_tasks(m, ops, "    ");
}

/* ---- salt ---- */

/* Salt's file.replace runs Python's re over the whole file with
 * re.MULTILINE: blanks are [ \t], never \s, which would run across line
 * ends. */
#define SALT_BLANK "[ \\t]*"

/* Target PATH under the root parameter, as a YAML double-quoted scalar
 * (the header makes prefix safe inside one). */
static void salt_path(const char *path)
{
    fputs("\"{{ prefix }}", stdout);
    yq_body(path);
    putchar('"');
}

/* A state id: sysctl-guard-N-WHAT. */
static const char *salt_what(enum sg_line_op op)
{
    return op == SG_LINE_REMOVE    ? "remove"
           : op == SG_LINE_COMMENT ? "comment"
                                   : "set";
}

/* VALUE as Python re replacement text: a backslash stands for itself. */
static char *salt_repl(const char *prefix, const char *key, const char *value)
{
    struct sg_buf b = {0};
    sg_buf_printf(&b, "%s%s = ", prefix, key);
    for (const char *v = value ? value : ""; *v; v++)
        sg_buf_add(&b, *v == '\\' ? "\\\\" : v, *v == '\\' ? 2 : 1);
    return b.v;
}

/* One file.replace over target FILE. */
static void salt_replace(const char *file, const char *pattern,
                         const char *repl, const char *append)
{
    printf("  file.replace:\n    - name: ");
    salt_path(file);
    printf("\n    - pattern: ");
    yq(pattern);
    printf("\n    - repl: ");
    yq(repl);
    if (append) {
        printf("\n    - append_if_not_found: True\n    - not_found_content: ");
        yq(append);
        /* In test mode file.managed has not created the drop-in yet. */
        printf("\n    - ignore_if_missing: True");
    }
    printf("\n    - backup: False\n");
}

/* The edit of a file that is not UTF-8, which Salt's file states decode
 * and fail on: a byte-wise awk (LC_ALL=C) run by cmd.run as a stateful
 * command, writing a copy of the file (cp -p: owner, group and mode) that
 * is renamed over it only when the text changes. Its inputs come through the
 * environment, so no quoting reaches the script. */
static void salt_bytes_edit(const struct sg_plan_op *o)
{
    char *re = key_regex(o->key, "[[:blank:]]*");
    printf("  cmd.run:\n"
           "    - stateful: True\n"
           "    - env:\n"
           "      - SG_FILE: ");
    salt_path(o->file);
    printf("\n      - SG_OP: %s\n"
           "      - SG_KEY: ",
           salt_what(o->op));
    yq(o->key);
    printf("\n      - SG_VALUE: ");
    yq(o->value ? o->value : "");
    printf("\n      - SG_RE: ");
    yq(re ? re : "");
    printf("\n      - SG_APPEND: '%d'\n", o->op == SG_LINE_APPEND);
    printf(
        "    - name: |\n"
        "        set -eu\n"
        "        f=$SG_FILE\n"
        "        if [ ! -e \"$f\" ]; then\n"
        "          if [ \"$SG_APPEND\" != 1 ]; then\n"
        "            echo \"changed=no comment='no such file'\"; exit 0\n"
        "          fi\n"
        "          mkdir -p \"$(dirname \"$f\")\"; : > \"$f\"\n"
        "        fi\n"
        "        tmp=$(mktemp \"$f.sg-XXXXXX\")\n"
        "        cp -p \"$f\" \"$tmp\"\n"
        "        LC_ALL=C awk '\n"
        "          BEGIN { op = ENVIRON[\"SG_OP\"]; re = ENVIRON[\"SG_RE\"]\n"
        "                  kv = ENVIRON[\"SG_KEY\"] \" = \" "
        "ENVIRON[\"SG_VALUE\"] }\n"
        "          $0 ~ re {\n"
        "            found = 1\n"
        "            if (op == \"remove\") next\n"
        "            if (op == \"comment\") { print \"# \" $0; next }\n"
        "            match($0, /^[ \\t]*-?[ \\t]*/)\n"
        "            print substr($0, 1, RLENGTH) kv; next\n"
        "          }\n"
        "          { print }\n"
        "          END { if (op == \"set\" && !found && "
        "ENVIRON[\"SG_APPEND\"] == \"1\") print kv }\n"
        "        ' \"$f\" > \"$tmp\"\n"
        "        if cmp -s \"$f\" \"$tmp\"; then\n"
        "          rm -f \"$tmp\"\n"
        "          echo \"changed=no comment='$SG_KEY already done'\"\n"
        "        else\n"
        "          mv -f \"$tmp\" \"$f\"\n"
        "          echo \"changed=yes comment='$SG_OP $SG_KEY'\"\n"
        "        fi\n");
    free(re);
}

static void emit_salt(const struct sg_model *m, const struct sg_plan_ops *ops)
{
    print_headline(m, ops, true, "");
    printf("# Parameters (Jinja context or pillar): sysctl_guard_root "
           "(default /),\n# sysctl_guard_reload (default: True when the root "
           "is /, else False).\n# The states edit files only; one reload at "
           "the end applies them as\n# boot does (%s).\n",
           boot_reload_sh(m));
    printf("{%%- set sysctl_guard_root = sysctl_guard_root | default("
           "salt['pillar.get']('sysctl_guard_root', '/')) %%}\n"
           "{%%- set sysctl_guard_reload = sysctl_guard_reload | default("
           "salt['pillar.get']('sysctl_guard_reload', "
           "sysctl_guard_root.rstrip('/') == '')) %%}\n"
           "{#- prefix goes inside YAML double quotes: \\ and \" escaped "
           "#}\n"
           "{%%- set prefix = sysctl_guard_root.rstrip('/')"
           ".replace('\\\\', '\\\\\\\\').replace('\"', '\\\\\"') %%}\n");
    for (size_t i = 0; i < ops->n; i++) {
        const struct sg_plan_op *o = &ops->v[i];
        if (repeated(ops, i))
            continue;
        printf("\n");
        print_fixes(ops, i, "", true);
        bool bytes = not_utf8(m, o->file);
        if (o->op == SG_LINE_APPEND && !bytes) {
            /* The drop-in and its directory may be missing on a bare root;
             * an existing file is left as it is. */
            printf("sysctl-guard-%zu-file:\n  file.managed:\n    - name: ",
                   i + 1);
            salt_path(o->file);
            printf("\n    - replace: False\n    - makedirs: True\n");
        }
        printf("sysctl-guard-%zu-%s:\n", i + 1, salt_what(o->op));
        if (bytes) {
            salt_bytes_edit(o);
            continue;
        }
        char *re = key_regex(o->key, SALT_BLANK), *pat = NULL, *repl = NULL;
        /* RE is "^BLANK-?BLANKKEYBLANK=": split after the prefix. */
        const char *keypart = re ? re + 1 + 2 * strlen(SALT_BLANK) + 2 : "";
        switch (o->op) {
        case SG_LINE_REMOVE:
            pat = sg_strdup_printf("%s.*\\n?", re ? re : "");
            salt_replace(o->file, pat ? pat : "", "", NULL);
            break;
        case SG_LINE_COMMENT:
            pat = sg_strdup_printf("^(%s.*)$", re ? re + 1 : "");
            salt_replace(o->file, pat ? pat : "", "# \\g<1>", NULL);
            break;
        case SG_LINE_SET:
        case SG_LINE_APPEND:
            pat = sg_strdup_printf("^(" SALT_BLANK "-?" SALT_BLANK ")%s.*$",
                                   keypart);
            repl = salt_repl("\\g<1>", o->key, o->value);
            char *line = salt_repl("", o->key, o->value);
            salt_replace(o->file, pat ? pat : "", repl ? repl : "",
                         o->op == SG_LINE_APPEND ? line : NULL);
            free(line);
            if (o->op == SG_LINE_APPEND)
                printf("    - require:\n      - sysctl-guard-%zu-file\n",
                       i + 1);
            break;
        }
        free(repl);
        free(pat);
        free(re);
    }
    /* The states edit files only; one reload at the end applies them as
     * boot does, when any of them changed something. */
    bool any = false;
    for (size_t i = 0; i < ops->n; i++)
        any |= !repeated(ops, i);
    if (!any)
        return;
    printf("\n{%%- if sysctl_guard_reload %%}\n");
    printf("sysctl-guard-reload:\n  cmd.run:\n    - name: %s\n"
           "    - onchanges:\n",
           boot_reload_sh(m));
    for (size_t i = 0; i < ops->n; i++)
        if (!repeated(ops, i))
            printf("      - sysctl-guard-%zu-%s\n", i + 1,
                   salt_what(ops->v[i].op));
    printf("{%%- endif %%}\n");
}

/* ---- sh ---- */

static void emit_sh(const struct sg_model *m, const struct sg_plan_ops *ops)
{
    printf("#!/bin/sh\n");
    print_headline(m, ops, false, ".");
    printf(
        "# SYSCTL_GUARD_ROOT (default /) prefixes every path.\n"
        "# SYSCTL_GUARD_RELOAD: 1 reloads the kernel at the end as boot "
        "does\n"
        "# (%s), 0 does not; by default only when the\n"
        "# root is /. A step that fails does not stop the others: the "
        "failures\n"
        "# are listed at the end and the exit status is 1.\n"
        "# Idempotent: a second run changes nothing.\n"
        "# shellcheck disable=SC2016 # the single quotes hold awk programs\n"
        "set -u\n"
        "root=${SYSCTL_GUARD_ROOT:-/}\n"
        "while [ \"${root%%/}\" != \"$root\" ]; do root=${root%%/}; done\n"
        "reload=${SYSCTL_GUARD_RELOAD:-}\n"
        "if [ -z \"$reload\" ]; then\n"
        "    if [ -z \"$root\" ]; then reload=1; else reload=0; fi\n"
        "fi\n"
        "changed=0\n"
        "failed=''\n"
        "\n"
        "# edit FILE AWK-PROGRAM: FILE through the program, byte-wise; the\n"
        "# result replaces FILE atomically (a copy made with cp -p keeps\n"
        "# owner, group and mode, then a rename) only when the text changes.\n"
        "# The program reads SG_KEY, SG_VALUE and SG_RE from the environment\n"
        "# (awk -v would turn backslashes into escapes).\n"
        "edit() {\n"
        "    [ -f \"$1\" ] || return 0\n"
        "    tmp=$(mktemp \"$1.sg-XXXXXX\") || return 1\n"
        "    if ! cp -p \"$1\" \"$tmp\" || ! LC_ALL=C awk \"$2\" \"$1\" > "
        "\"$tmp\"; then\n"
        "        rm -f \"$tmp\"; return 1\n"
        "    fi\n"
        "    if cmp -s \"$1\" \"$tmp\"; then rm -f \"$tmp\"; return 0; fi\n"
        "    mv -f \"$tmp\" \"$1\" || { rm -f \"$tmp\"; return 1; }\n"
        "    changed=1\n"
        "}\n"
        "\n"
        "# step WHAT COMMAND...: run one step; a failure is noted, not fatal.\n"
        "step() {\n"
        "    what=$1; shift\n"
        "    \"$@\" || failed=\"$failed\n  $what\"\n"
        "}\n"
        "\n"
        "# remove_key FILE RE, comment_key FILE RE: drop, or put \"# \" "
        "before,\n"
        "# every line matching RE.\n"
        "remove_key() {\n"
        "    SG_RE=$2; export SG_RE\n"
        "    edit \"$1\" '$0 !~ ENVIRON[\"SG_RE\"]'\n"
        "}\n"
        "comment_key() {\n"
        "    SG_RE=$2; export SG_RE\n"
        "    edit \"$1\" '{ print ($0 ~ ENVIRON[\"SG_RE\"] ? \"# \" $0 : $0) "
        "}'\n"
        "}\n"
        "\n"
        "# set_key FILE KEY VALUE RE: every line matching RE becomes\n"
        "# KEY = VALUE, keeping its indentation and a \"-\" before the key;\n"
        "# without one, KEY = VALUE is appended.\n"
        "set_key() {\n"
        "    if [ ! -f \"$1\" ]; then\n"
        "        mkdir -p \"$(dirname \"$1\")\" && : > \"$1\" || return 1\n"
        "        changed=1\n"
        "    fi\n"
        "    SG_KEY=$2 SG_VALUE=$3 SG_RE=$4\n"
        "    export SG_KEY SG_VALUE SG_RE\n"
        "    edit \"$1\" '\n"
        "        BEGIN { kv = ENVIRON[\"SG_KEY\"] \" = \" "
        "ENVIRON[\"SG_VALUE\"] }\n"
        "        $0 ~ ENVIRON[\"SG_RE\"] {\n"
        "            match($0, /^[[:space:]]*-?[[:space:]]*/)\n"
        "            print substr($0, 1, RLENGTH) kv; found = 1; next\n"
        "        }\n"
        "        { print }\n"
        "        END { if (!found) print kv }\n"
        "        '\n"
        "}\n",
        boot_reload_sh(m));
    for (size_t i = 0; i < ops->n; i++) {
        const struct sg_plan_op *o = &ops->v[i];
        if (repeated(ops, i))
            continue;
        char *re = key_regex(o->key, "[[:space:]]*");
        char *what = sg_strdup_printf("%s %s in %s", verb(o->op), o->key,
                                      o->file);
        printf("\n");
        print_fixes(ops, i, "", false);
        printf("step ");
        shq(what ? what : o->key);
        switch (o->op) {
        case SG_LINE_REMOVE:
        case SG_LINE_COMMENT:
            printf(" %s \"$root\"",
                   o->op == SG_LINE_REMOVE ? "remove_key" : "comment_key");
            shq(o->file);
            printf(" ");
            shq(re);
            printf("\n");
            break;
        case SG_LINE_SET:
        case SG_LINE_APPEND:
            printf(" set_key \"$root\"");
            shq(o->file);
            printf(" ");
            shq(o->key);
            printf(" ");
            shq(o->value ? o->value : "");
            printf(" ");
            shq(re);
            printf("\n");
            break;
        }
        free(what);
        free(re);
    }
    printf("\n# The kernel, once, as boot applies the files: only for the "
           "root /,\n# unless SYSCTL_GUARD_RELOAD says otherwise.\n"
           "if [ \"$changed\" = 1 ] && [ \"$reload\" = 1 ]; then\n"
           "    step 'reload the kernel (%s)' %s\n"
           "fi\n"
           "if [ -n \"$failed\" ]; then\n"
           "    printf 'sysctl-guard plan: these steps failed:%%s\\n' "
           "\"$failed\" >&2\n"
           "    exit 1\n"
           "fi\n",
           boot_reload_sh(m), boot_reload_sh(m));
}

int sg_cmd_plan(struct sg_cli *cli)
{
    struct sg_policies ps;
    struct sg_model_opts o;
    struct sg_model *m = NULL;
    struct sg_findings fs = {0};
    struct sg_plan_ops ops = {0};
    struct sg_eval_opts eo = {.profiles = cli->profiles,
                              .n_profiles = cli->n_profiles};
    char *err = NULL;
    int r;

    if (!cli->emit || cli->n_args) {
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
    if (r == 0)
        r = sg_fix_ops(m, &fs, &ops, &m->diags);
    for (size_t i = 0; i < m->diags.n; i++)
        if (m->diags.v[i].severity > SG_SEV_INFO &&
            (i >= d0 || m->diags.v[i].severity == SG_SEV_ERROR))
            sg_print_diag(stderr, &m->diags.v[i], false);
    if (r < 0 || sg_diag_count(&m->diags, SG_SEV_ERROR) > 0) {
        r = SG_EXIT_ERROR;
    } else {
        if (strcmp(cli->emit, "sh") == 0)
            emit_sh(m, &ops);
        else if (strcmp(cli->emit, "salt") == 0)
            emit_salt(m, &ops);
        else
            emit_ansible(m, &ops, strcmp(cli->emit, "ansible-tasks") == 0);
        r = SG_EXIT_OK;
    }
    sg_plan_ops_free(&ops);
    sg_findings_free(&fs);
    sg_model_free(m);
    sg_policies_free(&ps);
    return r;
}
