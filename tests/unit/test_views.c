/* views: every row of the table renders a real run's result on memory
 * streams, and says the same things its format promises (JSON parses as
 * format "sysctl-guard/1", gcc lines are file:line:col, the Salt state
 * return has its four keys, the stateful line is the last); diagnostics
 * go to the error stream, never between the findings; a file name with a
 * control character never reaches the output raw. */
#include "check.h"
#include "tree.h"
#include "util.h"
#include "../../plugin/run/run.h"
#include "../../plugin/views/views.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

struct streams {
    char *out, *err;
    size_t n_out, n_err;
    FILE *o, *e;
};

static void open_streams(struct streams *s)
{
    memset(s, 0, sizeof(*s));
    s->o = open_memstream(&s->out, &s->n_out);
    s->e = open_memstream(&s->err, &s->n_err);
    if (!s->o || !s->e)
        exit(1);
}

static void close_streams(struct streams *s)
{
    fclose(s->o);
    fclose(s->e);
}

static void free_streams(struct streams *s)
{
    free(s->out);
    free(s->err);
}

static const char *env_or(const char *name, const char *dflt)
{
    const char *v = getenv(name);
    return v && *v ? v : dflt;
}

static int run(const char *root, enum sg_run_mode mode,
               const struct sg_policies *ps, struct sg_result *r)
{
    struct sg_run_opts o = {.mode = mode,
                            .root = root,
                            .set = {.kernel = "6.1.0-13-amd64"},
                            .lensdir = env_or("SYSCTL_GUARD_LENSDIR", "lenses"),
                            .fail_on = SG_SEV_WARNING,
                            .edits = true};
    char *err = NULL;
    int ret = sg_run(&o, ps, r, &err);
    free(err);
    return ret;
}

static void check_views(const struct sg_result *r, const char *root)
{
    struct sg_view_opts vo = {
        .fail_on = SG_SEV_WARNING, .name = root, .prog = "sysctl-guard"};
    size_t rows = 0;
    for (const struct sg_view *v = sg_views; v->name; v++, rows++) {
        struct streams s;
        if (!v->check)
            continue;
        open_streams(&s);
        vo.err = s.e;
        CHECK(v->check(s.o, r, &vo) == 0);
        close_streams(&s);
        CHECK(s.n_out > 0);
        if (strcmp(v->name, "text") == 0) {
            CHECK(strstr(s.out, "[tw-recycle-removed]") != NULL);
            CHECK(strstr(s.out, "sysctl-guard: 2 errors") != NULL);
            /* The line that is no assignment: a finding of its own
             * (policies/input.xml), not a diagnostic on err. */
            CHECK(strstr(s.out, "junk line") != NULL &&
                  strstr(s.out, "[syntax-not-assignment]") != NULL);
            CHECK(strstr(s.err, "junk line") == NULL);
            CHECK(strchr(s.out, '\033') == NULL); /* colour off */
        } else if (strcmp(v->name, "json") == 0 ||
                   strcmp(v->name, "sarif") == 0 ||
                   strcmp(v->name, "salt") == 0) {
            cJSON *j = cJSON_Parse(s.out);
            CHECK(j != NULL);
            if (strcmp(v->name, "json") == 0)
                CHECK_STR(
                    cJSON_GetStringValue(cJSON_GetObjectItem(j, "format")),
                    "sysctl-guard/1");
            else if (strcmp(v->name, "sarif") == 0)
                CHECK_STR(
                    cJSON_GetStringValue(cJSON_GetObjectItem(j, "version")),
                    "2.1.0");
            else
                /* Salt's four keys, and the check for report. */
                CHECK(cJSON_GetArraySize(j) == 5 &&
                      cJSON_IsObject(cJSON_GetObjectItem(j, "sysctl_guard")) &&
                      cJSON_IsFalse(cJSON_GetObjectItem(j, "result")) &&
                      cJSON_GetObjectItem(j, "changes") &&
                      cJSON_GetObjectItem(j, "comment"));
            cJSON_Delete(j);
        } else if (strcmp(v->name, "gcc") == 0) {
            CHECK(strstr(s.out, "/etc/sysctl.d/60-tuning.conf:1:1: error: ") !=
                  NULL);
        } else if (strcmp(v->name, "github") == 0) {
            /* One workflow command per finding and diagnostic, the
             * title's ":" escaped as a property's is (%3A). */
            CHECK(strncmp(s.out, "::warning file=", 15) == 0 ||
                  strncmp(s.out, "::error file=", 13) == 0);
            CHECK(strstr(s.out, "/etc/sysctl.d/60-tuning.conf,line=1,"
                                "title=tw-recycle-removed%3A ") != NULL);
        } else if (strcmp(v->name, "gitlab") == 0) {
            /* A Code Quality report: the finding on line 1, by path. */
            cJSON *j = cJSON_Parse(s.out), *i = cJSON_GetArrayItem(j, 0);
            cJSON *loc = cJSON_GetObjectItem(i, "location");
            CHECK(cJSON_IsArray(j));
            CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(i, "severity")),
                      "major");
            CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(
                      cJSON_GetObjectItem(loc, "lines"), "begin")) == 1);
            cJSON_Delete(j);
        } else if (strcmp(v->name, "stateful") == 0) {
            const char *last = s.out + s.n_out - 1;
            while (last > s.out && last[-1] != '\n')
                last--;
            CHECK(strncmp(last, "changed=no comment='", 20) == 0);
        }
        free_streams(&s);
    }
    CHECK(rows >= 7);
}

