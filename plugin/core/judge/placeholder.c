/*
 * placeholder.c - see placeholder.h. A table searched in order: a
 * template is cut into its placeholders once a rule (eval.c), so this is
 * asked once a placeholder, not once a finding.
 */
#include "placeholder.h"

#include <string.h>

enum sg_ph sg_placeholder_of(const char *name, size_t len)
{
    static const struct {
        const char *name;
        enum sg_ph ph;
    } names[] = {
        {"key", SG_PH_KEY},
        {"value", SG_PH_VALUE},
        {"kernel", SG_PH_KERNEL},
        {"rule", SG_PH_RULE},
        {"diagnostic", SG_PH_DIAGNOSTIC},
        {"file", SG_PH_FILE},
        {"line", SG_PH_LINE},
        {"default", SG_PH_DEFAULT},
        {"uncommented", SG_PH_UNCOMMENTED},
        {"module", SG_PH_MODULE},
        {"relation", SG_PH_RELATION},
        {"writer", SG_PH_WRITER},
        {"live", SG_PH_LIVE},
        {"history", SG_PH_CATALOG},
        {"suggestion", SG_PH_CATALOG},
        {"rejection", SG_PH_CATALOG},
        {"no-effect", SG_PH_CATALOG},
        {"source", SG_PH_CATALOG},
        {"evidence", SG_PH_CATALOG},
        {"verdict", SG_PH_CATALOG},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
        if (strlen(names[i].name) == len &&
            memcmp(names[i].name, name, len) == 0)
            return names[i].ph;
    return len == 6 && strncmp(name, "field", 5) == 0 ? SG_PH_FIELD
                                                      : SG_PH_UNKNOWN;
}

const char *sg_template_cut(const char *p, const char *end, bool *ph,
                            const char **s, size_t *len)
{
    const char *e = *p == '{' ? memchr(p, '}', (size_t)(end - p)) : NULL;
    if (e) {
        *ph = true;
        *s = p + 1;
        *len = (size_t)(e - p - 1);
        return e + 1;
    }
    /* the text up to the next placeholder, at once */
    const char *q = memchr(p + 1, '{', (size_t)(end - p - 1));
    *ph = false;
    *s = p;
    *len = q ? (size_t)(q - p) : (size_t)(end - p);
    return p + *len;
}

bool sg_placeholder_known(const char *name, size_t len)
{
    enum sg_ph ph = sg_placeholder_of(name, len);
    return ph != SG_PH_UNKNOWN &&
           (ph != SG_PH_FIELD || (name[5] >= '1' && name[5] <= '3'));
}
