/*
 * module.c - the binary as the Ansible module `sysctl_guard`.
 *
 * Ansible runs a binary module as `MODULE ARGS-FILE`, the file holding one
 * JSON object: the task's parameters and internal `_ansible_*` keys
 * (`_ansible_check_mode`, `_ansible_diff`, ...; the ones not used here
 * are ignored). The module prints one JSON object on stdout: the data of
 * `check --format json` (views.h sg_json_check: format, tool, host, root,
 * kernel, files, findings, summary, diagnostics), each finding with its
 * fingerprint, and the module's own keys: changed, failed, msg,
 * warnings, the changes {key: {old, new}}, and in diff mode `diff`
 * (before/after per file): what `sysctl-guard report` reads, so a
 * registered result saved on the controller needs no second run. Whether
 * the task failed is the run's exit status (result.h sg_result_exit).
 * Parameters are checked as AnsibleModule checks them: an unknown one, a wrong
 * type or a value outside the choices fails the task with a message naming the
 * valid ones; numbers for strings and "a,b" for lists are converted, and paths
 * get variables and ~ expanded. Check mode never writes and predicts `changed`
 * from the planned fix. The documentation is plugin/ansible/sysctl_guard.yml
 * (installed beside the module).
 *
 * Data: `params`, the parameter table (name, type, choices, default):
 * what the checks, the conversions and `invocation` (the parameters as
 * used, in every result, failed or not) are made from, and what
 * tests/integration/ansible.py compares with sysctl_guard.yml. The args
 * file is read whole (at most SG_MAX_FILE_SIZE) into one cJSON tree; the
 * result is built as one cJSON tree and printed once. Costs: the
 * parameters are a fixed handful; the run is check's or fix's.
 */
#include "module.h"
#include "params.h"
#include "../data/data.h"
#include "../run/run.h"
#include "../views/views.h"
#include "../core/base/util.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/utsname.h>

/* msg names at most this many findings (all are in `findings`). */
#define MAX_LISTED 20

bool sg_ansible_args_file(const char *arg)
{
    struct stat st;
    FILE *f;
    int c;

    /* Only its first non-blank byte: the module reads it whole later. */
    if (stat(arg, &st) < 0 || !S_ISREG(st.st_mode) || !(f = fopen(arg, "r")))
        return false;
    while ((c = getc(f)) == ' ' || c == '\t' || c == '\n' || c == '\r')
        ;
    fclose(f);
    return c == '{';
}

/* Print the result and return the exit status (1 when failed, as
 * AnsibleModule.fail_json exits). Takes O. */
static int finish(cJSON *o, bool failed, const char *msg)
{
    cJSON_AddBoolToObject(o, "failed", failed);
    if (!cJSON_GetObjectItemCaseSensitive(o, "changed"))
        cJSON_AddBoolToObject(o, "changed", false);
    cJSON_AddStringToObject(o, "msg", msg);
    char *raw = cJSON_PrintUnformatted(o);
    /* JSON is UTF-8; files may hold Latin-1 values and comments. */
    char *s = raw ? sg_utf8_repair(raw) : NULL;
    puts(s ? s : "{\"failed\": true, \"msg\": \"out of memory\"}");
    free(raw);
    free(s);
    cJSON_Delete(o);
    return failed ? 1 : 0;
}

static int fail(cJSON *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int fail(cJSON *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = sg_strdup_vprintf(fmt, ap);
    va_end(ap);
    int r = finish(o, true, msg ? msg : "out of memory");
    free(msg);
    return r;
}

/* The host the result is for: the task's host: (a play passes
 * inventory_hostname), else the target's node name (uname -n). */
static const char *host_name(const cJSON *args)
{
    static struct utsname u;
    const char *h = sg_module_str(args, "host");
    if (h && *h)
        return h;
    return uname(&u) == 0 ? u.nodename : "";
}

/* Ansible's diff: one before/after pair per file. */
static cJSON *diff_json(const struct sg_result *s)
{
    const struct sg_changes *cs = &s->changes;
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < cs->n; i++) {
        if (!sg_change_counts(s, &cs->v[i]))
            continue; /* not written: no diff to show */
        cJSON *d = cJSON_CreateObject();
        cJSON_AddStringToObject(d, "before_header",
                                cs->v[i].before ? cs->v[i].path : "/dev/null");
        cJSON_AddStringToObject(d, "after_header", cs->v[i].path);
        cJSON_AddStringToObject(d, "before",
                                cs->v[i].before ? cs->v[i].before : "");
        cJSON_AddStringToObject(d, "after", cs->v[i].after);
        cJSON_AddItemToArray(a, d);
    }
    return a;
}

/* The policies the task names, and the data (data.h) to find them. */
struct policies_arg {
    const char *v[SG_MAX_LIST];
    size_t n;
    struct sg_data data;
};

/* Run what the parameters ask for and fill the result O: the policies
 * PA, the run OPTS. */
