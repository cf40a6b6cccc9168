/*
 * parse.c - see parse.h. The entry lines of texts go to Augeas in groups of
 * whole lines of at most 64 KiB (aug_text_store), each group's tree walked
 * once with one nodeset, its comment lines read here for directives:
 * linear in the text, memory held by Augeas bounded by the
 * group. An edit (sg_parse_edit) copies unedited lines byte for byte and
 * stores only each edited line, on its own, in Augeas: linear in the text
 * plus one lens round per edited line.
 */
#include "parse.h"
#include "../kernel/keys.h"
#include "../base/util.h"

#include <augeas.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define LENS "Sysctl_Guard.lns"
/* The same lens's entry lines alone: what reading a file stores (only
 * entry lines go to Augeas), the nodes LENS makes of them */
#define ENTRIES "Sysctl_Guard.entries"
#define TEXT_NODE "/sg/text"
#define TREE_NODE "/sg/tree"
#define OUT_NODE "/sg/out"

struct sg_parser {
    augeas *aug;
};

int sg_parser_new(const char *lensdir, struct sg_parser **out, char **errmsg)
{
    struct sg_parser *p = calloc(1, sizeof(*p));

    *errmsg = NULL;
    if (!p)
        return -ENOMEM;
    p->aug = aug_init(NULL, lensdir,
                      AUG_NO_MODL_AUTOLOAD | AUG_NO_STDINC | AUG_NO_LOAD |
                          AUG_NO_ERR_CLOSE);
    if (!p->aug || aug_error(p->aug) != AUG_NOERROR) {
        if (p->aug)
            *errmsg = sg_strdup_printf("%s", aug_error_message(p->aug));
        sg_parser_free(p);
        return -EINVAL;
    }
    /* Compile the lens now, so a broken or missing lens is reported once,
     * here, and not as a parse error of the first file. */
    if (aug_set(p->aug, TEXT_NODE, "") < 0 ||
        aug_text_store(p->aug, ENTRIES, TEXT_NODE, TREE_NODE) < 0) {
        const char *m = aug_error_minor_message(p->aug), *why = NULL;
        /* A lens that compiles but rejects the empty file reports it in
         * the tree, not as an Augeas error. */
        if (aug_error(p->aug) == AUG_NOERROR)
            aug_get(p->aug, "/augeas/text" TREE_NODE "/error/message", &why);
        const char *det = aug_error_details(p->aug);
        *errmsg = sg_strdup_printf(
            "cannot load lens %s from %s: %s%s%s%s%s", ENTRIES, lensdir,
            why ? why : aug_error_message(p->aug), m ? ": " : "", m ? m : "",
            det ? "\n" : "", det ? det : "");
        sg_parser_free(p);
        return -ENOENT;
    }
    *out = p;
    return 0;
}

void sg_parser_free(struct sg_parser *p)
{
    if (!p)
        return;
    aug_close(p->aug);
    free(p);
}

int sg_assignment_text(struct sg_assignment *a, const char *raw, size_t rl,
                       const char *value, size_t vl)
{
    char *b = malloc(2 * (rl + 1) + (value ? vl + 1 : 0));
    if (!b)
        return -ENOMEM;
    a->raw_key = b;
    memcpy(b, raw, rl);
    b[rl] = '\0';
    a->key = b + rl + 1;
    sg_key_normalize_into(raw, rl, a->key);
    a->value = NULL;
    if (value) {
        a->value = b + 2 * (rl + 1);
        memcpy(a->value, value, vl);
        a->value[vl] = '\0';
    }
    return 0;
}

void sg_assignment_clear(struct sg_assignment *a)
{
    free(a->raw_key); /* key and value with it */
    memset(a, 0, sizeof(*a));
}

void sg_directives_free(struct sg_directives *ds)
{
    for (size_t i = 0; i < ds->n; i++)
        free(ds->v[i].text);
    free(ds->v);
    memset(ds, 0, sizeof(*ds));
}

/* "# sysctl-guard: TEXT" (the #comment node's VALUE, marker included): a
 * directive on LINE for the next entry. */
