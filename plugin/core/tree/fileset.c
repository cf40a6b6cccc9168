/*
 * fileset.c - see fileset.h. Each directory is listed once through a
 * descriptor inside the root (rootfs.h); the candidates of all of them
 * are sorted by name and precedence once, so shadowing is one linear pass
 * after an O(n log n) sort. Symlinks resolve inside the root (at most
 * rootfs.c SG_MAX_LINKS hops). The leftovers of interrupted saves are
 * swept (leftover.h) from every directory a fix writes to: a sysctl.d
 * directory only when its listing saw one; the others (/etc, a link
 * target's, the module list's) cost one more listing each.
 */
#include "fileset.h"
#include "layout.h"
#include "rootfs.h"
#include "../base/util.h"
#include "leftover.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define N_DIRS SG_N_SYSCTL_DIRS
#define SYSCTL_CONF SG_SYSCTL_CONF

static const char *const semantics_names[] = {
    [SG_SEM_SYSTEMD] = "systemd",
    [SG_SEM_PROCPS] = "procps",
};

const char *sg_semantics_name(enum sg_semantics s)
{
    return semantics_names[s];
}

int sg_semantics_parse(const char *s, enum sg_semantics *out, int *procps)
{
    *procps = 0;
    if (strcmp(s, "procps-3.3") == 0 || strcmp(s, "procps-4") == 0) {
        *out = SG_SEM_PROCPS;
        *procps = s[7] == '3' ? 3 : 4;
        return 0;
    }
    for (size_t i = 0; i < 2; i++)
        if (strcmp(s, semantics_names[i]) == 0) {
            *out = (enum sg_semantics)i;
            return 0;
        }
    return -EINVAL;
}

struct candidate {
    char *name;
    size_t dir;     /* index into sg_layout_dirs */
    char *entry;    /* target path of the directory entry */
    char *resolved; /* a regular file's path in its resolved directory
                       (nothing to chase); NULL for anything else */
};

struct candidates {
    struct candidate *v;
    size_t n, cap;
};

static int cmp_candidate(const void *a, const void *b)
{
    const struct candidate *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c)
        return c;
    return (x->dir > y->dir) - (x->dir < y->dir);
}

/* A name the tools skip silently: hidden files. Names that look like a
 * config someone meant to be read (x.conf.bak, x.conf~, x.dpkg-old, ...)
 * are worth a word; a README is not. */
static bool is_quietly_skipped(const char *name)
{
    return name[0] == '.' || strncmp(name, "README", 6) == 0;
}

static int diag_file_cmp(const void *a, const void *b)
{
    const struct sg_diag *x = a, *y = b;
    return strcmp(x->file ? x->file : "", y->file ? y->file : "");
}

/* List directory DIR (index DI), which is RESOLVED inside the root: the
 * entries are named under DIR, as the tools name them, and read from
 * RESOLVED, so a directory that is a symlink ("/run/sysctl.d ->
 * /usr/lib/sysctl.d", absolute or not) is the root's, never the host's.
 * *LEFTOVER: a save's temporary file is among them. */
static int scan_dir(int rootfd, size_t di, const char *dir,
                    const char *resolved, struct candidates *cs,
                    struct sg_diags *diags, bool *leftover)
{
    int dfd = sg_root_openat(rootfd, resolved, O_RDONLY | O_DIRECTORY);
    DIR *d;
    struct dirent *de;
    int r = 0;

