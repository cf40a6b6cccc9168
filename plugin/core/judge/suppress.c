/*
 * suppress.c - see suppress.h. Each directive is split once into its
 * kind, its rules (each id once, with an index) and its reason. The
 * findings are put in buckets by file in one pass, and each finding of a
 * file with directives asks two indexes: the file-wide directives by rule
 * id, and the line directives by the line they are for. So a run costs
 * O(F + I) for F findings and I rule ids named, whatever the number of
 * directives or of the ids in one of them; the policies' rules are looked
 * up by id in a map built once.
 *
 * What is wrong with a directive is said once per kind of wrong (every id
 * the policies lack in one "suppression-invalid", every unused one in one
 * "suppression-unused"), quoting the directive at most SG_QUOTE_MAX bytes
 * and naming at most SG_NAMED_MAX ids of at most SG_ID_MAX bytes: a
 * directive of any length makes a few messages of bounded length.
 */
#include "suppress.h"
#include "../base/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The most of a directive's text a message quotes, the most ids it names
 * and the most of each id; the rest is "..." and "and N more". */
#define SG_QUOTE_MAX 160
#define SG_NAMED_MAX 8
#define SG_ID_MAX 64

/* A rule id a directive names. */
struct named {
    char *id; /* owned */
    bool used;
};

/* One directive, split. */
struct parsed {
    const struct sg_directive *d;
    bool file_wide;
    bool valid;
    struct named *v; /* each id once, in the order first named */
    size_t n, cap;
    struct sg_strmap index; /* id -> index into v */
    char *reason;           /* owned; "" when none given */
    size_t next;            /* the next line directive for the same line */
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

/* Add the id of RL bytes at R to OUT, unless it names it already. */
static int add_id(struct parsed *out, const char *r, size_t rl)
{
    struct named nm = {.id = strndup(r, rl)};
    size_t old;

    if (!nm.id)
        return -ENOMEM;
    if (sg_strmap_get(&out->index, nm.id) != SIZE_MAX) {
        free(nm.id); /* "a,a": the same rule, named once */
        return 0;
    }
    if (SG_PUSH(*out, nm) < 0) {
        free(nm.id);
        return -ENOMEM;
    }
    return sg_strmap_put(&out->index, nm.id, out->n - 1, &old);
}

static int split(const struct sg_directive *d, struct parsed *out)
{
    const char *t = d->text;
    size_t kw = strcspn(t, "= \t");
    int r = 0;

    memset(out, 0, sizeof(*out));
    out->d = d;
    out->next = SIZE_MAX;
    if (d->no_colon)
        return 0; /* a comment: it suppresses nothing (judge says so) */
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
    for (const char *p = list, *end = list + ll; p < end && r == 0;) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        size_t rl = (size_t)((comma ? comma : end) - p);
        if (rl > 0)
            r = add_id(out, p, rl);
        p += rl + 1;
    }
    if (r < 0)
        return r;
    out->reason = strdup(reason_of(list + ll));
    if (!out->reason)
        return -ENOMEM;
    out->valid = out->n > 0;
    return 0;
}

static void parsed_free(struct parsed *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->v[i].id);
    free(p->v);
    sg_strmap_free(&p->index);
    free(p->reason);
}

/* ---- what is wrong with a directive ---- */

/* "a", "a and b", "a, b and c", "a, ... h and 12 more": the ids of P whose
 * PICK is set, at most SG_NAMED_MAX of them. */
static int name_ids(struct sg_buf *b, const struct parsed *p, const bool *pick,
                    size_t n)
{
    size_t shown = 0, left = n;
    int r = 0;

    for (size_t k = 0; k < p->n && r == 0 && shown < SG_NAMED_MAX; k++) {
        if (!pick[k])
            continue;
        const char *sep = !shown ? "" : left == 1 ? " and " : ", ";
        const char *id = p->v[k].id; /* ASCII: cut anywhere */
        r = sg_buf_printf(b, "%s%.*s%s", sep, SG_ID_MAX, id,
                          strlen(id) > SG_ID_MAX ? "..." : "");
        shown++;
        left--;
    }
    if (r == 0 && left)
        r = sg_buf_printf(b, " and %zu more", left);
    return r;
}

