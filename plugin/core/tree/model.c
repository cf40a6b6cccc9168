/*
 * model.c - see model.h. Build order: file set -> read and parse each
 * file once -> application order -> settings (for both semantics) ->
 * cross-semantics and boot diagnostics -> the other input sources
 * (source.h) -> optional live values. Over 1,000 lines: each step reads
 * what the one before built, and splitting them would pass the half-built
 * model around.
 *
 * Data: `files`, one struct sg_file per file read (its assignments and
 * suppression directives, parsed once), indexed by path (`file_index`, a
 * hash map); `applied`, the files in application order, once per
 * semantics; `settings`, one per key in key order, each holding the
 * winning assignment and the ones it overrode (pointers into the files,
 * no copies), gathered through a hash table while they are built and then
 * found by binary search (sg_model_get); `sourced`, what the other
 * input sources set. A derived model (model.h sg_model_derive: what a
 * fix leaves) reparses only the files whose text it is given.
 * Costs: reading is linear in the bytes (one Augeas parse per file, the
 * lens compiled once per parser); settings are built in one pass over
 * the applied files with a hash lookup per assignment, so one key set a
 * million times costs a million lookups, never a quadratic scan; the sort
 * of the settings is O(k log k) in distinct keys.
 */
#include "model.h"
#include "procps.h"
#include "../kernel/catalog.h"
#include "../kernel/keys.h"
#include "bootimg.h"
#include "rootfs.h"
#include "../base/sha256.h"
#include "../base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- settings: key -> winner, via a small open-addressing index ----
 *
 * One key set N times costs O(N): a key's lookup is O(1) expected, its
 * overridden list grows by doubling, and whether an assignment is already
 * on it is one probe of a set of pointers (util.h sg_u64map) rather than
 * a walk of the list. Only a line of a file applied twice (procps applies
 * sysctl.conf twice) can come to the list twice, so only those lines go
 * into the set: a line applied once wins once and is put on the list at
 * most once, when it loses. */

struct settings {
    struct sg_setting *v;
    size_t n, cap;
    size_t *slots; /* index + 1, 0 = empty */
    size_t nslots;
    struct sg_u64map pushed; /* lines of TWICE on some overridden list */
    const char *twice[4];    /* files applied more than once (their path) */
    size_t n_twice;          /* SIZE_MAX: more of them than twice holds */
};

/* Whether A's file is applied more than once. */
static bool applied_twice(const struct settings *st,
                          const struct sg_assignment *a)
{
    if (st->n_twice == SIZE_MAX)
        return true;
    for (size_t i = 0; i < st->n_twice; i++)
        if (strcmp(st->twice[i], a->file) == 0)
            return true;
    return false;
}

static int settings_rehash(struct settings *st)
{
    size_t ns = st->nslots ? st->nslots * 2 : 64;
    size_t *slots = calloc(ns, sizeof(*slots));

    if (!slots)
        return -ENOMEM;
    for (size_t i = 0; i < st->n; i++) {
        size_t h = sg_hash_key(st->v[i].key, strlen(st->v[i].key)) & (ns - 1);
        while (slots[h])
            h = (h + 1) & (ns - 1);
        slots[h] = i + 1;
    }
    free(st->slots);
    st->slots = slots;
    st->nslots = ns;
    return 0;
}

/* Append A to S's overridden list unless it is on it. The list's capacity
 * is the next power of two of its length (a setting has no field for it). */
static int push_unique(struct settings *st, struct sg_setting *s,
                       const struct sg_assignment *a)
{
    size_t old;
    if (applied_twice(st, a)) {
        if (sg_u64map_put(&st->pushed, (uintptr_t)a, 0, &old) < 0)
            return -ENOMEM;
        if (old != SIZE_MAX) /* an assignment is on its own key's list only */
            return 0;
    }
    size_t n = s->n_overridden;
    if ((n & (n - 1)) == 0) { /* 0, 1, 2, 4, ...: full */
        size_t cap = n ? n * 2 : 1;
        const struct sg_assignment **o =
            realloc(s->overridden, cap * sizeof(*o));
        if (!o)
            return -ENOMEM;
        s->overridden = o;
    }
    s->overridden[s->n_overridden++] = a;
    return 0;
}

/* Apply assignment A: it becomes the winner of its key. Under procps
 * semantics an exclusion ("-key", no value) does not undo an earlier
 * "key = v": procps 4 appends every line to its list (settinglist_add)
 * and its writer only skips the exclusion entries, so v is still written;
 * the exclusion keeps the key from globs only. systemd-sysctl replaces
 * the earlier entry of the key with the exclusion. */
static int settings_apply(struct settings *st, const struct sg_assignment *a,
                          size_t seq, enum sg_semantics sem)
{
    if ((st->n + 1) * 2 > st->nslots && settings_rehash(st) < 0)
        return -ENOMEM;
    size_t h = sg_hash_key(a->key, strlen(a->key)) & (st->nslots - 1);
    while (st->slots[h]) {
        struct sg_setting *s = &st->v[st->slots[h] - 1];
        if (strcmp(s->key, a->key) == 0) {
            if (s->winner == a)
                return 0; /* the same line applied twice (procps) */
            if (sem == SG_SEM_PROCPS && a->exclude && s->winner->value)
                return 0;
            if (push_unique(st, s, s->winner) < 0)
                return -ENOMEM;
            s->winner = a;
            s->seq = seq;
            return 0;
        }
        h = (h + 1) & (st->nslots - 1);
    }
    struct sg_setting s = {.key = a->key, .winner = a, .seq = seq};
    if (SG_PUSH(*st, s) < 0)
        return -ENOMEM;
    st->slots[h] = st->n;
    return 0;
}

static int cmp_setting(const void *a, const void *b)
{
    return strcmp(((const struct sg_setting *)a)->key,
                  ((const struct sg_setting *)b)->key);
}

static void settings_free(struct sg_setting *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].overridden);
        free(v[i].live_value);
    }
    free(v);
}

/* Effective settings of an application order, sorted by key. A line
 * applied twice (procps: sysctl.conf via 99-sysctl.conf, then last) never
 * appears as overriding itself. */