static int take_directive(struct sg_directives *ds, const char *value,
                          unsigned line)
{
    static const char tag[] = "sysctl-guard:";
    const char *t = value;
    bool no_colon = false;
    if (*t == '#' || *t == ';')
        t++;
    t += strspn(t, " \t");
    if (strncmp(t, tag, sizeof(tag) - 2) == 0 && t[sizeof(tag) - 2] != ':') {
        /* the shellcheck way, "# sysctl-guard disable=...": kept, to be
         * said (suppress.c), never to suppress */
        const char *u = t + sizeof(tag) - 2;
        u += strspn(u, " \t");
        if (u == t + sizeof(tag) - 2 || strncmp(u, "disable", 7) != 0)
            return 0;
        t = u;
        no_colon = true;
    } else if (strncmp(t, tag, sizeof(tag) - 1) != 0)
        return 0;
    else
        t += sizeof(tag) - 1;
    t += strspn(t, " \t");
    size_t n = strlen(t);
    while (n > 0 && strchr(" \t\r", t[n - 1]))
        n--;
    struct sg_directive d = {
        .line = line, .text = strndup(t, n), .no_colon = no_colon};
    if (!d.text || SG_PUSH(*ds, d) < 0) {
        free(d.text);
        return -ENOMEM;
    }
    return 0;
}

void sg_assignments_free(struct sg_assignments *as)
{
    for (size_t i = 0; i < as->n; i++)
        sg_assignment_clear(&as->v[i]);
    free(as->v);
    as->v = NULL;
    as->n = as->cap = 0;
}

static const char *with_final_newline(const char *text, char **copy,
                                      bool *added);

/* Augeas encodes trees with the bytes 0x03 and 0x04 internally: a text
 * holding them makes aug_text_retrieve() abort on an assertion. Such a file
 * is no sysctl file; find the first, so the caller can refuse it. */
static const char *augeas_unsafe_byte(const char *text)
{
    return strpbrk(text, "\003\004");
}

static unsigned line_of(const char *text, const char *at)
{
    unsigned line = 1;
    for (const char *p = text; p < at; p++)
        line += *p == '\n';
    return line;
}

/* What the lens makes of a line, told from its first byte that is not
 * " \t\r": nothing (a blank line: an unlabelled node), a comment ("#" or
 * ";"), or an entry (any other byte: the lens's entry view takes every
 * such line). The three views of lenses/sysctl_guard.aug start exactly so,
 * and tests/fuzz/fuzz_parse.c holds this to the lens's own tree. */
enum line_kind { LINE_BLANK, LINE_COMMENT, LINE_ENTRY };

static enum line_kind line_kind(const char *p, size_t len, bool *dash)
{
    size_t i = 0;
    while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r'))
        i++;
    *dash = i < len && p[i] == '-';
    if (i == len)
        return LINE_BLANK;
    return p[i] == '#' || p[i] == ';' ? LINE_COMMENT : LINE_ENTRY;
}

/* One line of a text: where it starts, its length without its "\n" and
 * with it, and what the lens makes of it; an entry that starts with "-"
 * (the lens's ignore_failure node, and only then). */
struct line {
    const char *p;
    size_t len, with_nl;
    enum line_kind kind;
    bool dash;
};

/* The line at *Q (before END) into L, and *Q past it; false at END. */
static bool next_line(const char **q, const char *end, struct line *l)
{
    if (*q >= end)
        return false;
    const char *e = memchr(*q, '\n', (size_t)(end - *q));
    l->p = *q;
    l->len = e ? (size_t)(e - *q) : (size_t)(end - *q);
    l->with_nl = l->len + (e != NULL);
    l->kind = line_kind(l->p, l->len, &l->dash);
    *q += l->with_nl;
    return true;
}

/* Report why aug_text_store failed for the entry lines of the LEN bytes
 * at TEXT (LINE0 lines into FILE), with the line of the file Augeas's
 * line (the how-manieth entry line) is. */
static int store_error(struct sg_parser *p, const char *file, const char *text,
                       size_t len, unsigned line0, struct sg_diags *diags)
{
    const char *line = NULL, *msg = NULL;
    unsigned ln = 0;

    aug_get(p->aug, "/augeas/text" TREE_NODE "/error/line", &line);
    aug_get(p->aug, "/augeas/text" TREE_NODE "/error/message", &msg);
    if (line) {
        unsigned long want = strtoul(line, NULL, 10), k = 0;
        const char *q = text;
        struct line l;
        for (unsigned no = 1; next_line(&q, text + len, &l); no++)
            if (l.kind == LINE_ENTRY && ++k == want) {
                ln = line0 + no;
                break;
            }
    }
    sg_diag_add(diags, SG_SEV_ERROR, "parse-error", file, ln,
                "cannot parse: %s", msg ? msg : aug_error_message(p->aug));
    aug_rm(p->aug, "/augeas/text");
    return -EINVAL;
}

/* Fill A from the children of one entry node, read from nodeset "c"
 * starting at *CI: ignore_failure? key value?. As in systemd's
 * parse_line, a "-" line with a value node ignores failure and one without
 * is a glob exclusion; a line with neither "-" nor a value node is no
 * assignment, which the caller reports (*ASSIGNS false). */
