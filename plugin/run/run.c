/*
 * run.c - see run.h. One parser for the whole run; per tree or fragment
 * one load and evaluation, for a preview or a fix one plan (fix.h), and
 * after a fix that wrote something one more load and evaluation. A
 * finding's fix spans (SARIF's replacements) are read from the same
 * plan (finding_spans), no lens work of their own.
 */
#include "run.h"
#include "../core/judge/eval.h"
#include "../core/base/util.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Move the findings of SRC to the end of DST; SRC ends empty. An empty
 * DST takes SRC's array as it is (no copy of it, no second array beside
 * it: 70,000 findings are 9 MB). */
static int move_findings(struct sg_findings *dst, struct sg_findings *src)
{
    if (dst->n == 0) {
        free(dst->v);
        *dst = *src;
        memset(src, 0, sizeof(*src));
        return 0;
    }
    for (size_t i = 0; i < src->n; i++)
        if (SG_PUSH(*dst, src->v[i]) < 0) {
            /* The rest stays in SRC, to be freed with it. */
            memmove(src->v, src->v + i, (src->n - i) * sizeof(*src->v));
            src->n -= i;
            return -ENOMEM;
        }
    free(src->v);
    memset(src, 0, sizeof(*src));
    return 0;
}

static int copy_diags(struct sg_diags *dst, const struct sg_diags *src)
{
    for (size_t i = 0; i < src->n; i++) {
        const struct sg_diag *d = &src->v[i];
        if (sg_diag_add(dst, d->severity, d->code, d->file, d->line, "%s",
                        d->message) < 0)
            return -ENOMEM;
    }
    return 0;
}

/* Load and evaluate one tree or fragment. */
static int evaluate(const struct sg_run_opts *ro, const struct sg_model_opts *o,
                    const struct sg_policies *ps, struct sg_model **m,
                    struct sg_findings *fs, char **err)
{
    if (sg_model_load(o, m, err) < 0)
        return -1;
    if (sg_evaluate(*m, ps, &ro->set, fs) < 0) {
        *err = strdup("out of memory");
        return -1;
    }
    return 0;
}

/* What model M was read from, into the report. */
static int report_model(struct sg_report *rep, const struct sg_model *m)
{
    for (size_t i = 0; i < m->n_applied; i++)
        if (sg_report_add_file(rep, m->applied[i].file->path) < 0)
            return -ENOMEM;
    if (!m->fragment)
        rep->procps = m->procps;
    /* Fragments with kernels of their own (run.h each): each named once,
     * "A, B". */
    size_t kl = strlen(rep->kernel), rl = strlen(m->kernel.release);
    bool listed = rl == 0;
    for (const char *p = rep->kernel; *p && !listed; p += strcspn(p, ",")) {
        p += strspn(p, ", ");
        listed = strncmp(p, m->kernel.release, rl) == 0 &&
                 (p[rl] == ',' || p[rl] == '\0');
    }
    if (!listed)
        snprintf(rep->kernel + kl, sizeof(rep->kernel) - kl, "%s%s",
                 kl ? ", " : "", m->kernel.release);
    return copy_diags(&rep->diags, &m->diags);
}

/* Add the effects of one tree's or fragment's changes CS (after a fix:
 * of those written); a key fixed in two fragments keeps its first old
 * value and its last new one. */
static int add_effects(struct sg_result *s, const struct sg_model *m,
                       const struct sg_changes *cs, bool written)
{
    struct sg_effects fx;
    int r = sg_changes_effects(m, cs, written, &fx);

    for (size_t i = 0; r == 0 && i < fx.n; i++) {
        struct sg_effect *e = &fx.v[i], *old = NULL;
        for (size_t j = 0; j < s->effects.n && !old; j++)
            if (strcmp(s->effects.v[j].key, e->key) == 0)
                old = &s->effects.v[j];
        if (old) {
            free(old->new_value);
            old->new_value = e->new_value;
            e->new_value = NULL;
        } else if (SG_PUSH(s->effects, *e) == 0) {
            memset(e, 0, sizeof(*e));
        } else
            r = -ENOMEM;
    }
    if (r == 0)
        sg_effects_free(&fx);
    return r;
}

