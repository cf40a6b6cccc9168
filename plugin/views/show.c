/*
 * show.c - the views of `show`: the effective configuration with
 * provenance, as text for people or as JSON (format "sysctl-guard/1").
 */
#include "views.h"
#include "jsonw.h"
#include "../core/kernel/keys.h"
#include "../core/judge/relate.h"
#include "../core/base/util.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const live_names[] = {
    [SG_LIVE_UNCHECKED] = "unchecked",   [SG_LIVE_SAME] = "same",
    [SG_LIVE_DRIFT] = "drift",           [SG_LIVE_MISSING] = "missing",
    [SG_LIVE_UNREADABLE] = "unreadable", [SG_LIVE_NOT_SYSCTL] = "not-sysctl",
};

static const char *file_via(const struct sg_model *m, const char *path)
{
    const struct sg_file *f = sg_model_file(m, path);
    return f ? f->via : NULL;
}

/* Whether setting S is one the user asked for (no KEY args: all). */
static bool wanted(const struct sg_view_opts *vo, const char *key)
{
    if (vo->n_keys == 0)
        return true;
    for (size_t i = 0; i < vo->n_keys; i++) {
        char *k = sg_key_normalize(vo->keys[i]);
        bool eq = k && strcmp(k, key) == 0;
        free(k);
        if (eq)
            return true;
    }
    return false;
}

/* "lacks" when the catalog CAT (NULL: no marks) says the model's kernel
 * has no such key,
 * "unknown-key" when no catalogued kernel has it, else NULL (has it, or
 * cannot tell). The running kernel's word (live "missing") comes first. */
static const char *catalog_mark(const struct sg_catalog *cat,
                                const struct sg_model *m,
                                const struct sg_setting *s)
{
    struct sg_catinfo in;
    if (!cat || s->winner->glob || s->winner->exclude ||
        s->live != SG_LIVE_UNCHECKED || strpbrk(s->key, " \t"))
        return NULL;
    if (!sg_catalog_knows(cat, s->key))
        return "unknown-key";
    sg_catalog_lookup(cat, s->key, &m->kernel, &in);
    return in.state == SG_KS_ABSENT ? "lacks" : NULL;
}

/* The file line that overrides what source value V sets: the key's
 * setting, else the last glob that matches it; NULL when none does. */
static const struct sg_assignment *overriding(const struct sg_model *m,
                                              const struct sg_sourced *v)
{
    const struct sg_assignment *a = sg_model_effective(m, v->key);
    return a && !a->exclude ? a : NULL;
}

/* Whether a source sets KEY (a dotted parameter without the sysctl.
 * prefix sets nothing: source.h, and show leaves it out). */
static bool sourced(const struct sg_model *m, const char *key)
{
    for (size_t i = 0; i < m->sourced.n; i++)
        if (!m->sourced.v[i].unprefixed &&
            strcmp(m->sourced.v[i].key, key) == 0)
            return true;
    return false;
}

/* Whether a source sets anything. */
static bool any_sourced(const struct sg_model *m)
{
    for (size_t i = 0; i < m->sourced.n; i++)
        if (!m->sourced.v[i].unprefixed)
            return true;
    return false;
}

/* ---- JSON ---- */

static void json_sourced(struct sg_jw *w, const struct sg_model *m,
                         const struct sg_sourced *v)
{
    sg_jw_object(w, NULL);
    sg_jw_str(w, "key", v->key);
    sg_jw_str(w, "value", v->value);
    sg_jw_str(w, "source", v->source);
    sg_jw_str(w, "file", v->file);
    sg_jw_int(w, "line", v->line);
    if (v->applied < 0)
        sg_jw_null(w, "applied");
    else
        sg_jw_bool(w, "applied", v->applied);
    const struct sg_assignment *a = overriding(m, v);
    if (a) {
        sg_jw_object(w, "overridden_by");
        sg_jw_str(w, "file", a->file);
        sg_jw_int(w, "line", a->line);
        sg_jw_end(w);
    } else {
        sg_jw_null(w, "overridden_by");
    }
    sg_jw_end(w);
}

