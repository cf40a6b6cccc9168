/*
 * embedded.c - the lens and the shipped policies, built into the binary.
 *
 * Ansible copies a binary module alone to the managed host, where the
 * lens and the policies may not be installed. When no data directory is
 * found (data.c find_datadir), the copies built in here are written to a
 * private directory (mkdtemp, mode 0700, under $TMPDIR or /tmp), used from
 * there, and removed at exit. Nothing is written when a directory exists:
 * a binary that finds its data never pays for this.
 *
 * The blobs come from build/embedded.inc (Makefile): one SG_EMBED(dir,
 * name, path, id) per file, assembled with .incbin.
 */
#include "data.h"
#include "../core/kernel/catalog.h"
#include "../core/kernel/defaults.h"
#include "../core/kernel/relations.h"
#include "../core/base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SG_EMBED(dir, name, path, id)                                          \
    __asm__(".section .rodata\n" #id "_start:\n"                               \
            ".incbin \"" path "\"\n" #id "_end:\n"                             \
            ".previous\n");                                                    \
    extern const char id##_start[], id##_end[];
#include "embedded.inc"
#undef SG_EMBED

static const struct blob {
    const char *dir, *name;
    const char *start, *end;
} blobs[] = {
#define SG_EMBED(dir, name, path, id) {dir, name, id##_start, id##_end},
#include "embedded.inc"
#undef SG_EMBED
};
#define N_BLOBS (sizeof(blobs) / sizeof(*blobs))

/* The policy image (Makefile: build/policy_image.inc), not a file of the
 * private directory: only this binary reads it. */
#define SG_POLICY_IMAGE(path)                                                  \
    __asm__(".section .rodata\n"                                               \
            "sg_policy_image_start:\n"                                         \
            ".incbin \"" path "\"\n"                                           \
            "sg_policy_image_end:\n"                                           \
            ".previous\n");                                                    \
    extern const unsigned char sg_policy_image_start[], sg_policy_image_end[];
#include "policy_image.inc"
#undef SG_POLICY_IMAGE

const unsigned char *sg_embedded_policy_image(size_t *len)
{
    *len = (size_t)(sg_policy_image_end - sg_policy_image_start);
    return sg_policy_image_start;
}

static char *datadir;            /* the private directory, once written */
static char why[PATH_MAX + 256]; /* why it could not be written */

static void remove_datadir(void)
{
    for (size_t i = 0; datadir && i < N_BLOBS; i++) {
        char *p =
            sg_strdup_printf("%s/%s/%s", datadir, blobs[i].dir, blobs[i].name);
        if (p)
            unlink(p);
        free(p);
    }
    for (size_t i = 0; datadir && i < N_BLOBS; i++) {
        char *p = sg_strdup_printf("%s/%s", datadir, blobs[i].dir);
        if (p)
            rmdir(p); /* fails harmlessly for a directory already gone */
        free(p);
    }
    if (datadir)
        rmdir(datadir);
    free(datadir);
    datadir = NULL;
}

static int write_blob(const char *dir, const struct blob *b)
{
    char *sub = sg_strdup_printf("%s/%s", dir, b->dir);
    char *path = sub ? sg_strdup_printf("%s/%s", sub, b->name) : NULL;
    int r = -1, fd;

    errno = ENOMEM;

    if (path && (mkdir(sub, 0700) == 0 || errno == EEXIST) &&
        (fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) >= 0) {
        size_t len = (size_t)(b->end - b->start), off = 0;
        while (off < len) {
            ssize_t w = write(fd, b->start + off, len - off);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                break;
            off += (size_t)w;
        }
        int e = off == len ? 0 : errno ? errno : EIO;
        if (close(fd) != 0 && !e)
            e = errno;
        r = e ? -1 : 0;
        errno = e;
    }
    if (r < 0)
        snprintf(why, sizeof(why), "cannot write %s: %s", path ? path : b->name,
                 strerror(errno));
    free(path);
    free(sub);
    return r;
}

const char *sg_embedded_datadir(void)
{
    const char *tmp = getenv("TMPDIR");
    char *dir;

    if (datadir)
        return datadir;
    dir =
        sg_strdup_printf("%s/sysctl-guard-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!dir || !mkdtemp(dir)) {
        snprintf(why, sizeof(why), "cannot create a directory in %s (%s): %s",
                 tmp && *tmp ? tmp : "/tmp",
                 tmp && *tmp ? "TMPDIR" : "TMPDIR is not set",
                 dir ? strerror(errno) : "out of memory");
        free(dir);
        return NULL;
    }
    datadir = dir;
    atexit(remove_datadir);
    for (size_t i = 0; i < N_BLOBS; i++)
        if (write_blob(dir, &blobs[i]) < 0) {
            remove_datadir();
            return NULL;
        }
    return datadir;
}

/* The kernel key catalog, parsed at build time (build/catalog_rows.inc,
 * from catalog/keys.tsv by scripts/catalog/tsv2c.awk), and likewise its
 * relations (catalog_relations.inc: relations.tsv by rel2c.awk) and boot
 * values (catalog_defaults.inc: defaults.tsv by def2c.awk): loading them
 * costs no parse (and the key rows not even a copy: the catalog reads
 * them where they are). Its history is the built-in history.tsv. */
#include "catalog_rows.inc"
#include "catalog_relations.inc"
#include "catalog_defaults.inc"

int sg_embedded_catalog(struct sg_catalog *out, struct sg_diags *d)
{
    const struct blob *h = NULL;
    for (size_t i = 0; i < N_BLOBS && !h; i++)
        if (strcmp(blobs[i].dir, "catalog") == 0 &&
            strcmp(blobs[i].name, "history.tsv") == 0)
            h = &blobs[i];
    _Static_assert(sizeof(sg_builtin_builds) == sizeof(sg_builtin_versions),
                   "keys.tsv names the build of each version");
    int r = sg_catalog_builtin(
        sg_builtin_versions, sg_builtin_builds,
        sizeof(sg_builtin_versions) / sizeof(*sg_builtin_versions),
        sg_builtin_rows, sizeof(sg_builtin_rows) / sizeof(*sg_builtin_rows),
        h ? h->start : "", h ? (size_t)(h->end - h->start) : 0,
        "(built in) history.tsv", out, d);
    if (r == 0)
        r = sg_relations_builtin(out, sg_builtin_relations,
                                 sg_builtin_n_relations);
    if (r == 0)
        r = sg_defaults_builtin(out, sg_builtin_defaults,
                                sg_builtin_n_defaults);
    if (r < 0)
        sg_catalog_free(out);
    return r;
}

const char *sg_embedded_error(void)
{
    return why[0] ? why : NULL;
}

bool sg_embedded_trusted(const char *path, const char *buf, size_t len)
{
    const char *base = strrchr(path, '/');
    size_t n;
    const char *t = sg_embedded_text("policies", base ? base + 1 : path, &n);
    return t && n == len && memcmp(t, buf, len) == 0;
}

const char *sg_embedded_text(const char *dir, const char *name, size_t *len)
{
    for (size_t i = 0; i < N_BLOBS; i++)
        if (strcmp(blobs[i].dir, dir) == 0 &&
            strcmp(blobs[i].name, name) == 0) {
            *len = (size_t)(blobs[i].end - blobs[i].start);
            return blobs[i].start;
        }
    *len = 0;
    return NULL;
}