static int read_entry(struct sg_parser *p, int nc, int *ci, bool dash_line,
                      struct sg_assignment *a, bool *assigns)
{
    const char *label, *value;
    bool dash = false, has_value = false;

    /* Only a line that starts with "-" has the flag node: the others'
     * first child is asked for once, as their key. */
    if (dash_line && *ci < nc &&
        aug_ns_attr(p->aug, "c", *ci, &value, &label, NULL) == 1 &&
        strcmp(label, "ignore_failure") == 0) {
        dash = true;
        (*ci)++;
    }
    /* Every entry has exactly one key node (without a value when the line
     * names no key): it marks where the entry's children are. */
    if (*ci >= nc || aug_ns_attr(p->aug, "c", *ci, &value, &label, NULL) != 1 ||
        strcmp(label, "key") != 0)
        return -EINVAL;
    (*ci)++;
    /* the key's text stays Augeas's (aug_ns_attr lends a node's value,
     * valid until the tree changes) until both are copied below */
    const char *raw = value ? value : "", *val = NULL;
    size_t vl = 0;
    if (*ci < nc && aug_ns_attr(p->aug, "c", *ci, &value, &label, NULL) == 1 &&
        strcmp(label, "value") == 0) {
        /* The lens keeps the value's trailing blanks: trim them. */
        val = value ? value : "";
        vl = strlen(val);
        while (vl > 0 && strchr(" \t\r", val[vl - 1]))
            vl--;
        has_value = true;
        (*ci)++;
    }
    if (sg_assignment_text(a, raw, strlen(raw), val, vl) < 0)
        return -ENOMEM;
    a->ignore_failure = dash && has_value;
    a->exclude = dash && !has_value;
    *assigns = has_value || dash;
    a->glob = sg_key_is_glob(a->key);
    return 0;
}

/* Turn the line node (line LN of FILE) into an assignment, or a
 * diagnostic. */
static int take_node(struct sg_parser *p, int nc, int *ci, bool dash_line,
                     const char *file, unsigned ln, struct sg_assignments *out,
                     struct sg_diags *diags)
{
    struct sg_assignment a = {.file = file, .line = ln};
    bool assigns = true;
    int r = read_entry(p, nc, ci, dash_line, &a, &assigns);

    if (r == 0 && !assigns) {
        r = sg_diag_add(diags, SG_SEV_WARNING, "not-assignment", file, ln,
                        "line is not an assignment, ignored: %s", a.raw_key);
        sg_assignment_clear(&a);
        return r;
    }
    if (r == 0 && a.key[0] == '\0') {
        /* "- = 1" or a key of separators only: nothing to set. */
        r = sg_diag_add(diags, SG_SEV_WARNING, "not-assignment", file, ln,
                        a.raw_key[0] ? "key \"%s\" names no sysctl, ignored"
                                     : "line has no key, ignored%s",
                        a.raw_key);
        sg_assignment_clear(&a);
        return r;
    }
    if (r == 0 && strpbrk(a.key, " \t")) {
        /* "sysctl -w net.core.rmem_default = 1": a command pasted into a
         * file. The tools try to write /proc/sys/<that>, which no kernel
         * has: the line sets nothing (and `sysctl -p` fails on it). It
         * stays in the model, as the tools read it. */
        r = sg_diag_add(diags, SG_SEV_WARNING, "key-has-blank", file, ln,
                        "key \"%s\" holds a blank: no sysctl has one, so "
                        "the line sets nothing (a command line pasted into "
                        "the file?)",
                        a.raw_key);
    }
    if (r == 0)
        r = SG_PUSH(*out, a);
    if (r < 0) {
        sg_assignment_clear(&a);
        if (r == -EINVAL)
            sg_diag_add(diags, SG_SEV_ERROR, "parse-error", file, ln,
                        "unexpected tree shape from lens %s", ENTRIES);
    }
    return r;
}

/* A piece of one input's text: whole lines, at most SG_PARSE_CHUNK bytes
 * (unless one line is longer), LINE0 lines into its file. Pieces are
 * parsed in groups of at most SG_PARSE_CHUNK bytes, so what Augeas holds
 * at once (its tree, about 1 KB a line) is bounded whatever the size of a
 * file or of a tree; only the assignments grow with the input (about
 * 0.3 KB a line). Augeas's store is slower than linear in the size of the
 * text: on the 1000-file bench tree 64 KiB groups parse in 0.69 s, 1 MiB
 * groups in 1.0 s, one store of everything in about as long as 256 KiB
 * (0.75 s); 16-64 KiB are the same. */
