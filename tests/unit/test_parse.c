/* The loader over the real lens: lines, flags, globs, line ends, and the
 * put direction (including a last line without "\n"). */
#include "check.h"
#include "parse.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct sg_parser *parser(void)
{
    struct sg_parser *p = NULL;
    char *err = NULL;
    const char *dir = getenv("SYSCTL_GUARD_LENSDIR");
    if (sg_parser_new(dir ? dir : "lenses", &p, &err) < 0) {
        fprintf(stderr, "parser: %s\n", err ? err : "?");
        free(err);
        exit(1);
    }
    return p;
}

static void roundtrip(struct sg_parser *p, const char *text)
{
    char *out = NULL;
    CHECK(sg_parse_roundtrip(p, text, &out) == 0);
    CHECK_STR(out, text);
    free(out);
}

/* Comments between entries, and a file cut into pieces: each entry's
 * line, and each directive aimed at the entry after it. */
static void lines_and_directives(struct sg_parser *p)
{
    struct sg_buf big = {0};
    for (unsigned i = 0; i < 3000; i++) /* 3 x 3000 lines, > 64 KiB */
        sg_buf_printf(&big, "# sysctl-guard: disable=r%u\n\nk%u = %u\n", i, i,
                      i);
    const char *texts[] = {"# only comments\n# sysctl-guard: disable=x\n",
                           big.v, "; c\nb = 1\n# sysctl-guard: disable=y\n"};
    struct sg_assignments as[3] = {{0}};
    struct sg_directives ds[3] = {{0}};
    struct sg_parse_input in[3];
    struct sg_diags d = {0};
    for (int i = 0; i < 3; i++)
        in[i] = (struct sg_parse_input){.file = "/f",
                                        .text = texts[i],
                                        .out = &as[i],
                                        .directives = &ds[i]};
    CHECK(sg_parse_batch(p, in, 3, &d) == 0 && d.n == 0);
    CHECK(in[0].result == 0 && as[0].n == 0 && ds[0].n == 1 &&
          ds[0].v[0].line == 2 && ds[0].v[0].target == 0);
    CHECK(in[1].result == 0 && as[1].n == 3000 && ds[1].n == 3000);
    for (size_t i = 0; i < as[1].n && i < ds[1].n; i++)
        if (as[1].v[i].line != 3 * i + 3 || ds[1].v[i].line != 3 * i + 1 ||
            ds[1].v[i].target != 3 * i + 3) {
            CHECK(!"entry or directive line");
            break;
        }
    CHECK(as[2].n == 1 && as[2].v[0].line == 2 && ds[2].n == 1 &&
          ds[2].v[0].target == 0);
    for (int i = 0; i < 3; i++) {
        sg_assignments_free(&as[i]);
        sg_directives_free(&ds[i]);
    }
    sg_diags_free(&d);
    free(big.v);
}

/* A lens that refuses "!" in values (a copy of the real one): the error
 * names the line of the file, comments before it counted. */
