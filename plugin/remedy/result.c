/*
 * result.c - see result.h: what counts as changed, and freeing.
 */
#include "result.h"

#include <stdlib.h>
#include <string.h>

bool sg_change_counts(const struct sg_result *s, const struct sg_change *c)
{
    return s->mode == SG_RUN_FIX ? c->written : !c->unwritable;
}

size_t sg_result_changed(const struct sg_result *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->changes.n; i++)
        n += sg_change_counts(s, &s->changes.v[i]);
    return n;
}

bool sg_result_unfixed_reach(const struct sg_result *s,
                             enum sg_severity fail_on)
{
    for (size_t i = 0; i < s->unfixed.n; i++)
        if (s->unfixed.v[i].severity >= fail_on)
            return true;
    return false;
}

int sg_result_exit(const struct sg_result *s, bool answer_in_output)
{
    if (s->status == SG_EXIT_ERROR || !answer_in_output)
        return s->status;
    switch (s->mode) {
    case SG_RUN_PREVIEW:
        return SG_EXIT_OK;
    case SG_RUN_FIX:
        return s->left.n ? SG_EXIT_FINDINGS : SG_EXIT_OK;
    case SG_RUN_CHECK:
    case SG_RUN_LOAD:
        break;
    }
    return s->status;
}

void sg_result_free(struct sg_result *s)
{
    sg_report_free(&s->report);
    sg_diags_free(&s->fix_diags);
    sg_findings_free(&s->left);
    sg_findings_free(&s->unfixed);
    sg_changes_free(&s->changes);
    sg_effects_free(&s->effects);
    sg_model_free(s->model);
}

int sg_report_add_file(struct sg_report *r, const char *path)
{
    char **nf = realloc(r->files, (r->n_files + 1) * sizeof(*nf));
    if (!nf)
        return -1;
    r->files = nf;
    if (!(r->files[r->n_files] = strdup(path)))
        return -1;
    r->n_files++;
    return 0;
}

void sg_report_sort(struct sg_report *r)
{
    sg_findings_sort(&r->findings);
}

void sg_report_free(struct sg_report *r)
{
    for (size_t i = 0; i < r->n_files; i++)
        free(r->files[i]);
    free(r->files);
    sg_findings_free(&r->findings);
    sg_diags_free(&r->diags);
    for (size_t i = 0; i < r->texts.n; i++) {
        free(r->texts.v[i].path);
        free(r->texts.v[i].text);
    }
    free(r->texts.v);
}

const char *sg_texts_get(const struct sg_texts *ts, const char *path)
{
    for (size_t i = 0; i < ts->n; i++)
        if (strcmp(ts->v[i].path, path) == 0)
            return ts->v[i].text;
    return NULL;
}
