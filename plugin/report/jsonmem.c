/*
 * jsonmem.c - see jsonmem.h.
 */
#include "jsonmem.h"

#include <stdbool.h>

/* The blocks of the parse under way (cJSON's hooks take no context). */
static struct sg_blocks *current;

static void *take(size_t n)
{
    return sg_blocks_take(current, n);
}

static void give_back(void *p)
{
    (void)p; /* cJSON frees a half-parsed tree: its blocks are emptied
                with the rest */
}

cJSON *sg_jsonmem_parse(struct sg_blocks *m, const char *text, size_t len,
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
