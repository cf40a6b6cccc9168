/* The policy image (policy_image.h): each file's part of the shipped
 * policies, written and taken back by the loader, is what parsing the
 * file builds, field for field (written again, the same bytes; the rules'
 * files the paths given), whether the set is the shipped one, a part of
 * it or the shipped files beside an operator's (whose checks across the
 * files still run); a file of another name is parsed; an image cut
 * anywhere or with a count damaged is refused, never read past (the unit
 * tests run under ASan too). */
#include "check.h"
#include "policy.h"
#include "policy_image.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* PARTS[0..N) as an image: a new buffer, *LEN bytes. */
static unsigned char *image_of(const struct sg_policies *parts, size_t n,
                               size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    if (!f)
        return NULL;
    int r = sg_policy_image_write(f, parts, n);
    fclose(f);
    if (r < 0) {
        free(buf);
        return NULL;
    }
    return (unsigned char *)buf;
}

/* Each of FILES[0..N) loaded alone (sg_policies_load_part): PARTS, 0 or
 * the first failure. */
static int load_parts(char *const *files, size_t n, struct sg_policies *parts)
{
    struct sg_diags d = {0};
    int r = 0;
    for (size_t i = 0; i < n; i++)
        if (sg_policies_load_part(files[i], SG_SRCDIR "/policies/policy.rng",
                                  &parts[i], &d) != 0 &&
            r == 0)
            r = -1;
    sg_diags_free(&d);
    return r;
}

static void free_parts(struct sg_policies *parts, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sg_policies_free(&parts[i]);
}

/* sg_policy_trust's VOUCH as the binary's (data.c), vouching for every
 * file: taken from the image in DATA when it is there, else parsed
 * without validating. */
static int vouch_all(const struct sg_policy_trust *t, const char *path,
                     const char *buf, size_t len, struct sg_policies *ps,
                     size_t *index)
{
    (void)buf, (void)len;
    int r =
        t->data ? sg_policy_image_append(t->data, t->len, path, ps, index) : 0;
    return r < 0 ? r : r == 1 ? SG_VOUCH_TAKEN : SG_VOUCH_VALID;
}

/* Every file of FILES[0..N) taken from IMG (LEN bytes) into PS, in turn:
 * 1 when each was there, else the first other answer. */
static int append_all(const unsigned char *img, size_t len, char *const *files,
                      size_t n, struct sg_policies *ps)
{
    memset(ps, 0, sizeof(*ps));
    for (size_t i = 0; i < n; i++) {
        size_t at = 0;
        int r = sg_policy_image_append(img, len, files[i], ps, &at);
        if (r != 1)
            return r;
        if (at != i)
            return -1;
    }
    return 1;
}

/* Cut at every length, and with each count-sized word made huge: never
 * all of the files (never past the end), and nothing left behind (ASan's
 * leak check). */
static void damaged(const unsigned char *img, size_t len, char *const *files,
                    size_t n)
{
    struct sg_policies ps;
    size_t accepted = 0, step = len / 3000 + 1;
    for (size_t cut = 0; cut < len; cut += step) {
        accepted += append_all(img, cut, files, n, &ps) == 1;
        sg_policies_free(&ps);
    }
    CHECK(accepted == 0);
    /* four bytes made 0xfe anywhere: a length or count of ~4G where they
     * fall on one (refused, nothing allocated for it), text where they
     * fall in a string (read as such); never read past the end */
    unsigned char *copy = malloc(len);
    size_t refused = 0;
    for (size_t at = 28; copy && at + 4 <= len; at += step * 4) {
        memcpy(copy, img, len);
        memset(copy + at, 0xfe, 4);
        refused += append_all(copy, len, files, n, &ps) == -22;
        sg_policies_free(&ps);
    }
    CHECK(copy && refused > 0);
    free(copy);
}

/* ---- the loader's structs, field by field (not through the image) ---- */

static size_t differ;

static void same_str(const char *a, const char *b)
{
    differ += (a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0);
}