static int compute_settings(const struct sg_applied *ap, size_t n,
                            enum sg_semantics sem, int procps,
                            struct sg_setting **out, size_t *nout)
{
    struct settings st = {0};
    size_t seq = 0;
    int r = 0;
    /* procps 3.3 writes each line as read: a glob is a path with a "*"
     * whose stat fails, "-key" alone is invalid syntax; neither does
     * anything (procps.h). */
    bool literal = sem == SG_SEM_PROCPS && procps == 3;

    for (size_t i = 0; i < n && st.n_twice != SIZE_MAX; i++) {
        if (ap[i].first)
            continue;
        if (st.n_twice == sizeof(st.twice) / sizeof(*st.twice))
            st.n_twice = SIZE_MAX; /* more than it holds: every line */
        else
            st.twice[st.n_twice++] = ap[i].file->path;
    }
    for (size_t i = 0; i < n && r == 0; i++) {
        const struct sg_assignments *as = &ap[i].file->assignments;
        for (size_t j = 0; j < as->n && r == 0; j++) {
            const struct sg_assignment *a = &as->v[j];
            if (literal && (a->glob || !a->value))
                continue;
            r = settings_apply(&st, a, seq++, sem);
        }
    }
    free(st.slots);
    sg_u64map_free(&st.pushed);
    if (r < 0) {
        settings_free(st.v, st.n);
        return r;
    }
    for (size_t i = 0; i < st.n; i++) {
        struct sg_setting *s = &st.v[i];
        size_t w = 0;
        for (size_t k = 0; k < s->n_overridden; k++)
            if (s->overridden[k] != s->winner)
                s->overridden[w++] = s->overridden[k];
        s->n_overridden = w;
    }
    if (st.n)
        qsort(st.v, st.n, sizeof(*st.v), cmp_setting);
    *out = st.v;
    *nout = st.n;
    return 0;
}

/* ---- files ---- */

/* Room in M's file table for one more: its capacity is the next power of
 * two of its length (the model has no field for it), so a tree of N files
 * is O(N) copying, not O(N²). */
static int files_room(struct sg_model *m)
{
    size_t n = m->n_files;
    if (n && (n & (n - 1)) != 0)
        return 0;
    struct sg_file **nf = realloc(m->files, (n ? n * 2 : 1) * sizeof(*nf));
    if (!nf)
        return -ENOMEM;
    m->files = nf;
    return 0;
}

struct sg_file *sg_model_file(const struct sg_model *m, const char *path)
{
    size_t i = sg_strmap_get(&m->file_index, path);
    return i == SIZE_MAX ? NULL : m->files[i];
}

static void file_free(struct sg_file *f)
{
    if (!f)
        return;
    sg_assignments_free(&f->assignments);
    sg_directives_free(&f->directives);
    free(f->path);
    free(f->via);
    free(f);
}

/* Index the files from FROM on (added by open_file). */
static int index_files(struct sg_model *m, size_t from)
{
    size_t old;
    for (size_t i = from; i < m->n_files; i++)
        if (sg_strmap_put(&m->file_index, m->files[i]->path, i, &old) < 0)
            return -ENOMEM;
    return 0;
}

static int read_diag(struct sg_model *m, const char *path,
                     enum sg_read_status st, int err)
{
    switch (st) {
    case SG_READ_OK:
        return 0;
    case SG_READ_NOT_FILE:
        return sg_diag_add(&m->diags, SG_SEV_ERROR, "not-file", path, 0,
                           "not a regular file: ignored");
    case SG_READ_TOO_BIG:
        return sg_diag_add(&m->diags, SG_SEV_ERROR, "too-big", path, 0,
                           "larger than %u MiB, not a sysctl file: ignored",
                           SG_MAX_FILE_SIZE >> 20);
    case SG_READ_NUL:
        return sg_diag_add(&m->diags, SG_SEV_ERROR, "binary", path,
                           (unsigned)err,
                           "contains a NUL byte, not a text file: ignored");
    case SG_READ_ERRNO:
        break;
    }
    if (err == ENOMEM)
        return -ENOMEM;
    return sg_diag_add(&m->diags, SG_SEV_ERROR, "unreadable", path, 0,
                       "cannot read: %s", strerror(err));
}

/* Read and parse the file at target PATH once; later applications of the
 * same path share it. HOST is where it is on this machine. */
/* Add the file at target PATH to the file table and read it (HOST is
 * where it is on this machine): *TEXT is its text, or NULL when it was
 * already there or could not be read (then reported). */
static int open_file(struct sg_model *m, const char *path, const char *via,
                     struct sg_file **out, char **text)
{
    struct sg_file *f = sg_model_file(m, path);
    size_t len;
    int err = 0;

    *text = NULL;
    if (f) {
        *out = f;
        return 0;
    }
    if (files_room(m) < 0)
        return -ENOMEM;
    f = calloc(1, sizeof(*f));
    if (!f)
        return -ENOMEM;
    f->path = strdup(path);
    f->via = via ? strdup(via) : NULL;
    if (!f->path || (via && !f->via)) {
        free(f->path);
        free(f->via);
        free(f);
        return -ENOMEM;
    }
    m->files[m->n_files++] = f;
    *out = f;
    if (index_files(m, m->n_files - 1) < 0)
        return -ENOMEM;

    enum sg_read_status st =
        m->fragment ? sg_read_file(path, text, &len, &err)
                    : sg_read_at(m->rootfd, path, text, &len, &err);
    if (st != SG_READ_OK)
        return read_diag(m, path, st, err);
    f->readable = true;
    f->text_len = len;
    f->text_hash = sg_hash_key(*text, len);
    f->not_utf8 = !sg_utf8_valid(*text);
    if (m->digests)
        sg_sha256_hex(*text, len, f->sha256);
    return 0;
}

char *sg_model_file_text(const struct sg_model *m, const char *path)
{
    const struct sg_file *f = sg_model_file(m, path);
    char *text = NULL;
    size_t len = 0;
    int err = 0;
    if (!f || !f->readable)
        return NULL;
    enum sg_read_status st =
        m->fragment ? sg_read_file(path, &text, &len, &err)
                    : sg_read_at(m->rootfd, path, &text, &len, &err);
    if (st != SG_READ_OK || len != f->text_len ||
        sg_hash_key(text, len) != f->text_hash) {
        free(text);
        return NULL;
    }
    return text;
}

/* A file read as sysctl.d that is none (a README, a YAML file, a shell
 * script given to check): at least this many lines that are no
 * assignment, and more of them than assignments. */
