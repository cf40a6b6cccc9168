/*
 * config.c - see config.h. cJSON parses the file (at most
 * SG_MAX_FILE_SIZE bytes); the tree is walked once against the format's
 * keys, and the strings stay in it (the config owns the tree). Finding
 * the file costs one stat(2) per directory up to the repository root.
 */
#include "config.h"
#include "../core/base/util.h"
#include "trust.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

/* .sysctl-guard.json from the current directory up, or NULL. */
static char *find(void)
{
    char dir[PATH_MAX];
    if (!getcwd(dir, sizeof(dir)))
        return NULL;
    for (;;) {
        char *p = sg_strdup_printf("%s/%s", strcmp(dir, "/") ? dir : "",
                                   SG_CONFIG_NAME);
        if (p && exists(p))
            return p;
        free(p);
        char *git = sg_strdup_printf("%s/.git", strcmp(dir, "/") ? dir : "");
        bool top = !git || exists(git) || strcmp(dir, "/") == 0;
        free(git);
        if (top)
            return NULL;
        char *slash = strrchr(dir, '/');
        if (slash == dir)
            dir[1] = '\0';
        else
            *slash = '\0';
    }
}

/* The line of byte AT in TEXT (1-based). */
static unsigned line_of(const char *text, const char *at)
{
    unsigned n = 1;
    for (const char *p = text; p < at && *p; p++)
        n += *p == '\n';
    return n;
}

/* The line of the first "KEY": in TEXT, or 0: where a message about
 * KEY points (cJSON keeps no positions; a key used twice points at its
 * first use). */
static unsigned key_line(const char *text, const char *key)
{
    size_t kl = strlen(key);
    for (const char *p = text; (p = strchr(p, '"')); p++) {
        if (strncmp(p + 1, key, kl) == 0 && p[kl + 1] == '"') {
            const char *q = p + kl + 2;
            q += strspn(q, " \t\r\n");
            if (*q == ':')
                return line_of(text, p);
        }
    }
    return 0;
}

/* "line N: " for KEY, into WHY. */
static void at_key(struct sg_buf *why, const char *text, const char *key)
{
    unsigned n = key_line(text, key);
    if (n)
        sg_buf_printf(why, "line %u: ", n);
}

/* A string or a list of strings into V (at most SG_MAX_LIST). */
static int strings(const cJSON *j, const char **v, size_t *n, const char *key,
                   const char *text, struct sg_buf *why)
{
    const cJSON *e;
    if (cJSON_IsString(j)) {
        /* A member given again ("profile" twice) adds to the list: the
         * bound holds for it too. */
        if (*n == SG_MAX_LIST)
            goto full;
        v[(*n)++] = j->valuestring;
        return 0;
    }
    if (!cJSON_IsArray(j))
        goto bad;
    cJSON_ArrayForEach(e, j)
    {
        if (!cJSON_IsString(e))
            goto bad;
        if (*n == SG_MAX_LIST)
            goto full;
        v[(*n)++] = e->valuestring;
    }
    return 0;
full:
    at_key(why, text, key);
    sg_buf_printf(why, "\"%s\" has more than %d entries", key, SG_MAX_LIST);
    return -1;
bad:
    at_key(why, text, key);
    sg_buf_printf(why, "\"%s\" must be a string or a list of strings", key);
    return -1;
}

/* kernel, profile, disable of object J into S; other keys are the
 * caller's (ALSO) or an error. */