    if (dfd == -ENOMEM)
        return dfd;
    d = dfd >= 0 ? fdopendir(dfd) : NULL;
    if (!d) {
        int e = dfd >= 0 ? errno : -dfd;
        if (dfd >= 0)
            close(dfd);
        if (e == ENOENT || e == ENOTDIR)
            return 0;
        return sg_diag_add(diags, SG_SEV_ERROR, "unreadable", dir, 0,
                           "cannot list directory: %s", strerror(e));
    }
    size_t first = diags->n;
    while ((de = readdir(d))) {
        const char *n = de->d_name;
        if (is_quietly_skipped(n)) {
            *leftover = *leftover || sg_leftover_is_temp(n);
            continue;
        }
        char *entry = sg_strdup_printf("%s/%s", dir, n);
        if (!entry) {
            r = -ENOMEM;
            break;
        }
        if (!sg_str_has_suffix(n, ".conf") || strlen(n) == 5) {
            r = sg_diag_add(diags, SG_SEV_INFO, "not-conf", entry, 0,
                            "ignored: only *.conf files are read");
            free(entry);
            if (r < 0)
                break;
            continue;
        }
        struct stat st;
        bool statted = fstatat(dirfd(d), n, &st, AT_SYMLINK_NOFOLLOW) == 0;
        bool is_dir = statted && S_ISDIR(st.st_mode);
        bool is_reg = statted && S_ISREG(st.st_mode);
        if (is_dir) {
            r = sg_diag_add(diags, SG_SEV_ERROR, "not-file", entry, 0,
                            "is a directory, not a file: ignored");
            free(entry);
            if (r < 0)
                break;
            continue;
        }
        struct candidate c = {.name = strdup(n), .dir = di, .entry = entry};
        /* A regular file resolves to itself in the resolved directory:
         * chasing its path again from the root, component by component,
         * was nine system calls a file (it is opened later beneath the
         * root without following any link, so a swap is refused then) */
        if (is_reg)
            c.resolved = sg_strdup_printf(
                "%s/%s", strcmp(resolved, "/") == 0 ? "" : resolved, n);
        if (!c.name || (is_reg && !c.resolved) || SG_PUSH(*cs, c) < 0) {
            free(c.name);
            free(c.resolved);
            free(entry);
            r = -ENOMEM;
            break;
        }
    }
    closedir(d);
    /* In name order, whatever order the directory lists them in (one
     * diagnostic an entry, so names are unique). */
    if (diags->n - first > 1)
        qsort(diags->v + first, diags->n - first, sizeof(*diags->v),
              diag_file_cmp);
    return r;
}

static int push_source(struct sg_sources *s, const char *path, const char *via)
{
    struct sg_source src = {.path = strdup(path),
                            .via = via ? strdup(via) : NULL};
    if (!src.path || (via && !src.via) || SG_PUSH(*s, src) < 0) {
        free(src.path);
        free(src.via);
        return -ENOMEM;
    }
    return 0;
}

/* Decide what the surviving entry C stands for: a file to apply (added to
 * both orders), a mask, or something broken (a diagnostic). */
static int resolve_survivor(int rootfd, const struct candidate *c,
                            struct sg_fileset *fs, struct sg_diags *diags)
{
    char *resolved = NULL;
    int r = c->resolved ? ((resolved = strdup(c->resolved)) ? 0 : -ENOMEM)
                        : sg_chase_at(rootfd, c->entry, &resolved);

    if (r == 0 || r == -ENOENT) {
        if (resolved && strcmp(resolved, "/dev/null") == 0) {
            r = sg_diag_add(diags, SG_SEV_INFO, "masked", c->entry, 0,
                            "masked (symlink to /dev/null)");
            free(resolved);
            return r;
        }
    }
    if (r == -ENOENT) {
        r = sg_diag_add(diags, SG_SEV_ERROR, "unreadable", c->entry, 0,
                        "dangling symlink (to %s inside the root): ignored",
                        resolved ? resolved : "?");
        free(resolved);
        return r;
    }
    if (r < 0) {
        free(resolved);
        if (r == -ENOMEM)
            return r;
        return sg_diag_add(diags, SG_SEV_ERROR, "unreadable", c->entry, 0,
                           "cannot resolve: %s", strerror(-r));
    }
    const char *via = strcmp(resolved, c->entry) != 0 ? c->entry : NULL;
    if (strcmp(resolved, SYSCTL_CONF) == 0)
        fs->sysctl_conf_linked = true;
    r = push_source(&fs->systemd, resolved, via);
    if (r == 0)
        r = push_source(&fs->procps, resolved, via);
    free(resolved);
    return r;
}

/* Resolve directory DI inside the root into SEEN[DI] and list it, unless
 * it is missing or resolves to one already listed (/lib -> usr/lib). */
static int scan_sysctl_dir(int rootfd, size_t di, char **seen,
                           struct candidates *cs, struct sg_diags *diags,
                           bool *leftover)
{
    char *res = NULL;
    int r = sg_chase_at(rootfd, sg_layout_dirs[di].path, &res);

    if (r < 0) {
        free(res);
        if (r == -ENOENT || r == -ENOTDIR)
            return 0;
        if (r == -ENOMEM)
            return r;
        return sg_diag_add(diags, SG_SEV_ERROR, "unreadable",
                           sg_layout_dirs[di].path, 0,
                           "cannot list directory: %s", strerror(-r));
    }
    seen[di] = res;
    for (size_t j = 0; j < di; j++)
        if (seen[j] && strcmp(seen[j], res) == 0)
            return 0;
    return scan_dir(rootfd, di, sg_layout_dirs[di].path, res, cs, diags,
                    leftover);
}

