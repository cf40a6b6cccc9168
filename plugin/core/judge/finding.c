/*
 * finding.c - see finding.h: what a finding is beside the rule that
 * made it (order, identity, copies, counts, its fingerprint, its message
 * put together from its rule's template and its fills). Views and front
 * ends read findings only through these.
 */
#include "finding.h"
#include "../base/util.h"
#include "placeholder.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int sg_finding_cmp(const void *x, const void *y)
{
    const struct sg_finding *a = x, *b = y;
    int c;
    if (!a->file != !b->file)
        return a->file ? -1 : 1;
    if (a->file && (c = strcmp(a->file, b->file)))
        return c;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    return strcmp(a->rule->id, b->rule->id);
}

void sg_findings_sort(struct sg_findings *fs)
{
    for (size_t i = 1; i < fs->n; i++)
        if (sg_finding_cmp(&fs->v[i - 1], &fs->v[i]) > 0) {
            qsort(fs->v, fs->n, sizeof(*fs->v), sg_finding_cmp);
            return;
        }
}

/* FIRST (FL bytes), then KEY, VALUE and FILE with their NULs, in one new
 * allocation; their copies in F. NULL: no memory. */
static char *texts(struct sg_finding *f, const char *first, size_t fl0,
                   const char *key, const char *value, const char *file)
{
    size_t kl = key ? strlen(key) + 1 : 0, vl = value ? strlen(value) + 1 : 0,
           fl = file ? strlen(file) + 1 : 0;
    char *b = malloc(fl0 + kl + vl + fl);
    if (!b)
        return NULL;
    memcpy(b, first, fl0);
    char *p = b + fl0;
    f->key = key ? memcpy(p, key, kl) : NULL;
    p += kl;
    f->value = value ? memcpy(p, value, vl) : NULL;
    p += vl;
    f->file = file ? memcpy(p, file, fl) : NULL;
    return b;
}

int sg_finding_texts(struct sg_finding *f, const char *message, size_t ml,
                     const char *key, const char *value, const char *file)
{
    struct sg_finding t = *f;
    char *b = texts(&t, message, ml + 1, key, value, file);
    if (!b)
        return -ENOMEM;
    *f = t;
    f->message = b;
    f->message[ml] = '\0';
    f->parts = NULL;
    return 0;
}

int sg_finding_parts(struct sg_finding *f, const char *parts, size_t pl,
                     const char *key, const char *value, const char *file)
{
    struct sg_finding t = *f;
    char *b = texts(&t, parts, pl, key, value, file);
    if (!b)
        return -ENOMEM;
    *f = t;
    f->message = NULL;
    f->parts = b;
    return 0;
}

int sg_finding_part(struct sg_buf *parts, const char *rep, size_t n,
                    const char *key, const char *value, const char *file)
{
    char tag = rep == key ? 'k' : rep == value ? 'v' : rep == file ? 'f' : 't';
    if (sg_buf_reserve(parts, tag == 't' ? n + 2 : 1) < 0)
        return -ENOMEM;
    parts->v[parts->n++] = tag;
    if (tag == 't') { /* and the NUL after the text */
        memcpy(parts->v + parts->n, rep, n + 1);
        parts->n += n + 1;
    }
    parts->v[parts->n] = '\0'; /* as a buffer is kept (util.h) */
    return 0;
}

/* The fill at *Q of parts (sg_finding_part), *Q moved past it: its tag
 * in *TAG, and the text of a "t" fill (NULL for the others; *TAG NUL and
 * *Q unmoved at their end). */
static const char *part_next(const char **q, char *tag)
{
    const char *text = NULL;
    *tag = **q;
    if (!*tag)
        return NULL;
    (*q)++;
    if (*tag == 't') {
        text = *q;
        *q += strlen(text) + 1;
    }
    return text;
}

/* The length of parts P, their end's NUL tag included. */
static size_t parts_len(const char *p)
{
    const char *q = p;
    char tag;
    do
        part_next(&q, &tag);
    while (tag);
    return (size_t)(q - p) + 1;
}