static void json_setting(struct sg_jw *w, const struct sg_catalog *cat,
                         const struct sg_model *m, const struct sg_setting *s)
{
    const struct sg_assignment *wi = s->winner;
    const char *via = file_via(m, wi->file);

    sg_jw_object(w, NULL);
    sg_jw_str(w, "key", s->key);
    if (wi->value)
        sg_jw_str(w, "value", wi->value);
    else
        sg_jw_null(w, "value");
    sg_jw_str(w, "file", wi->file);
    sg_jw_int(w, "line", wi->line);
    sg_jw_str(w, "via", via);
    sg_jw_bool(w, "ignore_failure", wi->ignore_failure);
    if (wi->exclude)
        sg_jw_bool(w, "exclude", true);
    if (wi->glob)
        sg_jw_bool(w, "glob", true);
    sg_jw_array(w, "overridden");
    for (size_t i = 0; i < s->n_overridden; i++) {
        const struct sg_assignment *a = s->overridden[i];
        sg_jw_object(w, NULL);
        sg_jw_str(w, "file", a->file);
        sg_jw_int(w, "line", a->line);
        if (a->value)
            sg_jw_str(w, "value", a->value);
        else
            sg_jw_null(w, "value");
        sg_jw_end(w);
    }
    sg_jw_end(w);
    if (s->live != SG_LIVE_UNCHECKED) {
        sg_jw_object(w, "live");
        sg_jw_str(w, "state", live_names[s->live]);
        sg_jw_str(w, "value", s->live_value);
        sg_jw_str(w, "what", s->live_what);
        const struct sg_write *by =
            s->live == SG_LIVE_DRIFT
                ? sg_writers_find(&m->writers, cat, &m->kernel, s->key,
                                  s->live_value)
                : NULL;
        if (by) {
            sg_jw_object(w, "writer");
            sg_jw_str(w, "name", by->writer);
            sg_jw_str(w, "file", by->file);
            if (by->line)
                sg_jw_int(w, "line", by->line);
            sg_jw_str(w, "value", by->value);
            sg_jw_end(w);
        }
        sg_jw_end(w);
    }
    sg_jw_str(w, "catalog", catalog_mark(cat, m, s));
    sg_jw_end(w);
}

int sg_view_json_show(FILE *out, const struct sg_model *m,
                      const struct sg_view_opts *vo)
{
    const struct sg_catalog *cat = vo->marks;
    struct sg_jw w;

    sg_jw_stream(&w, out);
    sg_jw_object(&w, NULL);
    sg_jw_str(&w, "format", "sysctl-guard/1");
    sg_jw_object(&w, "tool");
    sg_jw_str(&w, "name", "sysctl-guard");
    sg_jw_str(&w, "version", SG_VERSION);
    sg_jw_end(&w);
    sg_jw_str(&w, "root", m->root);
    sg_jw_str(&w, "kernel", m->kernel.release);
    sg_jw_str(&w, "semantics", sg_semantics_name(m->semantics));
    sg_jw_array(&w, "files");
    for (size_t i = 0; i < m->n_applied; i++)
        sg_jw_str(&w, NULL, m->applied[i].file->path);
    sg_jw_end(&w);
    sg_jw_array(&w, "settings");
    for (size_t i = 0; i < m->n_settings; i++)
        if (wanted(vo, m->settings[i].key))
            json_setting(&w, cat, m, &m->settings[i]);
    /* Asked-for keys nothing sets explicitly: say so, or name the glob. */
    for (size_t i = 0; i < vo->n_keys; i++) {
        char *k = sg_key_normalize(vo->keys[i]);
        if (!k || sg_model_get(m, k) ||
            (!sg_model_effective(m, k) && sourced(m, k))) {
            free(k);
            continue;
        }
        const struct sg_assignment *g = sg_model_effective(m, k);
        sg_jw_object(&w, NULL);
        sg_jw_str(&w, "key", k);
        if (g) {
            sg_jw_str(&w, "value", g->value);
            sg_jw_str(&w, "file", g->file);
            sg_jw_int(&w, "line", g->line);
            sg_jw_str(&w, "from_glob", g->key);
        } else {
            sg_jw_null(&w, "value");
        }
        sg_jw_end(&w);
        free(k);
    }
    sg_jw_end(&w);
    /* Only where a source sets something: the output of a tree without
     * one stays as it was. */
    if (any_sourced(m)) {
        sg_jw_array(&w, "sourced");
        for (size_t i = 0; i < m->sourced.n; i++)
            if (!m->sourced.v[i].unprefixed && wanted(vo, m->sourced.v[i].key))
                json_sourced(&w, m, &m->sourced.v[i]);
        sg_jw_end(&w);
    }
    sg_jw_diags(&w, "diagnostics", &m->diags);
    sg_jw_end(&w);
    if (sg_jw_finish(&w) < 0) {
        fputs("sysctl-guard: out of memory\n", vo->err);
        return -1;
    }
    return 0;
}

