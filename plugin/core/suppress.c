/*
 * suppress.c - see suppress.h. Each directive is split once into its
 * kind, its rules and its reason; for each file that has directives the
 * findings are scanned once against them: O(F * d) for F findings and d
 * directives of that file, and nothing for files without any.
 */
#include "suppress.h"
#include "eval.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* One directive, split. */
struct parsed {
    const struct sg_directive *d;
    bool file_wide;
    bool valid;
    char **rules; /* owned */
    bool *used;   /* per rule */
    size_t n;
    char *reason; /* owned; "" when none given */
};

/* After the rule list: blanks, then an optional "--", "-", "—", "–" or
 * ":", then the reason. */
static const char *reason_of(const char *t)
{
    static const char *const marks[] = {"--", "\xe2\x80\x94", "\xe2\x80\x93",
                                        "-", ":"};
    t += strspn(t, " \t");
    for (size_t i = 0; i < sizeof(marks) / sizeof(*marks); i++)
        if (strncmp(t, marks[i], strlen(marks[i])) == 0) {
            t += strlen(marks[i]);
            break;
        }
    return t + strspn(t, " \t");
}

static int split(const struct sg_directive *d, struct parsed *out)
{
    const char *t = d->text;
    size_t kw = strcspn(t, "= \t");

    memset(out, 0, sizeof(*out));
    out->d = d;
    if (t[kw] != '=')
        return 0; /* not "KIND=..." */
    if (kw == 7 && strncmp(t, "disable", 7) == 0)
        out->file_wide = false;
    else if (kw == 12 && strncmp(t, "disable-file", 12) == 0)
        out->file_wide = true;
    else
        return 0;
    /* Rule ids are letters, digits and "-_.": the list ends at anything
     * else (a blank, or the ":" of "disable=RULE: why"). */
    const char *list = t + kw + 1;
    size_t ll = strspn(list, "abcdefghijklmnopqrstuvwxyz"
                             "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.,");
    for (const char *r = list; r < list + ll;) {
        size_t rl = strcspn(r, ",");
        if (r + rl > list + ll)
            rl = (size_t)(list + ll - r);
        if (rl > 0) {
            char **nr = realloc(out->rules, (out->n + 1) * sizeof(*nr));
            bool *nu = realloc(out->used, (out->n + 1) * sizeof(*nu));
            if (nr)
                out->rules = nr;
            if (nu)
                out->used = nu;
            if (!nr || !nu || !(out->rules[out->n] = strndup(r, rl)))
                return -ENOMEM;
            out->used[out->n++] = false;
        }
        r += rl + 1;
    }
    out->reason = strdup(reason_of(list + ll));
    if (!out->reason)
        return -ENOMEM;
    out->valid = out->n > 0;
    return 0;
}

static void parsed_free(struct parsed *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->rules[i]);
    free(p->rules);
    free(p->used);
    free(p->reason);
}

static const struct sg_rule *find_rule(const struct sg_policies *ps,
                                       const char *id)
{
    for (size_t i = 0; i < ps->n_rules; i++)
        if (strcmp(ps->rules[i].id, id) == 0)
            return &ps->rules[i];
    return NULL;
}

/* Whether P suppresses F (F in P's file), marking the rule used. */
static bool suppresses(struct parsed *p, const struct sg_finding *f)
{
    if (!p->valid ||
        (!p->file_wide && (!p->d->target || p->d->target != f->line)))
        return false;
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->rules[i], f->rule->id) == 0) {
            p->used[i] = true;
            return true;
        }
    return false;
}

static int problem(struct sg_diags *d, const char *code, const char *file,
                   const struct parsed *p, const char *what)
{
    return sg_diag_add(d, SG_SEV_INFO, code, file, p->d->line,
                       "\"# sysctl-guard: %s\" %s", p->d->text, what);
}

/* The directives of file F, split, and the findings of FS in it. */
static int one_file(const struct sg_model *m, const struct sg_file *f,
                    const struct sg_policies *ps, const struct sg_eval_opts *o,
                    struct sg_findings *fs, struct sg_diags *problems)
{
    struct parsed *pv = calloc(f->directives.n, sizeof(*pv));
    int r = pv ? 0 : -ENOMEM;

    for (size_t i = 0; r == 0 && i < f->directives.n; i++)
        r = split(&f->directives.v[i], &pv[i]);
    for (size_t i = 0; r == 0 && i < fs->n; i++) {
        struct sg_finding *x = &fs->v[i];
        if (!x->file || strcmp(x->file, f->path) != 0 || x->suppressed)
            continue;
        for (size_t j = 0; r == 0 && j < f->directives.n; j++)
            if (suppresses(&pv[j], x)) {
                if (!(x->suppressed = strdup(pv[j].reason)))
                    r = -ENOMEM;
                break;
            }
    }
    for (size_t j = 0; r == 0 && j < f->directives.n; j++) {
        struct parsed *p = &pv[j];
        if (!p->valid) {
            r = problem(problems, "suppression-invalid", f->path, p,
                        "is not disable=RULE[,RULE] or "
                        "disable-file=RULE[,RULE]: it suppresses nothing");
            continue;
        }
        for (size_t k = 0; r == 0 && k < p->n; k++) {
            const struct sg_rule *rule = find_rule(ps, p->rules[k]);
            if (!rule) {
                char *w = sg_strdup_printf("names %s, which the loaded "
                                           "policies have no rule of",
                                           p->rules[k]);
                r = w ? problem(problems, "suppression-invalid", f->path, p, w)
                      : -ENOMEM;
                free(w);
            } else if (!p->used[k] && sg_rule_applies(rule, &m->kernel, o)) {
                char *w = sg_strdup_printf(
                    "suppresses nothing: %s found nothing %s", p->rules[k],
                    p->file_wide ? "in this file" : "on the next line");
                r = w ? problem(problems, "suppression-unused", f->path, p, w)
                      : -ENOMEM;
                free(w);
            }
        }
        if (r == 0 && !p->reason[0])
            r = problem(problems, "suppression-no-reason", f->path, p,
                        "gives no reason: say why after the rules "
                        "(disable=RULE -- why), so that it can be judged "
                        "later");
    }
    for (size_t j = 0; pv && j < f->directives.n; j++)
        parsed_free(&pv[j]);
    free(pv);
    return r;
}

int sg_suppress(const struct sg_model *m, const struct sg_policies *ps,
                const struct sg_eval_opts *o, struct sg_findings *fs,
                struct sg_diags *problems)
{
    int r = 0;
    for (size_t i = 0; r == 0 && i < m->n_files; i++)
        if (m->files[i]->directives.n)
            r = one_file(m, m->files[i], ps, o, fs, problems);
    return r;
}
