/* The JSON writer (jsonw.h): the stream is byte for byte what cJSON_Print
 * and sg_utf8_repair give of the tree the same calls build, for every byte
 * in a string, valid and broken UTF-8, nesting, empty containers and
 * integers past an int. */
#include "check.h"
#include "../../plugin/views/jsonw.h"
#include "../../plugin/views/views.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static void write_all(struct sg_jw *w)
{
    char bytes[256];
    for (int i = 1; i < 256; i++)
        bytes[i - 1] = (char)i;
    bytes[255] = '\0';
    static const char *const strs[] = {
        "plain",
        "",
        "tab\there \"q\" back\\slash \b\f\n\r\x01\x1f\x7f",
        "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", /* valid */
        "latin1 caf\xe9",
        "\xc3",
        "\xe2\x82",
        "\xed\xa0\x80", /* surrogate */
        "\xc0\xaf",
        "\xf4\x90\x80\x80",
        "\xff\xfe",
        "\xf0\x9f\x98"};

    sg_jw_object(w, NULL);
    sg_jw_str(w, "all bytes", bytes);
    sg_jw_str(w, "missing", NULL);
    sg_jw_array(w, "strings");
    for (size_t i = 0; i < sizeof(strs) / sizeof(*strs); i++)
        sg_jw_str(w, NULL, strs[i]);
    sg_jw_end(w);
    sg_jw_object(w, "empty object");
    sg_jw_end(w);
    sg_jw_array(w, "empty array");
    sg_jw_end(w);
    sg_jw_array(w, "objects");
    for (int i = 0; i < 3; i++) {
        sg_jw_object(w, NULL);
        sg_jw_int(w, "i", i);
        sg_jw_array(w, "inner");
        sg_jw_object(w, NULL);
        sg_jw_end(w);
        sg_jw_array(w, NULL);
        sg_jw_null(w, NULL);
        sg_jw_bool(w, NULL, i == 1);
        sg_jw_end(w);
        sg_jw_end(w);
        sg_jw_end(w);
    }
    sg_jw_end(w);
    static const long long nums[] = {0,
                                     -1,
                                     7,
                                     INT_MAX,
                                     INT_MIN,
                                     (long long)INT_MAX + 1,
                                     (long long)INT_MIN - 1,
                                     1234567890123456789LL,
                                     9007199254740993LL};
    sg_jw_array(w, "numbers");
    for (size_t i = 0; i < sizeof(nums) / sizeof(*nums); i++)
        sg_jw_int(w, NULL, nums[i]);
    sg_jw_end(w);
    sg_jw_bool(w, "t", true);
    sg_jw_bool(w, "f", false);
    sg_jw_null(w, "n");
    sg_jw_str(w, "\xe9 key", "x");
    sg_jw_end(w);
}

int main(void)
{
    char *streamed = NULL, *printed = NULL;
    size_t ns = 0, np = 0;
    FILE *a = open_memstream(&streamed, &ns),
         *b = open_memstream(&printed, &np);
    struct sg_jw w;

    sg_jw_stream(&w, a);
    write_all(&w);
    CHECK(sg_jw_finish(&w) == 0);
    fclose(a);

    sg_jw_tree(&w);
    write_all(&w);
    CHECK(sg_jw_finish(&w) == 0 && w.root);
    CHECK(sg_json_print(b, stderr, w.root) == 0);
    fclose(b);
    CHECK(ns == np && ns > 100 && memcmp(streamed, printed, ns) == 0);
    if (ns != np || memcmp(streamed, printed, ns) != 0)
        fprintf(stderr, "stream:\n%s\ncJSON:\n%s\n", streamed, printed);
    free(streamed);
    free(printed);
    char *saved = NULL;

    /* many strings: random ones, and plain runs with one special byte
     * at every offset of the first three 16-byte blocks (the stream scans
     * a block at a time) */
    for (int round = 0; round < 2; round++) {
        streamed = printed = NULL;
        a = open_memstream(&streamed, &ns);
        b = open_memstream(&printed, &np);
        if (round == 0)
            sg_jw_stream(&w, a);
        else
            sg_jw_tree(&w);
        static const char alphabet[] =
            "ab \"\\\x01\x1f\x7f\x80\xc3\xa9\xe2\x82\xac\xff\t";
        unsigned seed = 7;
        sg_jw_array(&w, NULL);
        for (int i = 0; i < 3000; i++) {
            char str[48];
            int len = (int)((seed = seed * 1103515245u + 12345u) >> 16) % 40;
            for (int k = 0; k < len; k++) {
                seed = seed * 1103515245u + 12345u;
                str[k] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
            }
            str[len] = '\0';
            sg_jw_str(&w, NULL, str);
        }
        static char huge[20001];
        for (int len = 0; len <= 48; len++) { /* plain, at every length */
            memset(huge, 'p', (size_t)len);
            huge[len] = '\0';
            sg_jw_str(&w, NULL, huge);
        }
        memset(huge, 'h', 20000); /* longer than the stream's buffer */
        sg_jw_str(&w, NULL, huge);
        huge[19999] = '"';
        sg_jw_str(&w, NULL, huge);
        for (size_t c = 2; c < sizeof(alphabet) - 1; c++)
            for (int len = 1; len <= 48; len++)
                for (int k = 0; k < len; k++) {
                    char str[64];
                    memset(str, 'a', (size_t)len);
                    str[k] = alphabet[c];
                    str[len] = '\0';
                    sg_jw_str(&w, NULL, str);
                }
        sg_jw_end(&w);
        CHECK(sg_jw_finish(&w) == 0);
        if (round == 1) {
            CHECK(sg_json_print(b, stderr, w.root) == 0);
            fclose(a);
            fclose(b);
            CHECK(np > 10000 && np == strlen(saved) &&
                  memcmp(saved, printed, np) == 0);
            free(saved);
            free(streamed);
            free(printed);
        } else {
            fclose(a);
            fclose(b);
            saved = streamed;
            free(printed);
        }
    }

    /* misuse is a failure, not a crash */
    FILE *nul = fopen("/dev/null", "w");
    sg_jw_stream(&w, nul);
    sg_jw_object(&w, NULL);
    sg_jw_str(&w, NULL, "a member without a name");
    sg_jw_end(&w);
    CHECK(sg_jw_finish(&w) < 0);
    fclose(nul);
    sg_jw_tree(&w);
    sg_jw_end(&w);
    CHECK(sg_jw_finish(&w) < 0 && !w.root);
    sg_jw_tree(&w);
    for (int i = 0; i < SG_JW_DEPTH + 2; i++)
        sg_jw_array(&w, NULL);
    CHECK(sg_jw_finish(&w) < 0 && !w.root);

    return check_done("jsonw");
}