/* ---- text ---- */

static void show_text_setting(FILE *out, const struct sg_view_opts *vo,
                              const struct sg_model *m,
                              const struct sg_setting *s)
{
    const struct sg_catalog *cat = vo->marks;
    const struct sg_assignment *w = s->winner;
    bool c = vo->color;
    const char *via = file_via(m, w->file);

    if (w->exclude)
        fprintf(out, "%s-%s%s (excluded from globs)", sg_c(c, "\033[1m"),
                sg_vis(s->key), sg_c(c, "\033[0m"));
    else
        fprintf(out, "%s%s%s%s = %s", w->ignore_failure ? "-" : "",
                sg_c(c, "\033[1m"), sg_vis(s->key), sg_c(c, "\033[0m"),
                sg_vis(w->value));
    fprintf(out, "    %s%s:%u%s%s%s\n", sg_c(c, "\033[2m"), sg_vis(w->file),
            w->line, via ? " via " : "", via ? sg_vis(via) : "",
            sg_c(c, "\033[0m"));
    for (size_t i = s->n_overridden; i-- > 0;) {
        const struct sg_assignment *a = s->overridden[i];
        fprintf(out, "    overrides %s:%u (%s)\n", sg_vis(a->file), a->line,
                a->value ? sg_vis(a->value) : "excluded");
    }
    for (size_t i = 0; !w->glob && i < m->sourced.n; i++) {
        const struct sg_sourced *v = &m->sourced.v[i];
        if (v->unprefixed)
            continue;
        if (strcmp(v->key, s->key) == 0 && v->applied)
            fprintf(out, "    overrides the %s, %s:%u (%s)\n", v->source,
                    sg_vis(v->file), v->line, sg_vis(v->value));
        else if (strcmp(v->key, s->key) == 0)
            fprintf(out,
                    "    (the %s's %s:%u (%s): kernel %s does not take it)\n",
                    v->source, sg_vis(v->file), v->line, sg_vis(v->value),
                    sg_vis(m->kernel.release));
    }
    const struct sg_write *by =
        s->live == SG_LIVE_DRIFT
            ? sg_writers_find(&m->writers, vo->marks, &m->kernel, s->key,
                              s->live_value)
            : NULL;
    if (s->live == SG_LIVE_DRIFT && by)
        fprintf(
            out,
            "    %sdrift%s: the running kernel has %s: %s sets it (%s%s%.0u)\n",
            sg_c(c, "\033[33m"), sg_c(c, "\033[0m"), sg_vis(s->live_value),
            by->writer, sg_vis(by->file), by->line ? ":" : "", by->line);
    else if (s->live == SG_LIVE_DRIFT)
        fprintf(out, "    %sdrift%s: the running kernel has %s\n",
                sg_c(c, "\033[33m"), sg_c(c, "\033[0m"), sg_vis(s->live_value));
    else if (s->live == SG_LIVE_MISSING)
        fprintf(out, "    %smissing%s: the running kernel has no such key\n",
                sg_c(c, "\033[31m"), sg_c(c, "\033[0m"));
    else if (s->live == SG_LIVE_UNREADABLE)
        fprintf(out,
                "    live value unreadable (write-only or not permitted)\n");
    else if (s->live == SG_LIVE_NOT_SYSCTL)
        fprintf(out, "    live value not read: /proc/sys has %s there\n",
                s->live_what);
    const char *mark = catalog_mark(cat, m, s);
    if (mark && strcmp(mark, "lacks") == 0)
        fprintf(out, "    %snot in kernel %s%s (the key catalog)\n",
                sg_c(c, "\033[31m"), sg_vis(m->kernel.release),
                sg_c(c, "\033[0m"));
    else if (mark)
        fprintf(out, "    %sno such key%s in any catalogued kernel\n",
                sg_c(c, "\033[31m"), sg_c(c, "\033[0m"));
}

