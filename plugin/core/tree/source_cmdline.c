/*
 * source_cmdline.c - the kernel command line as an input source
 * (source.h): its `sysctl.*` parameters and the kernel's aliases, read
 * from /proc/cmdline, /etc/kernel/cmdline, GRUB's defaults and the Boot
 * Loader Specification entries of the tree. One row of source.c's table.
 */
#include "source.h"
#include "fileset.h"
#include "../kernel/keys.h"
#include "rootfs.h"
#include "../base/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const char cmdline_name[] = "kernel command line";
static const char cmdline_when[] =
    "by the kernel at boot, before systemd-sysctl and sysctl --system";

/* The kernel's own aliases (fs/proc/proc_sysctl.c sysctl_aliases[], the
 * same in the 5.10 and 7.2 trees). */
static const char *const aliases[][2] = {
    {"hardlockup_all_cpu_backtrace", "kernel.hardlockup_all_cpu_backtrace"},
    {"hung_task_panic", "kernel.hung_task_panic"},
    {"numa_zonelist_order", "vm.numa_zonelist_order"},
    {"softlockup_all_cpu_backtrace", "kernel.softlockup_all_cpu_backtrace"},
};

/* Whether kernel K applies sysctl.* parameters at boot: from Linux 5.8
 * (3db978d480e2, "kernel/sysctl: support setting sysctl parameters from
 * kernel command line"; shared/facts.md). Read in the catalogued trees:
 * process_sysctl_arg() is in 5.10's fs/proc/proc_sysctl.c and later, and
 * in none of 3.10-rhel, 4.15-ubuntu, 4.18-rhel, 5.4 and 5.4-ubuntu, so the
 * catalogued distributions did not carry it back. Another build of an
 * older series (SUSE's, a vendor's) may have: not known (-1). */
static int cmdline_applied(const struct sg_kver *k)
{
    if (k->major * 1000 + k->minor >= 5008)
        return 1;
    return sg_kver_build(k) == SG_KB_OTHER ? -1 : 0;
}

/* Whether NAME (N bytes) could be a sysctl key written without the
 * "sysctl." prefix: dotted, of the characters keys are made of. The
 * kernel reads such a parameter as a module's (init/main.c
 * unknown_bootoption: "Unused module parameter"): it sets nothing. */
static bool dotted_key(const char *name, size_t n)
{
    if (!n || !memchr(name, '.', n) || name[0] == '.' || name[n - 1] == '.')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)name[i]) && !strchr("._-", name[i]))
            return false;
    return true;
}

/* The sysctl key a parameter names into *KEY, NULL for another
 * parameter: "sysctl.a.b" and "sysctl/a/b" (the kernel turns every '.'
 * into '/', so both are separators), or one of the aliases. Returns 0
 * or -ENOMEM. */
static int param_key(const char *param, size_t n, char **key)
{
    *key = NULL;
    if (n > 7 && strncmp(param, "sysctl", 6) == 0 &&
        (param[6] == '.' || param[6] == '/')) {
        char *raw = strndup(param + 7, n - 7);
        if (!raw)
            return -ENOMEM;
        for (char *p = raw; *p; p++)
            if (*p == '/')
                *p = '.';
        *key = sg_key_normalize(raw);
        free(raw);
        return *key ? 0 : -ENOMEM;
    }
    for (size_t i = 0; i < sizeof(aliases) / sizeof(*aliases); i++)
        if (strlen(aliases[i][0]) == n &&
            strncmp(param, aliases[i][0], n) == 0) {
            *key = strdup(aliases[i][1]);
            return *key ? 0 : -ENOMEM;
        }
    return 0;
}

bool sg_cmdline_next(const char **pp, unsigned *line, struct sg_cmdline_word *w)
{
    const char *p = *pp;
    while (*p && isspace((unsigned char)*p)) {
        *line += *p == '\n';
        p++;
    }
    /* a '"' toggles quoting, the first '=' ends the name */
    const char *start = p, *eq = NULL;
    bool quote = false;
    w->line = *line;
    for (; *p && (quote || !isspace((unsigned char)*p)); p++) {
        *line += *p == '\n';
        if (*p == '=' && !eq)
            eq = p;
        if (*p == '"')
            quote = !quote;
    }
    *pp = p;
    if (p == start)
        return false;
    w->dashdash = p - start == 2 && strncmp(start, "--", 2) == 0;
    w->name = *start == '"' ? start + 1 : start;
    if (eq && eq < w->name)
        eq = NULL;
    w->n = (size_t)((eq ? eq : p) - w->name);
    w->value = NULL;
    w->vn = 0;
    if (eq) {
        const char *v = eq + 1, *vend = p;
        if (*v == '"')
            v++;
        if (vend > v && vend[-1] == '"')
            vend--;
        w->value = v;
        w->vn = vend > v ? (size_t)(vend - v) : 0;
    }
    return true;
}

int sg_source_cmdline_words(const char *text, const char *file, unsigned line,
                            const struct sg_kver *k,
                            struct sg_sourced_list *out)
{
    struct sg_cmdline_word w;
    for (const char *p = text; sg_cmdline_next(&p, &line, &w);) {
        if (w.dashdash)
            return 0; /* the rest is init's */
        /* no value, or an empty one: the kernel refuses it (-EINVAL) */
        if (!w.value || !w.vn)
            continue;
        struct sg_sourced s = {
            .source = cmdline_name,
            .when = cmdline_when,
            .line = w.line,
            .applied = cmdline_applied(k),
        };
        if (param_key(w.name, w.n, &s.key) < 0)
            return -ENOMEM;
        if (!s.key && dotted_key(w.name, w.n)) {
            /* "kernel.panic=10": a module's parameter to the kernel */
            char *raw = strndup(w.name, w.n);
            s.key = raw ? sg_key_normalize(raw) : NULL;
            free(raw);
            if (!s.key)
                return -ENOMEM;
            s.unprefixed = true;
            s.applied = 0;
        }
        if (!s.key || !*s.key) { /* "sysctl..=1": no key to write */
            free(s.key);
            continue;
        }
        s.value = strndup(w.value, w.vn);
        s.file = strdup(file);
        if (!s.value || !s.file || sg_sourced_push(out, &s) < 0) {
            free(s.key);
            free(s.value);
            free(s.file);
            return -ENOMEM;
        }
    }
    return 0;
}