#define NOT_SYSCTL_MIN_LINES 20
/* ... of which the first few are still said, line by line. */
#define NOT_SYSCTL_SHOWN 5

/* Whether the parser's diagnostic D is about a line that sets nothing:
 * no assignment, or a key with a blank in it (prose with a "="). */
static bool junk_line(const struct sg_diag *d)
{
    return strcmp(d->code, "not-assignment") == 0 ||
           strcmp(d->code, "key-has-blank") == 0;
}

/* The not-assignment diagnostics of FILE from index FROM of M's
 * diagnostics on: when there are as many as a file that is no sysctl
 * file has (NOT_SYSCTL_MIN_LINES, and more than ASSIGNED), all but the
 * first NOT_SYSCTL_SHOWN are dropped for one "not-sysctl" error saying
 * so, and true is returned: the file's assignments are not judged. */
static int not_sysctl(struct sg_model *m, const char *file, size_t from,
                      size_t assigned, bool *is_not)
{
    size_t n = 0, first = 0;
    *is_not = false;
    for (size_t i = from; i < m->diags.n; i++)
        if (m->diags.v[i].file && strcmp(m->diags.v[i].file, file) == 0 &&
            junk_line(&m->diags.v[i]) && !n++)
            first = m->diags.v[i].line;
    if (n < NOT_SYSCTL_MIN_LINES || n <= assigned)
        return 0;
    size_t kept = 0, w = from;
    for (size_t i = from; i < m->diags.n; i++) {
        struct sg_diag *d = &m->diags.v[i];
        bool drop = d->file && strcmp(d->file, file) == 0 && junk_line(d) &&
                    kept++ >= NOT_SYSCTL_SHOWN;
        if (drop) {
            free(d->code);
            free(d->file);
            free(d->message);
        } else
            m->diags.v[w++] = *d;
    }
    m->diags.n = w;
    *is_not = true;
    return sg_diag_add(&m->diags, SG_SEV_ERROR, "not-sysctl", file, 0,
                       "%s does not look like a sysctl file: %zu of its lines "
                       "set nothing (from line %zu; the first %d are said) "
                       "and %zu %s KEY = VALUE; nothing in it is judged",
                       file, n, first, NOT_SYSCTL_SHOWN, assigned,
                       assigned == 1 ? "is" : "are") < 0
               ? -ENOMEM
               : 0;
}

/* Parse the texts of N opened files at once. A file the lens refused
 * counts as unreadable (it was reported). */
static int parse_files(struct sg_model *m, struct sg_parser *p,
                       struct sg_file **files, char **texts, size_t n)
{
    struct sg_parse_input *in = calloc(n ? n : 1, sizeof(*in));
    size_t k = 0;
    int r;

    if (!in)
        return -ENOMEM;
    for (size_t i = 0; i < n; i++)
        if (texts[i])
            in[k++] =
                (struct sg_parse_input){.file = files[i]->path,
                                        .text = texts[i],
                                        .out = &files[i]->assignments,
                                        .directives = &files[i]->directives};
    size_t from = m->diags.n;
    r = sg_parse_batch(p, in, k, &m->diags);
    for (size_t i = 0, j = 0; r == 0 && i < n; i++) {
        if (!texts[i])
            continue;
        bool is_not = false;
        if (in[j++].result >= 0)
            r = not_sysctl(m, files[i]->path, from, files[i]->assignments.n,
                           &is_not);
        if (in[j - 1].result < 0 || is_not) {
            files[i]->readable = false;
            sg_assignments_free(&files[i]->assignments);
            sg_directives_free(&files[i]->directives);
        }
    }
    free(in);
    return r;
}

/* Read and parse the file at target PATH once; later applications of the
 * same path share it. */
static int load_file(struct sg_model *m, struct sg_parser *p, const char *path,
                     const char *via, struct sg_file **out)
{
    char *text = NULL;
    int r = open_file(m, path, via, out, &text);
    if (r == 0 && text)
        r = parse_files(m, p, out, &text, 1);
    free(text);
    return r;
}

static void applied_free(struct sg_applied *ap, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(ap[i].via);
    free(ap);
}

static int apply_sources(struct sg_model *m, struct sg_parser *p,
                         const struct sg_sources *srcs, struct sg_applied **out,
                         size_t *nout)
{
    struct sg_applied *ap = calloc(srcs->n ? srcs->n : 1, sizeof(*ap));
    struct sg_strmap once = {0};
    int r = 0;

    if (!ap)
        return -ENOMEM;
    for (size_t i = 0; i < srcs->n && r == 0; i++) {
        const struct sg_source *s = &srcs->v[i];
        struct sg_file *f = NULL;
        size_t old = 0;
        r = load_file(m, p, s->path, s->via, &f);
        if (r == 0 && f->readable)
            r = sg_strmap_put(&once, f->path, 0, &old);
        if (r == 0 && f->readable) {
            ap[*nout].first = old == SIZE_MAX;
            ap[*nout].file = f;
            ap[*nout].via = s->via ? strdup(s->via) : NULL;
            if (s->via && !ap[*nout].via)
                r = -ENOMEM;
            (*nout)++;
        }
    }
    sg_strmap_free(&once);
    if (r < 0) {
        applied_free(ap, *nout);
        *nout = 0;
        return r;
    }
    *out = ap;
    return 0;
}

/* ---- diagnostics that need the whole picture ---- */

static const char *value_or_unset(const struct sg_assignment *a)
{
    return a ? (a->value ? a->value : "(excluded)") : "(not set)";
}

static bool same_value(const struct sg_assignment *a,
                       const struct sg_assignment *b)
{
    const char *x = a ? a->value : NULL, *y = b ? b->value : NULL;
    if (!x || !y)
        return x == y;
    return strcmp(x, y) == 0;
}

/* "\"v\" (file:line)" for A, or "(not set)". */
static char *describe(const struct sg_assignment *a)
{
    if (!a)
        return strdup("(not set)");
    return sg_strdup_printf("\"%s\" (%s:%u)", value_or_unset(a), a->file,
                            a->line);
}

