/*
 * near.c - see near.h. One row of the table per byte of A, three rows
 * kept (transpositions look two back): O(|A| x |B|) time, O(|B|) space.
 */
#include "near.h"

#include <string.h>

#define NEAR_MAX 256

size_t sg_near_distance(const char *a, const char *b, size_t limit)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t rows[3][NEAR_MAX + 1];

    if (la > NEAR_MAX || lb > NEAR_MAX)
        return limit + 1;
    if ((la > lb ? la - lb : lb - la) > limit)
        return limit + 1;
    for (size_t j = 0; j <= lb; j++)
        rows[0][j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t *cur = rows[i % 3], *prev = rows[(i - 1) % 3],
               *prev2 = rows[(i + 1) % 3], best = cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t d = prev[j - 1] + cost;
            if (prev[j] + 1 < d)
                d = prev[j] + 1;
            if (cur[j - 1] + 1 < d)
                d = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
                a[i - 2] == b[j - 1] && prev2[j - 2] + 1 < d)
                d = prev2[j - 2] + 1;
            cur[j] = d;
            best = d < best ? d : best;
        }
        if (best > limit)
            return limit + 1;
    }
    return rows[la % 3][lb];
}

size_t sg_near_limit(size_t len)
{
    return len <= 4 ? 1 : len <= 10 ? 2 : 3;
}

const char *sg_near(const char *word, const char *const *cands, size_t n)
{
    size_t limit = sg_near_limit(strlen(word)), best = limit + 1;
    const char *near = NULL;

    for (size_t i = 0; i < n; i++) {
        if (!cands[i])
            continue;
        size_t d = sg_near_distance(word, cands[i], limit);
        if (d == 0)
            return NULL;
        if (d < best) {
            best = d;
            near = cands[i];
        }
    }
    return near;
}