static int problem(struct sg_diags *d, const char *code, const char *file,
                   const struct parsed *p, const char *what)
{
    const char *t = p->d->text;
    size_t len = strlen(t);

    if (len <= SG_QUOTE_MAX)
        return sg_diag_add(d, SG_SEV_INFO, code, file, p->d->line,
                           "\"# sysctl-guard: %s\" %s", t, what);
    len = SG_QUOTE_MAX; /* not inside a UTF-8 sequence */
    while (len > 0 && ((unsigned char)t[len] & 0xc0) == 0x80)
        len--;
    return sg_diag_add(d, SG_SEV_INFO, code, file, p->d->line,
                       "\"# sysctl-guard: %.*s...\" %s", (int)len, t, what);
}

/* One problem of P naming its N ids that PICK marks, between PRE and
 * POST; none: nothing to say. */
static int problem_ids(struct sg_diags *d, const char *code, const char *file,
                       const struct parsed *p, const bool *pick, size_t n,
                       const char *pre, const char *post)
{
    struct sg_buf b = {0};
    int r;

    if (!n)
        return 0;
    r = sg_buf_printf(&b, "%s", pre);
    if (r == 0)
        r = name_ids(&b, p, pick, n);
    if (r == 0)
        r = sg_buf_printf(&b, "%s", post);
    if (r == 0)
        r = problem(d, code, file, p, b.v);
    free(b.v);
    return r;
}

/* What is wrong with directive P of FILE, said once per kind. RULES:
 * the policies' rules by id. */
static int judge(const struct parsed *p, const char *file,
                 const struct sg_policies *ps, const struct sg_strmap *rules,
                 const struct sg_model *m, const struct sg_settings *o,
                 struct sg_diags *problems)
{
    if (p->d->no_colon)
        return sg_diag_add(problems, SG_SEV_INFO, "suppression-invalid", file,
                           p->d->line,
                           "\"# sysctl-guard %.*s\" has no \":\" after "
                           "sysctl-guard, so it is a comment and suppresses "
                           "nothing: write \"# sysctl-guard: %.*s\"",
                           SG_QUOTE_MAX, p->d->text, SG_QUOTE_MAX,
                           p->d->text) < 0
                   ? -ENOMEM
                   : 0;
    if (!p->valid)
        return problem(problems, "suppression-invalid", file, p,
                       "is not disable=RULE[,RULE] or "
                       "disable-file=RULE[,RULE]: it suppresses nothing");
    bool *unknown = calloc(p->n, sizeof(*unknown));
    bool *unused = calloc(p->n, sizeof(*unused));
    size_t n_unknown = 0, n_unused = 0;
    int r = unknown && unused ? 0 : -ENOMEM;

    for (size_t k = 0; r == 0 && k < p->n; k++) {
        size_t i = sg_strmap_get(rules, p->v[k].id);
        unknown[k] = i == SIZE_MAX;
        unused[k] = !unknown[k] && !p->v[k].used &&
                    sg_rule_applies(&ps->rules[i], &m->kernel, o);
        n_unknown += unknown[k];
        n_unused += unused[k];
    }
    if (r == 0)
        r = problem_ids(problems, "suppression-invalid", file, p, unknown,
                        n_unknown, "names ",
                        n_unknown == 1
                            ? ", which the loaded policies have no rule of"
                            : ", which the loaded policies have no rules of");
    if (r == 0)
        r = problem_ids(problems, "suppression-unused", file, p, unused,
                        n_unused, "suppresses nothing: ",
                        p->file_wide ? " found nothing in this file"
                                     : " found nothing on the next line");
    if (r == 0 && !p->reason[0])
        r = problem(problems, "suppression-no-reason", file, p,
                    "gives no reason: say why after the rules "
                    "(disable=RULE -- why), so that it can be judged "
                    "later");
    free(unknown);
    free(unused);
    return r;
}

/* ---- which directive suppresses which finding ---- */

/* The directives of one file, split, and their indexes. */
struct file_directives {
    struct parsed *v;
    size_t n;
    struct sg_strmap wide;  /* id -> the first file-wide directive naming it */
    struct sg_u64map lines; /* line -> the first line directive for it */
};

static void file_directives_free(struct file_directives *fd)
{
    for (size_t j = 0; fd->v && j < fd->n; j++)
        parsed_free(&fd->v[j]);
    free(fd->v);
    sg_strmap_free(&fd->wide);
    sg_u64map_free(&fd->lines);
}

static int file_directives_load(const struct sg_file *f,
                                struct file_directives *fd)
{
    size_t n = f->directives.n, old;
    int r = 0;