static int run(const struct policies_arg *pa, struct sg_run_opts *opts,
               cJSON *args, cJSON *o)
{
    bool fixed = strcmp(sg_module_str(args, "state"), "fixed") == 0;
    bool check_mode = sg_module_flag(args, "_ansible_check_mode");
    struct sg_policies ps;
    struct sg_diags pd = {0};
    struct sg_result s;
    struct sg_buf msg = {0};
    char *err = NULL, sum[128];
    int r;

    if (sg_data_policies(&pa->data, pa->v, pa->n, opts->set.profiles,
                         opts->set.n_profiles, &ps, &pd) < 0) {
        sg_error_lines(&msg, &pd, "; ");
        sg_diags_free(&pd);
        r = fail(o, "cannot load the policies%s", msg.v ? msg.v : "");
        free(msg.v);
        return r;
    }
    if (sg_data_check_rules(&ps, "disable", opts->set.disabled,
                            opts->set.n_disabled, &pd) < 0) {
        r = fail(o, "%s", pd.n ? pd.v[pd.n - 1].message : "out of memory");
        sg_diags_free(&pd);
        sg_policies_free(&ps);
        return r;
    }
    sg_diags_free(&pd);
    opts->mode = !fixed       ? SG_RUN_CHECK
                 : check_mode ? SG_RUN_PREVIEW
                              : SG_RUN_FIX;
    if (sg_run(opts, &ps, &s, &err) < 0) {
        r = fail(o, "%s", err ? err : "failed");
        free(err);
        sg_result_free(&s);
        sg_policies_free(&ps);
        return r;
    }
    const struct sg_report *rep = &s.report;
    /* The result is check --format json's data (views.h sg_json_check)
     * with the module's own keys: each finding's fingerprint, changed,
     * changes, diff, msg, warnings, failed and invocation. */
    struct sg_view_opts vo = {.host = host_name(args),
                              .profiles = opts->set.profiles,
                              .n_profiles = opts->set.n_profiles};
    cJSON *check = sg_json_check(&s, &vo), *item;
    cJSON *fs = cJSON_GetObjectItemCaseSensitive(check, "findings");
    size_t at = 0;
    cJSON_ArrayForEach(item, fs)
    {
        char hex[17];
        /* as SARIF and the report give it */
        sg_finding_fingerprint(&rep->findings.v[at++], hex);
        cJSON_AddStringToObject(item, "fingerprint", hex);
    }
    cJSON_ArrayForEach(item, check)
    {
        cJSON_AddItemToObject(o, item->string, cJSON_Duplicate(item, 1));
    }
    cJSON_Delete(check);
    /* Check mode predicts; a real run counts what was written. */
    bool changed = fixed && sg_result_changed(&s) > 0;
    cJSON_AddBoolToObject(o, "changed", changed);
    cJSON_AddItemToObject(o, "changes", sg_json_effects(&s.effects));
    if (sg_module_flag(args, "_ansible_diff") && s.changes.n)
        cJSON_AddItemToObject(o, "diff", diff_json(&s));

    sg_summary_line(&rep->findings, sum, sizeof(sum));
    /* The run's status decides (result.h): a check fails on a finding at
     * or over fail_on, a fix when something it should fix is left; in
     * check mode, what would change is the answer, not a failure. */
    bool failed = sg_result_exit(&s, true) != SG_EXIT_OK;
    if (!fixed) {
        sg_buf_printf(&msg, "%s (kernel %s)", sum, rep->kernel);
    } else {
        sg_fix_headline(&msg, &s);
        sg_buf_printf(&msg, "; %s %s (kernel %s)", check_mode ? "now" : "left",
                      sum, rep->kernel);
        if (s.left.n)
            sg_buf_printf(&msg, "; %zu %s to fix", s.left.n,
                          check_mode ? "would be left" : "still");
    }
    /* Then the findings themselves, "rule file:line" (a play recap shows
     * msg, and counts alone say nothing of what to look at). */
    size_t listed = 0, unlisted = 0;
    for (size_t i = 0; i < rep->findings.n; i++) {
        const struct sg_finding *f = &rep->findings.v[i];
        if (f->suppressed)
            continue; /* silenced, as noqa silences; in findings still */
        if (listed == MAX_LISTED) {
            unlisted++;
            continue;
        }
        sg_buf_printf(&msg, "%s%s",
                      listed++ ? ", " : "; findings: ", f->rule->id);
        if (f->file)
            sg_buf_printf(&msg, " %s", f->file);
        if (f->file && f->line) /* a whole-file finding has no line */
            sg_buf_printf(&msg, ":%u", f->line);
    }
    if (unlisted)
        sg_buf_printf(&msg, " and %zu more", unlisted);
    sg_error_lines(&msg, &rep->diags, "; ");
    sg_error_lines(&msg, &s.fix_diags, "; ");
    /* Ansible shows warnings as [WARNING] lines: diagnostics about the
     * input no rule made a finding of, and what is left after the fix
     * (in check mode: would be), and why. A suppressed finding is no
     * warning: a suppression silences, as noqa does in ansible-lint (the
     * result's findings keep it, with its reason). */
    cJSON *warn = cJSON_CreateArray();
    struct sg_buf line = {0};
    for (size_t i = 0; i < rep->diags.n; i++) {
        const struct sg_diag *d = &rep->diags.v[i];
        if (!sg_diag_shown(rep, d))
            continue;
        line.n = 0;
        sg_buf_printf(&line, "%s", d->file ? d->file : "sysctl-guard");
        if (d->line)
            sg_buf_printf(&line, ":%u", d->line);
        sg_buf_printf(&line, ": %s: %s [%s]", sg_severity_name(d->severity),
                      d->message, d->code);
        cJSON_AddItemToArray(warn, cJSON_CreateString(line.v));
    }
    for (size_t i = 0; fixed && sg_left_next(&s, &i, &line);)
        cJSON_AddItemToArray(warn, cJSON_CreateString(line.v));
    free(line.v);
    if (cJSON_GetArraySize(warn))
        cJSON_AddItemToObject(o, "warnings", warn);
    else
        cJSON_Delete(warn);
    r = finish(o, failed, msg.v ? msg.v : "");
    free(msg.v);
    sg_result_free(&s);
    sg_policies_free(&ps);
    return r;
}