static void store_error_line(void)
{
    char dir[] = "/tmp/sg-test-lens-XXXXXX", path[64];
    const char *src = getenv("SYSCTL_GUARD_LENSDIR");
    char *lens = NULL,
         *from = sg_strdup_printf("%s/sysctl_guard.aug", src ? src : "lenses");
    size_t len = 0;
    int e = 0;
    CHECK(mkdtemp(dir) != NULL && from &&
          sg_read_file(from, &lens, &len, &e) == SG_READ_OK);
    char *at =
        lens ? strstr(lens, "let value_re    = /[^ \\t\\r\\n][^\\n]*/") : NULL;
    CHECK(at != NULL);
    if (!at) {
        free(lens);
        free(from);
        return;
    }
    /* no "!" past a value's first byte (one blank fewer before "=": the
     * same length) */
    static const char v[] = "let value_re   = /[^ \\t\\r\\n][^!\\n]*/";
    memcpy(at, v, sizeof(v) - 1);
    snprintf(path, sizeof(path), "%s/sysctl_guard.aug", dir);
    FILE *f = fopen(path, "w");
    CHECK(f && fputs(lens, f) >= 0 && fclose(f) == 0);
    struct sg_parser *bad = NULL;
    char *err = NULL;
    CHECK(sg_parser_new(dir, &bad, &err) == 0);
    struct sg_assignments as = {0};
    struct sg_diags d = {0};
    if (bad)
        CHECK(sg_parse_text(bad, "/e.conf",
                            "# one\n\n# two\na = 1\n# three\n"
                            "b = x!\n",
                            &as, &d) == -EINVAL);
    CHECK(d.n == 1 && d.v[0].line == 6 &&
          strcmp(d.v[0].code, "parse-error") == 0);
    sg_assignments_free(&as);
    sg_diags_free(&d);
    /* in a group of two files: the other one is read */
    struct sg_assignments as2[2] = {{0}};
    struct sg_parse_input in[2] = {
        {.file = "/g.conf", .text = "# x\na = 1\n", .out = &as2[0]},
        {.file = "/h.conf",
         .text = "# y\n;z\nb = 2\nc = !\nd = x!\n",
         .out = &as2[1]}};
    if (bad)
        CHECK(sg_parse_batch(bad, in, 2, &d) == 0);
    CHECK(in[0].result == 0 && as2[0].n == 1 && as2[0].v[0].line == 2);
    CHECK(in[1].result == -EINVAL && d.n == 1 && d.v[0].line == 5 &&
          strcmp(d.v[0].file, "/h.conf") == 0);
    sg_assignments_free(&as2[0]);
    sg_assignments_free(&as2[1]);
    sg_diags_free(&d);
    sg_parser_free(bad);
    free(err);
    free(lens);
    free(from);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    struct sg_parser *p = parser();
    struct sg_assignments as = {0};
    struct sg_diags d = {0};

    const char *text = "# head\n"
                       "\n"
                       "net.ipv4.tcp_tw_reuse = 1 # only for the proxy\n"
                       "   \t\n"
                       "-net.ipv4.ping_group_range = 0 2147483647\n"
                       "-net.ipv4.conf.all.rp_filter\n"
                       "net/ipv4/conf/eth0.100/rp_filter=2\r\n"
                       "kernel.sysrq\n"
                       "net.ipv4.conf.*.rp_filter =\n"
                       "vm.swappiness = 10"; /* no final newline */
    CHECK(sg_parse_text(p, "/t.conf", text, &as, &d) == 0);
    CHECK(as.n == 6);
    if (as.n == 6) {
        CHECK(as.v[0].line == 3);
        CHECK_STR(as.v[0].key, "net.ipv4.tcp_tw_reuse");
        CHECK_STR(as.v[0].value, "1 # only for the proxy");
        CHECK(as.v[1].line == 5 && as.v[1].ignore_failure);
        CHECK_STR(as.v[1].value, "0 2147483647");
        CHECK(as.v[2].line == 6 && as.v[2].exclude && !as.v[2].value);
        CHECK(as.v[3].line == 7);
        CHECK_STR(as.v[3].raw_key, "net/ipv4/conf/eth0.100/rp_filter");
        CHECK_STR(as.v[3].key, "net.ipv4.conf.eth0/100.rp_filter");
        CHECK_STR(as.v[3].value, "2");
        CHECK(as.v[4].line == 9 && as.v[4].glob);
        CHECK_STR(as.v[4].value, "");
        CHECK(as.v[5].line == 10);
        CHECK_STR(as.v[5].value, "10");
        CHECK_STR(as.v[5].file, "/t.conf");
    }
    CHECK(d.n == 1);
    if (d.n == 1) {
        CHECK(d.v[0].line == 8 && d.v[0].severity == SG_SEV_WARNING);
        CHECK_STR(d.v[0].code, "not-assignment");
    }
    sg_assignments_free(&as);
    sg_diags_free(&d);

    /* Entries without a value next to entries without a key must not be
     * merged by the flat walk over children. */
    CHECK(sg_parse_text(p, "/m.conf", "kernel.sysrq\n= 1\n-\nvm.x = 2\n", &as,
                        &d) == 0);
    CHECK(as.n == 1 && d.n == 3);
    if (as.n == 1) {
        CHECK_STR(as.v[0].key, "vm.x");
        CHECK(as.v[0].line == 4);
    }
    sg_assignments_free(&as);
    sg_diags_free(&d);

    /* An empty file, and a file of blanks only. */
    CHECK(sg_parse_text(p, "/e.conf", "", &as, &d) == 0 && as.n == 0);
    CHECK(sg_parse_text(p, "/e.conf", "\n \r\n\t", &as, &d) == 0 && as.n == 0);
    CHECK(d.n == 0);

    /* Put: an unchanged tree gives back every byte, final newline or not. */
    roundtrip(p, text);
    roundtrip(p, "a = 1\n");
    roundtrip(p, "a = 1");
    roundtrip(p, "# only a comment");
    roundtrip(p, "   ");
    roundtrip(p, "\r\n\r\nx=1\r\n");
    roundtrip(p, "");

    /* Edits through the lens: everything not edited stays byte for byte. */
    {
        const char *in = "# keep me\r\n"
                         "net.ipv4.tcp_tw_recycle = 1\n"
                         "\n"
                         "  net.ipv4.tcp_tw_reuse\t=\t1 # proxy\n"
                         "-net.ipv4.ip_local_port_range = 61000 32768\n"
                         "vm.swappiness = 10"; /* no final newline */
        struct sg_line_edit e[] = {
            {.op = SG_LINE_REMOVE, .line = 2},
            {.op = SG_LINE_SET, .line = 4, .value = "1"},
            {.op = SG_LINE_COMMENT, .line = 5},
        };
        char *edited = NULL;
        CHECK(sg_parse_edit(p, in, e, 3, &edited) == 0);
        /* The set drops " # proxy" from the value: it is kept, as the
         * comment it was meant to be, on its own line above. */
        CHECK_STR(edited, "# keep me\r\n"
                          "\n"
                          "  # proxy\n"
                          "  net.ipv4.tcp_tw_reuse\t=\t1\n"
                          "# -net.ipv4.ip_local_port_range = 61000 32768\n"
                          "vm.swappiness = 10");
        free(edited);
        struct sg_line_edit add = {
            .op = SG_LINE_APPEND, .key = "net.ipv4.tcp_tw_reuse", .value = "0"};
        CHECK(sg_parse_edit(p, "a = 1", &add, 1, &edited) == 0);
        CHECK_STR(edited, "a = 1\nnet.ipv4.tcp_tw_reuse = 0\n");
        free(edited);
        CHECK(sg_parse_edit(p, "", &add, 1, &edited) == 0);
        CHECK_STR(edited, "net.ipv4.tcp_tw_reuse = 0\n");
        free(edited);
        /* CRLF files keep their line ends: a set, a comment, an append
         * (in the file's line end, after a last line without one). */
        struct sg_line_edit crlf[] = {
            {.op = SG_LINE_COMMENT, .line = 1},
            {.op = SG_LINE_SET, .line = 2, .value = "2"},
        };
        CHECK(sg_parse_edit(p, "a = 1\r\nb = 2 # x\r\n", crlf, 2, &edited) ==
              0);
        CHECK_STR(edited, "# a = 1\r\n# x\r\nb = 2\r\n");
        free(edited);
        CHECK(sg_parse_edit(p, "a = 1\r\nb = 2", &add, 1, &edited) == 0);
        CHECK_STR(edited, "a = 1\r\nb = 2\r\nnet.ipv4.tcp_tw_reuse = 0\r\n");
        free(edited);
        CHECK(sg_parse_edit(p, "a = 1\r\n", &crlf[1], 1, &edited) < 0);
        /* Two appends at once, in order. */
        struct sg_line_edit two[] = {
            {.op = SG_LINE_APPEND, .key = "k.a", .value = "1"},
            {.op = SG_LINE_APPEND, .key = "k.b", .value = "2 3"},
        };
        CHECK(sg_parse_edit(p, "# x\n", two, 2, &edited) == 0);
        CHECK_STR(edited, "# x\nk.a = 1\nk.b = 2 3\n");
        free(edited);
        /* Where each edit landed: an edited line's span is the whole line
         * with its end, in the old text and in the new; the appends share
         * one, with the line end a last line without one was given. */
        {
            const char *t = "a = 1\r\nb = 2 # x\r\nc = 3";
            struct sg_line_edit es[] = {
                {.op = SG_LINE_APPEND, .key = "k.a", .value = "1"},
                {.op = SG_LINE_SET, .line = 2, .value = "2"},
                {.op = SG_LINE_REMOVE, .line = 1},
                {.op = SG_LINE_APPEND, .key = "k.b", .value = "2"},
            };
            struct sg_span sp[4];
            CHECK(sg_parse_edit_spans(p, t, es, 4, &edited, sp) == 0);
            CHECK_STR(edited, "# x\r\nb = 2\r\nc = 3\r\nk.a = 1\r\n"
                              "k.b = 2\r\n");
            CHECK(sp[2].at == 0 && sp[2].len == 7 && sp[2].to == 0 &&
                  sp[2].to_len == 0);
            CHECK(sp[1].at == 7 && sp[1].len == 11 && sp[1].to == 0 &&
                  sp[1].to_len == 12);
            CHECK(sp[0].at == strlen(t) && sp[0].len == 0 && sp[0].to == 17 &&
                  sp[0].to_len == strlen(edited) - 17);
            CHECK(!memcmp(&sp[0], &sp[3], sizeof(sp[0])));
            free(edited);
        }
        /* An entry that is not there, and a value that is two lines. */
        struct sg_line_edit bad[] = {
            {.op = SG_LINE_REMOVE, .line = 9},
            {.op = SG_LINE_SET, .line = 1, .value = "1\nx = 2"},
        };
        CHECK(sg_parse_edit(p, "a = 1\n", &bad[0], 1, &edited) < 0 && !edited);
        CHECK(sg_parse_edit(p, "a = 1\n", &bad[1], 1, &edited) < 0 && !edited);
    }

    /* Bytes Augeas uses as markers: refused, never an assertion abort
     * (found by fuzzing: aug_text_retrieve asserted on "\004"). */
    char *out = NULL;
    CHECK(sg_parse_text(p, "/c.conf", "# a\nb = x\004y\n", &as, &d) == -EINVAL);
    CHECK(d.n == 1 && d.v[0].line == 2 && d.v[0].severity == SG_SEV_ERROR);
    CHECK(sg_parse_roundtrip(p, "# odif\004it\n", &out) == -EINVAL);
    CHECK(sg_parse_roundtrip(p, "a = \003\n", &out) == -EINVAL && !out);
    sg_assignments_free(&as);
    sg_diags_free(&d);

    /* Reading sends only entry lines to Augeas: the lens agrees with the
     * first-byte rule on the lines that could fool it, and lines, the
     * directives' targets and a store error's line come out right when
     * comments are left out of what Augeas sees. */
    CHECK(sg_parse_check_kinds(p, "\r# a\n \t; b\n\t\r\n\r\n-#x = 1\n=1\n"
                                  "#\n;\na#b = c\n- ;\n  -\n x ; y\n") == 0);
    lines_and_directives(p);
    store_error_line();

    sg_parser_free(p);
    return check_done("parse");
}
