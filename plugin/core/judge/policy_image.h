/*
 * policy_image.h - the shipped policies as the loader leaves them, file
 * by file, made at build time (scripts/policy_image.c) and built into the
 * binary, so that a run takes a shipped file (the bytes the build
 * validated: data.c vouches for them to sg_policies_load_trusting) from
 * here instead of parsing its XML again, whether the run's policies are the
 * shipped set or some of it beside files of the operator's: that parse and the
 * rules built from it were a fifth of a check of a small tree, and a third when
 * one policy of the operator's sat beside the shipped ones (issue 30).
 *
 * The image holds one section per file: its name (the path's last
 * component) and, as loading that file alone leaves struct sg_policies,
 * the profiles it declares, its keys and its rules with their conditions,
 * and whether they ask for the catalog. A matching check's regular
 * expression is compiled again when it is read. Integers are
 * little-endian u32, a string is its length (u32, 0xffffffff for NULL)
 * and its bytes, a section its name, its length and its bytes; the image
 * begins with a magic line and the count of sections.
 */
#ifndef SG_POLICY_IMAGE_H
#define SG_POLICY_IMAGE_H

#include <stddef.h>
#include <stdio.h>

#include "policy.h"

/* Write PARTS[0..N), each one file's policies (sg_policies_load_part),
 * to OUT, a section each. 0, or -EIO. */
int sg_policy_image_write(FILE *out, const struct sg_policies *parts, size_t n);

/* Append to PS the section of IMG (LEN bytes) named by PATH's last
 * component, as loading PATH would append it (with PS's files the path
 * PATH; a profile PS has already, kept once): 1, with the section's place
 * in *INDEX; 0 when the image has no such section, PS unchanged;
 * -EINVAL for an image this cannot read, -ENOMEM (after either, PS may
 * hold part of the section: sg_policies_free frees it). */
int sg_policy_image_append(const unsigned char *img, size_t len,
                           const char *path, struct sg_policies *ps,
                           size_t *index);

/* How many sections (files) IMG has; 0 for an image this cannot read. */
size_t sg_policy_image_count(const unsigned char *img, size_t len);

#endif
