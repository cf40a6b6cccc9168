/*
 * fleet_html.c - the fleet report (report/report.h) as one self-contained HTML
 * page: a summary, two inline SVG bar charts (hosts per finding, hosts per
 * kernel), who wrote running values that differ from the files, a table
 * per rule, a table of hosts linking to each host's findings, and the
 * baseline's new and fixed findings. Built as a libxml2 HTML tree and
 * written by its HTML serialiser, so every text and attribute is escaped
 * by the library; no script, no external asset, and a Content-Security-
 * Policy that forbids loading any (it opens from a mail attachment).
 * Memory: the tree holds the summary and the charts (at most MAX_BARS bars
 * each); each rule's row of the rules table, each host's row of the hosts
 * table and each host's findings are built, written and freed one at a
 * time where marker comments stand, so a fleet's page is never one tree.
 * Every text given to libxml2 is valid UTF-8 (el): its serialiser stops at
 * the first byte that is none, and the page would end there.
 */
#include "views.h"
#include "../report/report.h"
#include "../core/base/util.h"
#include "../core/base/version.h"

#include <libxml/HTMLtree.h>
#include <libxml/dict.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

#define X(s) ((const xmlChar *)(s))

static const char css[] =
    "body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}"
    "h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ccc}"
    "table{border-collapse:collapse;margin:.5em 0}"
    "th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;"
    "vertical-align:top}th{background:#f3f3f3}td.n{text-align:right}"
    "td.refs a{white-space:nowrap}p.made{color:#555}"
    ".error{color:#b00020;font-weight:bold}.warning{color:#a05a00}"
    ".info{color:#0b5f8a}.cards{display:flex;gap:1em}"
    ".card{border:1px solid #ccc;border-radius:6px;padding:.6em 1em}"
    ".card b{display:block;font-size:1.6em}code{font-size:.95em}";

/* A NAME element with TEXT, which is valid UTF-8, under PARENT. The text
 * is a text node, escaped when written (xmlNewTextChild would escape it,
 * then parse the escaped text back into nodes). */
static xmlNodePtr el_utf8(xmlNodePtr parent, const char *name, const char *text)
{
    xmlNodePtr n = xmlNewChild(parent, NULL, X(name), NULL);
    xmlNodePtr t = n && text && *text ? xmlNewDocText(n->doc, X(text)) : NULL;
    if (t)
        xmlAddChild(n, t);
    return n;
}

/* The same for any TEXT: bytes that are no UTF-8 become U+FFFD. */
static xmlNodePtr el(xmlNodePtr parent, const char *name, const char *text)
{
    char *own = NULL;
    if (text && !sg_utf8_valid(text))
        text = own = sg_utf8_repair(text);
    xmlNodePtr n = el_utf8(parent, name, text);
    free(own);
    return n;
}

/* Attribute NAME = VALUE (made valid UTF-8) of N. */
static void prop(xmlNodePtr n, const char *name, const char *value)
{
    char *own = NULL;
    if (!sg_utf8_valid(value))
        value = own = sg_utf8_repair(value);
    if (n && value)
        xmlNewProp(n, X(name), X(value));
    free(own);
}

static xmlNodePtr el_class(xmlNodePtr parent, const char *name, const char *cls,
                           const char *text)
{
    xmlNodePtr n = el(parent, name, text);
    if (n && cls)
        xmlNewProp(n, X("class"), X(cls));
    return n;
}

static void td_num(xmlNodePtr tr, size_t v)
{
    char b[32];
    snprintf(b, sizeof(b), "%zu", v);
    el_class(tr, "td", "n", b);
}

static xmlNodePtr table(xmlNodePtr parent, const char *const *heads)
{
    xmlNodePtr t = el(parent, "table", NULL), tr = el(t, "tr", NULL);
    for (size_t i = 0; heads[i]; i++)
        el(tr, "th", heads[i]);
    return t;
}

static void link(xmlNodePtr parent, const char *href, const char *text)
{
    prop(el(parent, "a", text), "href", href);
}

/* A reference: the link's text a URL people can read whole, "host/.../
 * last" when it is long (the full URL in href and title), so that a cell
 * never breaks it in the middle of a word. */
