/*
 * jsonw.h - JSON written as it is made, for the views whose output grows
 * with the tree (check's findings, show's settings): one mapping from the
 * data to JSON (json.c, show.c) serves two ends.
 *
 * - A stream (sg_jw_stream): written straight to a FILE, byte for byte
 *   what cJSON_Print gives of the same tree (an object's members one per
 *   line, indented with tabs, "key":<tab>value; an array's items on one
 *   line, separated by ", "), each string's bytes that do not start a
 *   valid UTF-8 sequence replaced by U+FFFD as sg_utf8_repair does. No
 *   tree is built, so nothing is allocated per value: on the 1000-file
 *   bench tree building, printing and freeing the cJSON tree was a
 *   seventh of `show`.
 * - A tree (sg_jw_tree): the same calls build a cJSON tree, for callers
 *   that add to it or hand it on (the Ansible module, Salt's views).
 *
 * Members are written in call order; a NULL string adds nothing (as
 * cJSON_AddStringToObject does with NULL). Containers nest at most
 * SG_JW_DEPTH deep: the views' data is four levels deep.
 */
#ifndef SG_JSONW_H
#define SG_JSONW_H

#include <stdbool.h>
#include <stdio.h>

struct cJSON;

#define SG_JW_DEPTH 16

struct sg_jw {
    FILE *out;                       /* stream; NULL: tree */
    char buf[16384];                 /* stream: written in blocks */
    size_t n;                        /* bytes in buf */
    struct cJSON *root;              /* tree: what was built */
    struct cJSON *open[SG_JW_DEPTH]; /* tree: the open containers */
    bool array[SG_JW_DEPTH];         /* the open container is an array */
    bool items[SG_JW_DEPTH];         /* it has an item already */
    int depth;                       /* containers open */
    bool failed;                     /* out of memory, or nested deeper */
};

void sg_jw_stream(struct sg_jw *w, FILE *out);
void sg_jw_tree(struct sg_jw *w);

/* Open an object or an array: a member KEY of the open object, an item
 * of the open array (KEY ignored), or the top (nothing open). */
void sg_jw_object(struct sg_jw *w, const char *key);
void sg_jw_array(struct sg_jw *w, const char *key);
/* Close the innermost open container. */
void sg_jw_end(struct sg_jw *w);

void sg_jw_str(struct sg_jw *w, const char *key, const char *s);
void sg_jw_int(struct sg_jw *w, const char *key, long long v);
void sg_jw_bool(struct sg_jw *w, const char *key, bool v);
void sg_jw_null(struct sg_jw *w, const char *key);

/* Stream: the final newline. Returns 0, or -1 when the writer failed (a
 * tree: W->root is then freed and NULL). */
int sg_jw_finish(struct sg_jw *w);

#endif