/* TEXT as the text of PATH into TS (once per path). */
static int keep_text(struct sg_texts *ts, const char *path, const char *text)
{
    if (sg_texts_get(ts, path))
        return 0;
    struct sg_text t = {.path = strdup(path), .text = strdup(text)};
    if (!t.path || !t.text || SG_PUSH(*ts, t) < 0) {
        free(t.path);
        free(t.text);
        return -ENOMEM;
    }
    return 0;
}

/* Per finding with a fix, its share of the plan `fix` would make (judged
 * by what it leaves): the spans of the operations that fix it, each span
 * once, into the finding (finding.h), and the texts they index into
 * TEXTS. An operation names the findings it fixes as fix.h does ("rule
 * file:line"); FS is sorted (sg_evaluate), so the findings of one name
 * are neighbours, found by one lookup. No plan, and no parser, when
 * nothing has a fix. */
static int finding_spans(const struct sg_run_opts *ro,
                         const struct sg_policies *ps, const struct sg_model *m,
                         struct sg_parser *p, struct sg_findings *fs,
                         struct sg_texts *texts)
{
    struct sg_changes cs = {0};
    struct sg_diags said = {0}; /* the fix's own run reports them */
    struct sg_strmap first = {0};
    char **names = NULL;
    bool any = false;
    int r = 0;

    for (size_t i = 0; i < fs->n && !any; i++)
        any = fs->v[i].fix != SG_FIX_NONE && !fs->v[i].suppressed;
    if (any)
        r = sg_fix_plan(m, ps, &ro->set, fs, ro->lensdir, p, &cs, NULL, &said);
    sg_diags_free(&said);
    if (r == 0 && cs.n && !(names = calloc(fs->n, sizeof(*names))))
        r = -ENOMEM;
    for (size_t i = 0; i < fs->n && r == 0 && names; i++) {
        char why[512];
        size_t old;
        sg_finding_why(&fs->v[i], why, sizeof(why));
        if (!(names[i] = strdup(why)))
            r = -ENOMEM;
        else
            r = sg_strmap_put(&first, names[i], i, &old);
    }
    for (size_t i = 0; i < cs.n && r == 0; i++) {
        const struct sg_change *c = &cs.v[i];
        const char *before = c->before ? c->before : "";
        for (size_t j = 0; j < c->n_ops && r == 0; j++)
            for (size_t k = 0; k < c->ops[j].n_why && r == 0; k++) {
                const struct sg_fix_op *op = &c->ops[j];
                bool seen = false; /* the span, for this finding */
                for (size_t l = 0; l < j && !seen; l++)
                    for (size_t w = 0; w < c->ops[l].n_why && !seen; w++)
                        seen = !memcmp(&c->ops[l].span, &op->span,
                                       sizeof(op->span)) &&
                               strcmp(c->ops[l].why[w], op->why[k]) == 0;
                size_t f = sg_strmap_get(&first, op->why[k]);
                if (seen || f == SIZE_MAX)
                    continue;
                char *insert = strndup(c->after + op->span.to, op->span.to_len);
                struct sg_fix_span sp = {.file = c->path,
                                         .at = op->span.at,
                                         .len = op->span.len,
                                         .insert = insert};
                r = insert ? keep_text(texts, c->path, before) : -ENOMEM;
                for (; r == 0 && f < fs->n && !strcmp(names[f], op->why[k]);
                     f++)
                    r = sg_finding_add_span(&fs->v[f], &sp);
                free(insert);
            }
    }
    for (size_t i = 0; names && i < fs->n; i++)
        free(names[i]);
    free(names);
    sg_strmap_free(&first);
    sg_changes_free(&cs);
    return r < 0 ? -ENOMEM : 0;
}

/* Each finding's line as written (finding.h source), for people: the
 * files with findings on lines read again (model.h sg_model_file_text:
 * only when unchanged since the model read them), once each. Lines end
 * at "\n" as the lens reads them (a lone CR, a form feed or U+0085 is
 * inside a line; a "\r" before the "\n" is dropped). FS is sorted by
 * file, so each file is read once. */
