/*
 * eval.h - policies over a config model: the findings.
 *
 * A rule applies when the model's kernel is in its range and the profiles
 * given match its profiles. Its subject is
 * - a key, on its effective value: the winning assignment, else a glob
 *   that sets it, else the kernel default the policies declare for this
 *   kernel (then the finding has no file and line);
 * - a key, on every line that sets it (files in application order), or
 * - a diagnostic code of the model (e.g. semantics-disagree).
 * Conditions are checked against the subject and the effective values of
 * other keys; numbers are read as the kernel reads them (the leading
 * integer: "1 # note" is 1).
 */
#ifndef SG_EVAL_H
#define SG_EVAL_H

#include "finding.h"
#include "../tree/layout.h"
#include "../tree/model.h"
#include "policy.h"

/* Evaluate PS's rules that apply to M's kernel with settings S (policy.h:
 * the profiles, the rules turned off) into OUT, sorted; then the
 * suppression comments (suppress.h). 0 or -ENOMEM. */
int sg_evaluate(const struct sg_model *m, const struct sg_policies *ps,
                const struct sg_settings *s, struct sg_findings *out);

#endif
