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
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
        if (*k == '-') /* sysctl.d: a line whose failure is ignored */
            k++;
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

/* The [connection] ipv6.ip6-privacy of NetworkManager configuration file
 * P (owned; freed unless kept): kept as *FILE with the value in *FOUND
 * and its line in *LINE when it sets one. */
static void nm_privacy_in(int rootfd, char *p, char **found, char **file,
                          unsigned *line)
{
    char *t = p ? sg_root_read_text(rootfd, p) : NULL;
    unsigned l = 0;
    char *x = t ? ini_get(t, "connection", "ipv6.ip6-privacy", &l) : NULL;
    free(t);
    if (!x) {
        free(p);
        return;
    }
    free(*found);
    free(*file);
    *found = x;
    *file = p;
    *line = l;
}

/* NetworkManager.conf's default for a connection's ipv6.ip6-privacy
 * ([connection] ipv6.ip6-privacy=, the last setting winning): the conf.d
 * files of /usr/lib, then of /run (a name in /etc/NetworkManager/conf.d
 * hiding the same in either), the main file, then
 * /etc/NetworkManager/conf.d, each directory in name order
 * (NetworkManager.conf(5)). *FILE (owned) and *LINE say where; NULL:
 * none. */
static char *nm_privacy_default(int rootfd, char **file, unsigned *line)
{
    static const char *const sys[] = {"/usr/lib/NetworkManager/conf.d",
                                      "/run/NetworkManager/conf.d"};
    static const char *const etc_dir = "/etc/NetworkManager/conf.d";
    char **etc = NULL, *found = NULL;
    size_t ne = 0;
    *file = NULL;
    if (sg_fileset_list(rootfd, etc_dir, &etc, &ne) < 0)
        return NULL;
    for (size_t d = 0; d < 2; d++) {
        char **v = NULL;
        size_t n = 0;
        if (sg_fileset_list(rootfd, sys[d], &v, &n) < 0)
            break;
        for (size_t i = 0; i < n; i++) {
            bool hidden = false;
            for (size_t j = 0; j < ne && !hidden; j++)
                hidden = strcmp(etc[j], v[i]) == 0;
            if (!hidden)
                nm_privacy_in(rootfd, sg_path_join(sys[d], v[i]), &found, file,
                              line);
        }
        free_files(v, n);
    }
    nm_privacy_in(rootfd, strdup("/etc/NetworkManager/NetworkManager.conf"),
                  &found, file, line);
    for (size_t i = 0; i < ne; i++)
        nm_privacy_in(rootfd, sg_path_join(etc_dir, etc[i]), &found, file,
                      line);
    free_files(etc, ne);
    return found;
}

/* NetworkManager, when enabled: a connection's [ipv6] ip6-privacy (or,
 * where it is unset or -1, NetworkManager.conf's default for it) sets
 * use_tempaddr of the interface its [connection] interface-name names. */
static int network_manager(int rootfd, struct sg_writers *w)
{
    static const char *const units[] = {
        "/etc/systemd/system/multi-user.target.wants/NetworkManager.service",
        "/etc/systemd/system/dbus-org.freedesktop.NetworkManager.service",
        NULL};
    if (!enabled_unit(rootfd, units))
        return 0;
    char **files = NULL, *dfile = NULL;
    size_t nf = 0;
    unsigned dline = 0;
    int r = dir_files(rootfd, "/etc/NetworkManager/system-connections",
                      ".nmconnection", &files, &nf);
    char *dflt =
        r == 0 && nf ? nm_privacy_default(rootfd, &dfile, &dline) : NULL;
    for (size_t i = 0; i < nf && r == 0; i++) {
        char *text = sg_root_read_text(rootfd, files[i]);
        unsigned l1 = 0, l2 = 0;
        char *ifc =
            text ? ini_get(text, "connection", "interface-name", &l1) : NULL;
        char *priv = text ? ini_get(text, "ipv6", "ip6-privacy", &l2) : NULL;
        const char *v = priv ? tempaddr_of(priv) : NULL;
        const char *at = files[i];
        if (!v && dflt && (v = tempaddr_of(dflt))) {
            at = dfile;
            l2 = dline;
        }
        if (ifc && v && *ifc && !strpbrk(ifc, "/ \t")) {
            char *key = sg_strdup_printf("net/ipv6/conf/%s/use_tempaddr", ifc);
            r = key ? add(w, key, v, "NetworkManager", at, l2) : -ENOMEM;
            free(key);
        }
        free(ifc);
        free(priv);
        free(text);
    }
    free(dflt);
    free(dfile);
    free_files(files, nf);
    return r;
}

