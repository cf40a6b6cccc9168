/*
 * policy_regex.h - the regular expressions a policy may use (op="matches").
 *
 * Policies may come from the repository being linted (pre-commit runs on
 * pull requests), so a pattern is untrusted input. glibc's regexec is
 * polynomial for POSIX EREs without back-references, but back-references
 * make it exponential, and bounded repetition is expanded at compile time
 * ("(a{1,1000}){1,1000}" asks for 10^6 copies and gigabytes). So the
 * language is restricted, and checked before regcomp:
 * - at most SG_RE_MAX_LEN bytes, groups nested at most SG_RE_MAX_DEPTH;
 * - no back-references (\1 .. \9);
 * - bounded repetition {m}, {m,}, {m,n} with m, n <= SG_RE_MAX_REPEAT, and
 *   the pattern's size with every bounded repetition expanded (nested ones
 *   multiply) at most SG_RE_MAX_EXPANDED.
 * Values matched are at most 4096 bytes (procps' limit), which bounds
 * evaluation: what is left runs in time polynomial in both, small here.
 */
#ifndef SG_POLICY_REGEX_H
#define SG_POLICY_REGEX_H

#include <stddef.h>

#define SG_RE_MAX_LEN 256
#define SG_RE_MAX_DEPTH 8
#define SG_RE_MAX_REPEAT 64
#define SG_RE_MAX_EXPANDED 1024
/* Longer values are not matched at all (procps reads at most 4096). */
#define SG_MAX_MATCHED_VALUE 4096

/* 0 if the ERE PATTERN is in the allowed language, else -1 with WHY (LEN
 * bytes) saying what is not allowed. Syntax errors are left to regcomp. */
int sg_regex_check(const char *pattern, char *why, size_t len);

#endif
