/*
 * parse.h - the text of one sysctl file, through Augeas and the project's
 * Sysctl_Guard lens, into assignments with their 1-based lines.
 *
 * Augeas is initialised once with AUG_NO_MODL_AUTOLOAD | AUG_NO_STDINC and
 * only the lens directory on its load path: no stock lens is compiled and
 * no file is loaded behind our back. Each text goes through
 * aug_text_store(); the resulting tree is walked once, with one nodeset
 * (aug_defvar + aug_ns_attr), never with one aug_match per key.
 *
 * Lines: the lens makes exactly one node per line: an unlabelled one for
 * a blank line, "#comment" for a line whose first byte past " \t\r" is
 * "#" or ";", an entry for any other. That first byte decides it, so only
 * entry lines are sent to Augeas (its per-line cost, glibc's regexec with
 * registers, is about 1,000 instructions a byte): comments are read for
 * directives here, and the k-th node of a group's tree is its k-th entry
 * line. sg_parse_check_kinds holds the lens to that rule. Texts are
 * stored in groups of whole lines of at most 64 KiB (parse.c), so memory
 * held by Augeas is bounded whatever the size of the input.
 */
#ifndef SG_PARSE_H
#define SG_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "../base/diag.h"

/* One line of a sysctl file that carries a key. */
struct sg_assignment {
    const char *file; /* target path (not owned: the model's file table) */
    unsigned line;    /* 1-based */
    /* raw_key, key and value are one allocation (sg_assignment_text) */
    char *raw_key;       /* as written, without the "-" flag */
    char *key;           /* canonical dot form (keys.h) */
    char *value;         /* trimmed; "" for "k =", NULL for a "-k" exclusion */
    bool ignore_failure; /* "-k = v" */
    bool exclude;        /* "-k": exclude k from globs */
    bool glob;           /* key is a pattern */
};

struct sg_assignments {
    struct sg_assignment *v;
    size_t n, cap;
};

struct sg_parser;

/* Create a parser using the lens found in LENSDIR. On failure returns a
 * negative errno and, when Augeas had something to say, *ERRMSG. */
int sg_parser_new(const char *lensdir, struct sg_parser **out, char **errmsg);
void sg_parser_free(struct sg_parser *p);

/* Parse TEXT (NUL-free, any line ends, final newline optional), shown in
 * diagnostics as FILE; append its assignments to OUT. Lines that are no
 * assignment become warnings. Returns 0, or a negative errno after adding
 * an error diagnostic for FILE. */
int sg_parse_text(struct sg_parser *p, const char *file, const char *text,
                  struct sg_assignments *out, struct sg_diags *diags);

/* Parse TEXT into a tree and write the whole tree straight back (get, then
 * put): the put direction of the lens and of the loader's final-newline
 * handling. *OUT is the text written; for an unchanged tree it equals
 * TEXT. Texts holding the bytes 0x03 or 0x04 (Augeas's own markers) give
 * -EINVAL. */
int sg_parse_roundtrip(struct sg_parser *p, const char *text, char **out);

/* Reading does not send blank and comment lines to Augeas: a line is
 * blank, a comment or an entry by its first byte that is not " \t\r"
 * (parse.c, line_kind), and an entry has an ignore_failure node exactly
 * when that byte is "-". This stores the whole of TEXT with the lens and
 * holds each line's node to that: 0 when they agree, -EDOM when not,
 * -EINVAL when the lens refuses TEXT (tests and fuzz_parse call it). */
int sg_parse_check_kinds(struct sg_parser *p, const char *text);

/* An edit of one line, addressed by its 1-based line number (struct
 * sg_assignment.line) or, for SG_LINE_APPEND, at the end. */
enum sg_line_op {
    SG_LINE_REMOVE,  /* drop the line */
    SG_LINE_COMMENT, /* replace it by "# " + the line as written */
    SG_LINE_SET,     /* give it VALUE */
    SG_LINE_APPEND,  /* add "KEY = VALUE" at the end */
};

struct sg_line_edit {
    enum sg_line_op op;
    unsigned line; /* its 1-based line */
    const char *key, *value;
};

/* Apply EDITS (at most one per line) to TEXT. Unedited lines are copied
 * byte for byte; an edited line goes through the lens on its own
 * (aug_text_store of that line, aug_set, aug_text_retrieve), keeping its
 * own line end (CRLF stays CRLF); appended lines take the line end of the
 * file's first line. Linear in the text. *OUT is the new text. */
int sg_parse_edit(struct sg_parser *p, const char *text,
                  const struct sg_line_edit *edits, size_t n, char **out);

/* Where an edit landed: the LEN bytes of the text at AT became the TO_LEN
 * bytes of the new text at TO. An edited line's span is the whole line
 * with its end; the appends share one span, at the end of the text (with
 * the line end a last line without one was given). */
struct sg_span {
    size_t at, len;
    size_t to, to_len;
};

/* sg_parse_edit, also filling SPANS[i] for EDITS[i] (N of them). */
int sg_parse_edit_spans(struct sg_parser *p, const char *text,
                        const struct sg_line_edit *edits, size_t n, char **out,
                        struct sg_span *spans);

/* Several texts at once, as one Augeas store and one walk (the lens is
 * line by line, so this is the same as parsing each on its own, only
 * cheaper). Each input's RESULT is 0 or -EINVAL (reported in DIAGS, its
 * assignments then incomplete); the return is 0 or -ENOMEM. */
/* A comment that speaks to sysctl-guard: "# sysctl-guard: TEXT" (or
 * ";"), on LINE, TEXT as written after the colon and its blanks. TARGET:
 * the line of the next entry (any line that is neither blank nor a
 * comment) after it, 0 when none follows. What TEXT means is
 * suppress.h's. */
struct sg_directive {
    unsigned line, target;
    char *text;
    bool no_colon; /* "# sysctl-guard disable=..." as shellcheck writes
                      its own: no directive, said as such */
};

struct sg_directives {
    struct sg_directive *v;
    size_t n, cap;
};

void sg_directives_free(struct sg_directives *ds);

struct sg_parse_input {
    const char *file; /* shown in diagnostics, set in assignments */
    const char *text;
    struct sg_assignments *out;
    struct sg_directives *directives; /* or NULL: not collected */
    int result;
};

int sg_parse_batch(struct sg_parser *p, struct sg_parse_input *in, size_t n,
                   struct sg_diags *diags);

/* Give A its texts: RAW (RL bytes) as written, its canonical form, and
 * VALUE (VL bytes; NULL for none), in one allocation that
 * sg_assignment_clear frees. 0 or -ENOMEM. */
int sg_assignment_text(struct sg_assignment *a, const char *raw, size_t rl,
                       const char *value, size_t vl);
void sg_assignment_clear(struct sg_assignment *a);
void sg_assignments_free(struct sg_assignments *as);

#endif
