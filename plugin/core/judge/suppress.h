/*
 * suppress.h - suppression comments, the way shellcheck and hadolint have
 * them: a whole-line comment (so systemd-sysctl and procps ignore it)
 *
 *   # sysctl-guard: disable=RULE[,RULE...] -- why
 *       the findings of those rules on the next entry line;
 *   # sysctl-guard: disable-file=RULE[,RULE...] -- why
 *       the findings of those rules anywhere in the file.
 *
 * The reason is what follows the rule list, after an optional "--", "-",
 * an em or en dash, or ":". A suppressed finding stays a finding, with
 * the reason (finding.h suppressed): JSON keeps it, SARIF makes it a
 * suppression, text, gcc, github, fail-on and fix leave it alone.
 * A suppression that does not do its job is itself said, as a diagnostic
 * for input.xml's rules: "suppression-no-reason" (no why given),
 * "suppression-unused" (a rule it names found nothing there),
 * "suppression-invalid" (not disable= or disable-file=, or a rule that
 * the loaded policies do not have).
 */
#ifndef SG_SUPPRESS_H
#define SG_SUPPRESS_H

#include "../base/diag.h"
#include "finding.h"
#include "../tree/model.h"
#include "policy.h"

/* Apply the suppression comments of M's files to FS (marking the findings
 * they suppress); what is wrong with them goes to PROBLEMS. A rule that
 * does not apply here (disabled, another kernel or profile: policy.h
 * sg_rule_applies with O) makes no "unused" suppression: the same file
 * may serve hosts it does apply to. Returns 0 or -ENOMEM. */
int sg_suppress(const struct sg_model *m, const struct sg_policies *ps,
                const struct sg_settings *o, struct sg_findings *fs,
                struct sg_diags *problems);

#endif