/* A boolean as systemd's parse_boolean reads it: 1, 0, or -1 (none). */
static int sd_bool(const char *v)
{
    static const char *const yes[] = {"1", "yes", "y", "true", "t", "on"};
    static const char *const no[] = {"0", "no", "n", "false", "f", "off"};
    for (size_t i = 0; v && i < sizeof(yes) / sizeof(*yes); i++) {
        if (strcasecmp(v, yes[i]) == 0)
            return 1;
        if (strcasecmp(v, no[i]) == 0)
            return 0;
    }
    return -1;
}

/* The systemd release of the tree, from the name of its shared library
 * (libsystemd-shared-NNN.so: /usr/lib/systemd on Fedora and Arch,
 * /usr/lib/<triplet>/systemd on Debian and Ubuntu), or 0: not known. */
static unsigned systemd_release(int rootfd)
{
    static const char *const dirs[] = {
        "/usr/lib/systemd",
        "/usr/lib64/systemd",
        "/usr/lib/x86_64-linux-gnu/systemd",
        "/usr/lib/aarch64-linux-gnu/systemd",
        "/usr/lib/i386-linux-gnu/systemd",
        "/usr/lib/arm-linux-gnueabihf/systemd",
        "/usr/lib/powerpc64le-linux-gnu/systemd",
        "/usr/lib/s390x-linux-gnu/systemd",
        "/usr/lib/riscv64-linux-gnu/systemd",
        "/lib/systemd",
    };
    unsigned found = 0;
    for (size_t d = 0; !found && d < sizeof(dirs) / sizeof(*dirs); d++) {
        char **names = NULL;
        size_t n = 0;
        if (sg_fileset_list_suffix(rootfd, dirs[d], ".so", &names, &n) < 0)
            return 0;
        for (size_t i = 0; i < n; i++) {
            const char *v = names[i] + strlen("libsystemd-shared-");
            char *end;
            unsigned long r;
            if (strncmp(names[i], "libsystemd-shared-", 18) == 0 &&
                isdigit((unsigned char)*v) &&
                (r = strtoul(v, &end, 10)) < 10000 && strcmp(end, ".so") == 0)
                found = (unsigned)r;
        }
        free_files(names, n);
    }
    return found;
}

/* A networkd setting with where it was read. */
struct nd_set {
    int on; /* 1, 0, or -1: not set */
    const char *file;
    unsigned line;
};

/* networkd.conf's files in the order networkd reads them: the main file
 * (the first of /etc, /run, /usr/local/lib, /usr/lib that has one), then
 * the networkd.conf.d drop-ins by name (fileset.h sg_fileset_union: a
 * name in /etc hides the same in /run, ...). Into *PATHS (*N). */
