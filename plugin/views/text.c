/*
 * text.c - the text views, for people: a check's findings as shellcheck
 * and ansible-lint are read (each file once, the worst line first, the
 * line quoted with its key marked, the gist of the why, the fix, each
 * reference once at the end; --verbose: whole messages; --quiet: a line a
 * finding) and a summary line; a fix's diff (preview) or the findings it
 * fixed, with what is left on the error stream. Every name and value is
 * printed through sg_vis (a control character in a file name never
 * reaches the terminal).
 */
#include "views.h"
#include "../core/base/util.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

static const char *sev_color(enum sg_severity s)
{
    return s == SG_SEV_ERROR     ? "\033[1;31m"
           : s == SG_SEV_WARNING ? "\033[1;33m"
                                 : "\033[1;36m";
}

/* The fix of F, for people: "remove KEY from FILE", ... into B. */
static void fix_text(struct sg_buf *b, const struct sg_finding *f)
{
    const char *where =
        f->fix_file ? sg_vis(f->fix_file) : "every file that sets it";
    /* A package's line: a copy of its file, without the line, masks it
     * (fix.c). */
    bool mask = (f->fix == SG_FIX_REMOVE || f->fix == SG_FIX_COMMENT) &&
                f->file && f->fix_file && strcmp(f->file, f->fix_file);
    if (mask) {
        sg_buf_printf(b,
                      "%s this line in a copy of %s at %s, which masks "
                      "the package's file (its package's later updates "
                      "of it no longer apply)",
                      f->fix == SG_FIX_REMOVE ? "remove" : "comment out",
                      sg_vis(f->file), sg_vis(f->fix_file));
        return;
    }
    switch (f->fix) {
    case SG_FIX_REMOVE:
        sg_buf_printf(b, "remove %s from %s", sg_vis(f->fix_key), where);
        break;
    case SG_FIX_COMMENT:
        sg_buf_printf(b, "comment out %s in %s", sg_vis(f->fix_key), where);
        break;
    case SG_FIX_SET:
        sg_buf_printf(b, "set %s = %s in %s", sg_vis(f->fix_key),
                      sg_vis(f->fix_value ? f->fix_value : ""),
                      sg_vis(f->fix_file));
        break;
    case SG_FIX_LOAD_MODULE:
        sg_buf_printf(b, "load %s at boot: add it to %s",
                      sg_vis(f->fix_value ? f->fix_value : ""),
                      sg_vis(f->fix_file));
        break;
    case SG_FIX_NONE:
        break;
    }
}

/* Where a sentence of TEXT that starts at P ends: after its ". ", "? "
 * or "! " (or at the end). A dot inside a number or a name ("4.12",
 * "sysctl.d") is followed by no blank. */
static const char *sentence_end(const char *p)
{
    for (; *p; p++)
        if ((*p == '.' || *p == '?' || *p == '!') &&
            (p[1] == ' ' || p[1] == '\0'))
            return p + 1;
    return p;
}

const char *sg_message_suggestion(const char *msg, size_t *len)
{
    for (const char *p = msg; p && *p; p = sentence_end(p)) {
        while (*p == ' ')
            p++;
        if (strncmp(p, "Did you mean ", 13) == 0) {
            *len = (size_t)(sentence_end(p) - p);
            return p;
        }
    }
    return NULL;
}

/* The gist of a finding's message MSG: its first sentence, and its own
 * "Did you mean ...?" when it comes later, appended to B. */
static void finding_gist(struct sg_buf *b, const char *msg)
{
    const char *end = sentence_end(msg);
    size_t n;
    const char *dym = sg_message_suggestion(end, &n);
    sg_buf_printf(b, "%.*s", (int)(end - msg), msg);
    if (dym)
        sg_buf_printf(b, " %.*s", (int)n, dym);
}

/* The gist of MSG (finding_gist) for the text view: its first
 * sentence, cut at a clause (", ", "; ", ": ") when it would take more
 * than three lines of COLS columns, then its "did you mean". */
