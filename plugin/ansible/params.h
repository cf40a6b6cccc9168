/*
 * params.h - the Ansible module's parameters (params.c), as AnsibleModule
 * checks and converts them, for module.c.
 */
#ifndef SG_PARAMS_H
#define SG_PARAMS_H

#include <stdbool.h>
#include <stddef.h>

struct cJSON;
struct sg_buf;

/* Whether ARGS holds only known parameters of the right types and
 * choices; else why not, onto ERR (naming the valid ones). */
bool sg_module_check_args(const struct cJSON *args, struct sg_buf *err);
/* Ansible's conversions, in place: numbers given for strings become
 * strings, "a,b" for a list becomes one, and path parameters get their
 * variables and ~ expanded. */
void sg_module_convert_numbers(struct cJSON *args);
void sg_module_split_lists(struct cJSON *args);
void sg_module_expand_paths(struct cJSON *args);
/* A string parameter, or its default (NULL: none). */
const char *sg_module_str(const struct cJSON *args, const char *name);
/* Whether a boolean parameter is true. */
bool sg_module_flag(const struct cJSON *args, const char *name);
/* A list parameter into OUT (its strings ARGS's): 0, or -1 beyond
 * SG_MAX_LIST entries. */
int sg_module_list(struct cJSON *args, const char *name, const char **out,
                   size_t *n);
/* The module_args Ansible shows back: every parameter, defaults filled. */
struct cJSON *sg_module_invocation(const struct cJSON *args);

#endif
