/*
 * writers.c - see writers.h. Each writer is a function that reads its
 * own small files beneath the root (sg_root_read_text: no symlink leaves
 * the tree) and adds what it would write.
 */
#include "writers.h"
#include "rootfs.h"
#include "../kernel/catalog.h"
#include "../kernel/keys.h"
#include "fileset.h"
#include "../base/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int add(struct sg_writers *w, const char *raw_key, const char *value,
               const char *writer, const char *file, unsigned line)
{
    char *key = sg_key_normalize(raw_key), *v = strdup(value),
         *f = strdup(file);
    if (!key || !v || !f ||
        sg_grow((void **)&w->v, sizeof(*w->v), w->n + 1, &w->cap) < 0) {
        free(key);
        free(v);
        free(f);
        return -ENOMEM;
    }
    w->v[w->n++] = (struct sg_write){key, v, writer, f, line};
    return 0;
}

/* S without its leading and trailing blanks, in place. */
static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

/* The value of shell variable NAME in TEXT ("NAME=value", quotes off),
 * copied, or NULL. */
static char *shell_var(const char *text, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = text; p && *p;
         p = strchr(p, '\n'), p = p ? p + 1 : p) {
        p += strspn(p, " \t");
        if (strncmp(p, name, n) != 0 || p[n] != '=')
            continue;
        const char *v = p + n + 1, *e = v + strcspn(v, "\n#");
        while (e > v && strchr(" \t\r", e[-1]))
            e--;
        if (e > v + 1 && (*v == '"' || *v == '\'') && e[-1] == *v) {
            v++;
            e--;
        }
        return strndup(v, (size_t)(e - v));
    }
    return NULL;
}

/* Every "key = value" line of TEXT (FILE) as WRITER's; "#" and ";"
 * comments, [sections] other than SECTION (NULL: no sections) skipped. */
static int key_lines(struct sg_writers *w, char *text, const char *file,
                     const char *writer, const char *section)
{
    unsigned line = 0;
    bool in = section == NULL;
    int r = 0;
    for (char *save = NULL, *l = strtok_r(text, "\n", &save); l && r == 0;
         l = strtok_r(NULL, "\n", &save)) {
        line++; /* with_blank_lines kept every line a token */
        char *t = trim(l);
        if (*t == '[') {
            char *e = strchr(t, ']');
            in = section && e && (size_t)(e - t - 1) == strlen(section) &&
                 strncmp(t + 1, section, strlen(section)) == 0;
            continue;
        }
        char *eq = strchr(t, '=');
        if (!in || !*t || *t == '#' || *t == ';' || !eq)
            continue;
        *eq = '\0';
        char *k = trim(t), *v = trim(eq + 1);
        if (*k && !strstr(v, "${"))
            r = add(w, k, v, writer, file, line);
    }
    return r;
}

/* strtok_r merges runs of '\n'; a blank keeps each line a token. */
static char *with_blank_lines(const char *text)
{
    size_t n = strlen(text), extra = 0;
    for (size_t i = 0; i < n; i++)
        if (text[i] == '\n' && (i == 0 || text[i - 1] == '\n'))
            extra++;
    char *o = malloc(n + extra + 2), *q = o;
    if (!o)
        return NULL;
    if (n && text[0] == '\n')
        *q++ = ' ';
    for (size_t i = 0; i < n; i++) {
        *q++ = text[i];
        if (text[i] == '\n' && i + 1 < n && text[i + 1] == '\n')
            *q++ = ' ';
    }
    *q = '\0';
    return o;
}

static int ufw(int rootfd, struct sg_writers *w)
{
    char *conf = sg_root_read_text(rootfd, "/etc/ufw/ufw.conf");
    char *enabled = conf ? shell_var(conf, "ENABLED") : NULL;
    int r = 0;
    if (enabled && strcmp(enabled, "yes") == 0) {
        char *def = sg_root_read_text(rootfd, "/etc/default/ufw");
        char *path = def ? shell_var(def, "IPT_SYSCTL") : NULL;
        const char *p = path && *path == '/' ? path : "/etc/ufw/sysctl.conf";
        char *text = sg_root_read_text(rootfd, p);
        char *t = text ? with_blank_lines(text) : NULL;
        if (text && !t)
            r = -ENOMEM;
        else if (t)
            r = key_lines(w, t, p, "ufw", NULL);
        free(t);
        free(text);
        free(path);
        free(def);
    }
    free(enabled);
    free(conf);
    return r;
}