static int set_of(const cJSON *j, struct sg_settings *s,
                  const char *const *also, const char *where, const char *text,
                  struct sg_buf *why)
{
    const cJSON *e;
    if (!cJSON_IsObject(j)) {
        sg_buf_printf(why, "%s must be an object", where ? where : "the file");
        return -1;
    }
    cJSON_ArrayForEach(e, j)
    {
        const char *k = e->string;
        if (strcmp(k, "kernel") == 0) {
            if (!cJSON_IsString(e)) {
                at_key(why, text, k);
                sg_buf_printf(why, "\"kernel\" must be a string");
                return -1;
            }
            s->kernel = e->valuestring;
        } else if (strcmp(k, "profile") == 0) {
            if (strings(e, s->profiles, &s->n_profiles, k, text, why) < 0)
                return -1;
        } else if (strcmp(k, "disable") == 0) {
            if (strings(e, s->disabled, &s->n_disabled, k, text, why) < 0)
                return -1;
        } else {
            bool ok = false;
            for (size_t i = 0; also && also[i] && !ok; i++)
                ok = strcmp(also[i], k) == 0;
            if (!ok) {
                at_key(why, text, k);
                sg_buf_printf(why,
                              "%s%sunknown key \"%s\" (the keys are kernel, "
                              "profile, disable%s)",
                              where ? where : "", where ? ": " : "", sg_vis(k),
                              also ? ", fail-on, policy, overrides"
                                   : ", files");
                return -1;
            }
        }
    }
    return 0;
}

static int parse(struct sg_config *c, const char *text, struct sg_buf *why)
{
    static const char *const top[] = {"fail-on", "policy", "overrides", NULL};
    static const char *const ov[] = {"files", NULL};
    const char *end = NULL;
    const cJSON *e;

    c->doc = cJSON_ParseWithOpts(text, &end, true);
    if (!c->doc) {
        const char *at = cJSON_GetErrorPtr();
        sg_buf_printf(why, "line %u: not JSON (cJSON stopped here)",
                      line_of(text, at ? at : text));
        return -1;
    }
    if (set_of(c->doc, &c->set, top, NULL, text, why) < 0)
        return -1;
    if ((e = cJSON_GetObjectItemCaseSensitive(c->doc, "fail-on"))) {
        const char *v = cJSON_GetStringValue(e);
        if (!v ||
            (strcmp(v, "error") && strcmp(v, "warning") && strcmp(v, "info"))) {
            at_key(why, text, "fail-on");
            sg_buf_printf(why, "\"fail-on\" must be error, warning or info");
            return -1;
        }
        c->fail_on = v;
    }
    if ((e = cJSON_GetObjectItemCaseSensitive(c->doc, "policy"))) {
        const char *v[SG_MAX_LIST];
        size_t n = 0;
        if (strings(e, v, &n, "policy", text, why) < 0)
            return -1;
        for (size_t i = 0; i < n; i++) {
            c->policies[i] = v[i][0] == '/'
                                 ? strdup(v[i])
                                 : sg_strdup_printf("%s/%s", c->dir, v[i]);
            if (!c->policies[i])
                return -1;
            c->n_policies++;
        }
    }
    if ((e = cJSON_GetObjectItemCaseSensitive(c->doc, "overrides"))) {
        const cJSON *o;
        if (!cJSON_IsArray(e)) {
            at_key(why, text, "overrides");
            sg_buf_printf(why, "\"overrides\" must be a list of objects");
            return -1;
        }
        cJSON_ArrayForEach(o, e)
        {
            struct sg_config_override *x = &c->overrides[c->n_overrides];
            char where[64];
            if (c->n_overrides == SG_MAX_LIST) {
                sg_buf_printf(why, "more than %d overrides", SG_MAX_LIST);
                return -1;
            }
            snprintf(where, sizeof(where), "override %zu", c->n_overrides + 1);
            if (set_of(o, &x->set, ov, where, text, why) < 0)
                return -1;
            x->files = cJSON_GetStringValue(
                cJSON_GetObjectItemCaseSensitive(o, "files"));
            if (!x->files) {
                sg_buf_printf(why,
                              "%s: \"files\" (a glob) is missing or not "
                              "a string",
                              where);
                return -1;
            }
            c->n_overrides++;
        }
    }
    return 0;
}

/* The repository DIR (absolute) is in: the first directory from DIR up
 * holding .git, else DIR itself. Allocated. */
static char *repo_top(const char *dir)
{
    char d[PATH_MAX];
    snprintf(d, sizeof(d), "%s", dir);
    for (;;) {
        char *git = sg_strdup_printf("%s/.git", strcmp(d, "/") ? d : "");
        bool top = git && exists(git);
        free(git);
        if (top)
            return strdup(d);
        char *slash = strrchr(d, '/');
        if (!slash || strcmp(d, "/") == 0)
            return strdup(dir);
        if (slash == d)
            d[1] = '\0';
        else
            *slash = '\0';
    }
}