static void gist(struct sg_buf *b, const char *msg, int cols)
{
    struct sg_buf g = {0};
    finding_gist(&g, msg);
    const char *t = g.v ? g.v : msg;
    const char *first_end = sentence_end(t);
    int cap = 3 * (cols > 20 ? cols : 20) - 4;
    if (sg_columns(t) > cap && (first_end - t) > cap) {
        const char *cut = NULL;
        for (const char *p = t; p < first_end && p - t < cap; p++)
            if ((*p == ',' || *p == ';' || *p == ':') && p[1] == ' ')
                cut = p;
        if (!cut) { /* one long word (a quoted line): cut in it */
            cut = t;
            for (int n = 0; *cut && n < cap; cut++)
                n += ((unsigned char)*cut & 0xC0) != 0x80;
            while (cut > t && ((unsigned char)*cut & 0xC0) == 0x80)
                cut--; /* not inside a character */
        }
        sg_buf_printf(b, "%.*s ...%s", (int)(cut - t), t, first_end);
        free(g.v);
        return;
    }
    sg_buf_printf(b, "%s", t);
    free(g.v);
}

/* Where the key of LINE (a sysctl.d assignment) starts and how many
 * columns it takes, for the marker under it: after the blanks and a "-". */
static void key_span(const char *line, size_t *at, size_t *len)
{
    size_t i = strspn(line, " \t");
    if (line[i] == '-')
        i++;
    size_t e = i + strcspn(line + i, "=");
    while (e > i && (line[e - 1] == ' ' || line[e - 1] == '\t'))
        e--;
    *at = i;
    *len = e > i ? e - i : 1;
}

/* F's line as written, with its key marked under it (as gcc and
 * shellcheck quote a line):
 *       | net.ipv4.tcp_tw_reuse = 1 # for the proxy
 *       | ^~~~~~~~~~~~~~~~~~~~~
 * A line shown escaped (a control byte in it) gets no marker: its columns
 * are not the file's. */
static void quote(FILE *out, const struct sg_finding *f, bool c, int width)
{
    const char *vis = sg_vis(f->source);
    /* at most a line of the terminal: a longer one is cut, and said so */
    int room = (width > 40 ? width : 40) - 12, cols = 0;
    size_t keep = 0;
    for (; vis[keep] && cols < room; keep++)
        cols += ((unsigned char)vis[keep] & 0xC0) != 0x80;
    while (vis[keep] && ((unsigned char)vis[keep] & 0xC0) == 0x80)
        keep++; /* the rest of the last character */
    fprintf(out, "      | %.*s%s\n", (int)keep, vis, vis[keep] ? " ..." : "");
    size_t at, len;
    key_span(f->source, &at, &len);
    /* a comment, or a line shown escaped (a control byte in it: its
     * columns are not the file's): no key to mark */
    if (vis != f->source || f->source[at] == '#' || f->source[at] == ';' ||
        !strchr(f->source, '=') || at >= keep)
        return;
    if (at + len > keep)
        len = keep - at;
    fputs("      | ", out);
    for (size_t i = 0; i < at; i++)
        fputc(f->source[i] == '\t' ? '\t' : ' ', out);
    /* as many columns as the key's characters (UTF-8: one a character) */
    size_t n = 0;
    for (size_t i = at; i < at + len && f->source[i]; i++)
        n += ((unsigned char)f->source[i] & 0xC0) != 0x80;
    fprintf(out, "%s^", sg_c(c, "\033[1;32m"));
    for (size_t i = 1; i < n; i++)
        fputc('~', out);
    fprintf(out, "%s\n", sg_c(c, "\033[0m"));
}

