/*
 * blocks.h - memory taken from blocks, in order, and given back all at
 * once: for many small allocations that die together (a cJSON tree of a
 * report input, jsonmem.h; the texts of a fleet's distinct findings,
 * report.c). No free of one allocation; emptying or freeing the blocks
 * is the end of all of them. Blocks of 64 KiB, below glibc's mmap
 * threshold, so they come from the heap and, once freed, serve malloc
 * again (1 MiB blocks were mapped and unmapped: 105,700 page faults for
 * the report of 100,000 distinct rules against 71,800 with these); an
 * allocation larger than a block is a block of its own; 16-byte
 * alignment, as malloc's.
 */
#ifndef SG_BLOCKS_H
#define SG_BLOCKS_H

#include <stdalign.h>
#include <stddef.h>

struct sg_block {
    struct sg_block *next;
    size_t used, cap; /* bytes of DATA */
    alignas(16) unsigned char data[];
};

struct sg_blocks {
    struct sg_block *head, *at; /* the blocks; the one being filled */
};

/* N bytes (16-byte aligned), or NULL without memory. */
void *sg_blocks_take(struct sg_blocks *m, size_t n);
/* A copy of S in M, or NULL without memory. */
char *sg_blocks_dup(struct sg_blocks *m, const char *s);
/* Everything taken from M is gone; its blocks are kept and filled again. */
void sg_blocks_empty(struct sg_blocks *m);
/* The same, and the blocks freed. */
void sg_blocks_free(struct sg_blocks *m);

#endif