/* What only a source sets (a key a file sets says it where the key is
 * shown), and whether this kernel takes it. */
static void show_text_sourced(FILE *out, const struct sg_view_opts *vo,
                              const struct sg_model *m)
{
    bool c = vo->color;
    for (size_t i = 0; i < m->sourced.n; i++) {
        const struct sg_sourced *v = &m->sourced.v[i];
        const struct sg_assignment *a = overriding(m, v);
        if (v->unprefixed || !wanted(vo, v->key) || (a && !a->glob))
            continue;
        fprintf(out, "%s%s%s = %s    %s%s:%u (%s)%s\n", sg_c(c, "\033[1m"),
                sg_vis(v->key), sg_c(c, "\033[0m"), sg_vis(v->value),
                sg_c(c, "\033[2m"), sg_vis(v->file), v->line, v->source,
                sg_c(c, "\033[0m"));
        if (a)
            fprintf(out, "    overridden by %s:%u (glob %s)\n", sg_vis(a->file),
                    a->line, sg_vis(a->key));
        if (v->applied == 0)
            fprintf(out,
                    "    not applied: kernel %s takes no sysctl.* "
                    "parameters at boot (they came in 5.8)\n",
                    sg_vis(m->kernel.release));
        else if (v->applied < 0)
            fprintf(out,
                    "    applied only if kernel %s takes sysctl.* "
                    "parameters at boot (mainline from 5.8; this build's "
                    "source is not catalogued)\n",
                    sg_vis(m->kernel.release));
    }
}

struct refusal {
    const struct sg_catalog *cat;
    const struct sg_model *m;
};

/* Whether the kernel refuses VALUE for KEY, as far as the catalog knows:
 * relate.h's callback. */
static bool refused(const void *arg, const char *key, const char *value)
{
    const struct refusal *r = arg;
    struct sg_catinfo in;
    char why[160];
    sg_catalog_lookup(r->cat, key, &r->m->kernel, &in);
    return in.state == SG_KS_PRESENT &&
           sg_catalog_rejects_varies(in.row, in.varies, value, why,
                                     sizeof(why)) != NULL;
}

/* Whether KEY (net.ipv4.conf.X.NAME or net.ipv6.conf.X.NAME, X not all)
 * is worth a line of the per-interface values: every IPv4 interface key
 * the tree sets; an IPv6 one where the tree sets all's too (the line that
 * misleads). */
static bool iface_worth(const struct sg_model *m, const char *key)
{
    bool v4 = strncmp(key, "net.ipv4.conf.", 14) == 0;
    const char *dot = strchr(key + 14, '.');
    if (!dot)
        return false;
    char *all = sg_strdup_printf("%.14sall%s", key, dot);
    bool all_set = all && sg_model_get(m, all) != NULL;
    free(all);
    return v4 || all_set;
}

static void where(char *buf, size_t len, const struct sg_assignment *a)
{
    if (a)
        snprintf(buf, len, "%s:%u", sg_vis(a->file), a->line);
    else
        snprintf(buf, len, "the boot value");
}