#define SG_PARSE_CHUNK (64u * 1024u)

struct piece {
    size_t in;
    const char *text;
    size_t len;
    unsigned line0;
};

/* Append the entry lines of the piece PC (each with its "\n") to B. */
static int add_entry_lines(struct sg_buf *b, const struct piece *pc)
{
    const char *q = pc->text;
    struct line l;
    while (next_line(&q, pc->text + pc->len, &l))
        if (l.kind == LINE_ENTRY && sg_buf_add(b, l.p, l.with_nl) < 0)
            return -ENOMEM;
    return 0;
}

/* Store the entry lines of PC[0..N) (of inputs not failed yet) as one
 * text: 1 if there was none (nothing stored), 0 when stored, -EINVAL when
 * the lens refused it, or a negative errno. */
static int store_entries(struct sg_parser *p, struct sg_parse_input *in,
                         const struct piece *pc, size_t n)
{
    struct sg_buf b = {0};
    int r = 0;
    for (size_t i = 0; i < n && r == 0; i++)
        if (in[pc[i].in].result == 0)
            r = add_entry_lines(&b, &pc[i]);
    if (r == 0 && b.n == 0) {
        free(b.v);
        return 1;
    }
    if (r == 0 && aug_set(p->aug, TEXT_NODE, b.v) < 0)
        r = -ENOMEM;
    free(b.v);
    if (r == 0 && aug_text_store(p->aug, ENTRIES, TEXT_NODE, TREE_NODE) < 0)
        r = -EINVAL;
    return r;
}

static int walk_group(struct sg_parser *p, struct sg_parse_input *in,
                      const struct piece *pc, size_t n, bool stored,
                      struct sg_diags *diags);

/* Each piece of PC[0..N) on its own: the group holds a text the lens
 * refuses, and this finds which. */
static int parse_alone(struct sg_parser *p, struct sg_parse_input *in,
                       const struct piece *pc, size_t n, struct sg_diags *diags)
{
    int r = 0;
    for (size_t i = 0; i < n && r == 0; i++) {
        struct sg_parse_input *x = &in[pc[i].in];
        if (x->result != 0)
            continue;
        r = store_entries(p, in, &pc[i], 1);
        if (r == -EINVAL) {
            x->result = store_error(p, x->file, pc[i].text, pc[i].len,
                                    pc[i].line0, diags);
            r = 0;
        } else if (r >= 0)
            r = walk_group(p, in, &pc[i], 1, r == 0, diags);
    }
    return r;
}

/* The lines of PC[0..N) in order: a comment's directive, or an entry
 * taken from the tree Augeas made of the group's entry lines (STORED; the
 * k-th entry line is its k-th node). */
static int walk_group(struct sg_parser *p, struct sg_parse_input *in,
                      const struct piece *pc, size_t n, bool stored,
                      struct sg_diags *diags)
{
    /* All entries' children in order: each entry has exactly one key
     * node, so an entry's children are read off this one nodeset (a
     * second one for the entries themselves cost 2 % of a parse). */
    int nc = stored ? aug_defvar(p->aug, "c", TREE_NODE "/*/*") : 0;
    int r = nc < 0 ? -ENOMEM : 0;
    int ci = 0;

    for (size_t i = 0; i < n && r == 0; i++) {
        struct sg_parse_input *x = &in[pc[i].in];
        const char *q = pc[i].text;
        unsigned ln = pc[i].line0;
        struct line l;
        if (x->result != 0)
            continue;
        while (r == 0 && next_line(&q, pc[i].text + pc[i].len, &l)) {
            ln++;
            if (l.kind == LINE_COMMENT && x->directives &&
                memmem(l.p, l.len, "sysctl-guard", 12)) {
                char *c = strndup(l.p, l.len);
                r = c ? take_directive(x->directives, c, ln) : -ENOMEM;
                free(c);
            }
            if (l.kind != LINE_ENTRY)
                continue;
            /* The entry the directives before it are for. */
            for (size_t d = x->directives ? x->directives->n : 0;
                 d > 0 && !x->directives->v[d - 1].target; d--)
                x->directives->v[d - 1].target = ln;
            r = take_node(p, nc, &ci, l.dash, x->file, ln, x->out, diags);
        }
        if (r == -EINVAL) { /* take_node said so */
            x->result = r;
            r = 0;
        }
    }
    /* Children left over: the lens made more of the lines than entries */
    if (r == 0 && ci < nc)
        for (size_t i = 0; i < n; i++)
            if (in[pc[i].in].result == 0) {
                in[pc[i].in].result = -EINVAL;
                sg_diag_add(diags, SG_SEV_ERROR, "parse-error",
                            in[pc[i].in].file, 0,
                            "unexpected tree shape from lens %s", ENTRIES);
            }
    /* Undefine the variables before the next store replaces the tree:
     * Augeas takes each node of a removed tree out of every nodeset
     * variable with its own memmove (pathx_symtab_remove_descendants), a
     * cost quadratic in the group's nodes, a fifth of a parse (callgrind).
     * The tree itself is left for the next store to replace. */
    if (stored && nc >= 0)
        aug_defvar(p->aug, "c", NULL);
    return r;
}

