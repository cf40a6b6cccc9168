/*
 * data.c - see data.h. A few stat(2) calls to find each directory; the
 * built-in copies are written out only when nothing else is found.
 */
#include "data.h"
#include "../core/base/near.h"
#include "../core/kernel/catalog.h"
#include "../core/kernel/defaults.h"
#include "../core/kernel/relations.h"
#include "../core/judge/policy.h"
#include "../core/judge/policy_image.h"
#include "../core/base/util.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool file_exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

/* A data directory: $ENV; else the installed directory when
 * PREFER_INSTALLED and it holds PROBE; else the source tree next to the
 * binary (build/../SUB, when it holds PROBE); else the installed one when
 * it holds PROBE; else the copies built into the binary (embedded.c). */
static char *find_datadir(const char *env_name, const char *sub,
                          const char *probe, const char *installed,
                          bool prefer_installed, char **problem)
{
    const char *env = getenv(env_name);
    char exe[PATH_MAX];
    ssize_t n;

    if (env && *env)
        return strdup(env);
    char *file = sg_strdup_printf("%s/%s", installed, probe);
    bool has_installed = file && file_exists(file);
    free(file);
    if (prefer_installed && has_installed)
        return strdup(installed);
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *dir = dirname(exe);
        char *cand = sg_strdup_printf("%s/../%s", dir, sub);
        file = cand ? sg_strdup_printf("%s/%s", cand, probe) : NULL;
        bool ok = file && file_exists(file);
        free(file);
        if (ok)
            return cand;
        free(cand);
    }
    const char *emb = has_installed ? NULL : sg_embedded_datadir();
    if (emb)
        return sg_strdup_printf("%s/%s", emb, sub);
    if (!has_installed && sg_embedded_error() && !*problem)
        *problem = sg_strdup_printf(
            "the built-in lens and policies could not be written out (%s is "
            "not installed, and the binary has no ../%s beside it): %s",
            installed, sub, sg_embedded_error());
    return strdup(installed);
}

int sg_data_find(struct sg_data *d)
{
    /* The lens must match the binary: the source tree's comes first. The
     * policies are the installed ones first (an operator may have added
     * their own there), then the source tree's. */
    d->lensdir =
        find_datadir("SYSCTL_GUARD_LENSDIR", "lenses", "sysctl_guard.aug",
                     SG_LENSDIR, false, &d->problem);
    d->policydir = find_datadir("SYSCTL_GUARD_POLICYDIR", "policies",
                                "policy.rng", SG_POLICYDIR, true, &d->problem);
    /* The catalog is the binary's (built in, parsed at build time) unless
     * SYSCTL_GUARD_CATALOGDIR names another. */
    const char *cd = getenv("SYSCTL_GUARD_CATALOGDIR");
    d->catalogdir = cd && *cd ? strdup(cd) : NULL;
    return d->lensdir && d->policydir && (!(cd && *cd) || d->catalogdir) &&
                   !d->problem
               ? 0
               : -1;
}

void sg_data_free(struct sg_data *d)
{
    free(d->problem);
    free(d->lensdir);
    free(d->policydir);
    free(d->catalogdir);
    memset(d, 0, sizeof(*d));
}

int sg_data_catalog(const struct sg_data *d, struct sg_catalog *out,
                    struct sg_diags *diags)
{
    if (!d->catalogdir)
        return sg_embedded_catalog(out, diags);
    int r = sg_catalog_load(d->catalogdir, out, diags);
    if (r == 0)
        r = sg_relations_load(out, d->catalogdir, diags);
    if (r == 0)
        r = sg_defaults_load(out, d->catalogdir, diags);
    if (r < 0)
        sg_catalog_free(out);
    return r;
}

char *sg_data_schema(const struct sg_data *d)
{
    return sg_strdup_printf("%s/policy.rng", d->policydir);
}

/* A profile the loaded policies do not declare (a typo: "serverr")
 * would select nothing, silently: an error naming the ones there are. */