/* Whether the absolute path ABS is DIR or below it. */
static bool below(const char *abs, const char *dir)
{
    size_t dl = strlen(dir);
    return strncmp(abs, dir, dl) == 0 &&
           (abs[dl] == '\0' || abs[dl] == '/' || strcmp(dir, "/") == 0);
}

/* The policies a configuration names must lie inside its repository and
 * be trusted, as it is (a directory: itself and its *.xml files, which
 * the policy loader reads). NULL, or why not (allocated). */
static char *policies_allowed(const struct sg_config *c)
{
    char *top = repo_top(c->dir), abs[PATH_MAX];
    char *why = top ? NULL : strdup("out of memory");
    struct stat st;

    for (size_t i = 0; !why && i < c->n_policies; i++) {
        const char *p = c->policies[i];
        if (!realpath(p, abs))
            why = sg_strdup_printf("policy %s: %s", sg_vis(p), strerror(errno));
        else if (!below(abs, top))
            why = sg_strdup_printf("policy %s lies outside the "
                                   "configuration's repository, %s",
                                   sg_vis(p), top);
        else if (stat(abs, &st) == 0 && S_ISDIR(st.st_mode)) {
            why = sg_untrusted(abs, true);
            DIR *d = why ? NULL : opendir(abs);
            for (struct dirent *de; d && !why && (de = readdir(d));) {
                if (de->d_name[0] == '.' ||
                    !sg_str_has_suffix(de->d_name, ".xml"))
                    continue;
                char *f = sg_strdup_printf("%s/%s", abs, de->d_name);
                why = f ? sg_untrusted(f, false) : strdup("out of memory");
                free(f);
            }
            if (d)
                closedir(d);
        } else {
            why = sg_untrusted(abs, false);
        }
    }
    free(top);
    return why;
}

/* Whether every FILE of F lies below DIR (a found configuration governs
 * only those). NULL, or the first that does not. */
static const char *outside(const struct sg_config_find *f, const char *dir)
{
    char abs[PATH_MAX];
    for (size_t i = 0; i < f->n_files; i++) {
        const char *p = f->files[i];
        /* A file that is not there is judged by where it would be. */
        char *copy = strdup(p);
        char *pdir = copy ? dirname(copy) : NULL;
        bool in = pdir && realpath(pdir, abs) && below(abs, dir);
        free(copy);
        if (!in)
            return p;
    }
    return NULL;
}

int sg_config_load(const struct sg_config_find *f, struct sg_config *c,
                   char **err, char **note)
{
    char *text = NULL, *why = NULL, abs[PATH_MAX];
    size_t len;

    memset(c, 0, sizeof(*c));
    *err = NULL;
    *note = NULL;
    if (!f->explicit_path) {
        char *found = find();
        if (!found)
            return 0;
        if (!f->search)
            *note = sg_strdup_printf(
                "%s: not read: a run on a root (--root, /, --live, plan, "
                "show) reads only a configuration given with --config FILE",
                sg_vis(found));
        else if ((why = sg_untrusted(found, false)))
            *note = sg_strdup_printf("%s: not read: %s", sg_vis(found), why);
        else if (!realpath(found, abs))
            *note = sg_strdup_printf("%s: not read: %s", sg_vis(found),
                                     strerror(errno));
        else {
            char *slash = strrchr(abs, '/');
            *(slash == abs ? slash + 1 : slash) = '\0';
            const char *o = outside(f, abs);
            if (o)
                *note = sg_strdup_printf("%s: not read: %s is not below "
                                         "its directory",
                                         sg_vis(found), sg_vis(o));
            else
                c->path = found, found = NULL;
        }
        free(why);
        free(found);
        if (!c->path)
            return *note ? 0 : (*err = strdup("out of memory"), -1);
    } else if (!(c->path = strdup(f->explicit_path))) {
        *err = strdup("out of memory");
        return -1;
    }
    int tr = sg_trusted_read(c->path, &text, &len, &why);
    if (tr < 0) {
        *err = sg_strdup_printf("%s: %s%s", sg_vis(c->path),
                                tr == -1 ? "not read: " : "", why);
        free(why);
        free(c->path);
        c->path = NULL;
        return -1;
    }
    if (!realpath(c->path, abs)) {
        *err = sg_strdup_printf("%s: %s", c->path, strerror(errno));
        free(text);
        free(c->path);
        c->path = NULL;
        return -1;
    }
    char *slash = strrchr(abs, '/');
    char *dir =
        slash == abs ? strdup("/") : strndup(abs, (size_t)(slash - abs));
    char *path = c->path;
    c->path = NULL;
    int r = dir ? sg_config_parse(text, path, dir, c, err) : -1;
    if (r == 0 && (why = policies_allowed(c))) {
        *err = sg_strdup_printf("%s: %s", sg_vis(path), why);
        free(why);
        sg_config_free(c);
        r = -1;
    }
    free(dir);
    free(path);
    free(text);
    if (r < 0 && !*err)
        *err = strdup("out of memory");
    return r;
}