static void ref_link(xmlNodePtr parent, const char *url)
{
    const char *host = strstr(url, "://");
    host = host ? host + 3 : url;
    size_t hl = strcspn(host, "/?#");
    const char *tail = host + strlen(host);
    while (tail > host + hl && tail[-1] == '/')
        tail--;
    const char *last = tail;
    while (last > host + hl && last[-1] != '/')
        last--;
    char *text = strlen(host) <= 48 || last <= host + hl
                     ? strdup(host)
                     : sg_strdup_printf("%.*s/\xe2\x80\xa6/%.*s", (int)hl, host,
                                        (int)(tail - last), last);
    xmlNodePtr a = el(parent, "a", text ? text : url);
    prop(a, "href", url);
    prop(a, "title", url);
    free(text);
}

/* "key = value", the key alone, or "(the whole file)" for a finding
 * about a file (no key). */
static void key_value(xmlNodePtr tr, const char *key, const char *value)
{
    char *kv = !*key     ? strdup("(the whole file)")
               : !*value ? strdup(key)
                         : sg_strdup_printf("%s = %s", key, value);
    el(el(tr, "td", NULL), "code", kv ? kv : key);
    free(kv);
}

static void svg_attr(xmlNodePtr n, const char *name, double v)
{
    char b[32];
    snprintf(b, sizeof(b), "%.1f", v);
    xmlNewProp(n, X(name), X(b));
}

/* A horizontal bar chart: LABELS[i] with VALUES[i] (hosts), as SVG. */
static void chart(xmlNodePtr parent, const char *title, const char **labels,
                  const size_t *values, const char **classes, size_t n)
{
    size_t max = 1;
    for (size_t i = 0; i < n; i++)
        max = values[i] > max ? values[i] : max;
    double row = 22, label_w = 260, bar_w = 420;
    xmlNodePtr svg = el(parent, "svg", NULL);
    xmlNewProp(svg, X("xmlns"), X("http://www.w3.org/2000/svg"));
    xmlNewProp(svg, X("role"), X("img"));
    xmlNewProp(svg, X("aria-label"), X(title));
    svg_attr(svg, "width", label_w + bar_w + 60);
    svg_attr(svg, "height", row * (double)n + 8);
    el(svg, "title", title);
    for (size_t i = 0; i < n; i++) {
        double y = row * (double)i + 4;
        xmlNodePtr t = el(svg, "text", labels[i]);
        svg_attr(t, "x", 0);
        svg_attr(t, "y", y + 14);
        xmlNewProp(t, X("font-size"), X("12"));
        xmlNodePtr r = el(svg, "rect", NULL);
        svg_attr(r, "x", label_w);
        svg_attr(r, "y", y);
        svg_attr(r, "width", bar_w * (double)values[i] / (double)max + 1);
        svg_attr(r, "height", row - 6);
        const char *c = classes && classes[i] ? classes[i] : "info";
        xmlNewProp(r, X("fill"),
                   X(strcmp(c, "error") == 0     ? "#b00020"
                     : strcmp(c, "warning") == 0 ? "#d98c00"
                                                 : "#3a7ca5"));
        char b[32];
        snprintf(b, sizeof(b), "%zu", values[i]);
        xmlNodePtr v = el(svg, "text", b);
        svg_attr(v, "x", label_w + bar_w * (double)values[i] / (double)max + 6);
        svg_attr(v, "y", y + 14);
        xmlNewProp(v, X("font-size"), X("12"));
    }
}

static void deltas(xmlNodePtr body, const char *what,
                   const struct sg_rep_delta *v, size_t n)
{
    char b[96];
    snprintf(b, sizeof(b), "%s since the baseline: %zu", what, n);
    el(body, "h3", b);
    if (!n)
        return;
    static const char *const heads[] = {"host", "where",       "severity",
                                        "rule", "key = value", NULL};
    xmlNodePtr t = table(body, heads);
    for (size_t i = 0; i < n; i++) {
        xmlNodePtr tr = el(t, "tr", NULL);
        el(tr, "td", v[i].host);
        char *w = sg_strdup_printf("%s:%u", v[i].file, v[i].line);
        el(tr, "td", w ? w : v[i].file);
        free(w);
        el_class(tr, "td", sg_severity_name(v[i].severity),
                 sg_severity_name(v[i].severity));
        el(tr, "td", v[i].rule);
        key_value(tr, v[i].key, v[i].value);
    }
}