struct dirs {
    char **v;
    size_t n, cap;
};

/* Add the directory of the resolved path PATH to DIRS. */
static int push_parent(struct dirs *dirs, const char *path)
{
    const char *slash = strrchr(path, '/');
    char *d = slash && slash > path ? strndup(path, (size_t)(slash - path))
                                    : strdup("/");
    if (!d || SG_PUSH(*dirs, d) < 0) {
        free(d);
        return -ENOMEM;
    }
    return 0;
}

/* Whether directory D is a sysctl.d directory just listed (SEEN; two of
 * them may be one) whose listing saw no temporary file (LEFT). */
static bool listed_clean(const char *d, char *const *seen, const bool *left)
{
    bool listed = false;
    for (size_t di = 0; di < N_DIRS; di++)
        if (seen[di] && strcmp(seen[di], d) == 0) {
            if (left[di])
                return false;
            listed = true;
        }
    return listed;
}

/* Sweep the leftovers of interrupted saves (save.h) from the directories
 * a fix writes to, each once, in name order: those of the files applied
 * (sysctl.d, /etc for sysctl.conf, a link's target's), the module
 * list's, and a sysctl.d directory (SEEN) whose listing saw a temporary
 * file (LEFT); one whose listing saw none is not listed again. */
static int sweep_leftovers(int rootfd, bool remove, char *const *seen,
                           const bool *left, const struct sg_fileset *fs,
                           struct sg_diags *diags)
{
    const struct sg_sources *both[2] = {&fs->systemd, &fs->procps};
    struct dirs dirs = {0};
    char *list = NULL;
    int r = 0;

    for (size_t k = 0; k < 2 && r == 0; k++)
        for (size_t i = 0; i < both[k]->n && r == 0; i++)
            r = push_parent(&dirs, both[k]->v[i].path);
    for (size_t di = 0; di < N_DIRS && r == 0; di++)
        if (seen[di] && left[di]) {
            char *d = strdup(seen[di]);
            if (!d || SG_PUSH(dirs, d) < 0) {
                free(d);
                r = -ENOMEM;
            }
        }
    if (r == 0) {
        int cr = sg_chase_at(rootfd, SG_MODLOAD_DROPIN, &list);
        if (cr == -ENOMEM)
            r = cr;
        else if (list && (cr == 0 || cr == -ENOENT))
            r = push_parent(&dirs, list);
        free(list);
    }
    if (r == 0 && dirs.n > 1)
        qsort(dirs.v, dirs.n, sizeof(*dirs.v), sg_strp_cmp);
    for (size_t i = 0; i < dirs.n && r == 0; i++)
        if ((i == 0 || strcmp(dirs.v[i], dirs.v[i - 1]) != 0) &&
            !listed_clean(dirs.v[i], seen, left))
            r = sg_leftover_sweep(rootfd, dirs.v[i], remove, diags);
    for (size_t i = 0; i < dirs.n; i++)
        free(dirs.v[i]);
    free(dirs.v);
    return r;
}

int sg_fileset_scan(int rootfd, bool sweep, struct sg_fileset *fs,
                    struct sg_diags *diags)
{
    struct candidates cs = {0};
    char *seen[N_DIRS] = {0};
    bool left[N_DIRS] = {0};
    int r = 0;

    memset(fs, 0, sizeof(*fs));
    for (size_t di = 0; di < N_DIRS && r == 0; di++)
        r = scan_sysctl_dir(rootfd, di, seen, &cs, diags, &left[di]);
    if (cs.n)
        qsort(cs.v, cs.n, sizeof(*cs.v), cmp_candidate);
    for (size_t i = 0; i < cs.n && r == 0; i++) {
        if (i > 0 && strcmp(cs.v[i].name, cs.v[i - 1].name) == 0) {
            size_t w = i;
            while (w > 0 && strcmp(cs.v[w - 1].name, cs.v[i].name) == 0)
                w--;
            r = sg_diag_add(diags, SG_SEV_INFO, "hidden", cs.v[i].entry, 0,
                            "hidden by %s (same name, higher directory)",
                            cs.v[w].entry);
            continue;
        }
        r = resolve_survivor(rootfd, &cs.v[i], fs, diags);
    }
    if (r == 0) {
        char *res = NULL;
        int cr = sg_chase_at(rootfd, SYSCTL_CONF, &res);
        if (cr == 0) {
            fs->sysctl_conf_exists = true;
            r = push_source(&fs->procps, res,
                            strcmp(res, SYSCTL_CONF) != 0 ? SYSCTL_CONF : NULL);
        } else if (cr == -ENOMEM) {
            r = cr;
        }
        free(res);
    }
    if (r == 0)
        r = sweep_leftovers(rootfd, sweep, seen, left, fs, diags);
    for (size_t di = 0; di < N_DIRS; di++)
        free(seen[di]);
    for (size_t i = 0; i < cs.n; i++) {
        free(cs.v[i].name);
        free(cs.v[i].entry);
        free(cs.v[i].resolved);
    }
    free(cs.v);
    if (r < 0)
        sg_fileset_free(fs);
    return r;
}

