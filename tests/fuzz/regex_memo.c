/*
 * regex_memo.c - linked into the fuzz targets that run the lens: one
 * compiled copy of each regular expression Augeas compiles, kept for the
 * whole run.
 *
 * Why: Augeas 1.14 ends every put (aug_text_retrieve, aug_save) with
 * lens_release(), which frees every compiled regular expression of the
 * lens (regexp_release: regfree + free); the next get or put compiles
 * them all again with re_compile_pattern(). A fuzz input that does a
 * round trip (fuzz_parse.c) so paid for some 45 compilations, the largest
 * with hundreds of groups: 28% of its instructions without sanitizers
 * and most of its time under ASan, where every one of glibc's small
 * allocations goes through the ASan allocator (157 inputs/s; 421 with
 * this file). The product itself pays it once per run.
 *
 * How: this file defines re_compile_pattern() and regfree(); the
 * executable's definitions are the ones libaugeas binds to. A compiled
 * pattern is a pure function of its text and the syntax bits in effect
 * (re_syntax_options, which Augeas sets around each call), so the first
 * compilation of a (text, syntax) pair is kept and later ones get a copy
 * of its re_pattern_buffer: the automaton is shared (glibc only grows its
 * state cache on a match, and the fuzz targets are single-threaded), the
 * per-buffer fields (regs_allocated, which Augeas sets after compiling)
 * are the caller's own. regfree() of such a copy forgets it and frees
 * nothing; any other buffer (a policy's regcomp(), which does not call
 * re_compile_pattern) goes to the real regfree, through ASan's
 * interceptor when there is one. A buffer that arrives with its own
 * fastmap or translate table, or a pattern that fails to compile, is
 * handed to the real functions untouched. The kept automata are
 * reachable from `memos` until exit: LeakSanitizer does not count them.
 *
 * What it hides: a bug in Augeas's own handling of a released regexp
 * (a match on a freed automaton would now find the copy). The lens, the
 * get and put logic and all of sysctl-guard's code run as before.
 */
#include <dlfcn.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

/* Set by the sanitizer runtimes that intercept regfree (ASan). */
extern void __interceptor_regfree(regex_t *) __attribute__((weak));

struct memo {
    char *text;
    size_t len;
    reg_syntax_t syntax;
    struct re_pattern_buffer compiled;
};

static struct memo *memos;
static size_t n_memos, cap_memos;

typedef const char *compile_fn(const char *, size_t, struct re_pattern_buffer *);
typedef void free_fn(regex_t *);

static struct memo *memo_find(const char *text, size_t len)
{
    for (size_t i = 0; i < n_memos; i++)
        if (memos[i].len == len && memos[i].syntax == re_syntax_options &&
            memcmp(memos[i].text, text, len) == 0)
            return &memos[i];
    return NULL;
}

static struct memo *memo_add(const char *text, size_t len,
                             const struct re_pattern_buffer *compiled)
{
    if (n_memos == cap_memos) {
        size_t cap = cap_memos ? 2 * cap_memos : 64;
        struct memo *v = realloc(memos, cap * sizeof(*v));
        if (!v)
            return NULL;
        memos = v;
        cap_memos = cap;
    }
    char *copy = malloc(len ? len : 1);
    if (!copy)
        return NULL;
    memcpy(copy, text, len);
    memos[n_memos] = (struct memo){.text = copy,
                                   .len = len,
                                   .syntax = re_syntax_options,
                                   .compiled = *compiled};
    return &memos[n_memos++];
}

const char *re_compile_pattern(const char *text, size_t len,
                               struct re_pattern_buffer *buf)
{
    static compile_fn *real;
    if (!real)
        real = (compile_fn *)dlsym(RTLD_NEXT, "re_compile_pattern");
    if (buf->fastmap || buf->translate)
        return real(text, len, buf);

    const struct memo *m = memo_find(text, len);
    if (m) {
        *buf = m->compiled;
        return NULL;
    }
    struct re_pattern_buffer fresh = {0};
    const char *err = real(text, len, &fresh);
    *buf = fresh;
    if (!err && !memo_add(text, len, &fresh))
        abort(); /* out of memory: a copy could not be told from an owner */
    return err;
}

void regfree(regex_t *buf)
{
    static free_fn *real;
    for (size_t i = 0; buf->buffer && i < n_memos; i++)
        if (memos[i].compiled.buffer == buf->buffer) {
            memset(buf, 0, sizeof(*buf));
            return;
        }
    if (!real)
        real = __interceptor_regfree ? __interceptor_regfree
                                     : (free_fn *)dlsym(RTLD_NEXT, "regfree");
    real(buf);
}