/* The summary counts what it printed: a diagnostic no rule turned into a
 * finding (policies that leave input.xml out) is counted after the
 * findings, and "no findings" is not all it says. */
static void summary_counts_diagnostics(void)
{
    struct sg_diag d = {.severity = SG_SEV_WARNING,
                        .code = "not-assignment",
                        .file = "/etc/sysctl.d/a.conf",
                        .line = 1,
                        .message = "line is not an assignment, ignored: x"};
    struct sg_result r = {
        .mode = SG_RUN_CHECK,
        .report = {.kernel = "6.1", .diags = {.v = &d, .n = 1}}};
    struct streams s;
    struct sg_view_opts vo = {.prog = "sysctl-guard"};
    open_streams(&s);
    vo.err = s.e;
    CHECK(sg_view_text_check(s.o, &r, &vo) == 0);
    close_streams(&s);
    CHECK_STR(s.out, "sysctl-guard: no findings; 1 diagnostic (kernel 6.1, "
                     "0 files)\n");
    CHECK(strstr(s.err, "[not-assignment]") != NULL);
    free_streams(&s);
}

/* A fix's text view names each file through sg_vis: an ESC in a name
 * (cmd_fix.c printed them raw, issue 13) never reaches the terminal. */
static void control_bytes_in_names(void)
{
    char *fixes[] = {"tw-recycle-removed /etc/sysctl.d/\033[31mx.conf:1"};
    struct sg_change c = {.path = "/etc/sysctl.d/\033[31mx.conf",
                          .before = "a = 1\n",
                          .after = "",
                          .fixes = fixes,
                          .n_fixes = 1,
                          .written = true};
    struct sg_result r = {.mode = SG_RUN_FIX, .changes = {.v = &c, .n = 1}};
    struct streams s;
    struct sg_view_opts vo = {.prog = "sysctl-guard"};
    for (int preview = 0; preview < 2; preview++) {
        r.mode = preview ? SG_RUN_PREVIEW : SG_RUN_FIX;
        open_streams(&s);
        vo.err = s.e;
        CHECK(sg_view_text_fix(s.o, &r, &vo) == 0);
        close_streams(&s);
        CHECK(s.n_out > 0 && memchr(s.out, '\033', s.n_out) == NULL);
        CHECK(strstr(s.out, "x.conf") != NULL);
        free_streams(&s);
    }
}

/* Workflow commands end at a line end and split properties at "," and
 * ":": a message or a name holding them is escaped as actions/toolkit
 * does (%25, %0D, %0A; in properties also %3A, %2C). */