static int disagreement(struct sg_model *m, const char *key,
                        const struct sg_assignment *sd,
                        const struct sg_assignment *ps)
{
    const struct sg_assignment *at = sd ? sd : ps;
    char *x = describe(sd), *y = describe(ps);
    int r = -ENOMEM;

    if (x && y)
        r = sg_diag_add(&m->diags, SG_SEV_WARNING, "semantics-disagree",
                        at->file, at->line,
                        "%s: systemd-sysctl at boot ends with %s, "
                        "sysctl --system (procps %s) with %s",
                        key, x, m->procps == 3 ? "3.3" : "4", y);
    free(x);
    free(y);
    return r;
}

/* Every key on which the two orders end with different values. */
static int compare_semantics(struct sg_model *m, const struct sg_setting *a,
                             size_t na, const struct sg_setting *b, size_t nb)
{
    size_t i = 0, j = 0;
    int r = 0;

    while (r == 0 && (i < na || j < nb)) {
        int c = i >= na ? 1 : j >= nb ? -1 : strcmp(a[i].key, b[j].key);
        /* An exclusion that wins is a key neither writes: as unset. */
        if (c < 0) {
            if (a[i].winner->value)
                r = disagreement(m, a[i].key, a[i].winner, NULL);
            i++;
        } else if (c > 0) {
            if (b[j].winner->value)
                r = disagreement(m, b[j].key, NULL, b[j].winner);
            j++;
        } else {
            if (!same_value(a[i].winner, b[j].winner))
                r = disagreement(m, a[i].key, a[i].winner, b[j].winner);
            i++;
            j++;
        }
    }
    return r;
}

/* Whether the two semantics' application orders A and B can leave a key
 * with different winners: they apply other files, or the same in another
 * order, or a line is an exclusion or a glob (which procps treats apart:
 * settings_apply, compute_settings). Otherwise they agree on every key,
 * and comparing them is skipped. */
static bool orders_may_differ(const struct sg_applied *a, size_t na,
                              const struct sg_applied *b, size_t nb)
{
    if (na != nb)
        return true;
    for (size_t i = 0; i < na; i++)
        if (a[i].file != b[i].file)
            return true;
    for (size_t i = 0; i < na; i++) {
        const struct sg_assignments *as = &a[i].file->assignments;
        for (size_t j = 0; j < as->n; j++)
            if (as->v[j].exclude || as->v[j].glob)
                return true;
    }
    return false;
}

/* /etc/sysctl.conf that systemd-sysctl never reads: "not-read-at-boot"
 * when it sets something (that is lost at boot), "not-read-at-boot-empty"
 * when it only holds comments (as Debian 13 ships it). */
static int boot_diagnostics(struct sg_model *m, const struct sg_fileset *fs)
{
    if (!fs->sysctl_conf_exists || fs->sysctl_conf_linked)
        return 0;
    struct sg_file *f = sg_model_file(m, SG_SYSCTL_CONF);
    bool sets = f && f->assignments.n > 0;
    return sg_diag_add(
        &m->diags, sets ? SG_SEV_WARNING : SG_SEV_INFO,
        sets ? "not-read-at-boot" : "not-read-at-boot-empty", SG_SYSCTL_CONF, 0,
        "not read by systemd-sysctl at boot: no sysctl.d entry links to it "
        "(99-sysctl.conf -> ../sysctl.conf); only `sysctl --system` applies "
        "it%s",
        sets ? "" : " (it sets nothing)");
}

/* ---- live values from <root>/proc/sys ---- */

/* Collapse blank runs to one space and trim: "32768\t60999\n" and
 * "32768 60999" are the same value. */
static void squeeze(char *s)
{
    char *o = s;
    bool blank = false;

    for (char *p = s; *p; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
            blank = o != s;
            continue;
        }
        if (blank)
            *o++ = ' ';
        blank = false;
        *o++ = *p;
    }
    *o = '\0';
}

/* Whether the path form KP of a key names a file under /proc/sys at all:
 * no empty, "." or ".." component (a key "net/../../etc/hostname" is no
 * sysctl, whatever the tree holds). */
static bool sysctl_path_ok(const char *kp)
{
    for (const char *p = kp;;) {
        size_t cl = strcspn(p, "/");
        if (cl == 0 || (cl == 1 && p[0] == '.') ||
            (cl == 2 && p[0] == '.' && p[1] == '.'))
            return false;
        if (!p[cl])
            return true;
        p += cl + 1;
    }
}

/* What a /proc/sys entry that is no sysctl file is, for the reader. */
static const char *what_is(int rootfd, const char *proc)
{
    int fd = sg_root_openat(rootfd, proc, O_PATH);
    struct stat st;
    const char *what = "not a regular file";

    if (fd == -ELOOP)
        return "a symlink (the kernel's /proc/sys has none)";
    if (fd < 0)
        return what;
    if (fstat(fd, &st) == 0)
        what = S_ISDIR(st.st_mode)                          ? "a directory"
               : S_ISFIFO(st.st_mode)                       ? "a FIFO"
               : S_ISSOCK(st.st_mode)                       ? "a socket"
               : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
                                                            : what;
    close(fd);
    return what;
}

/* The running value of S from <root>/proc/sys, opened beneath the root
 * (sg_read_at: no symlink followed, no FIFO or device opened). */
static int read_live(struct sg_model *m, struct sg_setting *s,
                     const struct sg_catalog *cat)
{
    char *kp = sg_key_to_path(s->key);
    char *proc = kp ? sg_strdup_printf("/proc/sys/%s", kp) : NULL;
    char *text = NULL;
    size_t len;
    int err = 0;

    if (!proc) {
        free(kp);
        return -ENOMEM;
    }
    if (!sysctl_path_ok(kp)) {
        free(kp);
        free(proc);
        s->live = SG_LIVE_MISSING;
        return 0;
    }
    free(kp);
    enum sg_read_status st = sg_read_at(m->rootfd, proc, &text, &len, &err);
    if (st != SG_READ_OK) {
        if (st == SG_READ_ERRNO && err == ENOMEM) {
            free(proc);
            return -ENOMEM;
        }
        if (st == SG_READ_ERRNO && (err == ENOENT || err == ENOTDIR))
            s->live = SG_LIVE_MISSING;
        else if (st == SG_READ_NOT_FILE ||
                 (st == SG_READ_ERRNO && (err == ELOOP || err == EXDEV))) {
            s->live = SG_LIVE_NOT_SYSCTL;
            s->live_what = what_is(m->rootfd, proc);
        } else if (st == SG_READ_ERRNO && (err == EACCES || err == EPERM))
            s->live = SG_LIVE_UNREADABLE;
        else {
            s->live = SG_LIVE_NOT_SYSCTL;
            s->live_what =
                st == SG_READ_ERRNO ? "unreadable" : "not a sysctl value";
        }
        free(proc);
        return 0;
    }
    free(proc);
    /* compared as the handler reads the file's value (an inline comment
     * after a number, tabs in a vector: no drift), then kept for the
     * reader with its blanks squeezed */
    s->live =
        sg_catalog_live_same(cat, &m->kernel, s->key, s->winner->value, text)
            ? SG_LIVE_SAME
            : SG_LIVE_DRIFT;
    squeeze(text);
    s->live_value = text;
    return 0;
}