/* Store the entry lines of the pieces PC[0..N) as one text and walk the
 * tree once. Only entry lines go to Augeas: blank and comment lines are
 * told by their first byte (line_kind), and the lens's per-line cost
 * (glibc's regexec with registers, about 1,000 instructions a byte) is
 * not paid for them. */
static int parse_group(struct sg_parser *p, struct sg_parse_input *in,
                       const struct piece *pc, size_t n, struct sg_diags *diags)
{
    int r = store_entries(p, in, pc, n);
    if (r == -EINVAL) {
        if (n > 1) {
            aug_rm(p->aug, "/augeas/text");
            return parse_alone(p, in, pc, n, diags);
        }
        in[pc[0].in].result = store_error(p, in[pc[0].in].file, pc[0].text,
                                          pc[0].len, pc[0].line0, diags);
        return 0;
    }
    return r < 0 ? r : walk_group(p, in, pc, n, r == 0, diags);
}

/* Cut TEXT (input I) into pieces of whole lines. */
static int cut(size_t i, const char *text, struct piece **v, size_t *n,
               size_t *cap)
{
    unsigned line0 = 0;
    size_t len = strlen(text);
    while (len > 0) {
        size_t take = len;
        if (take > SG_PARSE_CHUNK) {
            take = SG_PARSE_CHUNK;
            while (take > 0 && text[take - 1] != '\n')
                take--;
            if (take == 0) { /* one very long line: up to its end */
                const char *e = memchr(text, '\n', len);
                take = e ? (size_t)(e - text) + 1 : len;
            }
        }
        if (sg_grow((void **)v, sizeof(**v), *n, cap) < 0)
            return -ENOMEM;
        (*v)[(*n)++] = (struct piece){i, text, take, line0};
        for (size_t k = 0; k < take; k++)
            line0 += text[k] == '\n';
        text += take;
        len -= take;
    }
    return 0;
}

int sg_parse_batch(struct sg_parser *p, struct sg_parse_input *in, size_t n,
                   struct sg_diags *diags)
{
    char **copies = calloc(n ? n : 1, sizeof(*copies));
    struct piece *pc = NULL;
    size_t npc = 0, cap = 0;
    int r = copies ? 0 : -ENOMEM;

    for (size_t i = 0; i < n && r == 0; i++) {
        bool added;
        const char *bad = augeas_unsafe_byte(in[i].text);
        in[i].result = 0;
        if (bad) {
            in[i].result = -EINVAL;
            r = sg_diag_add(diags, SG_SEV_ERROR, "binary", in[i].file,
                            line_of(in[i].text, bad),
                            "contains the control byte 0x%02x, not a text "
                            "file: ignored",
                            (unsigned)*bad);
            continue;
        }
        /* The lens needs a final "\n" (see lenses/sysctl_guard.aug). */
        const char *t = with_final_newline(in[i].text, &copies[i], &added);
        r = t ? cut(i, t, &pc, &npc, &cap) : -ENOMEM;
    }
    /* The lens is line by line, so pieces parse as one: one store and one
     * walk for each group of them. */
    for (size_t i = 0; i < npc && r == 0;) {
        size_t j = i, bytes = 0;
        while (j < npc && (j == i || bytes + pc[j].len <= SG_PARSE_CHUNK))
            bytes += pc[j++].len;
        r = parse_group(p, in, pc + i, j - i, diags);
        i = j;
    }
    for (size_t i = 0; copies && i < n; i++)
        free(copies[i]);
    free(copies);
    free(pc);
    return r;
}

int sg_parse_text(struct sg_parser *p, const char *file, const char *text,
                  struct sg_assignments *out, struct sg_diags *diags)
{
    struct sg_parse_input in = {.file = file, .text = text, .out = out};
    int r = sg_parse_batch(p, &in, 1, diags);
    return r < 0 ? r : in.result;
}