static int networkd_conf_files(int rootfd, char ***paths, size_t *n)
{
    static const char *const dirs[] = {"/etc/systemd", "/run/systemd",
                                       "/usr/local/lib/systemd",
                                       "/usr/lib/systemd"};
    static const char *const dropins[] = {
        "/etc/systemd/networkd.conf.d", "/run/systemd/networkd.conf.d",
        "/usr/local/lib/systemd/networkd.conf.d",
        "/usr/lib/systemd/networkd.conf.d"};
    char *main = NULL;
    for (size_t d = 0; d < 4 && !main; d++) {
        char *p = sg_path_join(dirs[d], "networkd.conf"), *t = NULL;
        if (!p)
            return -ENOMEM;
        if ((t = sg_root_read_text(rootfd, p)))
            main = p;
        else
            free(p);
        free(t);
    }
    int r = sg_fileset_union(rootfd, dropins, 4, ".conf", paths, n);
    if (r == 0 && main &&
        sg_grow((void **)paths, sizeof(**paths), *n, &(size_t){*n}) == 0) {
        memmove(*paths + 1, *paths, *n * sizeof(**paths));
        (*paths)[0] = main;
        (*n)++;
        main = NULL;
    } else if (r == 0 && main)
        r = -ENOMEM;
    free(main);
    return r;
}

/* [Network] KEY of networkd.conf's FILES (TEXTS), the last setting
 * winning, into *SET. */
static void networkd_conf(char **files, char **texts, size_t n, const char *key,
                          struct nd_set *set)
{
    for (size_t i = 0; i < n; i++) {
        unsigned line = 0;
        char *v = texts[i] ? ini_get(texts[i], "Network", key, &line) : NULL;
        if (v && sd_bool(v) >= 0)
            *set = (struct nd_set){sd_bool(v), files[i], line};
        free(v);
    }
}

/* The texts of FILES (N), each read once; NULL for one not readable. */
static char **read_all(int rootfd, char **files, size_t n)
{
    char **t = calloc(n ? n : 1, sizeof(*t));
    for (size_t i = 0; t && i < n; i++)
        t[i] = sg_root_read_text(rootfd, files[i]);
    return t;
}

/* Whether a [Match] Name= of one of TEXTS (N) matches interface NAME: its
 * words are globs (systemd.network(5)); a "!" negation matches nothing. */
static bool name_matched(char **texts, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        unsigned l = 0;
        char *names = texts[i] ? ini_get(texts[i], "Match", "Name", &l) : NULL;
        bool hit = false;
        for (char *save = NULL,
                  *g = names ? strtok_r(names, " \t", &save) : NULL;
             g && !hit; g = strtok_r(NULL, " \t", &save))
            hit = *g != '!' && fnmatch(g, name, 0) == 0;
        free(names);
        if (hit)
            return true;
    }
    return false;
}

/* Interface NAME's key net/FAMILY/conf/NAME/LEAF (slash form: a VLAN's
 * "eth0.100" is one component) set to VALUE by networkd. */
static int nd_link(struct sg_writers *w, const char *family, const char *name,
                   const char *leaf, const char *value, const char *file,
                   unsigned line)
{
    char *key = sg_strdup_printf("net/%s/conf/%s/%s", family, name, leaf);
    int r = key ? add(w, key, value, "systemd-networkd", file, line) : -ENOMEM;
    free(key);
    return r;
}

/* IPMasquerade= of a .network: which families it masquerades (bit 1
 * IPv4, bit 2 IPv6; yes and true are both, as systemd still reads them). */
static int masquerades(const char *v)
{
    if (!v)
        return 0;
    if (!strcmp(v, "ipv4"))
        return 1;
    if (!strcmp(v, "ipv6"))
        return 2;
    if (!strcmp(v, "both") || sd_bool(v) == 1)
        return 3;
    return 0;
}

/* systemd-networkd, when enabled, from its own files
 * (src/network/networkd-sysctl.c; systemd.network(5), networkd.conf(5)).
 * The .network files are read as networkd reads them: /etc, /run,
 * /usr/local/lib and /usr/lib, a name in a higher directory hiding the same
 * below, sorted by name; an interface takes the first whose [Match] Name=
 * matches it, so a file naming one interface counts only when no earlier file's
 * Name= globs match that name.
 *   - that interface: accept_ra = 0 (networkd handles router
 *     advertisements itself), use_tempaddr from IPv6PrivacyExtensions=;
 *   - systemd 256 on: networkd.conf's IPv4Forwarding= and
 *     IPv6Forwarding= set default's and all's forwarding (IPv4's all is
 *     ip_forward), IPMasquerade= for IPv4 implying IPv4Forwarding=yes when
 *     networkd.conf does not say; each interface's forwarding from its
 *     .network's IPv4Forwarding=/IPv6Forwarding=, else IPMasquerade=
 *     (and IPv6SendRA= for IPv6), else the global setting;
 *   - before 256: IPForward= (yes, ipv4, ipv6), and IPMasquerade= for
 *     IPv4, set ip_forward and IPv6's all forwarding to 1; 256 ignores it.
 * The release is read from the tree (systemd_release); where it is not
 * known, both generations' settings are taken as the files say them. */