int sg_view_text_check(FILE *out, const struct sg_result *res,
                       const struct sg_view_opts *vo)
{
    const struct sg_report *r = &res->report;
    bool c = vo->color;
    int width = vo->width > 0 ? vo->width : 80;
    size_t nf = r->findings.n;
    const struct sg_finding **order = malloc((nf ? nf : 1) * sizeof(*order));
    if (!order) {
        fputs("sysctl-guard: out of memory\n", vo->err);
        return -1;
    }
    /* each file's findings (together already: the findings are sorted by
     * file, then line), its lines the worst first (a line as bad as its
     * worst finding), then by line; a line's findings the worst first */
    size_t k = 0;
    for (size_t i = 0; vo->quiet && i < nf; i++)
        order[k++] = &r->findings.v[i]; /* --quiet: as JSON, for grep */
    for (size_t i = 0; !vo->quiet && i < nf;) {
        size_t j = i;
        while (j < nf &&
               (r->findings.v[j].file && r->findings.v[i].file
                    ? strcmp(r->findings.v[j].file, r->findings.v[i].file) == 0
                    : !r->findings.v[j].file == !r->findings.v[i].file))
            j++;
        for (int worst = SG_SEV_ERROR; worst >= SG_SEV_INFO; worst--)
            for (size_t x = i; x < j;) {
                size_t y = x; /* x..y: one line's findings */
                int top = SG_SEV_INFO;
                while (y < j &&
                       r->findings.v[y].line == r->findings.v[x].line) {
                    if (!r->findings.v[y].suppressed &&
                        (int)r->findings.v[y].severity > top)
                        top = (int)r->findings.v[y].severity;
                    y++;
                }
                for (int sev = SG_SEV_ERROR; top == worst && sev >= SG_SEV_INFO;
                     sev--)
                    for (size_t z = x; z < y; z++)
                        if ((int)r->findings.v[z].severity == sev)
                            order[k++] = &r->findings.v[z];
                x = y;
            }
        i = j;
    }

    struct sg_message whole = {0}; /* a message kept as parts, put together */
    for (size_t i = 0; i < k; i++) {
        const struct sg_finding *f = order[i];
        if (f->suppressed)
            continue; /* counted in the summary, shown in JSON and SARIF */
        /* --quiet: "file:line: severity: title [rule]", a line a
         * finding whatever its length (for grep) */
        if (vo->quiet) {
            if (f->file)
                fprintf(out, "%s%s:%s%.0u%s%s ", sg_c(c, "\033[1m"),
                        sg_vis(f->file), f->line ? "" : "", f->line,
                        f->line ? ":" : "", sg_c(c, "\033[0m"));
            fprintf(out, "%s%s%s: %s %s[%s]%s\n",
                    sg_c(c, sev_color(f->severity)),
                    sg_severity_name(f->severity), sg_c(c, "\033[0m"),
                    sg_vis(f->rule->title), sg_c(c, "\033[2m"),
                    sg_vis(f->rule->id), sg_c(c, "\033[0m"));
            continue;
        }
        /* each file's name once, over its findings */
        const struct sg_finding *prev = NULL;
        for (size_t p = i; p-- > 0 && !prev;)
            if (!order[p]->suppressed)
                prev = order[p];
        bool same_file =
            prev && (prev->file && f->file ? strcmp(prev->file, f->file) == 0
                                           : !prev->file == !f->file);
        if (!same_file)
            fprintf(out, "%s%s%s\n", sg_c(c, "\033[1m"),
                    f->file ? sg_vis(f->file) : "(set in no file)",
                    sg_c(c, "\033[0m"));
        /* "  line: severity: title [rule]", the title wrapped under
         * itself (by 4), the rule kept whole */
        int col = 2;
        fputs("  ", out);
        if (f->line)
            col += fprintf(out, "%u: ", f->line);
        fprintf(out, "%s%s%s: ", sg_c(c, sev_color(f->severity)),
                sg_severity_name(f->severity), sg_c(c, "\033[0m"));
        col += (int)strlen(sg_severity_name(f->severity)) + 2;
        col = sg_wrap_on(out, col, 4, width, sg_vis(f->rule->title));
        if (col + 3 + (int)strlen(f->rule->id) > width)
            fputs("\n   ", out);
        fprintf(out, " %s[%s]%s\n", sg_c(c, "\033[2m"), sg_vis(f->rule->id),
                sg_c(c, "\033[0m"));
        /* a line quoted once, under its first finding */
        if (f->source && !(same_file && prev->source && prev->line == f->line))
            quote(out, f, c, width);
        struct sg_buf why = {0};
        const char *message = sg_finding_message(f, &whole);
        if (vo->verbose)
            sg_buf_printf(&why, "%s", message);
        else
            gist(&why, message, width - 4);
        fputs("    ", out);
        sg_wrap(out, 4, 4, width, sg_vis(why.v ? why.v : message));
        free(why.v);
        if (f->fix != SG_FIX_NONE) {
            struct sg_buf b = {0};
            fix_text(&b, f);
            fprintf(out, "    %sfix:%s ", sg_c(c, "\033[32m"),
                    sg_c(c, "\033[0m"));
            sg_wrap(out, 9, 9, width, b.v ? b.v : "");
            free(b.v);
        }
        for (size_t j = 0; vo->verbose && j < f->rule->n_refs; j++)
            fprintf(out, "    see: %s\n", f->rule->refs[j].href);
    }
    /* The references once each, in the order of the findings citing
     * them (explain RULE gives a rule's own). */
    bool any = false;
    for (size_t i = 0; !vo->quiet && !vo->verbose && i < k; i++) {
        const struct sg_finding *f = order[i];
        for (size_t j = 0; !f->suppressed && j < f->rule->n_refs; j++) {
            const char *href = f->rule->refs[j].href;
            bool seen = false; /* printed already */
            for (size_t x = 0; x < i && !seen; x++)
                for (size_t y = 0; !order[x]->suppressed &&
                                   y < order[x]->rule->n_refs && !seen;
                     y++)
                    seen = strcmp(order[x]->rule->refs[y].href, href) == 0;
            for (size_t y = 0; y < j && !seen; y++)
                seen = strcmp(f->rule->refs[y].href, href) == 0;
            if (seen)
                continue;
            if (!any)
                sg_wrap(out, 0, 2, width,
                        "references (sysctl-guard explain RULE: a rule's "
                        "whole text and its own):");
            any = true;
            fprintf(out, "  %s\n", sg_vis(href)); /* whole, however long */
        }
    }
    free(order);
    sg_message_free(&whole);
    size_t shown = 0; /* diagnostics no rule made a finding of */
    for (size_t i = 0; i < r->diags.n; i++)
        if (sg_diag_shown(r, &r->diags.v[i])) {
            sg_print_diag(vo->err, &r->diags.v[i], c);
            shown++;
        }
    size_t e = sg_findings_count(&r->findings, SG_SEV_ERROR),
           w = sg_findings_count(&r->findings, SG_SEV_WARNING),
           n = sg_findings_count(&r->findings, SG_SEV_INFO);
    /* The summary counts everything printed: findings, then diagnostics,
     * and says how many were suppressed (not printed). */
    size_t sup = sg_findings_suppressed(&r->findings), shown_f = e + w + n;
    char diags[96] = "";
    int dl = 0;
    if (shown)
        dl = snprintf(diags, sizeof(diags), "%s%zu diagnostic%s",
                      shown_f ? ", " : "", shown, shown == 1 ? "" : "s");
    if (sup && dl >= 0 && (size_t)dl < sizeof(diags))
        snprintf(diags + dl, sizeof(diags) - (size_t)dl, "%s%zu suppressed",
                 shown_f || shown ? ", " : "", sup);
    if (vo->quiet && shown_f == 0 && shown == 0)
        return 0; /* nothing to say */
    struct sg_buf sum = {0};
    if (shown_f == 0)
        sg_buf_printf(&sum, "sysctl-guard: %s%s (kernel %s, %zu file%s)",
                      diags[0] ? "no findings; " : "no findings", diags,
                      sg_vis(r->kernel), r->n_files,
                      r->n_files == 1 ? "" : "s");
    else
        sg_buf_printf(&sum,
                      "sysctl-guard: %zu error%s, %zu warning%s, %zu info%s "
                      "(kernel %s, %zu file%s)",
                      e, e == 1 ? "" : "s", w, w == 1 ? "" : "s", n, diags,
                      sg_vis(r->kernel), r->n_files,
                      r->n_files == 1 ? "" : "s");
    sg_wrap(out, 0, 2, width, sum.v ? sum.v : "sysctl-guard: out of memory");
    free(sum.v);
    return 0;
}

