/*
 * modload.c - see modload.h. modules-load.d files, the kernel command
 * line and udev rules are read through the root like sysctl files, each
 * in one pass (linear in the text); module
 * names are kept in arrays and compared with "-" and "_" alike, so a
 * lookup is linear in the modules listed (tens on a real host).
 */
#include "modload.h"
#include "source.h"
#include "fileset.h"
#include "../kernel/keys.h"
#include "rootfs.h"
#include "../base/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const load_dirs[] = {
    "/etc/modules-load.d",           "/run/modules-load.d",
    "/usr/local/lib/modules-load.d", "/usr/lib/modules-load.d",
    "/lib/modules-load.d",
};
static const char *const udev_dirs[] = {
    "/etc/udev/rules.d",     "/run/udev/rules.d", "/usr/local/lib/udev/rules.d",
    "/usr/lib/udev/rules.d", "/lib/udev/rules.d",
};

static int push(char ***v, size_t *n, const char *s, size_t len)
{
    char **nv = realloc(*v, (*n + 1) * sizeof(**v));
    if (!nv)
        return -ENOMEM;
    *v = nv;
    if (!(nv[*n] = strndup(s, len)))
        return -ENOMEM;
    for (char *p = nv[*n]; *p; p++)
        if (*p == '-')
            *p = '_';
    (*n)++;
    return 0;
}

static int add_list(struct sg_modload *ml, const char *text)
{
    int r = 0;
    for (const char *p = text; *p && r == 0;) {
        size_t n = strcspn(p, "\n");
        const char *s = p, *e = p + n;
        while (s < e && strchr(" \t\r", *s))
            s++;
        while (e > s && strchr(" \t\r", e[-1]))
            e--;
        if (s < e && *s != '#' && *s != ';')
            r = push(&ml->modules, &ml->n_modules, s, (size_t)(e - s));
        p += n + (p[n] == '\n');
    }
    return r;
}

int sg_modload_add_list(struct sg_modload *ml, const char *text)
{
    return add_list(ml, text);
}

bool sg_modload_is_list(const char *path)
{
    size_t n = strlen(path);
    if (n < 6 || strcmp(path + n - 5, ".conf") != 0)
        return false;
    for (size_t i = 0; i < sizeof(load_dirs) / sizeof(*load_dirs); i++) {
        size_t d = strlen(load_dirs[i]);
        if (strncmp(path, load_dirs[i], d) == 0 && path[d] == '/' &&
            !strchr(path + d + 1, '/'))
            return true;
    }
    return false;
}

/* "modules-load=a,b" and "rd.modules-load=" words of a command line, as
 * the kernel splits it (source.h). */
static int add_cmdline(struct sg_modload *ml, const char *text)
{
    int r = 0;
    unsigned line = 1;
    struct sg_cmdline_word cw;
    for (const char *p = text; r == 0 && sg_cmdline_next(&p, &line, &cw);) {
        const char *w = cw.name;
        size_t n = cw.n;
        if (n > 3 && strncmp(w, "rd.", 3) == 0) {
            w += 3;
            n -= 3;
        }
        if (n != 12 || strncmp(w, "modules-load", 12) != 0 || !cw.value)
            continue;
        for (const char *m = cw.value, *end = cw.value + cw.vn;
             m < end && r == 0;) {
            size_t l = strcspn(m, ",");
            if (m + l > end)
                l = (size_t)(end - m);
            if (l)
                r = push(&ml->modules, &ml->n_modules, m, l);
            m += l + 1;
        }
    }
    return r;
}

/* "systemd-sysctl --prefix=/net/bridge" (or "--prefix /net/bridge") in a
 * udev rules text: the prefix as a canonical key prefix. */