#define MAX_WHICH 50 /* hosts named in a rule's row */
#define MAX_BARS 50  /* bars of a chart: the table under it has every one */
#define RULES_MARK "sysctl-guard: the rules' rows"
#define ROWS_MARK "sysctl-guard: the hosts' rows"
#define HOSTS_MARK "sysctl-guard: the hosts' findings"

/* Rule I's row of the rules table: id, severity, title, hosts (up to
 * MAX_WHICH named), kernels, fix, references; an unlinked node of DOC, or
 * NULL without memory. */
static xmlNodePtr rule_row(xmlDocPtr doc, const struct sg_fleet *f, size_t i)
{
    const struct sg_rep_rule *r = &f->rules[i];
    xmlNodePtr tr = xmlNewDocNode(doc, NULL, X("tr"), NULL);
    if (!tr)
        return NULL;
    el(el(tr, "td", NULL), "code", r->id);
    el_class(tr, "td", sg_severity_name(r->severity),
             sg_severity_name(r->severity));
    el(tr, "td", r->title);
    td_num(tr, r->n_hosts);
    xmlNodePtr which = el(tr, "td", NULL);
    /* As many hosts as a cell can show, in the order read; the hosts
     * table has every one. */
    for (size_t h = 0; h < r->n_hosts && h < MAX_WHICH; h++) {
        char href[32];
        snprintf(href, sizeof(href), "#host-%u", r->hosts[h]);
        if (h)
            xmlNodeAddContent(which, X(", "));
        link(which, href, f->hosts[r->hosts[h]].name);
    }
    if (r->n_hosts > MAX_WHICH) {
        char more[48];
        snprintf(more, sizeof(more), " and %zu more", r->n_hosts - MAX_WHICH);
        xmlNodeAddContent(which, X(more));
    }
    char *ks = sg_fleet_rule_kernels(f, r);
    if (!ks) {
        xmlFreeNode(tr);
        return NULL;
    }
    el(tr, "td", ks);
    free(ks);
    el(tr, "td",
       r->fix          ? r->fix
       : r->fix_varies ? "differs by finding (below)"
                       : "");
    xmlNodePtr refs = el_class(tr, "td", "refs", NULL);
    for (size_t x = 0; x < r->n_refs; x++) {
        if (x)
            el(refs, "br", NULL);
        ref_link(refs, r->refs[x]);
    }
    return tr;
}

/* Host I's row of the hosts table: name, kernel, counts, the link to its
 * section; an unlinked node of DOC, or NULL without memory. */
static xmlNodePtr host_row(xmlDocPtr doc, const struct sg_fleet *f, size_t i)
{
    const struct sg_rep_host *h = &f->hosts[i];
    xmlNodePtr tr = xmlNewDocNode(doc, NULL, X("tr"), NULL);
    if (!tr)
        return NULL;
    el(tr, "td", h->name);
    el(tr, "td", h->kernel);
    td_num(tr, h->counts[SG_SEV_ERROR]);
    td_num(tr, h->counts[SG_SEV_WARNING]);
    td_num(tr, h->counts[SG_SEV_INFO]);
    char href[32];
    snprintf(href, sizeof(href), "#host-%zu", i);
    link(el(tr, "td", NULL), href, h->n_hits ? "its findings" : "none");
    return tr;
}

/* Attribute id=VALUE of N, not entered in the document's table of IDs:
 * libxml2 keeps every ID in a hash table of the document whose hash reads
 * a few of a name's bytes, so 200,000 "host-N" made the page of 200,000
 * hosts 15 times slower to write than of 20,000 (every lookup a walk of
 * one long chain), though each is freed with its section. Every id of
 * the page is made here. VALUE has no "&" (xmlNewDocProp reads entity
 * references in it). */
static void id_attr(xmlNodePtr n, const char *value)
{
    xmlAttrPtr a = n ? xmlNewDocProp(n->doc, X("id"), X(value)) : NULL;
    if (a)
        xmlAddChild(n, (xmlNodePtr)a);
}

