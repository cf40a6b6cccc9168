/*
 * diag.h - diagnostics: what went wrong or deserves a word, and where.
 *
 * The core library never prints. Everything it has to say about the input
 * (an unreadable file, a line that is no assignment, a file nothing reads)
 * becomes a struct sg_diag with the target path and 1-based line (0 when
 * the whole file is meant); the front end decides how to show it.
 */
#ifndef SG_DIAG_H
#define SG_DIAG_H

#include <stddef.h>

enum sg_severity { SG_SEV_INFO, SG_SEV_WARNING, SG_SEV_ERROR };

struct sg_diag {
    enum sg_severity severity;
    char *code;    /* stable identifier, e.g. "not-assignment" */
    char *file;    /* target path, or NULL */
    unsigned line; /* 1-based, 0 = whole file */
    char *message;
};

struct sg_diags {
    struct sg_diag *v;
    size_t n, cap;
};

/* Add a diagnostic; returns 0 or -ENOMEM. */
int sg_diag_add(struct sg_diags *d, enum sg_severity sev, const char *code,
                const char *file, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

size_t sg_diag_count(const struct sg_diags *d, enum sg_severity min);
void sg_diags_free(struct sg_diags *d);

const char *sg_severity_name(enum sg_severity s);
/* "error", "warning", "info" as a severity into *OUT: 0, or -EINVAL. */
int sg_severity_parse(const char *s, enum sg_severity *out);
/* The same as a value: the severity, or -1 for anything else. */
int sg_severity_of(const char *s);

#endif