/* ---- building ---- */

/* ---- reading every file once ---- */

/* Read and parse every file either order applies, once, in order of first
 * application (A's sources, then those of B not in A). */
static int preload(struct sg_model *m, struct sg_parser *p,
                   const struct sg_sources *a, const struct sg_sources *b)
{
    size_t cap = a->n + b->n, n = 0;
    struct sg_file **files = calloc(cap ? cap : 1, sizeof(*files));
    char **texts = calloc(cap ? cap : 1, sizeof(*texts));
    struct sg_strmap seen = {0};
    int r = files && texts ? 0 : -ENOMEM;

    for (int pass = 0; pass < 2 && r == 0; pass++) {
        const struct sg_sources *s = pass ? b : a;
        for (size_t i = 0; i < s->n && r == 0; i++) {
            size_t old;
            r = sg_strmap_put(&seen, s->v[i].path, 0, &old);
            if (r == 0 && old == SIZE_MAX) {
                r = open_file(m, s->v[i].path, s->v[i].via, &files[n],
                              &texts[n]);
                n += r == 0;
            }
        }
    }
    sg_strmap_free(&seen);
    if (r == 0)
        r = parse_files(m, p, files, texts, n);
    for (size_t i = 0; texts && i < n; i++)
        free(texts[i]);
    free(texts);
    free(files);
    return r;
}

static int boot_images(struct sg_model *m);

static int load_tree(struct sg_model *m, struct sg_parser *p,
                     const struct sg_model_opts *o)
{
    struct sg_fileset fs;
    struct sg_applied *other = NULL;
    size_t n_other = 0;
    struct sg_setting *os = NULL;
    size_t n_os = 0;
    size_t said = m->diags.n;
    int r = sg_fileset_scan(m->rootfd, o->sweep, &fs, &m->diags);

    if (r < 0)
        return r;
    /* Nothing at all where the tools look (and nothing the scan had a
     * word for): most likely the wrong directory, which must not pass as
     * a clean tree. */
    if (!fs.systemd.n && !fs.procps.n && !fs.sysctl_conf_exists &&
        m->diags.n == said &&
        sg_diag_add(&m->diags, SG_SEV_WARNING, "no-config", NULL, 0,
                    "no sysctl configuration under %s: no %s and no *.conf "
                    "file in any sysctl.d directory",
                    m->root ? m->root : "/", SG_SYSCTL_CONF) < 0) {
        sg_fileset_free(&fs);
        return -ENOMEM;
    }
    const struct sg_sources *mine =
        o->semantics == SG_SEM_SYSTEMD ? &fs.systemd : &fs.procps;
    const struct sg_sources *theirs =
        o->semantics == SG_SEM_SYSTEMD ? &fs.procps : &fs.systemd;
    r = preload(m, p, mine, theirs);
    if (r == 0)
        r = apply_sources(m, p, mine, &m->applied, &m->n_applied);
    if (r == 0)
        r = apply_sources(m, p, theirs, &other, &n_other);
    if (r == 0)
        r = compute_settings(m->applied, m->n_applied, o->semantics, m->procps,
                             &m->settings, &m->n_settings);
    bool differ =
        r == 0 && orders_may_differ(m->applied, m->n_applied, other, n_other);
    if (differ)
        r = compute_settings(other, n_other,
                             o->semantics == SG_SEM_SYSTEMD ? SG_SEM_PROCPS
                                                            : SG_SEM_SYSTEMD,
                             m->procps, &os, &n_os);
    if (differ && r == 0)
        r = o->semantics == SG_SEM_SYSTEMD
                ? compare_semantics(m, m->settings, m->n_settings, os, n_os)
                : compare_semantics(m, os, n_os, m->settings, m->n_settings);
    if (r == 0)
        r = boot_diagnostics(m, &fs);
    if (r == 0)
        r = sg_modload_scan(m->rootfd, &m->modload);
    if (r == 0)
        r = sg_sources_read(m->rootfd, &m->kernel, &m->sourced);
    if (r == 0)
        r = boot_images(m);
    settings_free(os, n_os);
    applied_free(other, n_other);
    sg_fileset_free(&fs);
    return r;
}

/* The modification time of target PATH beneath the root, or false. */
static bool mtime_of(int rootfd, const char *path, struct timespec *t)
{
    char *res = NULL;
    int fd = sg_chase_at(rootfd, path, &res) == 0
                 ? sg_root_openat(rootfd, res, O_PATH)
                 : -1;
    struct stat st;
    bool ok = fd >= 0 && fstat(fd, &st) == 0;
    if (ok)
        *t = st.st_mtim;
    if (fd >= 0)
        close(fd);
    free(res);
    return ok;
}

static bool newer(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec > b->tv_sec ||
           (a->tv_sec == b->tv_sec && a->tv_nsec > b->tv_nsec);
}

/* Image IMAGE's sysctl copies against the tree's files: a diagnostic
 * "initramfs-stale" for each that differs, is gone from the tree, or is
 * missing from an image that carries others. */