static int quote_findings(const struct sg_model *m, struct sg_findings *fs)
{
    const char *cur = NULL, *at = NULL; /* line AT_LINE of CUR's TEXT */
    char *text = NULL;
    unsigned at_line = 1;
    for (size_t i = 0; i < fs->n; i++) {
        struct sg_finding *f = &fs->v[i];
        if (!f->file || !f->line || f->source)
            continue;
        if (!cur || strcmp(cur, f->file) != 0) {
            free(text);
            text = sg_model_file_text(m, f->file);
            cur = f->file;
            at = text;
            at_line = 1;
        }
        /* lines go up within a file (FS is sorted): walk on from the
         * last one, not from the top (a file of 100,000 findings walked
         * its text 100,000 times) */
        if (f->line < at_line || !at) {
            at = text;
            at_line = 1;
        }
        const char *p = at;
        for (unsigned n = at_line; p && n < f->line; n++) {
            p = strchr(p, '\n');
            p = p ? p + 1 : NULL;
        }
        at = p;
        at_line = p ? f->line : at_line;
        if (!p || !*p)
            continue;
        size_t len = strcspn(p, "\n");
        if (len && p[len - 1] == '\r')
            len--;
        if (!(f->source = strndup(p, len))) {
            free(text);
            return -ENOMEM;
        }
    }
    free(text);
    return 0;
}

static int move_changes(struct sg_changes *dst, struct sg_changes *src)
{
    for (size_t i = 0; i < src->n; i++) {
        if (SG_PUSH(*dst, src->v[i]) < 0)
            return -ENOMEM; /* src still owns the rest */
        memset(&src->v[i], 0, sizeof(src->v[i]));
    }
    return 0;
}

/* One tree or fragment. */
static int run_one(const struct sg_run_opts *ro, const struct sg_model_opts *o,
                   const struct sg_policies *ps, struct sg_result *s,
                   char **err)
{
    enum sg_run_mode mode = ro->mode;
    struct sg_model *m = NULL;
    struct sg_findings fs = {0};
    struct sg_changes cs = {0};
    struct sg_findings after = {0};
    int r = mode == SG_RUN_LOAD ? sg_model_load(o, &m, err)
                                : evaluate(ro, o, ps, &m, &fs, err);

    if (r < 0)
        goto out;
    if (mode == SG_RUN_LOAD) {
        r = report_model(&s->report, m);
        goto out;
    }
    if (mode == SG_RUN_CHECK || sg_diag_count(&m->diags, SG_SEV_ERROR) > 0) {
        /* Nothing is fixed in a tree that did not read cleanly. */
        r = report_model(&s->report, m);
        if (r == 0 && ro->edits)
            r = finding_spans(ro, ps, m, o->parser, &fs, &s->report.texts);
        if (r == 0 && ro->quote)
            r = quote_findings(m, &fs);
        if (r == 0)
            r = move_findings(&s->report.findings, &fs);
        goto out;
    }
    r = sg_fix_plan(m, ps, &ro->set, &fs, ro->lensdir, o->parser, &cs, &after,
                    &s->fix_diags);
    if (r == 0 && mode == SG_RUN_FIX && cs.n &&
        sg_fix_apply(m, &cs, ro->backup, &s->fix_diags) == -ENOMEM)
        r = -ENOMEM;
    /* A preview says what the run would: a file it could not write is
     * an error, and no change. */
    if (r == 0 && mode == SG_RUN_PREVIEW && cs.n)
        r = sg_fix_predict(m, &cs, &s->fix_diags);
    if (r == 0)
        r = add_effects(s, m, &cs, mode == SG_RUN_FIX);
    if (r == 0 && mode == SG_RUN_FIX && cs.n) {
        /* Check again: the findings left are the answer. */
        struct sg_findings before = fs;
        sg_findings_free(&after);
        sg_model_free(m);
        m = NULL;
        memset(&fs, 0, sizeof(fs));
        if (evaluate(ro, o, ps, &m, &fs, err) < 0) {
            sg_findings_free(&before);
            goto out_err;
        }
        r = sg_fix_why_left(&before, &fs, &cs, &s->fix_diags);
        sg_findings_free(&before);
    }
    /* What is left: found again after a fix; for a plan, what it leaves. */
    const struct sg_findings *left = mode == SG_RUN_FIX && cs.n ? &fs : &after;
    for (size_t i = 0; r == 0 && i < left->n; i++) {
        struct sg_finding c;
        struct sg_findings *to =
            left->v[i].fix == SG_FIX_NONE ? &s->unfixed : &s->left;
        if (left->v[i].suppressed)
            continue;
        if (sg_finding_copy(&left->v[i], &c) < 0)
            r = -ENOMEM;
        else if (SG_PUSH(*to, c) < 0) {
            sg_finding_clear(&c);
            r = -ENOMEM;
        }
    }
    if (r == 0)
        r = report_model(&s->report, m);
    if (r == 0)
        r = move_findings(&s->report.findings, &fs);
    if (r == 0)
        r = move_changes(&s->changes, &cs);
out:
    if (r < 0 && !*err && r != -ENOMEM && s->fix_diags.n) {
        /* Planning stopped (no lens, ...): its last diagnostic says why. */
        const struct sg_diag *d = &s->fix_diags.v[s->fix_diags.n - 1];
        *err = sg_strdup_printf("%s: %s", d->file ? d->file : "-", d->message);
    }
    if (r < 0 && !*err)
        *err = strdup(r == -ENOMEM ? "out of memory" : "failed");
out_err:
    if (*err)
        r = -1;
    sg_changes_free(&cs);
    sg_findings_free(&after);
    sg_findings_free(&fs);
    if (r == 0 && ro->keep_model && !o->fragment && !s->model)
        s->model = m; /* the result owns it */
    else
        sg_model_free(m);
    return r < 0 ? -1 : 0;
}

