/*
 * gitlab.c - the GitLab view: a Code Quality report, the JSON array a CI
 * job names under `artifacts: reports: codequality:`, which GitLab shows
 * in the merge request's widget and its changes view
 * (https://docs.gitlab.com/ci/testing/code_quality/). One issue per
 * finding and per diagnostic shown: description (the message),
 * check_name (the rule, or the diagnostic's code), fingerprint, severity
 * (error "major", warning "minor", info "info") and location {path,
 * lines: {begin}}.
 *
 * The path is the file in the checkout (views.c sg_repo_path: under a
 * relative --root as given, or the FILE argument as given). GitLab needs
 * a location, so a finding about a key no file sets (its kernel default)
 * is not in the report; the text and JSON views have it. The fingerprint
 * is the finding's (finding.h: rule, file, key, value; stable when lines
 * move, which is what GitLab compares between the base and the head of a
 * merge request), with "-N" for the N-th (2, 3, ...) finding of the same
 * fingerprint, since GitLab takes two issues with one fingerprint for
 * one. A suppressed finding is not reported, as in the github view.
 * Linear in the findings: one hash map of fingerprints.
 */
#include "views.h"
#include "../core/base/util.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char *severity(enum sg_severity s)
{
    return s == SG_SEV_ERROR ? "major" : s == SG_SEV_WARNING ? "minor" : "info";
}

/* The fingerprints given so far, each with how many times. */
struct seen {
    struct sg_strmap index; /* fingerprint -> its row */
    char **fp;
    size_t *times;
    size_t n;
};

/* FP made unique among those SEEN, into OUT. 0, or -1 without memory. */
static int unique(struct seen *s, const char *fp, char out[40])
{
    size_t i = sg_strmap_get(&s->index, fp), old;
    if (i != SIZE_MAX) {
        snprintf(out, 40, "%s-%zu", fp, ++s->times[i]);
        return 0;
    }
    char **nf = realloc(s->fp, (s->n + 1) * sizeof(*nf));
    if (nf)
        s->fp = nf;
    size_t *nt = nf ? realloc(s->times, (s->n + 1) * sizeof(*nt)) : NULL;
    if (nt)
        s->times = nt;
    if (!nt || !(s->fp[s->n] = strdup(fp)))
        return -1;
    s->times[s->n] = 1;
    if (sg_strmap_put(&s->index, s->fp[s->n], s->n, &old) < 0) {
        free(s->fp[s->n]);
        return -1;
    }
    s->n++;
    snprintf(out, 40, "%s", fp);
    return 0;
}

static cJSON *issue(const char *description, const char *check, const char *fp,
                    enum sg_severity sev, const char *path, unsigned line)
{
    cJSON *o = cJSON_CreateObject(), *loc = cJSON_CreateObject();
    cJSON *lines = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "description", description);
    cJSON_AddStringToObject(o, "check_name", check);
    cJSON_AddStringToObject(o, "fingerprint", fp);
    cJSON_AddStringToObject(o, "severity", severity(sev));
    cJSON_AddStringToObject(loc, "path", path);
    cJSON_AddNumberToObject(lines, "begin", line ? line : 1);
    cJSON_AddItemToObject(loc, "lines", lines);
    cJSON_AddItemToObject(o, "location", loc);
    return o;
}

int sg_view_gitlab_check(FILE *out, const struct sg_result *res,
                         const struct sg_view_opts *vo)
{
    const struct sg_report *r = &res->report;
    cJSON *a = cJSON_CreateArray();
    struct seen seen = {0};
    char fp[40], hex[17];
    int rc = 0;

    for (size_t i = 0; i < r->diags.n && rc == 0; i++) {
        const struct sg_diag *d = &r->diags.v[i];
        if (!d->file || !sg_diag_shown(r, d))
            continue;
        snprintf(hex, sizeof(hex), "%016" PRIx64,
                 sg_fingerprint(d->code, d->file, NULL, d->message));
        char *path = sg_repo_path(r, d->file);
        rc = path ? unique(&seen, hex, fp) : -1;
        if (rc == 0)
            cJSON_AddItemToArray(
                a, issue(d->message, d->code, fp, d->severity, path, d->line));
        free(path);
    }
    struct sg_message msg = {0};
    for (size_t i = 0; i < r->findings.n && rc == 0; i++) {
        const struct sg_finding *f = &r->findings.v[i];
        if (f->suppressed || !f->file)
            continue;
        sg_finding_fingerprint(f, hex);
        char *path = sg_repo_path(r, f->file);
        rc = path ? unique(&seen, hex, fp) : -1;
        if (rc == 0)
            cJSON_AddItemToArray(a,
                                 issue(sg_finding_message(f, &msg), f->rule->id,
                                       fp, f->severity, path, f->line));
        free(path);
    }
    sg_message_free(&msg);
    for (size_t i = 0; i < seen.n; i++)
        free(seen.fp[i]);
    free(seen.fp);
    free(seen.times);
    sg_strmap_free(&seen.index);
    if (rc < 0) {
        cJSON_Delete(a);
        fprintf(vo->err, "sysctl-guard: out of memory\n");
        return -1;
    }
    return sg_json_print(out, vo->err, a);
}
