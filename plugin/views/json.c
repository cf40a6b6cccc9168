/*
 * json.c - the JSON view (format "sysctl-guard/1", README "check --format
 * json") and the JSON pieces every view that carries findings uses.
 */
#include "views.h"
#include "jsonw.h"
#include "../core/base/util.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

/* ---- JSON ---- */

/* A finding as an item of the open array (its message put together in
 * MSG, when it is kept as parts). */
static void write_finding(struct sg_jw *w, const struct sg_finding *f,
                          struct sg_message *msg)
{
    sg_jw_object(w, NULL);
    sg_jw_str(w, "rule", f->rule->id);
    sg_jw_str(w, "severity", sg_severity_name(f->severity));
    sg_jw_str(w, "title", f->rule->title);
    sg_jw_str(w, "key", f->key);
    sg_jw_str(w, "value", f->value);
    sg_jw_str(w, "file", f->file);
    if (f->file && f->line)
        sg_jw_int(w, "line", f->line);
    sg_jw_str(w, "message", sg_finding_message(f, msg));
    sg_jw_array(w, "references");
    for (size_t i = 0; i < f->rule->n_refs; i++)
        sg_jw_str(w, NULL, f->rule->refs[i].href);
    sg_jw_end(w);
    if (f->fix != SG_FIX_NONE) {
        sg_jw_object(w, "fix");
        sg_jw_str(w, "action", sg_fix_name(f->fix));
        sg_jw_str(w, "key", f->fix_key);
        sg_jw_str(w, "value", f->fix_value);
        sg_jw_str(w, "file", f->fix_file);
        sg_jw_end(w);
    }
    /* Who wrote the running value (drift): "known" false when the tree
     * shows no writer. */
    if (f->writer) {
        const struct sg_finding_writer *wr = f->writer;
        sg_jw_object(w, "writer");
        sg_jw_bool(w, "known", wr->name != NULL);
        sg_jw_str(w, "name", wr->name);
        sg_jw_str(w, "module", wr->module);
        sg_jw_str(w, "file", wr->file);
        if (wr->file && wr->line)
            sg_jw_int(w, "line", wr->line);
        sg_jw_str(w, "value", wr->value);
        sg_jw_end(w);
    }
    /* Kept, with why (suppress.h); the summary does not count it. */
    if (f->suppressed) {
        sg_jw_object(w, "suppressed");
        sg_jw_str(w, "reason", f->suppressed);
        sg_jw_end(w);
    }
    sg_jw_end(w);
}

int sg_json_print(FILE *out, FILE *err, cJSON *o)
{
    char *raw = cJSON_Print(o);
    /* JSON is UTF-8; files may hold Latin-1 values and comments: those
     * are repaired (a copy), valid text is printed as it is. */
    char *s = raw && !sg_utf8_valid(raw) ? sg_utf8_repair(raw) : raw;
    if (s != raw)
        free(raw);
    cJSON_Delete(o);
    if (!s) {
        fputs("sysctl-guard: out of memory\n", err);
        return -1;
    }
    fputs(s, out);
    fputc('\n', out);
    free(s);
    return 0;
}

void sg_jw_diags(struct sg_jw *w, const char *key, const struct sg_diags *d)
{
    sg_jw_array(w, key);
    for (size_t i = 0; i < d->n; i++) {
        sg_jw_object(w, NULL);
        sg_jw_str(w, "severity", sg_severity_name(d->v[i].severity));
        sg_jw_str(w, "code", d->v[i].code);
        sg_jw_str(w, "file", d->v[i].file);
        if (d->v[i].line)
            sg_jw_int(w, "line", d->v[i].line);
        sg_jw_str(w, "message", d->v[i].message);
        sg_jw_end(w);
    }
    sg_jw_end(w);
}

static void write_summary(struct sg_jw *w, const struct sg_findings *fs)
{
    sg_jw_object(w, "summary");
    for (int s = SG_SEV_ERROR; s >= SG_SEV_INFO; s--)
        sg_jw_int(w, sg_severity_name((enum sg_severity)s),
                  (long long)sg_findings_count(fs, (enum sg_severity)s));
    sg_jw_end(w);
}

