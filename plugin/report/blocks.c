/*
 * blocks.c - see blocks.h.
 */
#include "blocks.h"

#include <stdlib.h>
#include <string.h>

#define BLOCK ((size_t)1 << 16)

void *sg_blocks_take(struct sg_blocks *m, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    /* blocks emptied by sg_blocks_empty are filled again in order */
    while (m->at && m->at->cap - m->at->used < n && m->at->next)
        m->at = m->at->next;
    if (!m->at || m->at->cap - m->at->used < n) {
        size_t cap = n > BLOCK ? n : BLOCK;
        struct sg_block *b = malloc(sizeof(*b) + cap);
        if (!b)
            return NULL;
        *b = (struct sg_block){NULL, 0, cap};
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

char *sg_blocks_dup(struct sg_blocks *m, const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = sg_blocks_take(m, n);
    return d ? memcpy(d, s, n) : NULL;
}

void sg_blocks_empty(struct sg_blocks *m)
{
    for (struct sg_block *b = m->head; b; b = b->next)
        b->used = 0;
    m->at = m->head;
}

void sg_blocks_free(struct sg_blocks *m)
{
    for (struct sg_block *b = m->head, *n; b; b = n) {
        n = b->next;
        free(b);
    }
    m->head = m->at = NULL;
}