/* The first of the unit links PATHS the tree has (a unit enabled), or
 * NULL. */
static const char *enabled_unit(int rootfd, const char *const *paths)
{
    for (; *paths; paths++) {
        char *t = sg_root_read_text(rootfd, *paths);
        free(t);
        if (t)
            return *paths;
    }
    return NULL;
}

/* Whether daemon.json JSON says "ip-forward": false. */
static bool ip_forward_off(const char *json)
{
    const char *k = strstr(json, "\"ip-forward\"");
    if (!k)
        return false;
    k += strlen("\"ip-forward\"");
    k += strspn(k, " \t\r\n");
    if (*k != ':')
        return false;
    k++;
    k += strspn(k, " \t\r\n");
    return strncmp(k, "false", 5) == 0;
}

static int docker(int rootfd, struct sg_writers *w)
{
    static const char *const units[] = {
        "/etc/systemd/system/multi-user.target.wants/docker.service",
        "/etc/systemd/system/sockets.target.wants/docker.socket", NULL};
    const char *unit = enabled_unit(rootfd, units);
    if (!unit)
        return 0;
    char *json = sg_root_read_text(rootfd, "/etc/docker/daemon.json");
    bool off = json && ip_forward_off(json);
    free(json);
    return off ? 0 : add(w, "net.ipv4.ip_forward", "1", "Docker", unit, 0);
}

/* Whether the kubelet's configuration CFG says protectKernelDefaults:
 * true (the last such line). */
static bool protects(const char *cfg)
{
    bool protect = false;
    for (const char *p = cfg; (p = strstr(p, "protectKernelDefaults")); p++) {
        const char *v = p + strlen("protectKernelDefaults");
        v += strspn(v, " \t\"'");
        if (*v == ':') {
            v++;
            v += strspn(v, " \t\"'");
            protect = strncmp(v, "true", 4) == 0;
        }
    }
    return protect;
}

static int kubelet(int rootfd, struct sg_writers *w)
{
    static const char *const units[] = {
        "/etc/systemd/system/multi-user.target.wants/kubelet.service", NULL};
    /* pkg/kubelet/cm/container_manager_linux.go setupKernelTunables */
    static const char *const six[][2] = {
        {"vm.overcommit_memory", "1"},
        {"vm.panic_on_oom", "0"},
        {"kernel.panic", "10"},
        {"kernel.panic_on_oops", "1"},
        {"kernel.keys.root_maxkeys", "1000000"},
        {"kernel.keys.root_maxbytes", "25000000"},
    };
    const char *unit = enabled_unit(rootfd, units);
    if (!unit)
        return 0;
    char *cfg = sg_root_read_text(rootfd, "/var/lib/kubelet/config.yaml");
    bool protect = cfg && protects(cfg);
    free(cfg);
    int r = 0;
    for (size_t i = 0; !protect && r == 0 && i < sizeof(six) / sizeof(*six);
         i++)
        r = add(w, six[i][0], six[i][1], "the kubelet", unit, 0);
    return r;
}

/* Profiles of tuned a scan reads at most: includes may name each other,
 * or one profile many times (tuned itself reads each once). */
#define TUNED_MAX_PROFILES 32

/* Profile NAME of tuned and those it includes (parents first), at most
 * DEPTH deep and *BUDGET profiles in all. */