static void github_escapes(void)
{
    struct sg_rule rule = {.id = "r", .title = "t: a, b"};
    struct sg_finding f = {.rule = &rule,
                           .severity = SG_SEV_INFO,
                           .file = "/etc/sysctl.d/a,b:c.conf",
                           .line = 3,
                           .message = "100% done\r\nnext line"};
    struct sg_result r = {.mode = SG_RUN_CHECK,
                          .report = {.findings = {.v = &f, .n = 1}}};
    struct streams s;
    struct sg_view_opts vo = {.prog = "sysctl-guard"};
    open_streams(&s);
    vo.err = s.e;
    CHECK(sg_view_github_check(s.o, &r, &vo) == 0);
    close_streams(&s);
    CHECK_STR(s.out, "::notice file=/etc/sysctl.d/a%2Cb%3Ac.conf,line=3,"
                     "title=r%3A t%3A a%2C b::100%25 done%0D%0Anext line\n");
    free_streams(&s);
}

/* A finding owns its fix: the run puts the spans of the plan's
 * operations on the finding itself (bytes of the text the report keeps),
 * a copy carries them, and SARIF counts their offsets in UTF-16 code
 * units of that text: "# \u00e9\U0001F600\n" is 9 bytes and 6 units. */
static void finding_owns_its_fix(const struct sg_policies *ps)
{
    char *root = tree_new("spans");
    tree_mkdir(root, "etc");
    tree_mkdir(root, "etc/sysctl.d");
    tree_put(root, "etc/sysctl.d/60-tuning.conf",
             "# \xc3\xa9\xf0\x9f\x98\x80\nnet.ipv4.tcp_tw_recycle = 1\n");
    struct sg_result r;
    CHECK(run(root, SG_RUN_CHECK, ps, &r) == 0);
    const struct sg_finding *f = NULL;
    for (size_t i = 0; i < r.report.findings.n; i++)
        if (!strcmp(r.report.findings.v[i].rule->id, "tw-recycle-removed"))
            f = &r.report.findings.v[i];
    CHECK(f && f->n_spans == 1);
    if (f && f->n_spans == 1) {
        CHECK_STR(f->spans[0].file, "/etc/sysctl.d/60-tuning.conf");
        CHECK(f->spans[0].at == 9);
        CHECK(f->spans[0].len == strlen("net.ipv4.tcp_tw_recycle = 1\n"));
        CHECK(sg_texts_get(&r.report.texts, f->spans[0].file) != NULL);
        struct sg_finding c;
        CHECK(sg_finding_copy(f, &c) == 0);
        CHECK(c.n_spans == 1 && c.spans != f->spans &&
              c.spans[0].insert != f->spans[0].insert &&
              !strcmp(c.spans[0].insert, f->spans[0].insert));
        sg_finding_clear(&c);
        struct streams s;
        struct sg_view_opts vo = {.fail_on = SG_SEV_WARNING, .prog = "x"};
        open_streams(&s);
        vo.err = s.e;
        CHECK(sg_view_sarif_check(s.o, &r, &vo) == 0);
        close_streams(&s);
        CHECK(strstr(s.out, "\"charOffset\":\t6,") != NULL);
        free_streams(&s);
    }
    sg_result_free(&r);
    tree_remove(root);
}

int main(void)
{
    const char *pd = env_or("SYSCTL_GUARD_POLICYDIR", "policies");
    char *schema = sg_strdup_printf("%s/policy.rng", pd);
    const char *paths[] = {pd};
    struct sg_policies ps;
    struct sg_diags d = {0};
    if (!schema || sg_policies_load(paths, 1, schema, &ps, &d) < 0)
        return 1;
    char *root = tree_new("views");
    tree_mkdir(root, "etc");
    tree_mkdir(root, "etc/sysctl.d");
    tree_put(root, "etc/sysctl.d/60-tuning.conf",
             "net.ipv4.tcp_tw_recycle = 1\njunk line\n");
    struct sg_result r;
    CHECK(run(root, SG_RUN_CHECK, &ps, &r) == 0);
    CHECK(r.status == SG_EXIT_FINDINGS);
    check_views(&r, root);
    sg_result_free(&r);
    finding_owns_its_fix(&ps);
    control_bytes_in_names();
    github_escapes();
    summary_counts_diagnostics();
    tree_remove(root);
    free(schema);
    sg_policies_free(&ps);
    sg_diags_free(&d);
    return check_done("views");
}