/* The lens needs a final "\n": add it when missing (*ADDED says so). */
static const char *with_final_newline(const char *text, char **copy,
                                      bool *added)
{
    size_t len = strlen(text);

    *copy = NULL;
    *added = len > 0 && text[len - 1] != '\n';
    if (!*added)
        return text;
    *copy = sg_strdup_printf("%s\n", text);
    return *copy;
}

/* The whole of TEXT through the lens, each line's node against what
 * line_kind says of the line (parse.h). */
int sg_parse_check_kinds(struct sg_parser *p, const char *text)
{
    char *copy;
    bool added;
    const char *t = with_final_newline(text, &copy, &added);
    int r = -EINVAL;

    if (!t)
        return -ENOMEM;
    if (!augeas_unsafe_byte(t) && aug_set(p->aug, TEXT_NODE, t) == 0 &&
        aug_text_store(p->aug, LENS, TEXT_NODE, TREE_NODE) == 0) {
        int nl = aug_defvar(p->aug, "l", TREE_NODE "/*"), node = 0;
        const char *q = t, *end = t + strlen(t);
        struct line l;
        r = nl < 0 ? -ENOMEM : 0;
        while (r == 0 && next_line(&q, end, &l)) {
            const char *label = NULL;
            if (l.kind == LINE_BLANK)
                continue;
            char *path = NULL, *flag = NULL;
            if (node >= nl ||
                aug_ns_attr(p->aug, "l", node, NULL, &label, NULL) != 1 ||
                !label ||
                (strcmp(label, "#comment") == 0) != (l.kind == LINE_COMMENT))
                r = -EDOM;
            /* an entry's ignore_failure node: there exactly when the line
             * starts with "-" (read_entry asks for it only then).
             * aug_ns_path's header promises 1 on success, Augeas 1.14
             * returns 0: only a negative value fails. */
            else if (l.kind == LINE_ENTRY &&
                     (aug_ns_path(p->aug, "l", node, &path) < 0 || !path))
                r = -EDOM;
            else if (l.kind == LINE_ENTRY &&
                     !(flag = sg_strdup_printf("%s/ignore_failure", path)))
                r = -ENOMEM;
            else if (l.kind == LINE_ENTRY &&
                     (aug_match(p->aug, flag, NULL) == 1) != l.dash)
                r = -EDOM;
            free(path);
            free(flag);
            node++;
        }
        if (r == 0 && node != nl)
            r = -EDOM;
        if (nl >= 0)
            aug_defvar(p->aug, "l", NULL);
    }
    aug_rm(p->aug, TREE_NODE);
    aug_rm(p->aug, "/augeas/text");
    free(copy);
    return r;
}

/* Store TEXT (with its final "\n") and write the tree back: the put
 * direction of the lens, whole. */
int sg_parse_roundtrip(struct sg_parser *p, const char *text, char **out)
{
    char *copy;
    bool added;
    const char *in = with_final_newline(text, &copy, &added);
    const char *res = NULL;
    int r = -EINVAL;

    *out = NULL;
    if (!in)
        return -ENOMEM;
    if (augeas_unsafe_byte(text)) {
        free(copy);
        return -EINVAL;
    }
    if (aug_set(p->aug, TEXT_NODE, in) == 0 &&
        aug_text_store(p->aug, LENS, TEXT_NODE, TREE_NODE) == 0 &&
        aug_text_retrieve(p->aug, LENS, TEXT_NODE, TREE_NODE, OUT_NODE) == 0 &&
        aug_get(p->aug, OUT_NODE, &res) == 1 && res) {
        *out = strdup(res);
        r = *out ? 0 : -ENOMEM;
        size_t len = *out ? strlen(*out) : 0;
        if (added && len > 0 && (*out)[len - 1] == '\n')
            (*out)[len - 1] = '\0';
    }
    aug_rm(p->aug, TREE_NODE);
    aug_rm(p->aug, OUT_NODE);
    aug_rm(p->aug, "/augeas/text");
    free(copy);
    return r;
}

/* Run the lens over the one-line text LINE ("...\n"), let EDIT change its
 * tree, and give back what the lens writes (*OUT, with its "\n"). */
