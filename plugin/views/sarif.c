/*
 * sarif.c - findings as SARIF 2.1.0, for code scanning.
 *
 * One run: the tool with every rule loaded (id, short and full
 * description, help with the references, helpUri, default level); one
 * result per finding with its location, a partial fingerprint that does
 * not move with the line (rule, file, key, value), and the fix as
 * replacements (the finding's fix spans, finding.h: the plan `fix` makes;
 * their byte offsets counted here in UTF-16 code units of the file's
 * text, which the report keeps), one artifactChange per file. Diagnostics about
 * the input are tool notifications of the invocation.
 *
 * Locations are relative to the current directory (the repository, for a
 * pre-commit or CI run: uriBaseId %SRCROOT%) when the path given or the
 * --root is relative, and file:// URIs when it is absolute.
 */
#include "views.h"
#include "../core/base/util.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"

static const char *level(enum sg_severity s)
{
    return s == SG_SEV_ERROR     ? "error"
           : s == SG_SEV_WARNING ? "warning"
                                 : "note";
}

/* PATH as a URI reference: RFC 3986 unreserved characters and "/" stay,
 * every other byte is percent-encoded. */
static void uri_encode(struct sg_buf *b, const char *path)
{
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
            (*p >= '0' && *p <= '9') || strchr("-._~/", *p))
            sg_buf_add(b, (const char *)p, 1);
        else
            sg_buf_printf(b, "%%%02X", *p);
    }
}

/* The artifactLocation of target path PATH. */
static cJSON *artifact(const struct sg_report *r, const char *path)
{
    cJSON *o = cJSON_CreateObject();
    struct sg_buf b = {0};
    char *host = r->root ? sg_path_join(r->root, path) : strdup(path);
    const char *h = host ? host : path;

    while (h[0] == '.' && h[1] == '/')
        h += 2;
    if (h[0] == '/') {
        sg_buf_printf(&b, "file://");
        uri_encode(&b, h);
        cJSON_AddStringToObject(o, "uri", b.v ? b.v : "");
    } else {
        uri_encode(&b, h);
        cJSON_AddStringToObject(o, "uri", b.v ? b.v : "");
        cJSON_AddStringToObject(o, "uriBaseId", "%SRCROOT%");
    }
    free(b.v);
    free(host);
    return o;
}

static cJSON *text_obj(const char *key, const char *text)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, key, text ? text : "");
    return o;
}

static cJSON *rule_json(const struct sg_rule *rule)
{
    cJSON *o = cJSON_CreateObject(), *cfg = cJSON_CreateObject();
    cJSON *props = cJSON_CreateObject(), *tags = cJSON_CreateArray();
    struct sg_buf help = {0}, md = {0};

    cJSON_AddStringToObject(o, "id", rule->id);
    cJSON_AddItemToObject(o, "shortDescription", text_obj("text", rule->title));
    cJSON_AddItemToObject(
        o, "fullDescription",
        text_obj("text", rule->rationale ? rule->rationale : rule->title));
    sg_buf_printf(&help, "%s", rule->rationale ? rule->rationale : rule->title);
    sg_buf_printf(&md, "%s", rule->rationale ? rule->rationale : rule->title);
    for (size_t i = 0; i < rule->n_refs; i++) {
        sg_buf_printf(&help, "%s%s", i ? "\n" : "\n\nReferences:\n",
                      rule->refs[i].href);
        sg_buf_printf(&md, "%s- <%s>", i ? "\n" : "\n\n**References**\n\n",
                      rule->refs[i].href);
    }
    cJSON *h = text_obj("text", help.v);
    cJSON_AddStringToObject(h, "markdown", md.v ? md.v : "");
    cJSON_AddItemToObject(o, "help", h);
    if (rule->n_refs)
        cJSON_AddStringToObject(o, "helpUri", rule->refs[0].href);
    cJSON_AddStringToObject(cfg, "level", level(rule->severity));
    cJSON_AddItemToObject(o, "defaultConfiguration", cfg);
    cJSON_AddItemToArray(tags, cJSON_CreateString("sysctl"));
    cJSON_AddItemToObject(props, "tags", tags);
    cJSON_AddItemToObject(o, "properties", props);
    free(help.v);
    free(md.v);
    return o;
}

static size_t rule_index(const struct sg_report *r, const struct sg_rule *rule)
{
    return r->ps ? (size_t)(rule - r->ps->rules) : 0;
}

/* OBJ's "locations": FILE (and LINE, when it has one). */
static void add_location(cJSON *obj, const struct sg_report *r,
                         const char *file, unsigned line)
{
    cJSON *locs = cJSON_CreateArray(), *loc = cJSON_CreateObject();
    cJSON *phys = cJSON_CreateObject();
    cJSON_AddItemToObject(phys, "artifactLocation", artifact(r, file));
    if (line) {
        cJSON *region = cJSON_CreateObject();
        cJSON_AddNumberToObject(region, "startLine", line);
        cJSON_AddItemToObject(phys, "region", region);
    }
    cJSON_AddItemToObject(loc, "physicalLocation", phys);
    cJSON_AddItemToArray(locs, loc);
    cJSON_AddItemToObject(obj, "locations", locs);
}

