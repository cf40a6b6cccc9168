/*
 * module.h - the binary as the Ansible module `sysctl_guard` (module.c).
 */
#ifndef SG_MODULE_H
#define SG_MODULE_H

#include <stdbool.h>

/* Whether ARG looks like the JSON arguments file Ansible passes a binary
 * module (`MODULE ARGS-FILE`). */
bool sg_ansible_args_file(const char *arg);
/* Run the module over that file: one JSON object on stdout; the exit
 * status Ansible expects (0, or 1 when the task failed). */
int sg_ansible_main(const char *args_path);

#endif