static int lens_line(struct sg_parser *p, const char *line,
                     int (*edit)(struct sg_parser *, const void *),
                     const void *ctx, char **out)
{
    const char *res = NULL;
    int r = -EINVAL;

    *out = NULL;
    if (aug_set(p->aug, TEXT_NODE, line) == 0 &&
        aug_text_store(p->aug, LENS, TEXT_NODE, TREE_NODE) == 0 &&
        (r = edit(p, ctx)) == 0) {
        r = -EINVAL;
        if (aug_text_retrieve(p->aug, LENS, TEXT_NODE, TREE_NODE, OUT_NODE) ==
                0 &&
            aug_get(p->aug, OUT_NODE, &res) == 1 && res) {
            *out = strdup(res);
            r = *out ? 0 : -ENOMEM;
        }
    }
    aug_rm(p->aug, TREE_NODE);
    aug_rm(p->aug, OUT_NODE);
    aug_rm(p->aug, "/augeas/text");
    return r;
}

/* A SET: the line's one entry gets the new value. */
static int set_value(struct sg_parser *p, const void *value)
{
    if (aug_match(p->aug, TREE_NODE "/*[key]", NULL) != 1)
        return -ENOENT;
    return aug_set(p->aug, TREE_NODE "/*[key]/value", value) == 0 ? 0 : -ENOENT;
}

struct appends {
    const struct sg_line_edit *v;
    size_t n;
};

/* APPENDs: new entries "key = value", in order, into an empty tree. */
static int add_entries(struct sg_parser *p, const void *ctx)
{
    const struct appends *a = ctx;
    for (size_t i = 0; i < a->n; i++) {
        char *k = sg_strdup_printf(TREE_NODE "/%zu/key", i + 1);
        char *v = sg_strdup_printf(TREE_NODE "/%zu/value", i + 1);
        int r = k && v && aug_set(p->aug, k, a->v[i].key) == 0 &&
                        aug_set(p->aug, v, a->v[i].value) == 0
                    ? 0
                    : -ENOMEM;
        free(k);
        free(v);
        if (r < 0)
            return r;
    }
    return 0;
}

static int cmp_edit_line(const void *x, const void *y)
{
    const struct sg_line_edit *const *a = x, *const *b = y;
    return ((*a)->line > (*b)->line) - ((*a)->line < (*b)->line);
}

/* Append the lens's one-line output L (ending in "\n") with the line end
 * EOL instead of its "\n". */
static int add_with_eol(struct sg_buf *b, const char *l, const char *eol)
{
    size_t n = strlen(l);
    if (n > 0 && l[n - 1] == '\n')
        n--;
    return sg_buf_add(b, l, n) < 0 || sg_buf_add(b, eol, strlen(eol)) < 0
               ? -ENOMEM
               : 0;
}

/* A set that keeps the front of a value ("1 # only for the proxy" -> "1")
 * drops text that its writer meant as a comment: it goes on a comment line
 * of its own above the line, with the line's indentation and line end. */
static int kept_comment(const char *content, size_t len, const char *value,
                        const char *eol, struct sg_buf *out)
{
    const char *eq = memchr(content, '=', len), *end = content + len;
    size_t vl = value ? strlen(value) : 0, ind = 0;

    if (!eq || !value)
        return 0;
    const char *v = eq + 1;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    if ((size_t)(end - v) <= vl || memcmp(v, value, vl) != 0)
        return 0;
    const char *rest = v + vl;
    while (rest < end && (*rest == ' ' || *rest == '\t'))
        rest++;
    if (rest == v + vl || rest == end || (*rest != '#' && *rest != ';'))
        return 0;
    while (ind < len && (content[ind] == ' ' || content[ind] == '\t'))
        ind++;
    return sg_buf_add(out, content, ind) < 0 ||
                   sg_buf_add(out, rest, (size_t)(end - rest)) < 0 ||
                   sg_buf_add(out, *eol ? eol : "\n", *eol ? strlen(eol) : 1) <
                       0
               ? -ENOMEM
               : 0;
}

/* One edited line: CONTENT (LEN bytes, its end "\r\n", "\n" or "" cut
 * off and given as EOL) turned by E into what OUT gets. */
static int edit_line(struct sg_parser *p, const char *content, size_t len,
                     const char *eol, const struct sg_line_edit *e,
                     struct sg_buf *out)
{
    char *line = NULL, *res = NULL;
    int r;

    switch (e->op) {
    case SG_LINE_REMOVE:
        return 0;
    case SG_LINE_COMMENT:
        /* What the lens writes for a #comment node: its value verbatim. */
        return sg_buf_add(out, "# ", 2) < 0 ||
                       sg_buf_add(out, content, len) < 0 ||
                       sg_buf_add(out, eol, strlen(eol)) < 0
                   ? -ENOMEM
                   : 0;
    case SG_LINE_SET:
        r = kept_comment(content, len, e->value, eol, out);
        if (r < 0)
            return r;
        line = sg_strdup_printf("%.*s\n", (int)len, content);
        if (!line)
            return -ENOMEM;
        r = lens_line(p, line, set_value, e->value, &res);
        if (r == 0)
            r = add_with_eol(out, res, eol);
        free(line);
        free(res);
        return r;
    case SG_LINE_APPEND:
        break;
    }
    return -EINVAL;
}

