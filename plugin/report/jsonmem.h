/*
 * jsonmem.h - cJSON trees of report inputs and baselines whose memory is
 * taken from blocks (blocks.h) and given back all at once. A document's
 * tree is made of small allocations (a node of 64 bytes, its name and its
 * string each their own) that all die together: a result of 100,000
 * findings is 1.5 million of them, and malloc, then free and
 * malloc_consolidate walking them, were a third of reading it (issue 30,
 * the report's shapes). A tree parsed into a jsonmem is never given to
 * cJSON_Delete: emptying or freeing the jsonmem is its end.
 *
 * cJSON's allocator is its global state (cJSON_InitHooks): it is set for
 * one parse and put back before sg_jsonmem_parse returns, so nothing else
 * ever allocates from a jsonmem; and no other thread may use cJSON while
 * one parses (the program has no other thread).
 */
#ifndef SG_JSONMEM_H
#define SG_JSONMEM_H

#include "blocks.h"

#include <cjson/cJSON.h>
#include <stddef.h>

struct sg_jsonmem {
    struct sg_blocks blocks;
};

/* cJSON_ParseWithLengthOpts (no trailing check) into M. */
cJSON *sg_jsonmem_parse(struct sg_jsonmem *m, const char *text, size_t len,
                        const char **end);
/* Every tree parsed into M is gone; its blocks are kept for the next. */
void sg_jsonmem_empty(struct sg_jsonmem *m);
/* The same, and the blocks freed. */
void sg_jsonmem_free(struct sg_jsonmem *m);

#endif
