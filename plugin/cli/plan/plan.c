/*
 * plan.c - `sysctl-guard plan --emit sh|ansible|ansible-tasks|salt`:
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
 *
 * This file holds what the engines share (plan.h) and the command; the
 * engines are one file each, one row of the table in sg_cmd_plan.
 */
#include "plan.h"
#include "../cli.h"
#include "../../core/tree/modload.h"
#include "../../core/tree/rootfs.h"
#include "../../core/base/sha256.h"
#include "../../core/base/util.h"
#include "../../remedy/diff.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* A kernel version as the plans compare them: major * 1000000 + minor *
 * 1000 + patch (what kver_num in sh and the Jinja of the others compute
 * from a release string). */
unsigned long sg_plan_kver_num(const struct sg_kver *k)
{
    return k->major * 1000000ul + k->minor * 1000ul + k->patch;
}

/* The window as a comment: ">= 4.12.0, < 5.8.0" ("any" when open). */
void sg_plan_window(FILE *out, const struct sg_krange *w)
{
    if (w->has_from)
        fprintf(out, ">= %u.%u.%u", w->from.major, w->from.minor,
                w->from.patch);
    if (w->has_from && w->has_before)
        fprintf(out, ", ");
    if (w->has_before)
        fprintf(out, "< %u.%u.%u", w->before.major, w->before.minor,
                w->before.patch);
    if (!w->has_from && !w->has_before)
        fprintf(out, "any");
}

/* The Jinja expression that is false when kernel number KN (a Jinja
 * expression) is outside the window. */
void sg_plan_jinja_in_window(FILE *out, const struct sg_krange *w,
                             const char *kn)
{
    fprintf(out, "(%s >= %lu and %s < %lu)", kn,
            w->has_from ? sg_plan_kver_num(&w->from) : 0ul, kn,
            w->has_before ? sg_plan_kver_num(&w->before) : 999999999ul);
}

static char *join_names(char **v, size_t n)
{
    struct sg_buf b = {0};
    for (size_t i = 0; i < n; i++)
        sg_buf_printf(&b, "%s%s", i ? "/" : "", v[i]);
    return b.v ? b.v : strdup("");
}

void sg_plan_dirs_free(struct sg_plan_dir *d)
{
    for (size_t i = 0; i < SG_N_SYSCTL_DIRS; i++) {
        free(d[i].before);
        free(d[i].after);
    }
}