static int compare_image(struct sg_model *m, const char *image,
                         const struct sg_bootimg *b)
{
    int r = 0;
    for (size_t i = 0; i < b->n && r == 0; i++) {
        char *text = sg_root_read_text(m->rootfd, b->v[i].path);
        if (!text || strcmp(text, b->v[i].text) != 0)
            r = sg_writers_copy(&m->boot_copies, image, b->v[i].path,
                                b->v[i].text);
        if (r == 0 && (!text || strcmp(text, b->v[i].text) != 0))
            r = sg_diag_add(
                &m->diags, SG_SEV_WARNING, "initramfs-stale", image, 0,
                text ? "%s carries %s as it was before it changed: where "
                       "early boot runs systemd-sysctl (dracut's module), it "
                       "applies the old values"
                     : "%s carries %s, which the tree no longer has: where "
                       "early boot runs systemd-sysctl (dracut's module), it "
                       "applies it",
                image, b->v[i].path);
        free(text);
    }
    for (size_t i = 0; b->n && i < m->n_files && r == 0; i++) {
        const char *p = m->files[i]->path;
        bool in = false;
        for (size_t j = 0; j < b->n && !in; j++)
            in = strcmp(b->v[j].path, p) == 0;
        if (!in && sg_bootimg_is_sysctl(p))
            r = sg_diag_add(&m->diags, SG_SEV_WARNING, "initramfs-stale", image,
                            0,
                            "%s lacks %s, which the tree has: early boot "
                            "does not apply it",
                            image, p);
    }
    return r < 0 ? -ENOMEM : 0;
}

/* The regular file RESOLVED beneath the root, whole, at most MAX bytes
 * (an image holds NUL bytes: not sg_read_at's text): 0, or -1. Opened
 * O_PATH first and read only once it is known to be a regular file
 * (sg_reopen_regular): a FIFO or a device put there is never opened. */
static int read_binary(int rootfd, const char *resolved, size_t max,
                       unsigned char **buf, size_t *len)
{
    int pfd = sg_root_openat(rootfd, resolved, O_PATH), fd = -1, err;
    enum sg_read_status why;
    struct stat st;
    *buf = NULL;
    *len = 0;
    if (pfd < 0)
        return -1;
    int r = sg_reopen_regular(pfd, &st, &fd, &why, &err);
    close(pfd);
    if (r != 0 || (unsigned long long)st.st_size > max) {
        if (fd >= 0)
            close(fd);
        return -1; /* no /proc to reopen through: not read */
    }
    size_t cap = (size_t)st.st_size, n = 0;
    unsigned char *b = malloc(cap ? cap : 1);
    while (b && n < cap) {
        ssize_t got = read(fd, b + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break; /* shorter than it said: what was read */
        n += (size_t)got;
    }
    close(fd);
    if (!b)
        return -1;
    *buf = b;
    *len = n;
    return 0;
}

/* The target kernel's initramfs images, read when a sysctl file or
 * directory of the tree is newer than the image (bootimg.h). */
static int boot_images(struct sg_model *m)
{
    static const char *const forms[] = {"/boot/initrd.img-%s",
                                        "/boot/initramfs-%s.img"};
    static const char *const dirs[] = {"/etc/sysctl.d", "/run/sysctl.d",
                                       "/usr/local/lib/sysctl.d",
                                       "/usr/lib/sysctl.d", "/lib/sysctl.d"};
    if (m->rootfd < 0 || strchr(m->kernel.release, '/'))
        return 0;
    int r = 0;
    for (size_t f = 0; f < sizeof(forms) / sizeof(*forms) && r == 0; f++) {
        char *image = sg_strdup_printf(forms[f], m->kernel.release);
        struct timespec it, t;
        if (!image)
            return -ENOMEM;
        bool stale = false;
        if (mtime_of(m->rootfd, image, &it)) {
            for (size_t i = 0; i < m->n_files && !stale; i++)
                stale = mtime_of(m->rootfd, m->files[i]->path, &t) &&
                        newer(&t, &it);
            for (size_t i = 0; i < sizeof(dirs) / sizeof(*dirs) && !stale; i++)
                stale = mtime_of(m->rootfd, dirs[i], &t) && newer(&t, &it);
        }
        char *res = NULL;
        unsigned char *buf = NULL;
        size_t len = 0;
        struct sg_bootimg b = {0};
        const char *why;
        if (stale && sg_chase_at(m->rootfd, image, &res) == 0 &&
            read_binary(m->rootfd, res, SG_BOOTIMG_MAX, &buf, &len) == 0) {
            r = sg_bootimg_parse(buf, len, &b, &why);
            if (r == -EINVAL)
                r = 0; /* no image this reads: nothing is said of it */
            else if (r == 0)
                r = compare_image(m, image, &b);
        }
        sg_bootimg_free(&b);
        free(buf);
        free(res);
        free(image);
    }
    return r;
}

static int load_fragment(struct sg_model *m, struct sg_parser *p,
                         const char *path)
{
    struct sg_file *f = NULL;
    int r = load_file(m, p, path, NULL, &f);

    if (r < 0)
        return r;
    m->applied = calloc(1, sizeof(*m->applied));
    if (!m->applied)
        return -ENOMEM;
    if (f->readable) {
        m->applied[0].file = f;
        m->applied[0].first = true;
        m->n_applied = 1;
    }
    return compute_settings(m->applied, m->n_applied, m->semantics, m->procps,
                            &m->settings, &m->n_settings);
}

int sg_model_load(const struct sg_model_opts *o, struct sg_model **out,
                  char **errmsg)
{
    struct sg_model *m = calloc(1, sizeof(*m));
    struct sg_parser *p = NULL;
    int r;

    *errmsg = NULL;
    *out = NULL;
    if (!m)
        return -ENOMEM;
    m->root = strdup(o->root ? o->root : "/");
    m->semantics = o->semantics;
    m->fragment = o->fragment != NULL;
    m->digests = o->digests;
    m->rootfd = -1;
    if (!m->root) {
        r = -ENOMEM;
        goto fail;
    }
    if (!m->fragment && (m->rootfd = sg_root_open(m->root)) < 0) {
        r = m->rootfd;
        m->rootfd = -1;
        *errmsg = sg_strdup_printf("cannot open the root %s: %s", m->root,
                                   strerror(-r));
        goto fail;
    }
    m->procps = o->procps;
    m->procps_why = "--semantics";
    if (!m->procps && m->fragment) {
        m->procps = 4;
        m->procps_why = "the default (a fragment has no tree)";
    } else if (!m->procps)
        m->procps = sg_procps_major(m->rootfd, &m->procps_why);
    r = o->kernel ? sg_kver_parse(o->kernel, &m->kernel)
                  : sg_kver_running(&m->kernel);
    if (r < 0) {
        *errmsg = sg_strdup_printf(
            "kernel version \"%s\" does not parse: give a release as uname "
            "-r prints it (6.1.0-13-amd64, 5.15.0-91-generic, "
            "3.10.0-1160.el7.x86_64) or a version (6.1, 6.1.55)",
            o->kernel ? sg_vis(o->kernel) : "(uname)");
        goto fail;
    }
    p = o->parser;
    r = p ? 0 : sg_parser_new(o->lensdir, &p, errmsg);
    if (r < 0)
        goto fail;
    r = o->fragment ? load_fragment(m, p, o->fragment) : load_tree(m, p, o);
    bool live = o->live && !o->fragment;
    if (r == 0 && live) {
        /* A tree without a /proc/sys (an image, a copy of /etc) has no
         * running values: said once, and no key is called missing. */
        int fd = sg_root_openat(m->rootfd, "/proc/sys", O_RDONLY | O_DIRECTORY);
        if (fd >= 0) {
            close(fd);
        } else {
            live = false;
            if (sg_diag_add(&m->diags, SG_SEV_WARNING, "no-proc-sys", NULL, 0,
                            "--live: %s has no proc/sys directory (%s), so "
                            "there are no running values to compare the files "
                            "with",
                            m->root ? m->root : "/", strerror(-fd)) < 0)
                r = -ENOMEM;
        }
    }
    for (size_t i = 0; r == 0 && live && i < m->n_settings; i++)
        if (!m->settings[i].winner->glob && m->settings[i].winner->value)
            r = read_live(m, &m->settings[i], o->catalog);
    /* who else writes what drifted: their own configuration files */
    if (r == 0 && live)
        r = sg_writers_scan(m->rootfd, &m->writers);
    if (r == 0 && live) /* early boot's copies first: later writers win */
        r = sg_writers_prepend(&m->writers, &m->boot_copies);
    if (r == 0 && live)
        r = sg_writers_sourced(&m->writers, &m->sourced);
    if (p != o->parser)
        sg_parser_free(p);
    if (r < 0)
        goto fail;
    *out = m;
    return 0;
fail:
    if (r == -ENOMEM && !*errmsg)
        *errmsg = strdup("out of memory");
    sg_model_free(m);
    return r;
}

void sg_model_free(struct sg_model *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n_files; i++)
        file_free(m->files[i]);
    free(m->files);
    applied_free(m->applied, m->n_applied);
    settings_free(m->settings, m->n_settings);
    sg_diags_free(&m->diags);
    sg_strmap_free(&m->file_index);
    sg_modload_free(&m->modload);
    sg_writers_free(&m->writers);
    sg_writers_free(&m->boot_copies);
    sg_sourced_free(&m->sourced);
    if (m->rootfd >= 0)
        close(m->rootfd);
    free(m->root);
    free(m);
}