/* The fill at *Q of F's parts, *Q moved past it ("" at their end). */
static const char *fill_of(const struct sg_finding *f, const char **q)
{
    char tag;
    const char *text = part_next(q, &tag);
    const char *s = tag == 'k'   ? f->key
                    : tag == 'v' ? f->value
                    : tag == 'f' ? f->file
                                 : text;
    return s ? s : "";
}

/* Cut TMPL into M's segments: 0 or -ENOMEM (M's cut forgotten). */
static int cut_template(struct sg_message *m, const char *tmpl)
{
    const char *end = tmpl + strlen(tmpl);
    m->tmpl = NULL;
    m->n = 0;
    m->text_len = 0;
    for (const char *p = tmpl; p < end;) {
        struct sg_message_seg g;
        p = sg_template_cut(p, end, &g.ph, &g.p, &g.len);
        if (SG_PUSH(*m, g) < 0)
            return -ENOMEM;
        m->text_len += g.ph ? 0 : g.len;
    }
    m->tmpl = tmpl;
    return 0;
}

const char *sg_finding_message(const struct sg_finding *f, struct sg_message *m)
{
    if (f->message)
        return f->message;
    const char *t = f->rule->message, *q = f->parts;
    if (m->tmpl != t && cut_template(m, t) < 0)
        return f->rule->title;
    size_t need = m->text_len + 1;
    while (*q) /* the fills' lengths: the text is made in one piece */
        need += strlen(fill_of(f, &q));
    if (need > m->cap_text) {
        char *v = realloc(m->text, need);
        if (!v)
            return f->rule->title;
        m->text = v;
        m->cap_text = need;
    }
    char *o = m->text;
    q = f->parts;
    for (size_t i = 0; i < m->n; i++) {
        const char *s = m->v[i].p;
        size_t len = m->v[i].len;
        if (m->v[i].ph) {
            s = fill_of(f, &q);
            len = strlen(s);
        }
        memcpy(o, s, len);
        o += len;
    }
    *o = '\0';
    return m->text;
}

void sg_message_free(struct sg_message *m)
{
    free(m->text);
    free(m->v);
    memset(m, 0, sizeof(*m));
}

void sg_finding_clear(struct sg_finding *f)
{
    free(f->message ? f->message : f->parts); /* key, value, file with it */
    free(f->fix_key);
    free(f->fix_value);
    free(f->fix_file);
    free(f->why_left);
    free(f->suppressed);
    free(f->source);
    for (size_t i = 0; i < f->n_spans; i++) {
        free(f->spans[i].file);
        free(f->spans[i].insert);
    }
    free(f->spans);
    if (f->writer) {
        free(f->writer->name);
        free(f->writer->value);
        free(f->writer->file);
        free(f->writer->module);
        free(f->writer);
    }
    memset(f, 0, sizeof(*f));
}

void sg_findings_free(struct sg_findings *fs)
{
    for (size_t i = 0; i < fs->n; i++)
        sg_finding_clear(&fs->v[i]);
    free(fs->v);
    memset(fs, 0, sizeof(*fs));
}

size_t sg_findings_count(const struct sg_findings *fs, enum sg_severity sev)
{
    size_t n = 0;
    for (size_t i = 0; i < fs->n; i++)
        n += fs->v[i].severity == sev && !fs->v[i].suppressed;
    return n;
}

size_t sg_findings_suppressed(const struct sg_findings *fs)
{
    size_t n = 0;
    for (size_t i = 0; i < fs->n; i++)
        n += fs->v[i].suppressed != NULL;
    return n;
}

bool sg_findings_reach(const struct sg_findings *fs, enum sg_severity level)
{
    for (size_t i = 0; i < fs->n; i++)
        if (fs->v[i].severity >= level && !fs->v[i].suppressed)
            return true;
    return false;
}

const char *sg_finding_why(const struct sg_finding *f, char *buf, size_t len)
{
    snprintf(buf, len, "%s %s:%u", f->rule->id, f->file ? f->file : "-",
             f->line);
    return buf;
}