/* Host I's section: its heading (the target of the hosts table's link)
 * and its findings; an unlinked node of DOC, or NULL without memory. */
static xmlNodePtr host_section(xmlDocPtr doc, const struct sg_fleet *f,
                               size_t i)
{
    const struct sg_rep_host *h = &f->hosts[i];
    xmlNodePtr sec = xmlNewDocNode(doc, NULL, X("section"), NULL);
    if (!sec)
        return NULL;
    char id[32];
    snprintf(id, sizeof(id), "host-%zu", i);
    char *title = sg_strdup_printf("%s (kernel %s)", h->name, h->kernel);
    xmlNodePtr h3 = el(sec, "h3", title ? title : h->name);
    free(title);
    id_attr(h3, id);
    if (!h->n_hits) {
        el(sec, "p", "No findings.");
        return sec;
    }
    static const char *const fh[] = {"where", "severity", "rule", "key = value",
                                     "why",   "the fix",  NULL};
    xmlNodePtr ft = table(sec, fh);
    xmlNewProp(ft, X("class"), X("host-findings"));
    for (size_t x = 0; x < h->n_hits; x++) {
        const struct sg_rep_finding *d = &f->findings[h->hits[x].finding];
        xmlNodePtr tr = el(ft, "tr", NULL);
        char *w = h->hits[x].line
                      ? sg_strdup_printf("%s:%u", d->file, h->hits[x].line)
                      : strdup(d->file);
        el(el(tr, "td", NULL), "code", w ? w : d->file);
        free(w);
        el_class(tr, "td", sg_severity_name(d->severity),
                 sg_severity_name(d->severity));
        el(tr, "td", d->rule);
        key_value(tr, d->key, d->value);
        el(tr, "td", d->message); /* the did-you-mean, the host's values */
        el(tr, "td", d->fix ? d->fix : "");
    }
    return sec;
}