const struct sg_setting *sg_model_get(const struct sg_model *m, const char *key)
{
    struct sg_setting k = {.key = key};
    if (!m->n_settings)
        return NULL;
    return bsearch(&k, m->settings, m->n_settings, sizeof(k), cmp_setting);
}

const struct sg_assignment *sg_model_effective(const struct sg_model *m,
                                               const char *key)
{
    return sg_setting_effective(m, sg_model_get(m, key), key);
}

const struct sg_assignment *sg_setting_effective(const struct sg_model *m,
                                                 const struct sg_setting *s,
                                                 const char *key)
{
    const struct sg_setting *best = NULL;

    if (s && !s->winner->glob)
        return s->winner->value ? s->winner : NULL;
    /* Not explicitly set: the glob applied last that matches wins. */
    for (size_t i = 0; i < m->n_settings; i++) {
        const struct sg_setting *g = &m->settings[i];
        if (!g->winner->glob || !g->winner->value ||
            (best && g->seq < best->seq) || !sg_key_glob_match(g->key, key))
            continue;
        best = g;
    }
    return best ? best->winner : NULL;
}

/* ---- what a fix leaves (sg_model_derive) ---- */

static int copy_assignments(struct sg_file *to, const struct sg_file *from)
{
    for (size_t i = 0; i < from->assignments.n; i++) {
        const struct sg_assignment *a = &from->assignments.v[i];
        struct sg_assignment c = *a;
        c.file = to->path;
        if (sg_assignment_text(&c, a->raw_key, strlen(a->raw_key), a->value,
                               a->value ? strlen(a->value) : 0) < 0)
            return -ENOMEM;
        if (SG_PUSH(to->assignments, c) < 0) {
            sg_assignment_clear(&c);
            return -ENOMEM;
        }
    }
    return 0;
}

static int copy_directives(struct sg_file *to, const struct sg_file *from)
{
    for (size_t i = 0; i < from->directives.n; i++) {
        struct sg_directive c = from->directives.v[i];
        if (!(c.text = strdup(c.text)) || SG_PUSH(to->directives, c) < 0) {
            free(c.text);
            return -ENOMEM;
        }
    }
    return 0;
}

static struct sg_file *new_file(struct sg_model *d, const char *path,
                                const char *via)
{
    struct sg_file *f = calloc(1, sizeof(*f));
    int room = files_room(d);

    if (!f || room < 0 || !(f->path = strdup(path)) ||
        (via && !(f->via = strdup(via)))) {
        if (f)
            free(f->path);
        free(f);
        return NULL;
    }
    d->files[d->n_files++] = f;
    return f;
}

