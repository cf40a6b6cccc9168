/*
 * jsonmem.h - cJSON trees of report inputs and baselines whose memory is
 * taken from blocks (blocks.h) and given back all at once. A document's
 * tree is made of small allocations (a node of 64 bytes, its name and its
 * string each their own) that all die together: a result of 100,000
 * findings is 1.5 million of them, and malloc, then free and
 * malloc_consolidate walking them, were a third of reading it (issue 30,
 * the report's shapes). A tree parsed so is never given to cJSON_Delete:
 * emptying or freeing its blocks (sg_blocks_empty, sg_blocks_free) is its
 * end.
 *
 * cJSON's allocator is its global state (cJSON_InitHooks): it is set for
 * one parse and put back before sg_jsonmem_parse returns, so nothing else
 * allocates from the blocks through cJSON; and no other thread may use
 * cJSON while one parses (the program has no other thread).
 */
#ifndef SG_JSONMEM_H
#define SG_JSONMEM_H

#include "blocks.h"

#include <cjson/cJSON.h>
#include <stddef.h>

/* cJSON_ParseWithLengthOpts (no trailing check), the tree in M. */
cJSON *sg_jsonmem_parse(struct sg_blocks *m, const char *text, size_t len,
                        const char **end);

#endif