static void print_diags(FILE *err, const struct sg_diags *d, bool color)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->v[i].severity > SG_SEV_INFO)
            sg_print_diag(err, &d->v[i], color);
}

/* For people: the diff of a preview, or what was fixed; on opts->err the
 * problems and what is left. */
int sg_view_text_fix(FILE *out, const struct sg_result *s,
                     const struct sg_view_opts *vo)
{
    if (sg_diag_count(&s->report.diags, SG_SEV_ERROR) > 0)
        print_diags(vo->err, &s->report.diags, vo->color);
    print_diags(vo->err, &s->fix_diags, vo->color);
    if (sg_fix_blocked(s)) {
        struct sg_buf b = {0};
        sg_fix_headline(&b, s);
        fprintf(vo->err, "%s fix: %s\n", vo->prog, b.v ? sg_vis(b.v) : "");
        free(b.v);
    }
    sg_print_changes(out, s, vo->color);
    /* What is left, and why (a package's file, ...); then what no fix-up
     * changes, which needs a person. */
    struct sg_buf line = {0};
    for (size_t i = 0; sg_left_next(s, &i, &line);)
        fprintf(vo->err, "%s\n", sg_vis(line.v));
    free(line.v);
    const struct sg_findings *fs = &s->unfixed;
    size_t person = fs->n;
    struct sg_message whole = {0}; /* a message kept as parts, put together */
    for (size_t i = 0; i < fs->n; i++) {
        const struct sg_finding *f = &fs->v[i];
        fprintf(vo->err, "%s", sg_vis(f->file ? f->file : "-"));
        if (f->line)
            fprintf(vo->err, ":%u", f->line);
        /* The message, not the title: it says what to do ("did you
         * mean ..."). */
        fprintf(vo->err,
                ": %s: left: %s [%s]: no fix-up; needs a person "
                "(sysctl-guard explain %s)\n",
                sg_severity_name(f->severity),
                sg_vis(sg_finding_message(f, &whole)), sg_vis(f->rule->id),
                sg_vis(f->rule->id));
    }
    sg_message_free(&whole);
    if (s->left.n || person)
        fprintf(vo->err,
                "%s fix: %s %zu finding%s a fix could change, %zu "
                "that need%s a person\n",
                vo->prog, s->mode == SG_RUN_PREVIEW ? "would leave" : "left",
                s->left.n, s->left.n == 1 ? "" : "s", person,
                person == 1 ? "s" : "");
    return 0;
}

/* ---- list-rules: one rule a line, in columns ---- */

int sg_view_text_rules(FILE *out, const struct sg_policies *ps,
                       const struct sg_view_opts *vo)
{
    size_t wid = 4, wpack = 4;
    char pack[128];
    (void)vo;
    for (size_t i = 0; i < ps->n_rules; i++) {
        size_t n = strlen(ps->rules[i].id);
        size_t p = strlen(sg_rule_pack(&ps->rules[i], pack, sizeof(pack)));
        wid = n > wid ? n : wid;
        wpack = p > wpack ? p : wpack;
    }
    fprintf(out, "%-*s  %-8s  %-*s  %s\n", (int)wid, "RULE", "SEVERITY",
            (int)wpack, "PACK", "TITLE");
    for (size_t i = 0; i < ps->n_rules; i++) {
        const struct sg_rule *r = &ps->rules[i];
        fprintf(out, "%-*s  %-8s  %-*s  %s\n", (int)wid, sg_vis(r->id),
                sg_severity_name(r->severity), (int)wpack,
                sg_vis(sg_rule_pack(r, pack, sizeof(pack))), sg_vis(r->title));
    }
    return 0;
}