/* The name an application is sorted by: the sysctl.d entry's. */
static const char *entry_name(const struct sg_applied *a)
{
    const char *p = a->via ? a->via : a->file->path;
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

char *sg_model_mask_path(const struct sg_model *m, const char *path)
{
    if (m->fragment || !path || sg_operator_owns(path))
        return NULL;
    for (size_t i = 0; i < m->n_applied; i++) {
        const struct sg_applied *a = &m->applied[i];
        if (strcmp(a->file->path, path) != 0)
            continue;
        const char *entry = a->via ? a->via : a->file->path;
        if (strncmp(entry, "/etc/", 5) == 0 ||
            !sg_str_has_suffix(entry, ".conf"))
            return NULL; /* not a package's sysctl.d entry */
        char *mask = sg_strdup_printf("%s/%s", SG_MASK_DIR, entry_name(a));
        if (mask && sg_model_file(m, mask)) {
            free(mask);
            return NULL;
        }
        return mask;
    }
    return NULL;
}

/* Place the new file F among D's applications: sorted by name, hiding a
 * same-named entry, before procps' trailing /etc/sysctl.conf. */
static int apply_new(struct sg_model *d, struct sg_file *f)
{
    const char *name =
        strrchr(f->path, '/') ? strrchr(f->path, '/') + 1 : f->path;
    size_t n = d->n_applied, at = n;
    if (d->semantics == SG_SEM_PROCPS && n && !d->applied[n - 1].via &&
        strcmp(d->applied[n - 1].file->path, SG_SYSCTL_CONF) == 0)
        at = n - 1;
    for (size_t i = 0; i < at; i++) {
        int c = strcmp(entry_name(&d->applied[i]), name);
        if (c == 0) {
            free(d->applied[i].via);
            d->applied[i] = (struct sg_applied){.file = f};
            return 0;
        }
        if (c > 0) {
            at = i;
            break;
        }
    }
    struct sg_applied *ap = realloc(d->applied, (n + 1) * sizeof(*ap));
    if (!ap)
        return -ENOMEM;
    memmove(ap + at + 1, ap + at, (n - at) * sizeof(*ap));
    ap[at] = (struct sg_applied){.file = f};
    d->applied = ap;
    d->n_applied = n + 1;
    return 0;
}

/* The text given for PATH (GIVEN: the paths by index), or NULL. */
static const char *text_for(const struct sg_strmap *given, const char *path,
                            const char *const *texts)
{
    size_t i = sg_strmap_get(given, path);
    return i == SIZE_MAX ? NULL : texts[i];
}

int sg_model_derive(const struct sg_model *m, struct sg_parser *p,
                    const char *const *paths, const char *const *texts,
                    size_t n, struct sg_model **out)
{
    struct sg_model *d = calloc(1, sizeof(*d));
    struct sg_strmap given = {0}; /* a tree of N files fixed: no N² */
    size_t old;
    int r = 0, bad = 0;

    *out = NULL;
    if (!d || !(d->root = strdup(m->root))) {
        free(d);
        return -ENOMEM;
    }
    for (size_t i = 0; r == 0 && i < n; i++) /* the first of a path counts */
        r = sg_strmap_put(&given, paths[i], i, &old);
    d->rootfd = -1;
    d->semantics = m->semantics;
    d->procps = m->procps;
    d->procps_why = m->procps_why;
    d->fragment = m->fragment;
    d->digests = m->digests;
    d->kernel = m->kernel;
    if (r == 0)
        r = sg_modload_copy(&m->modload, &d->modload);
    if (r == 0)
        r = sg_sourced_copy(&m->sourced, &d->sourced);
    for (size_t i = 0; r == 0 && i < m->diags.n; i++) {
        const struct sg_diag *g = &m->diags.v[i];
        if (!g->file || !text_for(&given, g->file, texts))
            r = sg_diag_add(&d->diags, g->severity, g->code, g->file, g->line,
                            "%s", g->message);
    }
    /* The files M read, in M's order; then the new ones. */
    for (size_t i = 0; r == 0 && i < m->n_files + n; i++) {
        const struct sg_file *of = i < m->n_files ? m->files[i] : NULL;
        const char *path = of ? of->path : paths[i - m->n_files];
        const char *text =
            of ? text_for(&given, path, texts) : texts[i - m->n_files];
        if (!of && sg_model_file(m, path))
            continue;                          /* not new */
        if (!of && sg_modload_is_list(path)) { /* a module a fix loads */
            r = sg_modload_add_list(&d->modload, text);
            continue;
        }
        struct sg_file *f = new_file(d, path, of ? of->via : NULL);
        if (!f) {
            r = -ENOMEM;
            break;
        }
        f->readable = of ? of->readable : true;
        if (text) {
            f->readable = true;
            f->text_len = strlen(text);
            f->text_hash = sg_hash_key(text, f->text_len);
            f->not_utf8 = !sg_utf8_valid(text);
            if (d->digests)
                sg_sha256_hex(text, f->text_len, f->sha256);
            struct sg_parse_input in = {.file = path,
                                        .text = text,
                                        .out = &f->assignments,
                                        .directives = &f->directives};
            int pr = sg_parse_batch(p, &in, 1, &d->diags);
            if (pr == -ENOMEM)
                r = pr;
            else if (in.result < 0)
                bad = in.result;
        } else {
            f->text_len = of->text_len;
            f->text_hash = of->text_hash;
            f->not_utf8 = of->not_utf8;
            memcpy(f->sha256, of->sha256, sizeof(f->sha256));
            r = copy_assignments(f, of);
            if (r == 0)
                r = copy_directives(f, of);
        }
    }
    if (r == 0)
        r = index_files(d, 0);
    if (r == 0 && m->n_applied &&
        !(d->applied = calloc(m->n_applied, sizeof(*d->applied))))
        r = -ENOMEM;
    for (size_t i = 0; r == 0 && i < m->n_applied; i++) {
        const struct sg_applied *a = &m->applied[i];
        d->applied[i].file = sg_model_file(d, a->file->path);
        d->applied[i].via = a->via ? strdup(a->via) : NULL;
        d->n_applied++;
        if (a->via && !d->applied[i].via)
            r = -ENOMEM;
    }
    for (size_t i = m->n_files; r == 0 && i < d->n_files; i++)
        r = apply_new(d, d->files[i]);
    /* Each file walked once by line rules: its first application. */
    struct sg_strmap once = {0};
    for (size_t i = 0; r == 0 && i < d->n_applied; i++) {
        r = sg_strmap_put(&once, d->applied[i].file->path, 0, &old);
        d->applied[i].first = old == SIZE_MAX;
    }
    sg_strmap_free(&once);
    sg_strmap_free(&given);
    if (r == 0)
        r = compute_settings(d->applied, d->n_applied, d->semantics, d->procps,
                             &d->settings, &d->n_settings);
    for (size_t i = 0; r == 0 && i < d->n_settings; i++) {
        struct sg_setting *s = &d->settings[i];
        const struct sg_setting *o = sg_model_get(m, s->key);
        if (!o)
            continue;
        s->live = o->live;
        s->live_what = o->live_what;
        if (o->live_value && !(s->live_value = strdup(o->live_value)))
            r = -ENOMEM;
    }
    if (r < 0) {
        sg_model_free(d);
        return r;
    }
    *out = d;
    return bad;
}