int sg_fleet_html(FILE *out, const struct sg_fleet *f)
{
    htmlDocPtr doc = htmlNewDocNoDtD(NULL, NULL);
    if (!doc)
        return -1;
    /* Element and attribute names interned once, not copied per node. */
    doc->dict = xmlDictCreate();
    xmlCreateIntSubset(doc, X("html"), NULL, NULL);
    xmlNodePtr html = xmlNewDocNode(doc, NULL, X("html"), NULL);
    xmlDocSetRootElement(doc, html);
    xmlNewProp(html, X("lang"), X("en"));
    xmlNodePtr head = el(html, "head", NULL), m;
    m = el(head, "meta", NULL);
    xmlNewProp(m, X("charset"), X("utf-8"));
    m = el(head, "meta", NULL);
    xmlNewProp(m, X("http-equiv"), X("Content-Security-Policy"));
    xmlNewProp(m, X("content"),
               X("default-src 'none'; style-src 'unsafe-inline'"));
    el(head, "title", "sysctl-guard fleet report");
    el_utf8(head, "style", css);
    xmlNodePtr body = el(html, "body", NULL);
    el(body, "h1", "sysctl-guard fleet report");
    char made[96], *by = NULL;
    sg_fleet_when(made, sizeof(made));
    by = sg_strdup_printf("Made by sysctl-guard %s on %s from %zu input%s.",
                          SG_VERSION, made, f->n_inputs,
                          f->n_inputs == 1 ? "" : "s");
    xmlNewProp(el(body, "p", by ? by : ""), X("class"), X("made"));
    free(by);

    /* Summary. */
    xmlNodePtr cards = el_class(body, "div", "cards", NULL);
    struct {
        const char *label, *cls;
        size_t v;
    } sum[] = {
        {"hosts", NULL, f->n_hosts},
        {"hosts with errors", "error", sg_fleet_hosts_with(f, SG_SEV_ERROR)},
        {"errors", "error", sg_fleet_count(f, SG_SEV_ERROR)},
        {"warnings", "warning", sg_fleet_count(f, SG_SEV_WARNING)},
        {"info", "info", sg_fleet_count(f, SG_SEV_INFO)},
    };
    for (size_t i = 0; i < sizeof(sum) / sizeof(*sum); i++) {
        xmlNodePtr c = el_class(cards, "div", "card", NULL);
        char b[32];
        snprintf(b, sizeof(b), "%zu", sum[i].v);
        el_class(c, "b", sum[i].cls, b);
        xmlNodeAddContent(c, X(sum[i].label));
    }
    if (f->has_baseline) {
        char *b = sg_strdup_printf(
            "Since the baseline %s: %zu new, %zu fixed, %zu unchanged.",
            f->baseline, f->n_added, f->n_fixed, f->n_unchanged);
        el(body, "p", b ? b : "");
        free(b);
    }

    /* Charts: up to MAX_BARS bars each (rules in the table's order,
     * kernels with the most hosts first); a note says when there are more. */
    size_t nk, n = f->n_rules < MAX_BARS ? f->n_rules : MAX_BARS;
    struct sg_rep_kernel *k = sg_fleet_kernels(f, &nk);
    size_t nb = nk < MAX_BARS ? nk : MAX_BARS;
    const char *labels[MAX_BARS] = {0}, *classes[MAX_BARS] = {0};
    size_t values[MAX_BARS] = {0};
    el(body, "h2", "Hosts per finding");
    for (size_t i = 0; i < n; i++) {
        labels[i] = f->rules[i].id;
        values[i] = f->rules[i].n_hosts;
        classes[i] = sg_severity_name(f->rules[i].severity);
    }
    chart(body, "Hosts per finding", labels, values, classes, n);
    char *more = f->n_rules > n
                     ? sg_strdup_printf("The first %zu of %zu rules; the table "
                                        "below has every one.",
                                        n, f->n_rules)
                     : NULL;
    if (more)
        el(body, "p", more);
    free(more);
    el(body, "h2", "Hosts per kernel");
    /* bars of one length say nothing (every host its own kernel): a
     * table says it */
    bool even = nk > 1;
    for (size_t i = 1; even && i < nk; i++)
        even = k[i].n_hosts == k[0].n_hosts;
    for (size_t i = 0; i < nb; i++) {
        labels[i] = k[i].kernel;
        values[i] = k[i].n_hosts;
    }
    if (even) {
        static const char *const kh[] = {"kernel", "hosts", NULL};
        xmlNodePtr kt = table(body, kh);
        id_attr(kt, "kernels");
        for (size_t i = 0; i < nb; i++) {
            xmlNodePtr tr = el(kt, "tr", NULL);
            el(el(tr, "td", NULL), "code", k[i].kernel);
            td_num(tr, k[i].n_hosts);
        }
    } else
        chart(body, "Hosts per kernel", labels, values, NULL, nb);
    more = nk > nb ? sg_strdup_printf("The %zu of %zu kernels with the most "
                                      "hosts; the hosts table gives each "
                                      "host's.",
                                      nb, nk)
                   : NULL;
    if (more)
        el(body, "p", more);
    free(more);
    free(k);

    /* Who wrote the running values that differ from the files: a row per
     * writer, key and value (few: the keys writers set), with its hosts'
     * count; the hosts' own sections name each one's. */
    if (f->n_writers) {
        el(body, "h2", "Who wrote the running values");
        el(body, "p",
           "Keys whose running value differs from the files (check "
           "--live), by what wrote it, named from its own configuration.");
        static const char *const wh[] = {"writer", "key", "value", "hosts",
                                         NULL};
        xmlNodePtr wt = table(body, wh);
        id_attr(wt, "writers");
        for (size_t i = 0; i < f->n_writers; i++) {
            const struct sg_rep_writer *w = &f->writers[f->writer_order[i]];
            xmlNodePtr tr = el(wt, "tr", NULL);
            el(tr, "td", w->name ? w->name : "not known");
            el(el(tr, "td", NULL), "code", w->key);
            el(tr, "td", w->value ? w->value : "");
            td_num(tr, w->n_hosts);
        }
    }

    /* Per rule: its rows where this comment is (rule_row). */
    el(body, "h2", "Findings by rule");
    static const char *const rh[] = {"rule",    "severity",   "title",
                                     "hosts",   "which",      "kernels",
                                     "the fix", "references", NULL};
    xmlNodePtr t = table(body, rh);
    id_attr(t, "rules");
    xmlAddChild(t, xmlNewDocComment(doc, X(RULES_MARK)));

    /* Per host. */
    el(body, "h2", "Hosts");
    static const char *const hh[] = {"host", "kernel",   "errors", "warnings",
                                     "info", "findings", NULL};
    t = table(body, hh);
    id_attr(t, "hosts");
    xmlAddChild(t, xmlNewDocComment(doc, X(ROWS_MARK))); /* host_row */
    /* Each host's findings: written one host at a time where this
     * comment is (a fleet's findings would be the whole tree). */
    xmlAddChild(body, xmlNewDocComment(doc, X(HOSTS_MARK)));
    if (f->has_baseline) {
        el(body, "h2", "Since the baseline");
        deltas(body, "New", f->added, f->n_added);
        deltas(body, "Fixed", f->fixed, f->n_fixed);
        if (f->n_gone) {
            char b[96];
            snprintf(b, sizeof(b),
                     "Not in this report (in the baseline): %zu hosts",
                     f->n_gone);
            el(body, "h3", b);
            xmlNodePtr ul = el(body, "ul", NULL);
            for (size_t i = 0; i < f->n_gone; i++)
                el(ul, "li", f->gone[i]);
        }
    }
    if (f->problems.n) {
        el(body, "h2", "Inputs not read");
        xmlNodePtr ul = el(body, "ul", NULL);
        for (size_t i = 0; i < f->problems.n; i++) {
            char *s = sg_strdup_printf("%s: %s", f->problems.v[i].file,
                                       f->problems.v[i].message);
            el(ul, "li", s ? s : f->problems.v[i].message);
            free(s);
        }
    }

    /* The document up to each marker, then a node an entry there (a
     * rule, a host), built, written and freed in turn, then the rest. */
    static const struct {
        const char *mark;
        xmlNodePtr (*node)(xmlDocPtr, const struct sg_fleet *, size_t);
        bool by_order; /* hosts worst first */
    } marks[] = {{"<!--" RULES_MARK "-->", rule_row, false},
                 {"<!--" ROWS_MARK "-->", host_row, true},
                 {"<!--" HOSTS_MARK "-->", host_section, true}};
    size_t nm = sizeof(marks) / sizeof(*marks);
    int r = -1;
    /* The document as UTF-8, as the nodes below are written (no
     * conversion to character references on the way). */
    xmlOutputBufferPtr mem = xmlAllocOutputBuffer(NULL);
    if (mem)
        htmlDocContentDumpFormatOutput(mem, doc, "UTF-8", 1);
    const char *buf = mem ? (const char *)xmlOutputBufferGetContent(mem) : NULL;
    size_t size = buf ? xmlOutputBufferGetSize(mem) : 0;
    xmlOutputBufferPtr ob = buf ? xmlOutputBufferCreateFile(out, NULL) : NULL;
    const char *p = buf;
    for (size_t mk = 0; ob && mk < nm; mk++) {
        const char *at = strstr(p, marks[mk].mark);
        if (!at)
            break;
        fwrite(p, 1, (size_t)(at - p), out);
        size_t count = mk == 0 ? f->n_rules : f->n_hosts;
        r = 0;
        for (size_t o = 0; r == 0 && o < count; o++) {
            xmlNodePtr node =
                marks[mk].node(doc, f, marks[mk].by_order ? f->order[o] : o);
            if (!node) {
                r = -1;
                break;
            }
            htmlNodeDumpFormatOutput(ob, doc, node, "UTF-8", 1);
            xmlOutputBufferWrite(ob, 1, "\n");
            xmlFreeNode(node);
            if (xmlOutputBufferFlush(ob) < 0)
                r = -1;
        }
        p = at + strlen(marks[mk].mark);
        p += *p == '\n';
        if (r < 0 || mk == nm - 1)
            break;
        r = -1;
    }
    if (ob && xmlOutputBufferClose(ob) < 0)
        r = -1;
    if (r == 0)
        fwrite(p, 1, size - (size_t)(p - buf), out);
    if (mem)
        xmlOutputBufferClose(mem);
    xmlFreeDoc(doc);
    return r;
}