static bool same_str(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

bool sg_finding_same(const struct sg_finding *a, const struct sg_finding *b)
{
    if (a->rule != b->rule || !same_str(a->key, b->key))
        return false;
    if (!a->key)
        return same_str(a->file, b->file) && same_str(a->message, b->message);
    return !a->rule->on_lines ||
           (same_str(a->value, b->value) && same_str(a->file, b->file));
}

static void id_field(struct sg_buf *b, const char *s)
{
    if (s)
        sg_buf_printf(b, "%zu:%s", strlen(s), s);
    else
        sg_buf_add(b, "-", 1);
}

/* The fields sg_finding_same compares, in the same cases. */
char *sg_finding_same_id(const struct sg_finding *f)
{
    struct sg_buf b = {0};
    sg_buf_printf(&b, "%p", (const void *)f->rule);
    id_field(&b, f->key);
    if (!f->key) {
        id_field(&b, f->file);
        id_field(&b, f->message);
    } else if (f->rule->on_lines) {
        id_field(&b, f->value);
        id_field(&b, f->file);
    }
    return b.v;
}

int sg_finding_add_span(struct sg_finding *f, const struct sg_fix_span *sp)
{
    struct sg_fix_span *nv = realloc(f->spans, (f->n_spans + 1) * sizeof(*nv));
    if (!nv)
        return -ENOMEM;
    f->spans = nv;
    struct sg_fix_span c = {.file = strdup(sp->file),
                            .at = sp->at,
                            .len = sp->len,
                            .insert = strdup(sp->insert)};
    if (!c.file || !c.insert) {
        free(c.file);
        free(c.insert);
        return -ENOMEM;
    }
    f->spans[f->n_spans++] = c;
    return 0;
}

int sg_finding_copy(const struct sg_finding *f, struct sg_finding *out)
{
    *out = *f;
    out->spans = NULL;
    out->n_spans = 0;
    out->writer = NULL;
    out->message = out->parts = out->key = out->value = out->file = NULL;
#define DUP(x) (out->x = f->x ? strdup(f->x) : NULL, !f->x || out->x)
    bool ok =
        (f->message ? sg_finding_texts(out, f->message, strlen(f->message),
                                       f->key, f->value, f->file)
                    : sg_finding_parts(out, f->parts, parts_len(f->parts),
                                       f->key, f->value, f->file)) == 0;
    ok = ok & DUP(fix_key) & DUP(fix_value) & DUP(fix_file) & DUP(why_left) &
         DUP(suppressed) & DUP(source);
    if (ok && f->writer && (out->writer = calloc(1, sizeof(*out->writer)))) {
        out->writer->line = f->writer->line;
        ok = DUP(writer->name) & DUP(writer->value) & DUP(writer->file) &
             DUP(writer->module);
    } else if (f->writer)
        ok = false;
#undef DUP
    for (size_t i = 0; ok && i < f->n_spans; i++)
        ok = sg_finding_add_span(out, &f->spans[i]) == 0;
    if (!ok) {
        sg_finding_clear(out);
        return -ENOMEM;
    }
    return 0;
}

uint64_t sg_fingerprint(const char *rule, const char *file, const char *key,
                        const char *value)
{
    struct sg_buf b = {0};
    /* Stable when lines move. Of the text as JSON carries it (bytes that
     * are no UTF-8 repaired), so that the report, reading JSON, finds the
     * module's and SARIF's. */
    sg_buf_printf(&b, "%s|%s|%s|%s", rule, file, key, value);
    char *u = b.v && !sg_utf8_valid(b.v) ? sg_utf8_repair(b.v) : NULL;
    uint64_t h =
        u ? sg_hash(u, strlen(u)) : sg_hash(b.v ? b.v : "", b.v ? b.n : 0);
    free(u);
    free(b.v);
    return h;
}

void sg_finding_fingerprint(const struct sg_finding *f, char out[17])
{
    snprintf(out, 17, "%016" PRIx64,
             sg_fingerprint(f->rule->id, f->file ? f->file : "",
                            f->key ? f->key : "", f->value ? f->value : ""));
}
