/*
 * jsonmem.c - see jsonmem.h. Blocks of 64 KiB (below glibc's mmap
 * threshold, so they come from the heap and, once freed, serve the
 * report's own allocations again: 1 MiB blocks were mapped and unmapped,
 * 105,700 page faults for the report of 100,000 distinct rules against
 * 71,800 with these), a larger allocation a block of its own; 16-byte
 * alignment, as malloc's.
 */
#include "jsonmem.h"

#include <stdbool.h>
#include <stdlib.h>

#define BLOCK ((size_t)1 << 16)

/* The jsonmem of the parse under way (cJSON's hooks take no context). */
static struct sg_jsonmem *current;

static void *take(size_t n)
{
    struct sg_jsonmem *m = current;
    n = (n + 15) & ~(size_t)15;
    /* blocks emptied by sg_jsonmem_empty are filled again in order */
    while (m->at && m->at->cap - m->at->used < n && m->at->next)
        m->at = m->at->next;
    if (!m->at || m->at->cap - m->at->used < n) {
        size_t cap = n > BLOCK ? n : BLOCK;
        struct sg_jsonmem_block *b = malloc(sizeof(*b) + cap);
        if (!b)
            return NULL;
        *b = (struct sg_jsonmem_block){NULL, 0, cap};
        if (m->at) {
            b->next = m->at->next;
            m->at->next = b;
        } else
            m->head = b;
        m->at = b;
    }
    void *p = m->at->data + m->at->used;
    m->at->used += n;
    return p;
}

static void give_back(void *p)
{
    (void)p; /* cJSON frees a half-parsed tree: its blocks are emptied
                with the rest */
}

cJSON *sg_jsonmem_parse(struct sg_jsonmem *m, const char *text, size_t len,
                        const char **end)
{
    cJSON_Hooks hooks = {take, give_back};
    current = m;
    cJSON_InitHooks(&hooks);
    cJSON *j = cJSON_ParseWithLengthOpts(text, len, end, false);
    cJSON_InitHooks(NULL);
    current = NULL;
    return j;
}

void sg_jsonmem_empty(struct sg_jsonmem *m)
{
    for (struct sg_jsonmem_block *b = m->head; b; b = b->next)
        b->used = 0;
    m->at = m->head;
}

void sg_jsonmem_free(struct sg_jsonmem *m)
{
    for (struct sg_jsonmem_block *b = m->head, *n; b; b = n) {
        n = b->next;
        free(b);
    }
    m->head = m->at = NULL;
}