static void show_iface_value(FILE *out, const struct sg_view_opts *vo,
                             const struct sg_model *m, const char *key,
                             bool *head)
{
    struct refusal rf = {vo->marks, m};
    struct sg_relctx x = {
        .m = m, .cat = vo->marks, .refused = refused, .arg = &rf};
    struct sg_iface_value iv;
    char own[PATH_MAX + 32], all[PATH_MAX + 32], fwd[160] = "";
    unsigned v = 0;
    if (!sg_relate_iface(&x, key, &iv))
        return;
    if (!*head)
        fprintf(out, "# in effect per interface (the kernel's combination "
                     "of all with each interface's own value):\n");
    *head = true;
    where(own, sizeof(own), iv.own_at);
    where(all, sizeof(all), iv.all_at);
    v = iv.row->version;
    if (iv.fwd_key)
        snprintf(fwd, sizeof(fwd), ", the host %s (%s = %lld)",
                 iv.fwd ? "forwarding" : "not forwarding", iv.fwd_key, iv.fwd);
    bool dflt = strncmp(key + 14, "default.", 8) == 0;
    const char *whose = dflt ? "default's" : "its own";
    if (!iv.how)
        fprintf(out,
                "#   %s%s = %lld: %s value (%s); no interface reads all's "
                "(%s in the catalog's %.*s source)\n",
                sg_vis(key), dflt ? " (new interfaces)" : "", iv.value, whose,
                own, iv.row->source, (int)vo->marks->series_len[v],
                vo->marks->series[v]);
    else
        fprintf(out,
                "#   %s%s = %lld: %s all's %lld (%s) and %s %lld (%s)%s (%s in "
                "the catalog's %.*s source)\n",
                sg_vis(key), dflt ? " (new interfaces)" : "", iv.value,
                strcmp(iv.how, "max") == 0   ? "the larger of"
                : strcmp(iv.how, "and") == 0 ? "AND of"
                                             : "OR of",
                iv.all, all, whose, iv.own, own, fwd, iv.row->source,
                (int)vo->marks->series_len[v], vo->marks->series[v]);
}

/* The value each interface key the tree names takes effect with, and
 * default's (new interfaces) beside a line for all. */
static void show_text_ifaces(FILE *out, const struct sg_view_opts *vo,
                             const struct sg_model *m)
{
    bool head = false;
    if (!vo->marks)
        return;
    for (size_t i = 0; i < m->n_settings; i++) {
        const struct sg_setting *st = &m->settings[i];
        const char *k = st->key;
        if (st->winner->glob || !wanted(vo, k) ||
            (strncmp(k, "net.ipv4.conf.", 14) != 0 &&
             strncmp(k, "net.ipv6.conf.", 14) != 0))
            continue;
        if (strncmp(k + 14, "all.", 4) != 0) {
            if (iface_worth(m, k))
                show_iface_value(out, vo, m, k, &head);
            continue;
        }
        /* a line for all: what new interfaces take, unless default is set */
        char *dflt = sg_strdup_printf("%.14sdefault.%s", k, k + 18);
        if (dflt && !sg_model_get(m, dflt))
            show_iface_value(out, vo, m, dflt, &head);
        free(dflt);
    }
}

int sg_view_text_show(FILE *out, const struct sg_model *m,
                      const struct sg_view_opts *vo)
{
    fprintf(out, "# root %s, kernel %s, %s order; files applied:\n",
            sg_vis(m->root), sg_vis(m->kernel.release),
            m->semantics == SG_SEM_SYSTEMD ? "systemd-sysctl"
                                           : "sysctl --system");
    for (size_t i = 0; i < m->n_applied; i++)
        fprintf(out, "#   %s%s%s\n", sg_vis(m->applied[i].file->path),
                m->applied[i].via ? " via " : "",
                m->applied[i].via ? sg_vis(m->applied[i].via) : "");
    for (size_t i = 0; i < m->n_settings; i++)
        if (wanted(vo, m->settings[i].key))
            show_text_setting(out, vo, m, &m->settings[i]);
    show_text_sourced(out, vo, m);
    show_text_ifaces(out, vo, m);
    for (size_t i = 0; i < vo->n_keys; i++) {
        char *k = sg_key_normalize(vo->keys[i]);
        if (k && !sg_model_get(m, k) &&
            (sg_model_effective(m, k) || !sourced(m, k))) {
            const struct sg_assignment *g = sg_model_effective(m, k);
            if (g)
                fprintf(out, "%s = %s    %s:%u (glob %s)\n", sg_vis(k),
                        sg_vis(g->value), sg_vis(g->file), g->line,
                        sg_vis(g->key));
            else
                fprintf(out, "%s: not configured\n", sg_vis(k));
        }
        free(k);
    }
    for (size_t i = 0; i < m->diags.n; i++)
        sg_print_diag(vo->err, &m->diags.v[i], false);
    return 0;
}
