/*
 * placeholder.h - the placeholders a rule's message may hold ("{key}",
 * "{history}", ...): one table of their names, which the evaluator fills
 * in (eval.c render) and the policy loader holds messages to (an unknown
 * name is a policy's mistake).
 */
#ifndef SG_PLACEHOLDER_H
#define SG_PLACEHOLDER_H

#include <stdbool.h>
#include <stddef.h>

enum sg_ph {
    SG_PH_TEXT, /* not a placeholder: a template's own text */
    SG_PH_KEY,
    SG_PH_VALUE,
    SG_PH_KERNEL,
    SG_PH_RULE,
    SG_PH_DIAGNOSTIC,
    SG_PH_FILE,
    SG_PH_LINE,
    SG_PH_DEFAULT,
    SG_PH_UNCOMMENTED,
    SG_PH_MODULE,
    SG_PH_RELATION,
    SG_PH_WRITER,
    SG_PH_LIVE,
    SG_PH_CATALOG, /* the catalog's: history, suggestion, rejection, ... */
    SG_PH_FIELD,   /* "field" and a digit: a number of the value */
    SG_PH_UNKNOWN,
};

/* The placeholder NAME (LEN bytes, without the braces) is. */
enum sg_ph sg_placeholder_of(const char *name, size_t len);

/* The segment of a message template that starts at P (END the template's
 * end, P < END): a placeholder "{name}" (*PH true, the name without the
 * braces in *S, *LEN bytes) or text up to the next "{" (*PH false). A "{"
 * with no "}" after it is text. Returns where the next segment starts.
 * The one way a template is cut: the evaluator fills the placeholders in
 * this order (eval.c), and a finding kept as its fills is put together
 * again by it (finding.c sg_finding_message). */
const char *sg_template_cut(const char *p, const char *end, bool *ph,
                            const char **s, size_t *len);

/* Whether a message may hold NAME: a placeholder, and of the fields only
 * field1 to field3. */
bool sg_placeholder_known(const char *name, size_t len);

#endif
