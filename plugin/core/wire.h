/*
 * wire.h - parsed files and diagnostics as bytes, so that a child process
 * can parse part of a large tree and hand its results back (model.c).
 *
 * The format is private to one run of one binary: length-prefixed strings,
 * native-endian integers, a magic number and a trailing one. The decoder
 * checks every length against the buffer and fails with -EBADMSG rather
 * than trust a child that died half-way through writing.
 */
#ifndef SG_WIRE_H
#define SG_WIRE_H

#include <stddef.h>

#include "model.h"

/* Encode files F[0..N) and diagnostics D->v[D0..). */
int sg_wire_encode(struct sg_file *const *f, size_t n, const struct sg_diags *d,
                   size_t d0, char **buf, size_t *len);

/* Append the decoded files to *FILES (count *NFILES) and the diagnostics
 * to D. On error nothing is appended. */
int sg_wire_decode(const char *buf, size_t len, struct sg_file ***files,
                   size_t *nfiles, struct sg_diags *d);

void sg_file_free(struct sg_file *f);

#endif