static void same_range(const struct sg_krange *a, const struct sg_krange *b)
{
    differ +=
        a->has_from != b->has_from || a->has_before != b->has_before ||
        (a->has_from && memcmp(&a->from, &b->from, sizeof(a->from))) ||
        (a->has_before && memcmp(&a->before, &b->before, sizeof(a->before)));
}

static void same_cond(const struct sg_cond *a, const struct sg_cond *b)
{
    differ += a->kind != b->kind || a->n_kids != b->n_kids;
    for (size_t i = 0; i < a->n_kids && i < b->n_kids; i++)
        same_cond(&a->kids[i], &b->kids[i]);
    const struct sg_check *x = &a->check, *y = &b->check;
    same_str(x->key, y->key);
    same_str(x->value, y->value);
    same_str(x->than_key, y->than_key);
    differ += x->of != y->of || x->field != y->field || x->op != y->op ||
              x->than != y->than || x->than_field != y->than_field ||
              x->has_re != y->has_re || x->line != y->line;
}

static void same_rule(const struct sg_rule *a, const struct sg_rule *b)
{
    same_str(a->id, b->id);
    same_str(a->key, b->key);
    same_str(a->diagnostic, b->diagnostic);
    same_str(a->title, b->title);
    same_str(a->message, b->message);
    same_str(a->rationale, b->rationale);
    same_str(a->fix_value, b->fix_value);
    same_str(a->file, b->file);
    differ += a->severity != b->severity ||
              a->has_ignored_severity != b->has_ignored_severity ||
              a->ignored_severity != b->ignored_severity ||
              a->on_lines != b->on_lines || a->on_sourced != b->on_sourced ||
              a->profiles_not != b->profiles_not || a->fix != b->fix ||
              a->line != b->line || a->n_profiles != b->n_profiles ||
              a->n_refs != b->n_refs;
    same_range(&a->kernel, &b->kernel);
    for (size_t i = 0; i < a->n_profiles && i < b->n_profiles; i++)
        same_str(a->profiles[i], b->profiles[i]);
    for (size_t i = 0; i < a->n_refs && i < b->n_refs; i++) {
        same_str(a->refs[i].href, b->refs[i].href);
        same_str(a->refs[i].text, b->refs[i].text);
    }
    same_cond(&a->when, &b->when);
}

/* Whether A and B hold the same policies (the catalog aside). */
static bool same_policies(const struct sg_policies *a,
                          const struct sg_policies *b)
{
    differ = a->n_files != b->n_files || a->n_profiles != b->n_profiles ||
             a->n_keys != b->n_keys || a->n_rules != b->n_rules ||
             a->wants_catalog != b->wants_catalog;
    for (size_t i = 0; i < a->n_files && i < b->n_files; i++)
        same_str(a->files[i], b->files[i]);
    for (size_t i = 0; i < a->n_profiles && i < b->n_profiles; i++) {
        same_str(a->profiles[i].name, b->profiles[i].name);
        same_str(a->profiles[i].doc, b->profiles[i].doc);
    }
    for (size_t i = 0; i < a->n_keys && i < b->n_keys; i++) {
        const struct sg_keyinfo *x = &a->keys[i], *y = &b->keys[i];
        same_str(x->name, y->name);
        same_str(x->doc, y->doc);
        same_str(x->file, y->file);
        same_range(&x->exists, &y->exists);
        differ += x->line != y->line || x->n_defaults != y->n_defaults;
        for (size_t j = 0; j < x->n_defaults && j < y->n_defaults; j++) {
            same_range(&x->defaults[j].range, &y->defaults[j].range);
            same_str(x->defaults[j].value, y->defaults[j].value);
        }
    }
    for (size_t i = 0; i < a->n_rules && i < b->n_rules; i++)
        same_rule(&a->rules[i], &b->rules[i]);
    return differ == 0;
}

/* A policy with every field away from its default (two files: a profile
 * declared twice keeps the first), loaded from a directory of its own,
 * and read back from its image: the same policies. */