/* GRUB_CMDLINE_LINUX="..." and GRUB_CMDLINE_LINUX_DEFAULT='...' of a
 * shell file: the words inside the quotes (a word with a shell expansion,
 * "$GRUB_CMDLINE_LINUX", is no parameter of its own). */
static int read_grub(const char *text, const char *file,
                     const struct sg_kver *k, struct sg_sourced_list *out)
{
    unsigned line = 1;
    int r = 0;
    for (const char *p = text; *p && r == 0; line++) {
        const char *eol = p + strcspn(p, "\n");
        const char *s = p + strspn(p, " \t");
        static const char *const names[] = {"GRUB_CMDLINE_LINUX_DEFAULT=",
                                            "GRUB_CMDLINE_LINUX="};
        for (size_t i = 0; i < 2; i++) {
            size_t n = strlen(names[i]);
            if ((size_t)(eol - s) < n || strncmp(s, names[i], n) != 0)
                continue;
            /* the shell's quoting: '...' as it is, "..." with \" \\ \$
             * \` unescaped */
            const char *v = s + n;
            char q = *v == '"' || *v == '\'' ? *v++ : 0;
            char *val = malloc((size_t)(eol - v) + 1), *o = val;
            if (!val)
                return -ENOMEM;
            for (; v < eol && !(q && *v == q); v++) {
                if (q == '"' && *v == '\\' && v + 1 < eol &&
                    strchr("\"\\$`", v[1]))
                    v++;
                else if (!q && isspace((unsigned char)*v))
                    break;
                *o++ = *v;
            }
            *o = '\0';
            for (char *d = strchr(val, '$'); d; d = strchr(d, '$'))
                while (*d && !isspace((unsigned char)*d))
                    *d++ = ' ';
            r = sg_source_cmdline_words(val, file, line, k, out);
            free(val);
            break;
        }
        p = *eol ? eol + 1 : eol;
    }
    return r;
}

/* The `options` lines of a Boot Loader Specification entry. */
static int read_bls(const char *text, const char *file, const struct sg_kver *k,
                    struct sg_sourced_list *out)
{
    unsigned line = 1;
    int r = 0;
    for (const char *p = text; *p && r == 0; line++) {
        const char *eol = p + strcspn(p, "\n");
        const char *s = p + strspn(p, " \t");
        if ((size_t)(eol - s) > 8 && strncmp(s, "options", 7) == 0 &&
            (s[7] == ' ' || s[7] == '\t')) {
            char *val = strndup(s + 8, (size_t)(eol - s - 8));
            if (!val)
                return -ENOMEM;
            r = sg_source_cmdline_words(val, file, line, k, out);
            free(val);
        }
        p = *eol ? eol + 1 : eol;
    }
    return r;
}

#define BLS_DIR "/boot/loader/entries"
/* update-grub reads these after /etc/default/grub (Ubuntu's cloud
 * images set GRUB_CMDLINE_LINUX_DEFAULT in 50-cloudimg-settings.cfg) */
#define GRUB_D "/etc/default/grub.d"

int sg_source_cmdline_text(const char *text, const char *file,
                           const struct sg_kver *k, struct sg_sourced_list *out)
{
    if (strcmp(file, "/etc/default/grub") == 0 ||
        strncmp(file, GRUB_D "/", sizeof(GRUB_D)) == 0)
        return read_grub(text, file, k, out);
    if (strncmp(file, BLS_DIR "/", sizeof(BLS_DIR)) == 0)
        return read_bls(text, file, k, out);
    return sg_source_cmdline_words(text, file, 1, k, out);
}

static int read_one(int rootfd, const char *path, const struct sg_kver *k,
                    struct sg_sourced_list *out)
{
    char *text = sg_root_read_text(rootfd, path);
    int r = text ? sg_source_cmdline_text(text, path, k, out) : 0;
    free(text);
    return r;
}

/* Every NAME*SUFFIX of DIR, by name, read as its path says. */
static int read_dir(int rootfd, const char *dir, const char *suffix,
                    const struct sg_kver *k, struct sg_sourced_list *out)
{
    char **names = NULL;
    size_t n = 0;
    int r = sg_fileset_list_suffix(rootfd, dir, suffix, &names, &n);
    for (size_t i = 0; i < n; i++) {
        char *path = r ? NULL : sg_strdup_printf("%s/%s", dir, names[i]);
        if (!r && !path)
            r = -ENOMEM;
        if (path)
            r = read_one(rootfd, path, k, out);
        free(path);
        free(names[i]);
    }
    free(names);
    return r;
}

int sg_source_cmdline_read(int rootfd, const struct sg_kver *k,
                           struct sg_sourced_list *out)
{
    int r = read_one(rootfd, "/proc/cmdline", k, out);
    if (r == 0)
        r = read_one(rootfd, "/etc/kernel/cmdline", k, out);
    if (r == 0)
        r = read_one(rootfd, "/etc/default/grub", k, out);
    if (r == 0)
        r = read_dir(rootfd, GRUB_D, ".cfg", k, out);
    if (r == 0)
        r = read_dir(rootfd, BLS_DIR, ".conf", k, out);
    return r;
}