    memset(fd, 0, sizeof(*fd));
    if (!(fd->v = calloc(n, sizeof(*fd->v))))
        return -ENOMEM;
    fd->n = n;
    for (size_t j = 0; r == 0 && j < n; j++)
        r = split(&f->directives.v[j], &fd->v[j]);
    for (size_t j = 0; r == 0 && j < n; j++) /* in order: the first stays */
        for (size_t k = 0; r == 0 && fd->v[j].file_wide && k < fd->v[j].n; k++)
            r = sg_strmap_put(&fd->wide, fd->v[j].v[k].id, j, &old);
    for (size_t j = n; r == 0 && j-- > 0;) { /* backwards: chains in order */
        struct parsed *p = &fd->v[j];
        if (!p->valid || p->file_wide || !p->d->target)
            continue;
        p->next = sg_u64map_get(&fd->lines, p->d->target);
        r = sg_u64map_set(&fd->lines, p->d->target, j);
    }
    return r;
}

/* The first directive of FD (in file order) that suppresses X, or NULL;
 * *K: the index of X's rule in it. */
static struct parsed *suppressor(struct file_directives *fd,
                                 const struct sg_finding *x, size_t *k)
{
    const char *id = x->rule->id;
    size_t j = sg_strmap_get(&fd->wide, id);
    size_t l = x->line ? sg_u64map_get(&fd->lines, x->line) : SIZE_MAX;

    for (; l != SIZE_MAX && (j == SIZE_MAX || l < j); l = fd->v[l].next)
        if (sg_strmap_get(&fd->v[l].index, id) != SIZE_MAX) {
            j = l;
            break;
        }
    if (j == SIZE_MAX)
        return NULL;
    *k = sg_strmap_get(&fd->v[j].index, id);
    return &fd->v[j];
}

/* Apply the directives of file F to its findings (FS's, listed by
 * AT/NEXT), then say what is wrong with them. */
static int one_file(const struct sg_model *m, const struct sg_file *f,
                    const struct sg_policies *ps, const struct sg_strmap *rules,
                    const struct sg_settings *o, struct sg_findings *fs,
                    size_t at, const size_t *next, struct sg_diags *problems)
{
    struct file_directives fd;
    int r = file_directives_load(f, &fd);

    for (size_t i = at; r == 0 && i != SIZE_MAX; i = next[i]) {
        struct sg_finding *x = &fs->v[i];
        size_t k = 0;
        struct parsed *p = x->suppressed ? NULL : suppressor(&fd, x, &k);
        if (!p)
            continue;
        p->v[k].used = true;
        if (!(x->suppressed = strdup(p->reason)))
            r = -ENOMEM;
    }
    for (size_t j = 0; r == 0 && j < fd.n; j++)
        r = judge(&fd.v[j], f->path, ps, rules, m, o, problems);
    file_directives_free(&fd);
    return r;
}

int sg_suppress(const struct sg_model *m, const struct sg_policies *ps,
                const struct sg_settings *o, struct sg_findings *fs,
                struct sg_diags *problems)
{
    size_t *head = calloc(m->n_files + 1, sizeof(*head));
    size_t *next = calloc(fs->n + 1, sizeof(*next));
    struct sg_strmap rules = {0};
    bool any = false;
    size_t old;
    int r = head && next ? 0 : -ENOMEM;

    for (size_t i = 0; r == 0 && i < m->n_files; i++) {
        head[i] = SIZE_MAX;
        any = any || m->files[i]->directives.n;
    }
    /* The findings of each file with directives, in order. */
    for (size_t i = fs->n; r == 0 && any && i-- > 0;) {
        const char *file = fs->v[i].file;
        size_t fi = file ? sg_strmap_get(&m->file_index, file) : SIZE_MAX;
        if (fi == SIZE_MAX || !m->files[fi]->directives.n)
            continue;
        next[i] = head[fi];
        head[fi] = i;
    }
    for (size_t i = 0; r == 0 && any && i < ps->n_rules; i++)
        r = sg_strmap_put(&rules, ps->rules[i].id, i, &old);
    for (size_t i = 0; r == 0 && any && i < m->n_files; i++)
        if (m->files[i]->directives.n)
            r = one_file(m, m->files[i], ps, &rules, o, fs, head[i], next,
                         problems);
    sg_strmap_free(&rules);
    free(head);
    free(next);
    return r;
}
