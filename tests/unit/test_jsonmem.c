/* jsonmem.h and blocks.h: cJSON trees parsed into blocks given back at once.
 * The trees read as cJSON's own would (a string larger than a block among
 * them), every allocation 16-byte aligned, emptied blocks filled again
 * rather than new ones taken, and cJSON's allocator put back after each
 * parse (what cJSON allocates afterwards is malloc's, not a block's). */
#include "check.h"
#include "../../plugin/report/jsonmem.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static size_t blocks(const struct sg_blocks *m)
{
    size_t n = 0;
    for (const struct sg_block *b = m->head; b; b = b->next)
        n++;
    return n;
}

static bool aligned(const cJSON *j)
{
    for (; j; j = j->next) {
        if ((uintptr_t)j % 16 || (j->string && (uintptr_t)j->string % 16) ||
            (j->valuestring && (uintptr_t)j->valuestring % 16) ||
            !aligned(j->child))
            return false;
    }
    return true;
}

int main(void)
{
    struct sg_blocks m = {0};
    size_t big = 200000; /* a string of its own block (blocks: 64 KiB) */
    char *text = malloc(big + 4096);
    char *p = text;
    p += sprintf(p, "{\"findings\": [");
    for (int i = 0; i < 40; i++)
        p += sprintf(p, "%s{\"rule\": \"r%d\", \"line\": %d}", i ? ", " : "", i,
                     i + 1);
    p += sprintf(p, "], \"long\": \"");
    memset(p, 'x', big);
    p += big;
    p += sprintf(p, "\"} trailing");
    size_t len = (size_t)(p - text);

    const char *end = NULL;
    cJSON *j = sg_jsonmem_parse(&m, text, len, &end);
    cJSON *want = cJSON_ParseWithLengthOpts(text, len, NULL, false);
    CHECK(j && want && cJSON_Compare(j, want, true));
    CHECK(end && strncmp(end, " trailing", 9) == 0);
    CHECK(j && strlen(cJSON_GetStringValue(
                   cJSON_GetObjectItemCaseSensitive(j, "long"))) == big);
    CHECK(aligned(j));
    cJSON_Delete(want);
    size_t n = blocks(&m);
    CHECK(n >= 2); /* the long string's own, and the nodes' */

    /* cJSON's allocator is malloc's again: not inside a block */
    void *after = cJSON_malloc(32);
    bool inside = false;
    for (const struct sg_block *b = m.head; b; b = b->next)
        inside |= (const unsigned char *)after >= b->data &&
                  (const unsigned char *)after < b->data + b->cap;
    CHECK(!inside);
    cJSON_free(after);

    /* emptied, the same document again takes no new block */
    for (int round = 0; round < 5; round++) {
        sg_blocks_empty(&m);
        j = sg_jsonmem_parse(&m, text, len, NULL);
        CHECK(j && cJSON_GetArraySize(
                       cJSON_GetObjectItemCaseSensitive(j, "findings")) == 40);
    }
    CHECK(blocks(&m) == n);

    /* a broken document: NULL, and what it took is given back with M */
    sg_blocks_empty(&m);
    CHECK(sg_jsonmem_parse(&m, "{\"a\": [1, 2", 11, NULL) == NULL);
    sg_blocks_free(&m);
    CHECK(m.head == NULL && m.at == NULL);
    free(text);
    return check_done("jsonmem");
}