int sg_parse_edit(struct sg_parser *p, const char *text,
                  const struct sg_line_edit *edits, size_t n, char **out)
{
    return sg_parse_edit_spans(p, text, edits, n, out, NULL);
}

int sg_parse_edit_spans(struct sg_parser *p, const char *text,
                        const struct sg_line_edit *edits, size_t n, char **out,
                        struct sg_span *spans)
{
    const struct sg_line_edit **byline = calloc(n ? n : 1, sizeof(*byline));
    struct sg_line_edit *adds = calloc(n ? n : 1, sizeof(*adds));
    struct sg_buf b = {0};
    size_t nl = 0, na = 0, k = 0;
    const char *crlf = NULL;
    int r = 0;

    *out = NULL;
    if (!byline || !adds) {
        r = -ENOMEM;
        goto out;
    }
    if (augeas_unsafe_byte(text)) {
        r = -EINVAL;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        const struct sg_line_edit *e = &edits[i];
        if ((e->value && strpbrk(e->value, "\n\r")) ||
            (e->key && strpbrk(e->key, "\n\r="))) {
            r = -EINVAL; /* would not be one line any more */
            goto out;
        }
        if (e->op == SG_LINE_APPEND)
            adds[na++] = *e;
        else
            byline[nl++] = e;
    }
    if (nl)
        qsort(byline, nl, sizeof(*byline), cmp_edit_line);
    /* Line by line: an unedited line is copied as it is; an edited one
     * goes through the lens on its own (the lens is line by line), so the
     * cost is linear in the text and every line keeps its own end. */
    unsigned no = 1;
    const char *at = text;
    while (*at && r == 0) {
        const char *e = strchr(at, '\n');
        size_t len = e ? (size_t)(e - at) + 1 : strlen(at);
        while (k < nl && byline[k]->line < no)
            k++; /* an edit of a line that is not there: none of ours */
        if (k < nl && byline[k]->line == no) {
            size_t cl = e ? (size_t)(e - at) : len;
            const char *eol = e ? "\n" : "";
            if (e && cl > 0 && at[cl - 1] == '\r') {
                cl--;
                eol = "\r\n";
            }
            size_t to = b.n;
            r = edit_line(p, at, cl, eol, byline[k], &b);
            for (; k < nl && byline[k]->line == no; k++)
                if (spans)
                    spans[byline[k] - edits] =
                        (struct sg_span){.at = (size_t)(at - text),
                                         .len = len,
                                         .to = to,
                                         .to_len = b.n - to};
        } else if (sg_buf_add(&b, at, len) < 0)
            r = -ENOMEM;
        if (e && !crlf)
            crlf = e > at && e[-1] == '\r' ? "\r\n" : "\n";
        at += len;
        no++;
    }
    if (r == 0 && k < nl)
        r = -ENOENT; /* an edit past the end of the text */
    if (r == 0 && na) {
        /* New lines at the end, in the file's line ends. */
        const char *eol = crlf ? crlf : "\n";
        struct appends a = {adds, na};
        char *res = NULL;
        size_t to = b.n;
        if (b.n > 0 && b.v[b.n - 1] != '\n' &&
            sg_buf_add(&b, eol, strlen(eol)) < 0)
            r = -ENOMEM;
        if (r == 0)
            r = lens_line(p, "", add_entries, &a, &res);
        for (char *l = res; r == 0 && l && *l;) {
            char *e = strchr(l, '\n');
            size_t len = e ? (size_t)(e - l) : strlen(l);
            r = sg_buf_add(&b, l, len) < 0 ||
                        sg_buf_add(&b, eol, strlen(eol)) < 0
                    ? -ENOMEM
                    : 0;
            l += len + (e != NULL);
        }
        free(res);
        for (size_t i = 0; r == 0 && spans && i < n; i++)
            if (edits[i].op == SG_LINE_APPEND)
                spans[i] = (struct sg_span){
                    .at = strlen(text), .to = to, .to_len = b.n - to};
    }
    if (r == 0 && !b.v)
        r = sg_buf_add(&b, "", 0);
    if (r == 0) {
        *out = b.v;
        b.v = NULL;
    }
out:
    free(b.v);
    free(byline);
    free(adds);
    return r;
}