static int networkd(int rootfd, struct sg_writers *w)
{
    static const char *const units[] = {
        "/etc/systemd/system/multi-user.target.wants/systemd-networkd.service",
        "/etc/systemd/system/dbus-org.freedesktop.network1.service",
        "/etc/systemd/system/sockets.target.wants/systemd-networkd.socket",
        NULL};
    static const char *const dirs[] = {
        "/etc/systemd/network", "/run/systemd/network",
        "/usr/local/lib/systemd/network", "/usr/lib/systemd/network"};
    if (!enabled_unit(rootfd, units))
        return 0;
    unsigned rel = systemd_release(rootfd);
    bool new_keys = rel == 0 || rel >= 256, old_keys = rel == 0 || rel < 256;
    struct nd_set g4 = {-1, NULL, 0}, g6 = {-1, NULL, 0};
    char **cf = NULL, **ct = NULL, **files = NULL, **texts = NULL;
    size_t ncf = 0, nf = 0;
    int r = new_keys ? networkd_conf_files(rootfd, &cf, &ncf) : 0;
    if (r == 0 && !(ct = read_all(rootfd, cf, ncf)))
        r = -ENOMEM;
    if (r == 0) {
        networkd_conf(cf, ct, ncf, "IPv4Forwarding", &g4);
        networkd_conf(cf, ct, ncf, "IPv6Forwarding", &g6);
        r = sg_fileset_union(rootfd, dirs, 4, ".network", &files, &nf);
    }
    if (r == 0 && !(texts = read_all(rootfd, files, nf)))
        r = -ENOMEM;
    /* 256: IPMasquerade= for IPv4 implies the global setting unless
     * networkd.conf gives it */
    for (size_t i = 0; r == 0 && new_keys && g4.on < 0 && i < nf; i++) {
        unsigned l = 0;
        char *masq =
            texts[i] ? ini_get(texts[i], "Network", "IPMasquerade", &l) : NULL;
        if (masquerades(masq) & 1)
            g4 = (struct nd_set){1, files[i], l};
        free(masq);
    }
    for (size_t i = 0; r == 0 && i < nf; i++) {
        const char *text = texts[i];
        unsigned l1 = 0, l2 = 0, l3 = 0, l4 = 0, l5 = 0, l6 = 0, l7 = 0;
#define GET(sect, key, line) (text ? ini_get(text, sect, key, line) : NULL)
        char *name = GET("Match", "Name", &l1);
        char *masq = GET("Network", "IPMasquerade", &l2);
        char *priv = GET("Network", "IPv6PrivacyExtensions", &l3);
        char *fwd = old_keys ? GET("Network", "IPForward", &l4) : NULL;
        char *f4 = new_keys ? GET("Network", "IPv4Forwarding", &l5) : NULL;
        char *f6 = new_keys ? GET("Network", "IPv6Forwarding", &l6) : NULL;
        char *ra = new_keys ? GET("Network", "IPv6SendRA", &l7) : NULL;
#undef GET
        int mq = masquerades(masq);
        const char *v = priv ? tempaddr_of(priv) : NULL;
        bool one = name && *name && !strpbrk(name, "/ \t*?[!") &&
                   !name_matched(texts, i, name);
        if (one)
            r = nd_link(w, "ipv6", name, "accept_ra", "0", files[i], l1);
        if (r == 0 && one && v)
            r = nd_link(w, "ipv6", name, "use_tempaddr", v, files[i], l3);
        if (r == 0 && one && new_keys) {
            struct nd_set t4 = {sd_bool(f4), files[i], l5},
                          t6 = {sd_bool(f6), files[i], l6};
            if (t4.on < 0 && (mq & 1))
                t4 = (struct nd_set){1, files[i], l2};
            if (t4.on < 0)
                t4 = g4;
            if (t6.on < 0 && (mq & 2))
                t6 = (struct nd_set){1, files[i], l2};
            if (t6.on < 0 && sd_bool(ra) == 1)
                t6 = (struct nd_set){1, files[i], l7};
            if (t6.on < 0)
                t6 = g6;
            if (t4.on >= 0)
                r = nd_link(w, "ipv4", name, "forwarding", t4.on ? "1" : "0",
                            t4.file, t4.line);
            if (r == 0 && t6.on >= 0)
                r = nd_link(w, "ipv6", name, "forwarding", t6.on ? "1" : "0",
                            t6.file, t6.line);
        }
        /* before 256: IPForward= (and IPMasquerade= for IPv4) turn
         * forwarding on for the whole host, never off */
        bool fw4 = fwd && (sd_bool(fwd) == 1 || !strcmp(fwd, "ipv4"));
        bool fw6 = fwd && (sd_bool(fwd) == 1 || !strcmp(fwd, "ipv6"));
        if (r == 0 && old_keys && (fw4 || (mq & 1)))
            r = add(w, "net.ipv4.ip_forward", "1", "systemd-networkd", files[i],
                    fw4 ? l4 : l2);
        if (r == 0 && fw6)
            r = add(w, "net.ipv6.conf.all.forwarding", "1", "systemd-networkd",
                    files[i], l4);
        free(name), free(masq), free(priv), free(fwd);
        free(f4), free(f6), free(ra);
    }
    /* the global settings, after every interface's (they come first at
     * start, and an interface's own is said where it differs) */
    static const char *const g4keys[] = {"net.ipv4.conf.default.forwarding",
                                         "net.ipv4.conf.all.forwarding",
                                         "net.ipv4.ip_forward"};
    static const char *const g6keys[] = {"net.ipv6.conf.default.forwarding",
                                         "net.ipv6.conf.all.forwarding"};
    for (size_t i = 0; r == 0 && g4.on >= 0 && i < 3; i++)
        r = add(w, g4keys[i], g4.on ? "1" : "0", "systemd-networkd", g4.file,
                g4.line);
    for (size_t i = 0; r == 0 && g6.on >= 0 && i < 2; i++)
        r = add(w, g6keys[i], g6.on ? "1" : "0", "systemd-networkd", g6.file,
                g6.line);
    free_files(texts, texts ? nf : 0);
    free_files(ct, ct ? ncf : 0);
    free_files(files, nf);
    free_files(cf, ncf);
    return r;
}

int sg_writers_copy(struct sg_writers *w, const char *image, const char *path,
                    const char *text)
{
    char *file = sg_strdup_printf("%s: %s", image, path);
    char *t = with_blank_lines(text);
    int r =
        file && t ? key_lines(w, t, file, SG_WRITER_INITRAMFS, NULL) : -ENOMEM;
    free(file);
    free(t);
    return r;
}

int sg_writers_prepend(struct sg_writers *w, struct sg_writers *first)
{
    if (!first->n)
        return 0;
    /* room for one more than N: for FIRST's all */
    if (sg_grow((void **)&w->v, sizeof(*w->v), w->n + first->n - 1, &w->cap) <
        0)
        return -ENOMEM;
    memmove(w->v + first->n, w->v, w->n * sizeof(*w->v));
    memcpy(w->v, first->v, first->n * sizeof(*w->v));
    w->n += first->n;
    free(first->v);
    *first = (struct sg_writers){0};
    return 0;
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