static const char *fix_words(const struct sg_finding *f, char *buf, size_t n)
{
    switch (f->fix) {
    case SG_FIX_REMOVE:
        snprintf(buf, n, "Remove the lines that set %s", f->fix_key);
        break;
    case SG_FIX_COMMENT:
        snprintf(buf, n, "Comment out the lines that set %s", f->fix_key);
        break;
    case SG_FIX_SET:
        snprintf(buf, n, "Set %s = %s", f->fix_key,
                 f->fix_value ? f->fix_value : "");
        break;
    case SG_FIX_LOAD_MODULE:
        snprintf(buf, n, "Load the module %s at boot: add it to %s",
                 f->fix_value ? f->fix_value : "",
                 f->fix_file ? f->fix_file : "");
        break;
    case SG_FIX_NONE:
        buf[0] = '\0';
        break;
    }
    return buf;
}

/* How many UTF-16 code units the N bytes at S are (SARIF counts
 * characters so, columnKind utf16CodeUnits): a code point beyond U+FFFF
 * (a 4-byte UTF-8 sequence) is two; a byte that is not UTF-8 is one. */
static size_t utf16_units(const char *s, size_t n)
{
    size_t u = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c & 0xC0) != 0x80)
            u += c >= 0xF0 ? 2 : 1;
    }
    return u;
}

/* Whether the spans of F in FILE can be given exactly: SARIF's offsets
 * count UTF-16 code units of the decoded text and its replacements are
 * Unicode, so an edit to a file that is not UTF-8 (Latin-1 comments) is
 * left to `fix`, which writes the file's own bytes. */
static bool exact(const struct sg_report *r, const struct sg_finding *f,
                  const char *file)
{
    const char *text = sg_texts_get(&r->texts, file);
    if (!text || !sg_utf8_valid(text))
        return false;
    for (size_t i = 0; i < f->n_spans; i++)
        if (!strcmp(f->spans[i].file, file) &&
            !sg_utf8_valid(f->spans[i].insert))
            return false;
    return true;
}

/* The fix of F: one artifactChange per file its spans are in (in the
 * order they first appear), with the replacements in that file. */
static cJSON *fixes_json(const struct sg_report *r, const struct sg_finding *f)
{
    char words[512];
    cJSON *changes = cJSON_CreateArray();

    for (size_t i = 0; i < f->n_spans; i++) {
        const char *file = f->spans[i].file;
        bool done = false; /* its file had an artifactChange already */
        for (size_t j = 0; j < i && !done; j++)
            done = strcmp(f->spans[j].file, file) == 0;
        if (done || !exact(r, f, file))
            continue;
        const char *text = sg_texts_get(&r->texts, file);
        cJSON *ch = cJSON_CreateObject(), *reps = cJSON_CreateArray();
        for (size_t j = i; j < f->n_spans; j++) {
            const struct sg_fix_span *sp = &f->spans[j];
            if (strcmp(sp->file, file) != 0)
                continue;
            cJSON *rep = cJSON_CreateObject(), *del = cJSON_CreateObject();
            cJSON_AddNumberToObject(del, "charOffset",
                                    (double)utf16_units(text, sp->at));
            cJSON_AddNumberToObject(
                del, "charLength", (double)utf16_units(text + sp->at, sp->len));
            cJSON_AddItemToObject(rep, "deletedRegion", del);
            cJSON_AddItemToObject(rep, "insertedContent",
                                  text_obj("text", sp->insert));
            cJSON_AddItemToArray(reps, rep);
        }
        cJSON_AddItemToObject(ch, "artifactLocation", artifact(r, file));
        cJSON_AddItemToObject(ch, "replacements", reps);
        cJSON_AddItemToArray(changes, ch);
    }
    if (cJSON_GetArraySize(changes) == 0) {
        cJSON_Delete(changes);
        return NULL;
    }
    cJSON *fixes = cJSON_CreateArray(), *fx = cJSON_CreateObject();
    cJSON_AddItemToObject(fx, "description",
                          text_obj("text", fix_words(f, words, sizeof(words))));
    cJSON_AddItemToObject(fx, "artifactChanges", changes);
    cJSON_AddItemToArray(fixes, fx);
    return fixes;
}

static cJSON *result_json(const struct sg_report *r, const struct sg_finding *f,
                          struct sg_message *msg)
{
    cJSON *o = cJSON_CreateObject(), *fp = cJSON_CreateObject();
    char hex[17];