int sg_config_parse(const char *text, const char *path, const char *dir,
                    struct sg_config *c, char **err)
{
    struct sg_buf why = {0};

    memset(c, 0, sizeof(*c));
    *err = NULL;
    c->path = strdup(path);
    c->dir = strdup(dir);
    int r = c->path && c->dir ? parse(c, text, &why) : -1;
    if (r < 0) {
        /* "line N: why" becomes "FILE:N: why", as compilers say it. */
        unsigned line = 0;
        int used = 0;
        if (why.v && sscanf(why.v, "line %u: %n", &line, &used) == 1 && used)
            *err = sg_strdup_printf("%s:%u: %s", c->path, line, why.v + used);
        else
            *err = sg_strdup_printf("%s: %s", c->path,
                                    why.v ? why.v : "out of memory");
        free(why.v);
        return -1;
    }
    return 0;
}

void sg_config_free(struct sg_config *c)
{
    free(c->path);
    free(c->dir);
    cJSON_Delete(c->doc);
    for (size_t i = 0; i < c->n_policies; i++)
        free(c->policies[i]);
    memset(c, 0, sizeof(*c));
}

/* PATH relative to the config's directory, into BUF (as given when it is
 * not under it). */
static const char *relative(const struct sg_config *c, const char *path,
                            char *buf, size_t len)
{
    char abs[PATH_MAX];
    size_t dl = strlen(c->dir);
    if (!realpath(path, abs)) {
        snprintf(buf, len, "%s", path);
        return buf;
    }
    if (strncmp(abs, c->dir, dl) == 0 && (abs[dl] == '/' || dl == 1))
        snprintf(buf, len, "%s", abs + (dl == 1 ? 1 : dl + 1));
    else
        snprintf(buf, len, "%s", abs);
    return buf;
}

void sg_config_for(const struct sg_config *c, const char *path,
                   struct sg_settings *out)
{
    char rel[PATH_MAX];
    *out = c->set;
    if (!c->n_overrides || !path)
        return;
    relative(c, path, rel, sizeof(rel));
    /* A root (a directory) is also matched as "DIR/": the glob for the
     * files under hosts/el7 is for `--root hosts/el7` too. */
    struct stat st;
    bool dir = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
    char reldir[PATH_MAX + 1];
    snprintf(reldir, sizeof(reldir), "%s/", rel);
    for (size_t i = 0; i < c->n_overrides; i++) {
        const struct sg_settings *s = &c->overrides[i].set;
        if (fnmatch(c->overrides[i].files, rel, 0) != 0 &&
            !(dir && fnmatch(c->overrides[i].files, reldir, 0) == 0))
            continue;
        if (s->kernel)
            out->kernel = s->kernel;
        if (s->n_profiles) {
            memcpy(out->profiles, s->profiles, sizeof(s->profiles));
            out->n_profiles = s->n_profiles;
        }
        for (size_t k = 0; k < s->n_disabled; k++)
            sg_settings_disable(out, s->disabled[k]);
    }
}