static int add_rules(struct sg_modload *ml, const char *text)
{
    int r = 0;
    for (const char *p = strstr(text, "systemd-sysctl"); p && r == 0;
         p = strstr(p + 1, "systemd-sysctl")) {
        const char *eol = p + strcspn(p, "\n\"");
        const char *q = strstr(p, "--prefix");
        if (!q || q > eol)
            continue;
        q += 8;
        q += strspn(q, "= \t");
        size_t n = strcspn(q, " \t\n\"'");
        char *raw = strndup(q, n);
        if (!raw)
            return -ENOMEM;
        const char *k = raw;
        if (strncmp(k, "/proc/sys/", 10) == 0)
            k += 10;
        char *key = sg_key_normalize(k);
        free(raw);
        if (!key)
            return -ENOMEM;
        char **nv = realloc(ml->prefixes, (ml->n_prefixes + 1) * sizeof(*nv));
        if (!nv) {
            free(key);
            return -ENOMEM;
        }
        ml->prefixes = nv;
        ml->prefixes[ml->n_prefixes++] = key;
    }
    return r;
}

/* Every file of DIRS with SUFFIX, a name in a higher directory hiding the
 * same name below (fileset.h sg_fileset_union), through FN. */
static int each_file(int rootfd, const char *const *dirs, size_t ndirs,
                     const char *suffix, struct sg_modload *ml,
                     int (*fn)(struct sg_modload *, const char *))
{
    char **paths = NULL;
    size_t n = 0;
    int r = sg_fileset_union(rootfd, dirs, ndirs, suffix, &paths, &n);
    for (size_t i = 0; i < n; i++) {
        char *text = r == 0 ? sg_root_read_text(rootfd, paths[i]) : NULL;
        if (text)
            r = fn(ml, text);
        free(text);
        free(paths[i]);
    }
    free(paths);
    return r;
}

int sg_modload_scan(int rootfd, struct sg_modload *out)
{
    memset(out, 0, sizeof(*out));
    out->scanned = true;
    int r = each_file(rootfd, load_dirs, sizeof(load_dirs) / sizeof(*load_dirs),
                      ".conf", out, add_list);
    if (r == 0)
        r = each_file(rootfd, udev_dirs, sizeof(udev_dirs) / sizeof(*udev_dirs),
                      ".rules", out, add_rules);
    char *cmdline = r == 0 ? sg_root_read_text(rootfd, "/proc/cmdline") : NULL;
    if (cmdline)
        r = add_cmdline(out, cmdline);
    free(cmdline);
    if (r < 0)
        sg_modload_free(out);
    return r;
}

static int copy_strv(char **from, size_t n, char ***to)
{
    *to = n ? calloc(n, sizeof(**to)) : NULL;
    if (n && !*to)
        return -ENOMEM;
    for (size_t i = 0; i < n; i++)
        if (!((*to)[i] = strdup(from[i])))
            return -ENOMEM;
    return 0;
}

int sg_modload_copy(const struct sg_modload *from, struct sg_modload *to)
{
    memset(to, 0, sizeof(*to));
    to->scanned = from->scanned;
    int r = copy_strv(from->modules, from->n_modules, &to->modules);
    if (r == 0) {
        to->n_modules = from->n_modules;
        r = copy_strv(from->prefixes, from->n_prefixes, &to->prefixes);
    }
    if (r == 0)
        to->n_prefixes = from->n_prefixes;
    else {
        /* free what was copied: the counts say how many */
        to->n_modules = to->modules ? from->n_modules : 0;
        to->n_prefixes = to->prefixes ? from->n_prefixes : 0;
        sg_modload_free(to);
    }
    return r;
}

void sg_modload_free(struct sg_modload *ml)
{
    for (size_t i = 0; i < ml->n_modules; i++)
        free(ml->modules[i]);
    free(ml->modules);
    for (size_t i = 0; i < ml->n_prefixes; i++)
        free(ml->prefixes[i]);
    free(ml->prefixes);
    memset(ml, 0, sizeof(*ml));
}

bool sg_modload_loads(const struct sg_modload *ml, const char *module)
{
    for (size_t i = 0; i < ml->n_modules; i++) {
        const char *a = ml->modules[i], *b = module;
        while (*a && (*a == *b || (*a == '_' && *b == '-')))
            a++, b++;
        if (!*a && !*b)
            return true;
    }
    return false;
}

bool sg_modload_udev_applies(const struct sg_modload *ml, const char *key)
{
    for (size_t i = 0; i < ml->n_prefixes; i++) {
        size_t n = strlen(ml->prefixes[i]);
        if (n && strncmp(key, ml->prefixes[i], n) == 0 &&
            (key[n] == '.' || key[n] == '\0'))
            return true;
    }
    return false;
}