    cJSON_AddStringToObject(o, "ruleId", f->rule->id);
    cJSON_AddNumberToObject(o, "ruleIndex", (double)rule_index(r, f->rule));
    cJSON_AddStringToObject(o, "level", level(f->severity));
    cJSON_AddItemToObject(o, "message",
                          text_obj("text", sg_finding_message(f, msg)));
    if (f->file)
        add_location(o, r, f->file, f->line);
    /* Stable when lines move: what is wrong, where, with which value (the
     * "fingerprint" of the module and the report, what --baseline matches). */
    sg_finding_fingerprint(f, hex);
    cJSON_AddStringToObject(fp, "sysctlGuardFinding/v1", hex);
    cJSON_AddItemToObject(o, "partialFingerprints", fp);
    cJSON *fixes = fixes_json(r, f);
    if (fixes)
        cJSON_AddItemToObject(o, "fixes", fixes);
    /* A suppression comment in the file (SARIF 2.1.0 3.35: kind inSource,
     * its reason as the justification). */
    if (f->suppressed) {
        cJSON *sps = cJSON_CreateArray(), *sp = cJSON_CreateObject();
        cJSON_AddStringToObject(sp, "kind", "inSource");
        cJSON_AddStringToObject(sp, "status", "accepted");
        if (f->suppressed[0])
            cJSON_AddStringToObject(sp, "justification", f->suppressed);
        cJSON_AddItemToArray(sps, sp);
        cJSON_AddItemToObject(o, "suppressions", sps);
    }
    if (f->key) {
        cJSON *props = cJSON_CreateObject();
        cJSON_AddStringToObject(props, "key", f->key);
        if (f->value)
            cJSON_AddStringToObject(props, "value", f->value);
        cJSON_AddItemToObject(o, "properties", props);
    }
    return o;
}

static cJSON *invocation(const struct sg_report *r)
{
    cJSON *inv = cJSON_CreateObject(), *notes = cJSON_CreateArray();
    for (size_t i = 0; i < r->diags.n; i++) {
        const struct sg_diag *d = &r->diags.v[i];
        cJSON *n = cJSON_CreateObject(), *desc = cJSON_CreateObject();
        cJSON_AddStringToObject(desc, "id", d->code);
        cJSON_AddItemToObject(n, "descriptor", desc);
        cJSON_AddStringToObject(n, "level", level(d->severity));
        cJSON_AddItemToObject(n, "message", text_obj("text", d->message));
        if (d->file)
            add_location(n, r, d->file, d->line);
        cJSON_AddItemToArray(notes, n);
    }
    cJSON_AddBoolToObject(inv, "executionSuccessful",
                          sg_diag_count(&r->diags, SG_SEV_ERROR) == 0);
    cJSON_AddItemToObject(inv, "toolExecutionNotifications", notes);
    cJSON *invs = cJSON_CreateArray();
    cJSON_AddItemToArray(invs, inv);
    return invs;
}

int sg_view_sarif_check(FILE *out, const struct sg_result *res,
                        const struct sg_view_opts *vo)
{
    const struct sg_report *r = &res->report;
    cJSON *o = cJSON_CreateObject(), *runs = cJSON_CreateArray();
    cJSON *run = cJSON_CreateObject(), *tool = cJSON_CreateObject();
    cJSON *driver = cJSON_CreateObject(), *rules = cJSON_CreateArray();
    cJSON *results = cJSON_CreateArray(), *bases = cJSON_CreateObject();
    char *cwd = getcwd(NULL, 0);
    struct sg_buf base = {0};

    cJSON_AddStringToObject(o, "$schema", SARIF_SCHEMA);
    cJSON_AddStringToObject(o, "version", "2.1.0");
    cJSON_AddStringToObject(driver, "name", "sysctl-guard");
    cJSON_AddStringToObject(driver, "version", SG_VERSION);
    cJSON_AddStringToObject(driver, "semanticVersion", SG_VERSION);
    for (size_t i = 0; r->ps && i < r->ps->n_rules; i++)
        cJSON_AddItemToArray(rules, rule_json(&r->ps->rules[i]));
    cJSON_AddItemToObject(driver, "rules", rules);
    cJSON_AddItemToObject(tool, "driver", driver);
    cJSON_AddItemToObject(run, "tool", tool);
    if (cwd) {
        sg_buf_printf(&base, "file://");
        uri_encode(&base, cwd);
        sg_buf_printf(&base, "%s", strcmp(cwd, "/") ? "/" : "");
        cJSON *b = cJSON_CreateObject();
        cJSON_AddStringToObject(b, "uri", base.v ? base.v : "file:///");
        cJSON_AddItemToObject(bases, "%SRCROOT%", b);
    }
    cJSON_AddItemToObject(run, "originalUriBaseIds", bases);
    cJSON_AddItemToObject(run, "invocations", invocation(r));
    struct sg_message msg = {0};
    for (size_t i = 0; i < r->findings.n; i++)
        cJSON_AddItemToArray(results, result_json(r, &r->findings.v[i], &msg));
    sg_message_free(&msg);
    cJSON_AddItemToObject(run, "results", results);
    cJSON_AddStringToObject(run, "columnKind", "utf16CodeUnits");
    cJSON_AddItemToArray(runs, run);
    cJSON_AddItemToObject(o, "runs", runs);
    int ret = sg_json_print(out, vo->err, o);
    free(cwd);
    free(base.v);
    return ret;
}