static int status_of(const struct sg_run_opts *ro, const struct sg_result *s)
{
    if (sg_diag_count(&s->report.diags, SG_SEV_ERROR) > 0 ||
        sg_diag_count(&s->fix_diags, SG_SEV_ERROR) > 0)
        return SG_EXIT_ERROR;
    switch (ro->mode) {
    case SG_RUN_LOAD:
        return SG_EXIT_OK;
    case SG_RUN_CHECK:
        return sg_findings_reach(&s->report.findings, ro->fail_on)
                   ? SG_EXIT_FINDINGS
                   : SG_EXIT_OK;
    case SG_RUN_PREVIEW:
        return s->changes.n ? SG_EXIT_FINDINGS : SG_EXIT_OK;
    case SG_RUN_FIX:
        /* What no fix-up changes counts too, at fail_on: a typo key left
         * after the fix is no success (sg_result_exit for the front ends
         * whose answer is their output). */
        return s->left.n || sg_result_unfixed_reach(s, ro->fail_on)
                   ? SG_EXIT_FINDINGS
                   : SG_EXIT_OK;
    }
    return SG_EXIT_ERROR;
}

int sg_run(const struct sg_run_opts *ro, const struct sg_policies *ps,
           struct sg_result *s, char **err)
{
    struct sg_model_opts o = {.root = ro->root,
                              .semantics = ro->semantics,
                              .procps = ro->procps,
                              .lensdir = ro->lensdir,
                              .kernel = ro->set.kernel,
                              .live = ro->live,
                              .catalog = ro->catalog ? ro->catalog
                                         : ps        ? ps->catalog
                                                     : NULL,
                              .digests = ro->digests,
                              /* Only a run that writes removes what an
                               * interrupted save left; the others say so. */
                              .sweep = ro->mode == SG_RUN_FIX};
    size_t n = ro->n_fragments ? ro->n_fragments : 1;

    memset(s, 0, sizeof(*s));
    *err = NULL;
    s->mode = ro->mode;
    s->report.ps = ps;
    s->report.root = ro->n_fragments ? NULL : ro->root ? ro->root : "/";
    s->report.semantics = ro->semantics;
    /* One parser (one Augeas, the lens compiled once) for the whole run:
     * every fragment, the fix's plan and judging, the check after it. */
    if (sg_parser_new(ro->lensdir, &o.parser, err) < 0) {
        if (!*err)
            *err = strdup("cannot load the lens");
        return -1;
    }
    int r = 0;
    for (size_t i = 0; i < n && r == 0; i++) {
        struct sg_run_opts fo = *ro;
        if (ro->n_fragments && ro->each)
            fo.set = ro->each[i];
        o.kernel = fo.set.kernel;
        o.fragment = ro->n_fragments ? ro->fragments[i] : NULL;
        r = run_one(&fo, &o, ps, s, err);
    }
    sg_parser_free(o.parser);
    if (r < 0)
        return -1;
    sg_report_sort(&s->report);
    s->status = status_of(ro, s);
    return 0;
}