static int tuned_profile(int rootfd, struct sg_writers *w, const char *name,
                         int depth, int *budget)
{
    static const char *const dirs[] = {"/etc/tuned/%s/tuned.conf",
                                       "/usr/lib/tuned/%s/tuned.conf",
                                       "/usr/lib/tuned/profiles/%s/tuned.conf"};
    if (depth > 5 || *budget <= 0 || !*name || strchr(name, '/') ||
        strstr(name, ".."))
        return 0;
    --*budget;
    char *text = NULL, *path = NULL;
    for (size_t i = 0; !text && i < sizeof(dirs) / sizeof(*dirs); i++) {
        free(path);
        path = sg_strdup_printf(dirs[i], name);
        text = path ? sg_root_read_text(rootfd, path) : NULL;
    }
    int r = 0;
    char *inc = NULL;
    if (text) {
        /* include= of [main]: the parents' values come first */
        const char *m = strstr(text, "[main]");
        const char *p = m ? strstr(m, "\ninclude") : NULL;
        const char *next = m ? strstr(m + 6, "\n[") : NULL;
        if (p && (!next || p < next)) {
            p = strchr(p, '=');
            inc = p ? strndup(p + 1, strcspn(p + 1, "\n")) : NULL;
        }
        for (char *save = NULL, *t = inc ? strtok_r(inc, ",", &save) : NULL;
             t && r == 0; t = strtok_r(NULL, ",", &save))
            r = tuned_profile(rootfd, w, trim(t), depth + 1, budget);
        char *t = r == 0 ? with_blank_lines(text) : NULL;
        if (r == 0 && !t)
            r = -ENOMEM;
        if (t)
            r = key_lines(w, t, path, "tuned", "sysctl");
        free(t);
    }
    free(inc);
    free(text);
    free(path);
    return r;
}

/* Whether tuned-main.conf MAIN leaves reapply_sysctl on (the default):
 * "reapply_sysctl = 0", spaces around '=' as tuned writes it, turns it
 * off. */
static bool reapplies(const char *main)
{
    bool reapply = true;
    for (const char *p = main; (p = strstr(p, "reapply_sysctl")); p++) {
        const char *v = p + strlen("reapply_sysctl");
        v += strspn(v, " \t");
        if (*v == '=' && (p == main || p[-1] == '\n')) {
            v++;
            v += strspn(v, " \t");
            reapply = !(*v == '0' || strncmp(v, "false", 5) == 0);
        }
    }
    return reapply;
}

static int tuned(int rootfd, struct sg_writers *w)
{
    char *main = sg_root_read_text(rootfd, "/etc/tuned/tuned-main.conf");
    bool reapply = !main || reapplies(main);
    free(main);
    if (reapply)
        return 0; /* the sysctl.d files are applied again after tuned's */
    char *active = sg_root_read_text(rootfd, "/etc/tuned/active_profile");
    int r = 0, budget = TUNED_MAX_PROFILES;
    for (char *save = NULL,
              *t = active ? strtok_r(active, " \t\n", &save) : NULL;
         t && r == 0; t = strtok_r(NULL, " \t\n", &save))
        r = tuned_profile(rootfd, w, t, 0, &budget);
    free(active);
    return r;
}

/* The value of KEY= in section [SECTION] of ini-style TEXT (the last such
 * line), with its line in *LINE; copied, or NULL. */
static char *ini_get(const char *text, const char *section, const char *key,
                     unsigned *line)
{
    char *found = NULL;
    bool in = false;
    unsigned n = 0;
    size_t kl = strlen(key), sl = strlen(section);
    for (const char *p = text; p && *p;) {
        const char *e = p + strcspn(p, "\n");
        n++;
        const char *t = p + strspn(p, " \t");
        if (*t == '[')
            in = strncmp(t + 1, section, sl) == 0 && t[1 + sl] == ']';
        else if (in && strncmp(t, key, kl) == 0) {
            const char *v = t + kl;
            v += strspn(v, " \t");
            if (*v == '=') {
                v++;
                v += strspn(v, " \t");
                const char *ve = e;
                while (ve > v && strchr(" \t\r", ve[-1]))
                    ve--;
                free(found);
                found = strndup(v, (size_t)(ve - v));
                *line = n;
            }
        }
        p = *e ? e + 1 : e;
    }
    return found;
}

/* use_tempaddr for NetworkManager's ip6-privacy and networkd's
 * IPv6PrivacyExtensions, or NULL: not a value that sets it. */