int sg_plan_dirs(const struct sg_model *m, const struct sg_changes *cs,
                 struct sg_plan_dir *out)
{
    int r = 0;
    memset(out, 0, SG_N_SYSCTL_DIRS * sizeof(*out));
    for (size_t i = 0; i < SG_N_SYSCTL_DIRS && r == 0; i++) {
        char **v = NULL;
        size_t n = 0, len = strlen(sg_layout_dirs[i].path);
        out[i].dir = sg_layout_dirs[i].path;
        r = sg_fileset_list(m->rootfd, sg_layout_dirs[i].path, &v, &n);
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
struct sg_plan_file *sg_plan_files(const struct sg_model *m,
                                   const struct sg_changes *cs, size_t *n)
{
    struct sg_plan_file *v = calloc(cs->n + m->n_files + 1, sizeof(*v));
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
        /* The digest of what the run read (model.h opts.digests): what
         * the plan's decisions rest on, and what the target must hold. */
        v[k].path = f->path;
        memcpy(v[k].before, f->sha256, sizeof(v[k].before));
        memcpy(v[k].after, v[k].before, sizeof(v[k].after));
        k++;
    }
    *n = k;
    return v;
}

/* The comment line naming the findings change C fixes. */
void sg_plan_fixes(FILE *out, const struct sg_change *c, const char *in,
                   bool jinja)
{
    fprintf(out, "%s# fixes ", in);
    for (size_t j = 0; j < c->n_fixes; j++) {
        fprintf(out, "%s", j ? ", " : "");
        sg_plan_comment(out, c->fixes[j], jinja);
    }
    fprintf(out, "\n");
}

/* ---- quoting ---- */

/* S inside a YAML double-quoted scalar (the quotes not printed): "\", the
 * quote and control characters escaped (a line break as \n), and every
 * "{" as Jinja's {{ '{' }} when JINJA (Salt renders the whole SLS; Ansible
 * every string of a playbook). LATIN1: each byte is the code point of the
 * same number (Salt's encoding: latin-1 writes the bytes back exactly). */
void sg_plan_yq_as(FILE *out, const char *s, bool jinja, bool latin1)
{
    char *fixed = latin1 || sg_utf8_valid(s) ? NULL : sg_utf8_repair(s);
    for (const unsigned char *p = (const void *)(fixed ? fixed : s); *p; p++)
        if (*p == '\\' || *p == '"')
            fprintf(out, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", out);
        else if (*p == '\t')
            fputs("\\t", out);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(out, "\\x%02x", *p);
        else if (*p == '{' && jinja)
            fputs("{{ '{' }}", out);
        else if (*p >= 0x80 && latin1)
            fprintf(out, "\\x%02x", *p);
        else
            fputc(*p, out);
    free(fixed);
}

void sg_plan_yq_body(FILE *out, const char *s)
{
    sg_plan_yq_as(out, s, true, false);
}

void sg_plan_yq(FILE *out, const char *s)
{
    fputc('"', out);
    sg_plan_yq_body(out, s);
    fputc('"', out);
}

/* A string as a single-quoted shell word. */
void sg_plan_shq(FILE *out, const char *s)
{
    fputc('\'', out);
    for (; *s; s++) {
        if (*s == '\'')
            fputs("'\\''", out);
        else
            fputc(*s, out);
    }
    fputc('\'', out);
}

void sg_plan_base64(FILE *out, const char *s)
{
    static const char t[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *p = (const void *)s;
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 |
                     (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
                     (i + 2 < n ? p[i + 2] : 0);
        fputc(t[v >> 18 & 63], out);
        fputc(t[v >> 12 & 63], out);
        fputc(i + 1 < n ? t[v >> 6 & 63] : '=', out);
        fputc(i + 2 < n ? t[v & 63] : '=', out);
    }
}

/* A file name or finding as text of a comment line: a control character
 * (a newline in a file name) would end the comment, so it prints as "?";
 * JINJA: the comment is rendered as Jinja too (Salt). */
void sg_plan_comment(FILE *out, const char *s, bool jinja)
{
    for (const unsigned char *p = (const void *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            fputc('?', out);
        else if (*p == '{' && jinja)
            fputs("{{ '{' }}", out);
        else
            fputc(*p, out);
}

/* The length of the UTF-8 sequence at P (1-4) and its code point, or 0
 * when P starts no valid sequence. */
static size_t utf8_at(const unsigned char *p, unsigned *cp)
{
    size_t n = p[0] < 0x80             ? 1
               : (p[0] & 0xe0) == 0xc0 ? 2
               : (p[0] & 0xf0) == 0xe0 ? 3
               : (p[0] & 0xf8) == 0xf0 ? 4
                                       : 0;
    unsigned v = n == 1 ? p[0] : n == 2 ? p[0] & 0x1f : p[0] & (0x7f >> n);
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        v = v << 6 | (p[i] & 0x3f);
    }
    static const unsigned least[] = {0, 0, 0x80, 0x800, 0x10000};
    if (!n || v < least[n] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return n;
}

/* Whether code point CP must not reach a comment raw: C0 and C1
 * controls but the tab, Unicode line breaks, bidi controls, the BOM. */
static bool comment_escaped(unsigned cp)
{
    return (cp < 0x20 && cp != '\t') || (cp >= 0x7f && cp <= 0x9f) ||
           cp == 0x2028 || cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) ||
           (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff;
}

/* LEN bytes of S as comment text, escaped as sg_plan_diff_comment says. */
static void comment_text(FILE *out, const char *s, size_t len, bool jinja)
{
    static const char names[] = "\rr\ff\vv"; /* byte, letter pairs */
    const unsigned char *p = (const void *)s, *end = p + len;
    while (p < end) {
        unsigned cp = 0;
        size_t n = utf8_at(p, &cp);
        if (n == 0 || p + n > end) {
            fprintf(out, "\\x%02x", *p++);
            continue;
        }
        if (comment_escaped(cp)) {
            const char *nm = cp < 0x20 ? memchr(names, (int)cp, 6) : NULL;
            if (nm && (nm - names) % 2 == 0)
                fprintf(out, "\\%c", nm[1]);
            else if (cp < 0x80) /* a code point: \u, a raw byte: \x */
                fprintf(out, "\\x%02x", cp);
            else
                fprintf(out, "\\u%04x", cp);
        } else if (cp == '{' && jinja) {
            fputs("{{ '{' }}", out);
        } else {
            fwrite(p, 1, n, out);
        }
        p += n;
    }
}

void sg_plan_diff_comment(FILE *out, const struct sg_change *c, const char *in,
                          bool jinja)
{
    char *d = sg_diff_unified(c->path, c->before, c->after);
    /* The diff's lines end at "\n" only: a "\r" stays in its line, and
     * shows. */
    for (const char *l = d; l && *l;) {
        const char *nl = strchr(l, '\n');
        size_t len = nl ? (size_t)(nl - l) : strlen(l);
        fprintf(out, "%s#   ", in);
        comment_text(out, l, len, jinja);
        fputc('\n', out);
        l += len + (nl != NULL);
    }
    free(d);
}

void sg_plan_salt_name(char *buf, size_t size, size_t i, const char *path)
{
    const char *base = strrchr(path, '/');
    int n = snprintf(buf, size, "%zu-%s", i + 1, base ? base + 1 : path);
    for (char *p = strchr(buf, '-') + 1; n > 0 && *p; p++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                    "0123456789._-",
                    *p))
            *p = '_';
}

/* ---- what every plan says first ---- */

/* The reload as boot does it; when the plan writes a modules-load.d list
 * (x->modules), systemd-modules-load first, so that the modules' keys
 * exist when systemd-sysctl runs (one systemctl call orders the two as
 * their units do). */
const char *sg_plan_reload_cmd(const struct sg_model *m,
                               const struct sg_plan_ctx *x)
{
    return m->semantics != SG_SEM_SYSTEMD ? "sysctl --system"
           : x->modules ? "systemctl restart systemd-modules-load.service "
                          "systemd-sysctl.service"
                        : "systemctl restart systemd-sysctl.service";
}

/* The same as a YAML flow sequence ("[systemctl, restart, ...]"): the
 * words hold no blank, comma or quote. */
void sg_plan_reload_argv(FILE *out, const struct sg_model *m,
                         const struct sg_plan_ctx *x)
{
    fputc('[', out);
    for (const char *p = sg_plan_reload_cmd(m, x); *p; p++)
        if (*p == ' ')
            fputs(", ", out);
        else
            fputc(*p, out);
    fputc(']', out);
}

/* The comment lines that open a plan: version, kernel, root, and each
 * file with its digests and the findings its new text fixes. */
void sg_plan_header(FILE *out, const struct sg_plan *p, bool jinja,
                    const char *end)
{
    const struct sg_model *m = p->m;
    const struct sg_plan_file *fs = p->fs;
    const struct sg_plan_ctx *x = p->x;
    size_t nw = p->nw, n = p->n;

    fprintf(out, "# sysctl-guard %s plan: %zu file%s to write for kernel ",
            SG_VERSION, nw, nw == 1 ? "" : "s");
    sg_plan_comment(out, m->kernel.release, jinja);
    fprintf(out, "%s\n# Computed from the root ", end);
    sg_plan_comment(out, m->root, jinja);
    fprintf(out,
            " (--semantics %s). Each file must hold the text it held\n"
            "# then (sha256 before) or the text this plan leaves (after): "
            "any other\n# target is refused before anything changes.\n",
            sg_semantics_name(m->semantics));
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "#   ");
        sg_plan_comment(out, fs[i].path, jinja);
        if (!fs[i].c) {
            fprintf(out, " (read, not written)\n#     sha256 %s\n",
                    fs[i].before);
            continue;
        }
        fprintf(out, "\n#     before %s\n#     after  %s\n", fs[i].before,
                fs[i].after);
        for (size_t j = 0; j < fs[i].c->n_fixes; j++) {
            fprintf(out, "#     fixes ");
            sg_plan_comment(out, fs[i].c->fixes[j], jinja);
            fprintf(out, "\n");
        }
    }
    if (!n)
        return;
    fprintf(out,
            "# The sysctl.d directories must hold these *.conf names (as the "
            "plan\n# found them, or as it leaves them), and no other:\n");
    for (size_t i = 0; i < SG_N_SYSCTL_DIRS; i++) {
        fprintf(out, "#   %s: ", x->dirs[i].dir);
        sg_plan_comment(out, *x->dirs[i].before ? x->dirs[i].before : "(none)",
                        jinja);
        if (strcmp(x->dirs[i].before, x->dirs[i].after) != 0) {
            fprintf(out, "\n#     after: ");
            sg_plan_comment(out, x->dirs[i].after, jinja);
        }
        fprintf(out, "\n");
    }
    fprintf(out,
            "# The kernel the target runs (for the root /; or the one given)\n"
            "# must be one the policies decide for as for this one: ");
    sg_plan_window(out, &x->win);
    fprintf(out, ".\n");
}

/* ---- folding long YAML lines (ansible-lint's and the project's
 * .yamllint's line-length) without changing what they mean ---- */

/* Whether a cut before L[I] may go there: not before a blank (a folded
 * line's leading blanks are dropped, or make it "more indented"), not
 * inside an escape of a double-quoted scalar (ESC marks them) and, for
 * Jinja rendered first (Salt), not inside a {{ }}, {% %} or {# #}. */
static bool cut_ok(const char *l, size_t i, const bool *inside)
{
    return l[i] != ' ' && l[i] != '\t' && l[i - 1] != '\\' && !inside[i];
}

/* Print L[FROM..N) as lines of at most WIDTH columns, cut at positions
 * cut_ok allows (and, unless ANYWHERE, only after a single blank that
 * stays on the line before: plain and folded text, comments), each line
 * after the first prefixed by CONT; with ESCAPE, a cut line ends in "\"
 * (a double-quoted scalar's escaped line break, which joins the lines
 * with nothing between them). */
static void fold_at(FILE *out, const char *l, size_t from, size_t n,
                    const bool *inside, const char *cont, bool anywhere,
                    bool escape, int width)
{
    size_t start = 0, cl = strlen(cont), w = (size_t)width;
    for (;;) {
        size_t lead = start ? cl : 0; /* columns before l[start] */
        if (lead + (n - start) <= w || lead + 10 > w)
            break;
        size_t room = w - lead - (escape ? 1 : 0);
        size_t lo = (start ? start : from) + 2, cut = 0;
        for (size_t i = start + room; i >= lo && !cut; i--) {
            if (i >= n || !cut_ok(l, i, inside))
                continue;
            /* A blank before the cut: folded text drops it (the fold is
             * that blank); an escaped break would keep it, so none. */
            bool blank = l[i - 1] == ' ' || l[i - 1] == '\t';
            if (anywhere ? !blank : blank && l[i - 2] != ' ')
                cut = i;
        }
        if (!cut)
            break; /* nowhere to cut: the line stays long */
        size_t end = anywhere ? cut : cut - 1;
        fprintf(out, "%s%.*s%s\n", start ? cont : "", (int)(end - start),
                l + start, escape ? "\\" : "");
        start = cut;
    }
    fprintf(out, "%s%.*s\n", start ? cont : "", (int)(n - start), l + start);
}

void sg_plan_yaml_fold(FILE *out, const char *text, bool jinja_first, int width)
{
    int block = -1;      /* the indentation of a block scalar's parent */
    bool folded = false; /* ... and whether it folds (">") */
    for (const char *l = text; *l;) {
        size_t n = strcspn(l, "\n");
        const char *next = l + n + (l[n] == '\n');
        size_t ind = strspn(l, " ");
        bool blank = ind == n;
        bool *inside = calloc(n + 1, sizeof(*inside));
        if (!inside) {
            fprintf(out, "%.*s\n", (int)n, l);
            l = next;
            continue;
        }
        /* Jinja rendered before YAML is read: never cut inside it. */
        for (size_t i = 0; jinja_first && i + 1 < n; i++)
            if (l[i] == '{' && strchr("{%#", l[i + 1])) {
                char close = l[i + 1] == '{' ? '}' : l[i + 1];
                size_t j = i + 2;
                while (j + 1 < n && !(l[j] == close && l[j + 1] == '}'))
                    j++;
                for (size_t k = i; k <= j + 1 && k <= n; k++)
                    inside[k] = true;
                i = j + 1;
            }
        char cont[256];
        if (block >= 0 && (blank || (int)ind > block)) {
            /* A block scalar's line: folded text folds at a blank, with
             * the same indentation; a literal one is left as it is. */
            snprintf(cont, sizeof(cont), "%*s", (int)ind, "");
            if (folded && (int)n > width)
                fold_at(out, l, ind, n, inside, cont, false, false, width);
            else
                fprintf(out, "%.*s\n", (int)n, l);
        } else {
            block = -1;
            /* The key's column: past "- " items. */
            size_t kc = ind;
            while (kc + 1 < n && l[kc] == '-' && l[kc + 1] == ' ')
                kc += 2 + strspn(l + kc + 2, " ");
            size_t v = kc;
            if (kc < n && l[kc] != '"' && l[kc] != '#') {
                const char *colon = memmem(l + kc, n - kc, ": ", 2);
                v = colon ? (size_t)(colon - l) + 2 : n;
            }
            const char *rest = l + v;
            size_t rl = n - v;
            bool jstmt = jinja_first && l[ind] == '{' &&
                         (l[ind + 1] == '%' || l[ind + 1] == '#');
            if ((rl == 1 || rl == 2) && (rest[0] == '>' || rest[0] == '|')) {
                block = (int)ind;
                folded = rest[0] == '>';
                fprintf(out, "%.*s\n", (int)n, l);
            } else if ((int)n <= width || blank || jstmt) {
                fprintf(out, "%.*s\n", (int)n, l);
            } else if (l[ind] == '#') {
                size_t h = ind + 1 + strspn(l + ind + 1, " ");
                snprintf(cont, sizeof(cont), "%.*s", (int)h, l);
                fold_at(out, l, h, n, inside, cont, false, false, width);
            } else if (rl > 1 && rest[0] == '"' && l[n - 1] == '"') {
                /* Double-quoted: an escaped line break may go anywhere
                 * but inside an escape. */
                for (size_t i = v + 1; i < n; i++)
                    if (l[i] == '\\' && i + 1 < n) {
                        size_t e = l[i + 1] == 'x'   ? 3
                                   : l[i + 1] == 'u' ? 5
                                   : l[i + 1] == 'U' ? 9
                                                     : 1;
                        for (size_t k = i + 1; k <= i + e && k < n; k++)
                            inside[k] = true;
                        i += e;
                    }
                for (size_t i = 0; i <= v; i++)
                    inside[i] = true;
                snprintf(cont, sizeof(cont), "%*s", (int)kc + 2, "");
                fold_at(out, l, v + 1, n, inside, cont, true, true, width);
            } else if (rl > 0 && !strchr("'\"[{>|&*!%@`", rest[0])) {
                /* A plain scalar folds at a blank, indented under its key. */
                for (size_t i = 0; i <= v; i++)
                    inside[i] = true;
                snprintf(cont, sizeof(cont), "%*s", (int)kc + 2, "");
                fold_at(out, l, v, n, inside, cont, false, false, width);
            } else {
                fprintf(out, "%.*s\n", (int)n, l);
            }
        }
        free(inside);
        l = next;
    }
}

const struct sg_plan_engine sg_plan_engines[] = {
    {"sh", "a POSIX shell script", sg_plan_emit_sh, 0, NULL},
    {"ansible", "a playbook", sg_plan_emit_ansible, 1, NULL},
    {"ansible-tasks", "tasks for include_tasks", sg_plan_emit_ansible_tasks, 1,
     NULL},
    {"salt", "an SLS", sg_plan_emit_salt, 2,
     "writes a directory, an SLS and the files it copies: give --output DIR "
     "(in the Salt file roots; `salt-call state.apply DIR`)"},
    {"patch", "for git apply in a checkout", sg_plan_emit_patch, 0, NULL},
    {NULL, NULL, NULL, 0, NULL},
};
_Static_assert(sizeof(sg_plan_engines) / sizeof(*sg_plan_engines) <=
                   SG_PLAN_MAX_ENGINES + 1,
               "main.c's --emit choices hold SG_PLAN_MAX_ENGINES");

int sg_cmd_plan(struct sg_cli *cli)
{
    struct sg_policies ps;
    struct sg_run_opts o;
    struct sg_result res;
    char *err = NULL;
    int r;

    const struct sg_plan_engine *engine =
        cli->emit > 0 ? &sg_plan_engines[cli->emit - 1] : NULL;
    if (!engine || cli->n_args) {
        /* what is wrong, what each engine writes, and how to ask */
        if (cli->n_args)
            fprintf(stderr,
                    "%s plan: a plan is made for a tree (--root "
                    "DIR, default /), not for FILE arguments (\"%s\")\n",
                    cli->prog, cli->args[0]);
        else
            fprintf(stderr,
                    "%s plan: say what to write the plan for: "
                    "--emit KIND, one of:\n",
                    cli->prog);
        for (const struct sg_plan_engine *e = sg_plan_engines;
             !cli->n_args && e->name; e++)
            fprintf(stderr, "  %-14s %s\n", e->name, e->gloss ? e->gloss : "");
        fprintf(stderr, "usage: %s plan --emit ", cli->prog);
        for (const struct sg_plan_engine *e = sg_plan_engines; e->name; e++)
            fprintf(stderr, "%s%s", e == sg_plan_engines ? "" : "|", e->name);
        fprintf(stderr, " [OPTIONS]\nTry '%s plan --help'.\n", cli->prog);
        return SG_EXIT_ERROR;
    }
    if (engine->directory && !cli->output) {
        fprintf(stderr, "%s plan: --emit %s %s\n", cli->prog, engine->name,
                engine->directory);
        return SG_EXIT_ERROR;
    }
    r = sg_cli_load_policies(cli, cli->policies, cli->n_policies, &ps);
    if (r != 0)
        return r;
    /* The changes fix would make, with the model they were planned on. */
    sg_cli_run_opts(cli, SG_RUN_PREVIEW, &o);
    o.keep_model = true;
    o.digests = true;
    if (sg_run(&o, &ps, &res, &err) < 0 || !res.model) {
        fprintf(stderr, "%s plan: %s\n", cli->prog, err ? err : "failed");
        free(err);
        sg_result_free(&res);
        sg_policies_free(&ps);
        return SG_EXIT_ERROR;
    }
    const struct sg_model *m = res.model;
    const struct sg_changes *cs = &res.changes;
    for (size_t i = 0; i < res.report.diags.n; i++)
        if (res.report.diags.v[i].severity == SG_SEV_ERROR)
            sg_print_diag(stderr, &res.report.diags.v[i], false);
    for (size_t i = 0; i < res.fix_diags.n; i++)
        if (res.fix_diags.v[i].severity > SG_SEV_INFO)
            sg_print_diag(stderr, &res.fix_diags.v[i], false);
    size_t n = 0;
    struct sg_plan_file *pf =
        res.status == SG_EXIT_ERROR ? NULL : sg_plan_files(m, cs, &n);
    struct sg_plan_ctx x;
    if (pf && sg_plan_dirs(m, cs, x.dirs) < 0) {
        sg_plan_dirs_free(x.dirs);
        free(pf);
        pf = NULL;
    }
    if (pf) {
        sg_policies_window(&ps, &m->kernel, &x.win);
        x.modules = false;
        for (size_t i = 0; i < cs->n; i++)
            x.modules |= sg_modload_is_list(cs->v[i].path);
        const struct sg_plan p = {m, pf, cs->n, n, &x};
        r = SG_EXIT_OK;
        {
            /* Written whole; YAML then folded to SG_PLAN_WIDTH. */
            char *raw = NULL, *text = NULL;
            size_t rlen = 0, len = 0;
            FILE *mem = open_memstream(&raw, &rlen);
            FILE *folded = mem ? open_memstream(&text, &len) : NULL;
            bool emitted = mem && engine->emit(mem, &p) == 0;
            bool made = mem && fclose(mem) == 0 && emitted && raw && folded;
            if (made && engine->yaml)
                sg_plan_yaml_fold(folded, raw, engine->yaml == 2,
                                  SG_PLAN_WIDTH);
            else if (made)
                fwrite(raw, 1, rlen, folded);
            made = folded && fclose(folded) == 0 && made && text;
            const char *what = NULL;
            int e =
                made ? sg_plan_deliver(cli->output, engine->directory != NULL,
                                       &p, text, len, &what)
                     : -ENOMEM;
            if (e < 0) {
                fprintf(stderr, "%s plan: %s%s%s\n", cli->prog,
                        what ? sg_vis(what) : "", what ? ": " : "",
                        strerror(-e));
                r = SG_EXIT_ERROR;
            }
            free(raw);
            free(text);
        }
        sg_plan_dirs_free(x.dirs);
    } else {
        if (res.status != SG_EXIT_ERROR) /* the errors are said above */
            fprintf(stderr, "%s plan: out of memory\n", cli->prog);
        r = SG_EXIT_ERROR;
    }
    free(pf);
    sg_result_free(&res);
    sg_policies_free(&ps);
    return r;
}
