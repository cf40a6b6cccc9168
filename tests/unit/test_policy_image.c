/* The policy image (policy_image.h): the shipped policies written and
 * read back are what the loader built, field for field (written again,
 * the same bytes; the rules' files the paths given); other files are not
 * these; an image cut anywhere or with a count damaged is refused, never
 * read past (the unit tests run under ASan too). */
#include "check.h"
#include "policy.h"
#include "policy_image.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* PS as an image: a new buffer, *LEN bytes. */
static unsigned char *image_of(const struct sg_policies *ps, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    if (!f)
        return NULL;
    int r = sg_policy_image_write(f, ps);
    fclose(f);
    if (r < 0) {
        free(buf);
        return NULL;
    }
    return (unsigned char *)buf;
}

/* Cut at every length, and with each count-sized word made huge: refused
 * (never 1), and nothing left behind (ASan's leak check). */
static void damaged(const unsigned char *img, size_t len, char *const *files,
                    size_t n)
{
    struct sg_policies ps;
    size_t accepted = 0, step = len / 3000 + 1;
    for (size_t cut = 0; cut < len; cut += step) {
        accepted += sg_policy_image_read(img, cut, files, n, &ps) == 1;
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
        refused += sg_policy_image_read(copy, len, files, n, &ps) == -22;
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

static void every_field(void)
{
    char dir[] = "/tmp/sg-policy-image-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char *pa = sg_strdup_printf("%s/a.xml", dir),
         *pb = sg_strdup_printf("%s/b.xml", dir);
    FILE *f = fopen(pa, "w");
    CHECK(f && fputs(every_a, f) >= 0 && fclose(f) == 0);
    f = fopen(pb, "w");
    CHECK(f && fputs(every_b, f) >= 0 && fclose(f) == 0);
    const char *paths[] = {dir};
    struct sg_policies ps, back;
    struct sg_diags d = {0};
    CHECK(sg_policies_load(paths, 1, SG_SRCDIR "/policies/policy.rng", &ps,
                           &d) == 0 &&
          d.n == 0 && ps.n_rules == 3 && ps.n_profiles == 2 &&
          ps.rules[0].profiles_not && ps.rules[1].on_sourced);
    size_t len = 0;
    unsigned char *img = image_of(&ps, &len);
    CHECK(img &&
          sg_policy_image_read(img, len, ps.files, ps.n_files, &back) == 1);
    CHECK(same_policies(&ps, &back));
    /* and the comparison sees a difference */
    back.rules[0].profiles_not = false;
    CHECK(!same_policies(&ps, &back));
    sg_policies_free(&back);
    free(img);
    sg_policies_free(&ps);
    sg_diags_free(&d);
    remove(pa);
    remove(pb);
    rmdir(dir);
    free(pa);
    free(pb);
}

int main(void)
{
    every_field();
    const char *paths[] = {SG_SRCDIR "/policies"};
    struct sg_policies ps, back;
    struct sg_diags d = {0};
    CHECK(sg_policies_load(paths, 1, SG_SRCDIR "/policies/policy.rng", &ps,
                           &d) == 0 &&
          d.n == 0 && ps.n_rules > 0 && ps.n_keys > 0);

    size_t len = 0, len2 = 0;
    unsigned char *img = image_of(&ps, &len);
    CHECK(img != NULL && len > 1000);

    /* the files, as sg_policies_files lists them: the loader's own */
    char **files = NULL;
    size_t n = 0;
    CHECK(sg_policies_files(paths, 1, &files, &n) == 0 && n == ps.n_files);
    for (size_t i = 0; i < n && i < ps.n_files; i++)
        CHECK_STR(files[i], ps.files[i]);

    CHECK(sg_policy_image_read(img, len, files, n, &back) == 1);
    CHECK(same_policies(&ps, &back));
    unsigned char *again = image_of(&back, &len2);
    CHECK(again && len2 == len && memcmp(again, img, len) == 0);
    free(again);
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

    /* other files: one fewer, or one of another name */
    CHECK(sg_policy_image_read(img, len, files, n - 1, &back) == 0 &&
          back.n_rules == 0);
    char *keep = files[0];
    files[0] = "/elsewhere/other.xml";
    CHECK(sg_policy_image_read(img, len, files, n, &back) == 0);
    files[0] = keep;
    /* the same names in another directory: the image holds, with them */
    char **moved = calloc(n, sizeof(*moved));
    for (size_t i = 0; moved && i < n; i++)
        moved[i] = sg_strdup_printf("/srv/p/%s", strrchr(files[i], '/') + 1);
    CHECK(moved && sg_policy_image_read(img, len, moved, n, &back) == 1 &&
          strncmp(back.rules[0].file, "/srv/p/", 7) == 0);
    sg_policies_free(&back);
    sg_policies_files_free(moved, n);

    damaged(img, len, files, n);
    CHECK(sg_policy_image_read((const unsigned char *)"nope", 4, files, n,
                               &back) == -22);

    /* a directory that cannot be listed */
    const char *none[] = {"/nonexistent-sg/"};
    char **nf = NULL;
    size_t nn = 0;
    CHECK(sg_policies_files(none, 1, &nf, &nn) == 0 && nn == 1);
    sg_policies_files_free(nf, nn);

    sg_policies_files_free(files, n);
    free(img);
    sg_policies_free(&ps);
    sg_diags_free(&d);
    return check_done("policy_image");
}
