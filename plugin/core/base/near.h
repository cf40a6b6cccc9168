/*
 * near.h - "did you mean": the nearest of a few candidate words to one a
 * person typed (a command, an option, a rule id), by optimal string
 * alignment distance (Levenshtein with adjacent transpositions, as
 * git's help.c suggests commands). A suggestion is made only when the
 * distance is small for the word's length, so that `tcp_nodelay` is not
 * offered `tcp_dsack`.
 */
#ifndef SG_NEAR_H
#define SG_NEAR_H

#include <stddef.h>

/* The distance of A and B, or a number above LIMIT once it exceeds it
 * (the rest is not computed). Words of up to 256 bytes. */
size_t sg_near_distance(const char *a, const char *b, size_t limit);

/* The most distances a suggestion for a word of LEN bytes may be: 1 up
 * to 4 bytes, 2 up to 10, else 3. */
size_t sg_near_limit(size_t len);

/* The candidate of CANDS (N of them, NULLs skipped) nearest to WORD
 * within sg_near_limit, the first of equals; NULL when none is near or
 * WORD is one of them. */
const char *sg_near(const char *word, const char *const *cands, size_t n);

#endif
