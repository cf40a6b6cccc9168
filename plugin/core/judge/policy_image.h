/*
 * policy_image.h - the shipped policies as the loader leaves them, made
 * at build time (tools/policy_image.c) and built into the binary, so that
 * a run whose policies are exactly the shipped files (the bytes the build
 * validated: sg_policies_load_trusting's TRUSTED) takes them from here
 * instead of parsing their XML again: that parse and the rules built from
 * it were a fifth of a check of a small tree (issue 30).
 *
 * The image holds everything sg_policies_load puts in struct sg_policies
 * except the catalog: the files by name, the profiles, the keys and the
 * rules with their conditions, each key and rule with the index of its
 * file. A matching check's regular expression is compiled again when it
 * is read. Integers are little-endian u32, a string is its length (u32,
 * 0xffffffff for NULL) and its bytes; the image begins with a magic line.
 */
#ifndef SG_POLICY_IMAGE_H
#define SG_POLICY_IMAGE_H

#include <stddef.h>
#include <stdio.h>

#include "policy.h"

/* Write PS (as sg_policies_load left it) to OUT. 0, or -EIO. */
int sg_policy_image_write(FILE *out, const struct sg_policies *ps);

/* Fill PS (empty) from IMG (LEN bytes) when the image was made of the
 * files FILES[0..N) name, in that order (by their last component): 1,
 * with PS's files the paths FILES; 0 when they are other files, PS left
 * empty; -EINVAL for an image this cannot read, -ENOMEM (PS emptied). */
int sg_policy_image_read(const unsigned char *img, size_t len,
                         char *const *files, size_t n, struct sg_policies *ps);

#endif