static const char *tempaddr_of(const char *v)
{
    if (!strcmp(v, "0") || !strcmp(v, "1") || !strcmp(v, "2"))
        return v; /* NetworkManager: -1 is "the default": nothing set */
    if (!strcmp(v, "yes") || !strcmp(v, "true") ||
        !strcmp(v, "prefer-temporary"))
        return "2";
    if (!strcmp(v, "prefer-public"))
        return "1";
    if (!strcmp(v, "no") || !strcmp(v, "false"))
        return "0";
    return NULL;
}

/* The files of DIR in the tree whose names end in SUFFIX, as target
 * paths, sorted (sg_fileset_list_suffix), into *V (*N): 0 or -ENOMEM. */
static int dir_files(int rootfd, const char *dir, const char *suffix, char ***v,
                     size_t *n)
{
    int r = sg_fileset_list_suffix(rootfd, dir, suffix, v, n);
    for (size_t i = 0; r == 0 && i < *n; i++) {
        char *p = sg_path_join(dir, (*v)[i]);
        if (!p)
            r = -ENOMEM;
        else {
            free((*v)[i]);
            (*v)[i] = p;
        }
    }
    return r;
}

static void free_files(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* NetworkManager: a connection's [ipv6] ip6-privacy sets use_tempaddr of
 * the interface its [connection] interface-name names. */
static int network_manager(int rootfd, struct sg_writers *w)
{
    char **files = NULL;
    size_t nf = 0;
    int r = dir_files(rootfd, "/etc/NetworkManager/system-connections",
                      ".nmconnection", &files, &nf);
    for (size_t i = 0; i < nf && r == 0; i++) {
        char *text = sg_root_read_text(rootfd, files[i]);
        unsigned l1 = 0, l2 = 0;
        char *ifc =
            text ? ini_get(text, "connection", "interface-name", &l1) : NULL;
        char *priv = text ? ini_get(text, "ipv6", "ip6-privacy", &l2) : NULL;
        const char *v = priv ? tempaddr_of(priv) : NULL;
        if (ifc && v && *ifc && !strpbrk(ifc, "/ \t")) {
            char *key = sg_strdup_printf("net.ipv6.conf.%s.use_tempaddr", ifc);
            r = key ? add(w, key, v, "NetworkManager", files[i], l2) : -ENOMEM;
            free(key);
        }
        free(ifc);
        free(priv);
        free(text);
    }
    free_files(files, nf);
    return r;
}

/* systemd-networkd: a .network file's [Match] Name= (one plain name) and
 * [Network] IPv6PrivacyExtensions= (use_tempaddr of that interface) and
 * IPForward= (before systemd 256: ip_forward of the whole host). */
static int networkd(int rootfd, struct sg_writers *w)
{
    static const char *const dirs[] = {"/etc/systemd/network",
                                       "/run/systemd/network",
                                       "/usr/lib/systemd/network"};
    int r = 0;
    for (size_t d = 0; d < sizeof(dirs) / sizeof(*dirs) && r == 0; d++) {
        char **files = NULL;
        size_t nf = 0;
        r = dir_files(rootfd, dirs[d], ".network", &files, &nf);
        for (size_t i = 0; i < nf && r == 0; i++) {
            char *text = sg_root_read_text(rootfd, files[i]);
            unsigned l1 = 0, l2 = 0, l3 = 0;
            char *name = text ? ini_get(text, "Match", "Name", &l1) : NULL;
            char *priv =
                text ? ini_get(text, "Network", "IPv6PrivacyExtensions", &l2)
                     : NULL;
            char *fwd =
                text ? ini_get(text, "Network", "IPForward", &l3) : NULL;
            const char *v = priv ? tempaddr_of(priv) : NULL;
            if (name && v && *name && !strpbrk(name, "/ \t*?[")) {
                char *key =
                    sg_strdup_printf("net.ipv6.conf.%s.use_tempaddr", name);
                r = key ? add(w, key, v, "systemd-networkd", files[i], l2)
                        : -ENOMEM;
                free(key);
            }
            if (r == 0 && fwd &&
                (!strcmp(fwd, "yes") || !strcmp(fwd, "ipv4") ||
                 !strcmp(fwd, "true")))
                r = add(w, "net.ipv4.ip_forward", "1", "systemd-networkd",
                        files[i], l3);
            free(name);
            free(priv);
            free(fwd);
            free(text);
        }
        free_files(files, nf);
    }
    return r;
}

int sg_writers_sourced(struct sg_writers *w, const struct sg_sourced_list *l)
{
    int r = 0;
    for (size_t i = 0; l && i < l->n && r == 0; i++) {
        const struct sg_sourced *v = &l->v[i];
        if (!v->unprefixed && v->applied != 0)
            r = add(w, v->key, v->value, "the kernel command line", v->file,
                    v->line);
    }
    return r;
}

int sg_writers_text(const char *what, const char *text, struct sg_writers *out)
{
    if (strcmp(what, "daemon.json") == 0)
        return ip_forward_off(text)
                   ? 0
                   : add(out, "net.ipv4.ip_forward", "1", "Docker", what, 0);
    if (strcmp(what, "kubelet") == 0)
        return protects(text)
                   ? 0
                   : add(out, "kernel.panic", "10", "the kubelet", what, 0);
    if (strcmp(what, "tuned-main") == 0)
        return reapplies(text)
                   ? 0
                   : add(out, "vm.swappiness", "0", "tuned", what, 0);
    if (strcmp(what, "nmconnection") == 0 || strcmp(what, "network") == 0) {
        bool nm = what[0] == 'n' && what[1] == 'm';
        unsigned l1 = 0, l2 = 0;
        char *name = ini_get(text, nm ? "connection" : "Match",
                             nm ? "interface-name" : "Name", &l1);
        char *priv = ini_get(text, nm ? "ipv6" : "Network",
                             nm ? "ip6-privacy" : "IPv6PrivacyExtensions", &l2);
        const char *v = priv ? tempaddr_of(priv) : NULL;
        int r = name && v ? add(out, "x.use_tempaddr", v, what, what, l2) : 0;
        free(name);
        free(priv);
        return r;
    }
    if (strcmp(what, "ufw-default") == 0) {
        char *v = shell_var(text, "IPT_SYSCTL");
        int r = v ? add(out, "x.ipt_sysctl", v, "ufw", what, 0) : 0;
        free(v);
        return r;
    }
    char *t = with_blank_lines(text);
    if (!t)
        return -ENOMEM;
    int r =
        key_lines(out, t, what, strcmp(what, "tuned") == 0 ? "tuned" : "ufw",
                  strcmp(what, "tuned") == 0 ? "sysctl" : NULL);
    free(t);
    return r;
}

int sg_writers_scan(int rootfd, struct sg_writers *out)
{
    int r = 0;
    *out = (struct sg_writers){.scanned = true};
    if (rootfd < 0)
        return 0;
    if (r == 0)
        r = ufw(rootfd, out);
    if (r == 0)
        r = docker(rootfd, out);
    if (r == 0)
        r = kubelet(rootfd, out);
    if (r == 0)
        r = tuned(rootfd, out);
    if (r == 0)
        r = network_manager(rootfd, out);
    if (r == 0)
        r = networkd(rootfd, out);
    return r;
}

void sg_writers_free(struct sg_writers *w)
{
    for (size_t i = 0; i < w->n; i++) {
        free(w->v[i].key);
        free(w->v[i].value);
        free(w->v[i].file);
    }
    free(w->v);
    *w = (struct sg_writers){0};
}

const struct sg_write *sg_writers_find(const struct sg_writers *w,
                                       const struct sg_catalog *cat,
                                       const struct sg_kver *k, const char *key,
                                       const char *live)
{
    const struct sg_write *by = NULL;
    for (size_t i = 0; live && i < w->n; i++)
        if (strcmp(w->v[i].key, key) == 0 &&
            sg_catalog_live_same(cat, k, key, w->v[i].value, live))
            by = &w->v[i];
    return by;
}
