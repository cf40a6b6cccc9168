/*
 * keys.h - sysctl key names: the one canonical (dot) form, globs, and the
 * /proc/sys path of a key.
 *
 * sysctl.d(5): if the first separator of a key is "/", the key is in path
 * form and dots are literal (interface "eth0.100"); if it is ".", dots
 * separate and slashes are literal dots. The canonical form used in every
 * report is the dot form in which a literal dot is written "/", as
 * sysctl(8) prints it: "net.ipv4.conf.eth0/100.rp_filter".
 */
#ifndef SG_KEYS_H
#define SG_KEYS_H

#include <stdbool.h>
#include <stddef.h>

/* Canonical dot form of RAW (empty components dropped); NULL on ENOMEM. */
char *sg_key_normalize(const char *raw);
/* The same of the LEN bytes of RAW (no NUL among them) into OUT, which
 * has room for LEN + 1 (the form is never longer): its length. */
size_t sg_key_normalize_into(const char *raw, size_t len, char *out);

/* Path form of a canonical key ("net/ipv4/conf/eth0.100/rp_filter"). */
char *sg_key_to_path(const char *key);

/* Whether the key is a glob pattern (contains "*", "?" or "["). */
bool sg_key_is_glob(const char *key);

/* Whether the canonical PATTERN matches the canonical KEY, component by
 * component ("*" never crosses a separator), as systemd-sysctl's glob(3)
 * over /proc/sys does. */
bool sg_key_glob_match(const char *pattern, const char *key);

#endif