int sg_data_check_profiles(const struct sg_policies *ps, const char *option,
                           const char *const *profiles, size_t n_profiles,
                           struct sg_diags *d)
{
    for (size_t i = 0; i < n_profiles; i++) {
        if (sg_policies_profile(ps, profiles[i]))
            continue;
        struct sg_buf known = {0};
        const char *near = NULL;
        size_t limit = sg_near_limit(strlen(profiles[i])), best = limit + 1;
        for (size_t j = 0; j < ps->n_profiles; j++) {
            sg_buf_printf(&known, "%s%s", j ? ", " : "", ps->profiles[j].name);
            size_t dist =
                sg_near_distance(profiles[i], ps->profiles[j].name, limit);
            if (dist < best) {
                best = dist;
                near = ps->profiles[j].name;
            }
        }
        sg_diag_add(d, SG_SEV_ERROR, "usage", NULL, 0,
                    "%s %s: the loaded policies declare no such "
                    "profile (%s%s%sthey declare: %s)",
                    option, sg_vis(profiles[i]), near ? "did you mean " : "",
                    near ? near : "", near ? "? " : "",
                    known.v ? known.v : "none");
        free(known.v);
        return -1;
    }
    return 0;
}

int sg_data_check_rules(const struct sg_policies *ps, const char *option,
                        const char *const *ids, size_t n,
                        struct sg_diags *diags)
{
    for (size_t i = 0; i < n; i++) {
        bool known = false;
        for (size_t j = 0; j < ps->n_rules && !known; j++)
            known = strcmp(ps->rules[j].id, ids[i]) == 0;
        if (!known) {
            const char *near = NULL;
            size_t limit = sg_near_limit(strlen(ids[i])), best = limit + 1;
            for (size_t j = 0; j < ps->n_rules; j++) {
                size_t d = sg_near_distance(ids[i], ps->rules[j].id, limit);
                if (d < best) {
                    best = d;
                    near = ps->rules[j].id;
                }
            }
            sg_diag_add(diags, SG_SEV_ERROR, "usage", NULL, 0,
                        "%s %s: the loaded policies have no such rule "
                        "(%s%s%slist-rules lists them)",
                        option, sg_vis(ids[i]), near ? "did you mean " : "",
                        near ? near : "", near ? "? " : "");
            return -1;
        }
    }
    return 0;
}

/* sg_policy_trust's VOUCH: a shipped file's bytes (embedded.c), and what
 * loading it leaves from the policy image built in (policy_image.h). */
static int vouch(const struct sg_policy_trust *t, const char *path,
                 const char *buf, size_t len, struct sg_policies *ps,
                 size_t *index)
{
    if (!sg_embedded_trusted(path, buf, len))
        return SG_VOUCH_NONE;
    int r = sg_policy_image_append(t->data, t->len, path, ps, index);
    return r < 0 ? r : r == 1 ? SG_VOUCH_TAKEN : SG_VOUCH_VALID;
}

int sg_data_policies(const struct sg_data *d, const char *const *paths,
                     size_t n, const char *const *profiles, size_t n_profiles,
                     struct sg_policies *ps, struct sg_diags *diags)
{
    char *schema = sg_data_schema(d);
    const char *dflt[] = {d->policydir};
    int r;

    if (!schema) {
        memset(ps, 0, sizeof(*ps));
        return -1;
    }
    if (n == 0) {
        paths = dflt;
        n = 1;
    }
    /* the shipped files, as the build read them: not parsed again */
    struct sg_policy_trust trust = {.vouch = vouch};
    trust.data = sg_embedded_policy_image(&trust.len);
    trust.n_set = sg_policy_image_count(trust.data, trust.len);
    r = sg_policies_load_trusting(paths, n, schema,
                                  d->validate_all ? NULL : &trust, ps, diags);
    if (r == 0 && ps->wants_catalog) {
        /* Only policies that ask for it pay for reading it. */
        struct sg_catalog *c = calloc(1, sizeof(*c));
        r = c ? sg_data_catalog(d, c, diags) : -ENOMEM;
        if (r == 0)
            sg_policies_set_catalog(ps, c);
        else
            free(c);
    }
    if (r == 0 && ps->n_rules == 0) {
        sg_diag_add(diags, SG_SEV_ERROR, "policy", paths[0], 0,
                    "no policy rules found");
        r = -1;
    }
    if (r == 0)
        r = sg_data_check_profiles(ps, "--profile", profiles, n_profiles,
                                   diags);
    free(schema);
    if (r < 0) {
        sg_policies_free(ps);
        return -1;
    }
    return 0;
}