static void sources_free(struct sg_sources *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i].path);
        free(s->v[i].via);
    }
    free(s->v);
    memset(s, 0, sizeof(*s));
}

void sg_fileset_free(struct sg_fileset *fs)
{
    sources_free(&fs->systemd);
    sources_free(&fs->procps);
}

int sg_fileset_list(int rootfd, const char *dir, char ***names, size_t *n)
{
    return sg_fileset_list_suffix(rootfd, dir, ".conf", names, n);
}

/* qsort: target paths by their file names, then their whole text. */
static int by_base_name(const void *a, const void *b)
{
    const char *x = *(char *const *)a, *y = *(char *const *)b;
    const char *bx = strrchr(x, '/'), *by = strrchr(y, '/');
    int c = strcmp(bx ? bx + 1 : x, by ? by + 1 : y);
    return c ? c : strcmp(x, y);
}

int sg_fileset_union(int rootfd, const char *const *dirs, size_t ndirs,
                     const char *suffix, char ***paths, size_t *n)
{
    struct {
        char **v;
        size_t n, cap;
    } out = {0};
    struct sg_strmap seen = {0}; /* names taken, by a higher directory */
    int r = 0;
    for (size_t d = 0; d < ndirs && r == 0; d++) {
        char **names = NULL;
        size_t nn = 0, old;
        r = sg_fileset_list_suffix(rootfd, dirs[d], suffix, &names, &nn);
        for (size_t i = 0; i < nn; i++) {
            if (r == 0 && sg_strmap_get(&seen, names[i]) == SIZE_MAX) {
                char *p = sg_path_join(dirs[d], names[i]);
                if (!p || SG_PUSH(out, p) < 0) {
                    free(p);
                    r = -ENOMEM;
                } else if (sg_strmap_put(&seen, strrchr(p, '/') + 1, 0, &old) <
                           0)
                    r = -ENOMEM; /* P is OUT's */
            }
            free(names[i]);
        }
        free(names);
    }
    sg_strmap_free(&seen);
    if (r == 0 && out.n)
        qsort(out.v, out.n, sizeof(*out.v), by_base_name);
    if (r < 0) {
        for (size_t i = 0; i < out.n; i++)
            free(out.v[i]);
        free(out.v);
        out.v = NULL, out.n = 0;
    }
    *paths = out.v;
    *n = out.n;
    return r;
}

int sg_fileset_list_suffix(int rootfd, const char *dir, const char *suffix,
                           char ***names, size_t *n)
{
    char *res = NULL;
    int r = sg_chase_at(rootfd, dir, &res);
    int dfd = r == 0 ? sg_root_openat(rootfd, res, O_RDONLY | O_DIRECTORY) : r;
    DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
    struct dirent *de;
    struct {
        char **v;
        size_t n, cap;
    } out = {0};

    free(res);
    *names = NULL;
    *n = 0;
    if (!d) {
        if (dfd >= 0)
            close(dfd);
        return dfd == -ENOMEM ? -ENOMEM : 0; /* not there: no entries */
    }
    r = 0;
    while (r == 0 && (de = readdir(d))) {
        const char *nm = de->d_name;
        char *c;
        if (nm[0] == '.' || !sg_str_has_suffix(nm, suffix))
            continue;
        if (!(c = strdup(nm)) || SG_PUSH(out, c) < 0) {
            free(c);
            r = -ENOMEM;
        }
    }
    closedir(d);
    if (r < 0) {
        for (size_t i = 0; i < out.n; i++)
            free(out.v[i]);
        free(out.v);
        return r;
    }
    if (out.n)
        qsort(out.v, out.n, sizeof(*out.v), sg_strp_cmp);
    *names = out.v;
    *n = out.n;
    return 0;
}
