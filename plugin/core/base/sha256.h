/*
 * sha256.h - SHA-256, for the digests a plan states of the files it was
 * computed from (sha256sum, Ansible's stat checksum_algorithm=sha256 and
 * Salt's file.hashsum compute the same, so every engine can check them).
 */
#ifndef SG_SHA256_H
#define SG_SHA256_H

#include <stddef.h>

/* The digest of LEN bytes at DATA as 64 lowercase hex digits. */
void sg_sha256_hex(const void *data, size_t len, char out[65]);

#endif