int sg_ansible_main(const char *args_path)
{
    struct sg_run_opts ro = {.fail_on = SG_SEV_WARNING};
    struct policies_arg pa = {0};
    cJSON *o = cJSON_CreateObject(), *args;
    char *text = NULL;
    size_t len;
    int err = 0, r;
    struct sg_buf why = {0};

    switch (sg_read_file(args_path, &text, &len, &err)) {
    case SG_READ_OK:
        break;
    case SG_READ_NUL:
        return fail(o,
                    "the arguments file %s holds a NUL byte (line %d): "
                    "not JSON",
                    args_path, err);
    case SG_READ_TOO_BIG:
        return fail(o,
                    "the arguments file %s is larger than %u MiB: not "
                    "module arguments",
                    args_path, SG_MAX_FILE_SIZE >> 20);
    case SG_READ_NOT_FILE:
        return fail(o, "the arguments file %s is not a regular file",
                    args_path);
    case SG_READ_ERRNO:
        return fail(o, "cannot read the arguments file %s: %s", args_path,
                    strerror(err));
    }
    args = cJSON_ParseWithLength(text, len);
    free(text);
    if (!cJSON_IsObject(args)) {
        cJSON_Delete(args);
        return fail(o, "the arguments file %s is not a JSON object", args_path);
    }
    if (!sg_module_check_args(args, &why)) {
        cJSON_AddItemToObject(o, "invocation", sg_module_invocation(args));
        r = fail(o, "%s", why.v);
        free(why.v);
        cJSON_Delete(args);
        return r;
    }
    /* An unquoted `kernel: 5.10` arrives as the number 5.1: checking
     * kernel 5.1 would be checking the wrong kernel, silently. */
    cJSON *kv = cJSON_GetObjectItemCaseSensitive(args, "kernel");
    if (cJSON_IsNumber(kv)) {
        cJSON_AddItemToObject(o, "invocation", sg_module_invocation(args));
        r = fail(o,
                 "kernel is the number %.15g, not a release string: YAML "
                 "reads an unquoted 5.10 as 5.1; quote it (kernel: \"%.15g\")",
                 kv->valuedouble, kv->valuedouble);
        cJSON_Delete(args);
        return r;
    }
    sg_module_convert_numbers(args);
    sg_module_split_lists(args);
    sg_module_expand_paths(args);
    /* Every result from here on shows the parameters as used, failed
     * or not, as AnsibleModule's exit_json and fail_json do. */
    cJSON_AddItemToObject(o, "invocation", sg_module_invocation(args));
    ro.root = sg_module_str(args, "root");
    ro.set.kernel = sg_module_str(args, "kernel");
    ro.live = sg_module_flag(args, "live");
    sg_semantics_parse(sg_module_str(args, "semantics"), &ro.semantics,
                       &ro.procps);
    sg_severity_parse(sg_module_str(args, "fail_on"), &ro.fail_on);
    if (sg_module_list(args, "profile", ro.set.profiles, &ro.set.n_profiles) <
            0 ||
        sg_module_list(args, "policies", pa.v, &pa.n) < 0 ||
        sg_module_list(args, "disable", ro.set.disabled, &ro.set.n_disabled) <
            0) {
        r = fail(o, "at most %d profiles, policies and disabled rules",
                 SG_MAX_LIST);
    } else if (sg_data_find(&pa.data) < 0) {
        r = fail(o, "%s", pa.data.problem ? pa.data.problem : "out of memory");
    } else {
        struct stat st;
        int se = stat(ro.root, &st) < 0 ? errno : 0;
        ro.lensdir = pa.data.lensdir;
        if (se || !S_ISDIR(st.st_mode))
            r = fail(o, "root %s: %s", ro.root,
                     se ? strerror(se) : "not a directory");
        else
            r = run(&pa, &ro, args, o);
    }
    sg_data_free(&pa.data);
    cJSON_Delete(args);
    return r;
}
