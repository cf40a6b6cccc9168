/*
 * check.h - the smallest test harness that says what failed and where.
 * Each test program ends with check_done(), which prints
 * "NAME: N passed, N failed" and returns the exit status.
 */
#ifndef SG_CHECK_H
#define SG_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_passed, check_failed;

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (cond) {                                                            \
            check_passed++;                                                    \
        } else {                                                               \
            check_failed++;                                                    \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__,   \
                    #cond);                                                    \
        }                                                                      \
    } while (0)

#define CHECK_STR(got, want)                                                   \
    do {                                                                       \
        const char *g_ = (got), *w_ = (want);                                  \
        if ((g_ == NULL && w_ == NULL) || (g_ && w_ && strcmp(g_, w_) == 0)) { \
            check_passed++;                                                    \
        } else {                                                               \
            check_failed++;                                                    \
            fprintf(stderr,                                                    \
                    "%s:%d: CHECK_STR failed: %s\n  got:  %s\n"                \
                    "  want: %s\n",                                            \
                    __FILE__, __LINE__, #got, g_ ? g_ : "(null)",              \
                    w_ ? w_ : "(null)");                                       \
        }                                                                      \
    } while (0)

static inline int check_done(const char *name)
{
    printf("%s: %d passed, %d failed\n", name, check_passed, check_failed);
    return check_failed ? 1 : 0;
}

#endif