cJSON *sg_json_effects(const struct sg_effects *fx)
{
    cJSON *o = cJSON_CreateObject();
    for (size_t i = 0; i < fx->n; i++) {
        const struct sg_effect *e = &fx->v[i];
        cJSON *kv = cJSON_CreateObject();
        cJSON_AddItemToObject(kv, "old",
                              e->old_value ? cJSON_CreateString(e->old_value)
                                           : cJSON_CreateNull());
        cJSON_AddItemToObject(kv, "new",
                              e->new_value ? cJSON_CreateString(e->new_value)
                                           : cJSON_CreateNull());
        cJSON_AddItemToObject(o, e->key, kv);
    }
    return o;
}

/* A check's result, as the top object. */
static void write_check(struct sg_jw *w, const struct sg_result *res,
                        const struct sg_view_opts *vo)
{
    const struct sg_report *r = &res->report;

    sg_jw_object(w, NULL);
    sg_jw_str(w, "format", "sysctl-guard/1");
    sg_jw_object(w, "tool");
    sg_jw_str(w, "name", "sysctl-guard");
    sg_jw_str(w, "version", SG_VERSION);
    sg_jw_end(w);
    sg_jw_str(w, "host", vo->host);
    if (r->root)
        sg_jw_str(w, "root", r->root);
    else
        sg_jw_null(w, "root");
    sg_jw_str(w, "kernel", r->kernel);
    sg_jw_str(w, "semantics", sg_semantics_name(r->semantics));
    /* which procps `sysctl --system` is, where it is the one modelled */
    if (r->semantics == SG_SEM_PROCPS && r->procps)
        sg_jw_str(w, "procps", r->procps == 3 ? "3.3" : "4");
    sg_jw_array(w, "profiles");
    for (size_t i = 0; i < vo->n_profiles; i++)
        sg_jw_str(w, NULL, vo->profiles[i]);
    sg_jw_end(w);
    sg_jw_array(w, "files");
    for (size_t i = 0; i < r->n_files; i++)
        sg_jw_str(w, NULL, r->files[i]);
    sg_jw_end(w);
    struct sg_message msg = {0};
    sg_jw_array(w, "findings");
    for (size_t i = 0; i < r->findings.n; i++)
        write_finding(w, &r->findings.v[i], &msg);
    sg_jw_end(w);
    sg_message_free(&msg);
    write_summary(w, &r->findings);
    sg_jw_diags(w, "diagnostics", &r->diags);
    sg_jw_end(w);
}

cJSON *sg_json_check(const struct sg_result *res, const struct sg_view_opts *vo)
{
    struct sg_jw w;
    sg_jw_tree(&w);
    write_check(&w, res, vo);
    return sg_jw_finish(&w) == 0 ? w.root : NULL;
}

int sg_view_json_check(FILE *out, const struct sg_result *res,
                       const struct sg_view_opts *vo)
{
    struct sg_jw w;
    sg_jw_stream(&w, out);
    write_check(&w, res, vo);
    if (sg_jw_finish(&w) < 0) {
        fputs("sysctl-guard: out of memory\n", vo->err);
        return -1;
    }
    return 0;
}

/* ---- list-rules ---- */

int sg_view_json_rules(FILE *out, const struct sg_policies *ps,
                       const struct sg_view_opts *vo)
{
    cJSON *o = cJSON_CreateObject(), *rules = cJSON_CreateArray();
    char pack[128];

    cJSON_AddStringToObject(o, "format", "sysctl-guard/1");
    for (size_t i = 0; i < ps->n_rules; i++) {
        const struct sg_rule *r = &ps->rules[i];
        cJSON *j = cJSON_CreateObject(), *refs = cJSON_CreateArray();
        cJSON_AddStringToObject(j, "id", r->id);
        cJSON_AddStringToObject(j, "severity", sg_severity_name(r->severity));
        cJSON_AddStringToObject(j, "pack", sg_rule_pack(r, pack, sizeof(pack)));
        cJSON_AddStringToObject(j, "title", r->title);
        if (r->key)
            cJSON_AddStringToObject(j, "key", r->key);
        if (r->diagnostic)
            cJSON_AddStringToObject(j, "diagnostic", r->diagnostic);
        for (size_t k = 0; k < r->n_refs; k++)
            cJSON_AddItemToArray(refs, cJSON_CreateString(r->refs[k].href));
        cJSON_AddItemToObject(j, "references", refs);
        cJSON_AddItemToArray(rules, j);
    }
    cJSON_AddItemToObject(o, "rules", rules);
    return sg_json_print(out, vo->err, o);
}