static const char every_a[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<policy xmlns=\"urn:sysctl-guard:policy:1\" id=\"a\">\n"
    "  <title>Every field</title>\n"
    "  <profile name=\"edge\">An edge host.</profile>\n"
    "  <profile name=\"core\">A core host.</profile>\n"
    "  <key name=\"net.core.somaxconn\" since=\"2.6.20\" until=\"9.0\">\n"
    "    <doc>The backlog.</doc>\n"
    "    <default before=\"5.4\" value=\"128\"/>\n"
    "    <default from=\"5.4\" value=\"4096\"/>\n"
    "  </key>\n"
    "  <key name=\"net/ipv4/tcp_fin_timeout\"/>\n"
    "  <rule id=\"all-fields\" severity=\"error\" ignored-severity=\"info\" "
    "key=\"net.core.somaxconn\" on=\"lines\">\n"
    "    <title>All the fields</title>\n"
    "    <kernel from=\"4.9\" before=\"6.6\"/>\n"
    "    <profiles not=\"true\">edge core</profiles>\n"
    "    <when>\n"
    "      <any>\n"
    "        <check op=\"matches\" value=\"^x[0-9]+\"/>\n"
    "        <not><check key=\"net.ipv4.tcp_fin_timeout\" of=\"field2\" "
    "op=\"gt\" value=\"3\"/></not>\n"
    "        <check op=\"lt\" than=\"default\"/>\n"
    "      </any>\n"
    "      <check op=\"gt\" of=\"field2\" than=\"field1\"/>\n"
    "      <check op=\"ne\" than=\"net.ipv4.tcp_fin_timeout\"/>\n"
    "      <check op=\"in\" of=\"span\" value=\"1 2 3\"/>\n"
    "      <check op=\"eq\" of=\"parity\" than=\"live\"/>\n"
    "    </when>\n"
    "    <message>{key} is {value}; {field1}</message>\n"
    "    <rationale>Because.</rationale>\n"
    "    <reference href=\"https://example.org/a\">A</reference>\n"
    "    <reference href=\"https://example.org/b\">B</reference>\n"
    "    <fix action=\"set\" value=\"{field1}\"/>\n"
    "  </rule>\n"
    "</policy>\n";
static const char every_b[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<policy xmlns=\"urn:sysctl-guard:policy:1\" id=\"b\">\n"
    "  <title>A second file</title>\n"
    "  <profile name=\"edge\">Declared again: the first stays.</profile>\n"
    "  <rule id=\"sourced\" severity=\"warning\" key=\"*\" on=\"sourced\">\n"
    "    <title>t</title>\n"
    "    <when><check op=\"unknown-key\"/></when>\n"
    "    <message>m</message>\n"
    "    <rationale>r</rationale>\n"
    "    <reference href=\"https://example.org/\">ref</reference>\n"
    "    <fix action=\"load-module\"/>\n"
    "  </rule>\n"
    "  <rule id=\"diag\" severity=\"info\" diagnostic=\"not-assignment\">\n"
    "    <title>t</title>\n"
    "    <message>{diagnostic}</message>\n"
    "    <rationale>r</rationale>\n"
    "    <reference href=\"https://example.org/\">ref</reference>\n"
    "  </rule>\n"
    "</policy>\n";

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CHECK(f && fputs(text, f) >= 0 && fclose(f) == 0);
}

static void every_field(void)
{
    char dir[] = "/tmp/sg-policy-image-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char *pa = sg_strdup_printf("%s/a.xml", dir),
         *pb = sg_strdup_printf("%s/b.xml", dir);
    write_file(pa, every_a);
    write_file(pb, every_b);
    const char *paths[] = {dir};
    char *files[] = {pa, pb};
    struct sg_policies ps, back, parts[2];
    struct sg_diags d = {0};
    CHECK(sg_policies_load(paths, 1, SG_SRCDIR "/policies/policy.rng", &ps,
                           &d) == 0 &&
          d.n == 0 && ps.n_rules == 3 && ps.n_profiles == 2 &&
          ps.rules[0].profiles_not && ps.rules[1].on_sourced);
    CHECK(load_parts(files, 2, parts) == 0 && parts[1].n_profiles == 1);
    size_t len = 0;
    unsigned char *img = image_of(parts, 2, &len);
    struct sg_policy_trust trust = {vouch_all, 2, img, len};
    CHECK(img &&
          sg_policies_load_trusting(paths, 1, SG_SRCDIR "/policies/policy.rng",
                                    &trust, &back, &d) == 0 &&
          d.n == 0);
    CHECK(same_policies(&ps, &back));
    /* and the comparison sees a difference */
    back.rules[0].profiles_not = false;
    CHECK(!same_policies(&ps, &back));
    sg_policies_free(&back);
    /* what was taken is the image's: a file changed since (and vouched
     * for all the same) is not parsed */
    char *changed = sg_strdup_printf("%s", every_a);
    char *t = changed ? strstr(changed, "All the fields") : NULL;
    CHECK(t != NULL);
    if (t)
        memcpy(t, "Any", 3);
    write_file(pa, changed);
    CHECK(sg_policies_load_trusting(paths, 1, SG_SRCDIR "/policies/policy.rng",
                                    &trust, &back, &d) == 0 &&
          same_policies(&ps, &back));
    sg_policies_free(&back);
    trust.data = NULL; /* parsed: the new title */
    CHECK(sg_policies_load_trusting(paths, 1, SG_SRCDIR "/policies/policy.rng",
                                    &trust, &back, &d) == 0 &&
          !same_policies(&ps, &back) &&
          strcmp(back.rules[0].title, "Any the fields") == 0);
    sg_policies_free(&back);
    free(changed);
    free_parts(parts, 2);
    free(img);
    sg_policies_free(&ps);
    sg_diags_free(&d);
    remove(pa);
    remove(pb);
    rmdir(dir);
    free(pa);
    free(pb);
}

/* The messages of D, one a line: what two loads said, compared. */
static char *said(const struct sg_diags *d)
{
    struct sg_buf b = {0};
    for (size_t i = 0; i < d->n; i++)
        sg_buf_printf(&b, "%s:%u: %s\n", d->v[i].file ? d->v[i].file : "-",
                      d->v[i].line, d->v[i].message);
    return b.v ? b.v : strdup("");
}

/* PATHS loaded parsing every file, and with the image: the same policies,
 * return and diagnostics. */
static void same_either_way(const char *const *paths, size_t n,
                            const struct sg_policy_trust *trust)
{
    const char *rng = SG_SRCDIR "/policies/policy.rng";
    struct sg_policies a, b;
    struct sg_diags da = {0}, db = {0};
    int ra = sg_policies_load(paths, n, rng, &a, &da);
    int rb = sg_policies_load_trusting(paths, n, rng, trust, &b, &db);
    char *sa = said(&da), *sb = said(&db);
    CHECK(ra == rb);
    CHECK(sa && sb && strcmp(sa, sb) == 0);
    if (ra == 0)
        CHECK(same_policies(&a, &b));
    if (sa && sb && strcmp(sa, sb) != 0)
        fprintf(stderr, "parsed:\n%swith the image:\n%s", sa, sb);
    free(sa);
    free(sb);
    sg_policies_free(&a);
    sg_policies_free(&b);
    sg_diags_free(&da);
    sg_diags_free(&db);
}

/* A part of a set that does not hold alone (x.xml names a profile only
 * y.xml declares), the image of both: x.xml alone is checked as a set
 * and refused either way; both hold either way; y.xml twice is refused
 * either way. */
static void part_checked(void)
{
    char dir[] = "/tmp/sg-policy-image-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char *px = sg_strdup_printf("%s/x.xml", dir),
         *py = sg_strdup_printf("%s/y.xml", dir);
    const char *decl = strstr(every_b, "  <profile name=\"edge\">");
    const char *decl_end = decl ? strstr(decl, "\n") + 1 : NULL;
    const char *title = strstr(every_b, "<title>t</title>\n    <message>");
    CHECK(decl && title && decl < title);
    char *x = sg_strdup_printf(
        "%.*s%.*s<title>t</title>\n    <profiles>edge</profiles>%s",
        (int)(decl - every_b), every_b, (int)(title - decl_end), decl_end,
        title + strlen("<title>t</title>"));
    write_file(px, x);
    write_file(py, every_a);
    char *files[] = {px, py};
    struct sg_policies parts[2];
    CHECK(load_parts(files, 2, parts) == 0);
    size_t len = 0;
    unsigned char *img = image_of(parts, 2, &len);
    struct sg_policy_trust trust = {vouch_all, 2, img, len};
    const char *alone[] = {px}, *both[] = {dir};
    struct sg_policies ps;
    struct sg_diags d = {0};
    CHECK(sg_policies_load_trusting(alone, 1, SG_SRCDIR "/policies/policy.rng",
                                    &trust, &ps, &d) == -EINVAL &&
          d.n == 1 && strstr(d.v[0].message, "profile edge is not declared"));
    sg_policies_free(&ps);
    sg_diags_free(&d);
    same_either_way(alone, 1, &trust);
    same_either_way(both, 1, &trust);
    /* as many files as the image has, but one of them twice: its rules
     * twice, said either way */
    const char *twice[] = {py, py};
    same_either_way(twice, 2, &trust);
    free_parts(parts, 2);
    free(img);
    free(x);
    remove(px);
    remove(py);
    rmdir(dir);
    free(px);
    free(py);
}

int main(void)
{
    every_field();
    part_checked();
    const char *paths[] = {SG_SRCDIR "/policies"};
    struct sg_policies ps, back;
    struct sg_diags d = {0};
    CHECK(sg_policies_load(paths, 1, SG_SRCDIR "/policies/policy.rng", &ps,
                           &d) == 0 &&
          d.n == 0 && ps.n_rules > 0 && ps.n_keys > 0);

    /* the files, as sg_policies_files lists them: the loader's own */
    char **files = NULL;
    size_t n = 0;
    CHECK(sg_policies_files(paths, 1, &files, &n) == 0 && n == ps.n_files &&
          n > 2);
    for (size_t i = 0; i < n && i < ps.n_files; i++)
        CHECK_STR(files[i], ps.files[i]);
    struct sg_policies *parts = calloc(n, sizeof(*parts));
    CHECK(parts && load_parts(files, n, parts) == 0);
    size_t len = 0, len2 = 0;
    unsigned char *img = image_of(parts, n, &len);
    CHECK(img != NULL && len > 1000 && sg_policy_image_count(img, len) == n);

    /* the shipped set through the loader: the same policies */
    struct sg_policy_trust trust = {vouch_all, n, img, len};
    CHECK(sg_policies_load_trusting(paths, 1, SG_SRCDIR "/policies/policy.rng",
                                    &trust, &back, &d) == 0 &&
          d.n == 0);
    CHECK(same_policies(&ps, &back));
    sg_policies_free(&back);

    /* each file taken back alone, written again: the same bytes */
    struct sg_policies *again = calloc(n, sizeof(*again));
    for (size_t i = 0; again && i < n; i++) {
        size_t at = n;
        CHECK(sg_policy_image_append(img, len, files[i], &again[i], &at) == 1 &&
              at == i && again[i].n_files == 1);
    }
    unsigned char *img2 = again ? image_of(again, n, &len2) : NULL;
    CHECK(img2 && len2 == len && memcmp(img2, img, len) == 0);
    free(img2);
    free_parts(again, n);
    free(again);

    CHECK(append_all(img, len, files, n, &back) == 1);
    CHECK(same_policies(&ps, &back));
    /* pointers into the paths given, not the image's names */
    size_t wrong = 0;
    for (size_t i = 0; i < back.n_rules; i++)
        wrong += strcmp(back.rules[i].file, ps.rules[i].file) != 0 ||
                 back.rules[i].line != ps.rules[i].line;
    for (size_t i = 0; i < back.n_keys; i++)
        wrong += strcmp(back.keys[i].file, ps.keys[i].file) != 0;
    CHECK(wrong == 0 && back.wants_catalog == ps.wants_catalog);
    /* a matching check's expression compiled again, and it matches */
    size_t res = 0;
    for (size_t i = 0; i < back.n_rules; i++)
        for (size_t j = 0; j < back.rules[i].when.n_kids; j++) {
            const struct sg_check *k = &back.rules[i].when.kids[j].check;
            if (back.rules[i].when.kids[j].kind == SG_COND_CHECK &&
                k->op == SG_OP_MATCHES) {
                res++;
                CHECK(k->has_re);
            }
        }
    CHECK(res > 0);
    sg_policies_free(&back);

    /* each shipped file alone (a part of the set, whose checks across
     * files run): what parsing it says */
    for (size_t i = 0; i < n; i++) {
        const char *one[] = {files[i]};
        same_either_way(one, 1, &trust);
    }
    /* the shipped files beside an operator's, which repeats a shipped
     * rule's id or is well-formed: what parsing them says */
    char dir[] = "/tmp/sg-policy-image-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char *own = sg_strdup_printf("%s/zz-own.xml", dir);
    write_file(own, every_b);
    const char *mixed[] = {paths[0], own};
    same_either_way(mixed, 2, &trust);
    /* the second rule's id made the first shipped rule's */
    const char *cut = strstr(every_b, "id=\"diag\"");
    CHECK(cut != NULL);
    char *dup =
        sg_strdup_printf("%.*sid=\"%s\"%s", (int)(cut - every_b), every_b,
                         ps.rules[0].id, cut + strlen("id=\"diag\""));
    CHECK(dup != NULL);
    write_file(own, dup);
    struct sg_policies bad;
    CHECK(sg_policies_load_trusting(mixed, 2, SG_SRCDIR "/policies/policy.rng",
                                    &trust, &bad, &d) == -EINVAL &&
          d.n > 0 && strstr(d.v[0].message, "duplicate rule id") != NULL);
    sg_policies_free(&bad);
    sg_diags_free(&d);
    same_either_way(mixed, 2, &trust);
    free(dup);
    remove(own);
    rmdir(dir);
    free(own);

    /* other files: one of another name is not the image's */
    CHECK(append_all(img, len, files, n - 1, &back) == 1 &&
          back.n_files == n - 1);
    sg_policies_free(&back);
    size_t at = 0;
    CHECK(sg_policy_image_append(img, len, "/elsewhere/other.xml", &back,
                                 &at) == 0 &&
          back.n_files == 0 && back.n_rules == 0);
    /* the same names in another directory: the image holds, with them */
    char **moved = calloc(n, sizeof(*moved));
    for (size_t i = 0; moved && i < n; i++)
        moved[i] = sg_strdup_printf("/srv/p/%s", strrchr(files[i], '/') + 1);
    CHECK(moved && append_all(img, len, moved, n, &back) == 1 &&
          strncmp(back.rules[0].file, "/srv/p/", 7) == 0);
    sg_policies_free(&back);
    sg_policies_files_free(moved, n);

    damaged(img, len, files, n);
    CHECK(sg_policy_image_append((const unsigned char *)"nope", 4, files[0],
                                 &back, &at) == -22 &&
          sg_policy_image_count((const unsigned char *)"nope", 4) == 0);
    sg_policies_free(&back);

    /* a directory that cannot be listed */
    const char *none[] = {"/nonexistent-sg/"};
    char **nf = NULL;
    size_t nn = 0;
    CHECK(sg_policies_files(none, 1, &nf, &nn) == 0 && nn == 1);
    sg_policies_files_free(nf, nn);

    free_parts(parts, n);
    free(parts);
    sg_policies_files_free(files, n);
    free(img);
    sg_policies_free(&ps);
    sg_diags_free(&d);
    return check_done("policy_image");
}
