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
#include "../data/data.h"
#include "../run/run.h"
#include "../views/views.h"
#include "../core/base/util.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/utsname.h>

/* msg names at most this many findings (all are in `findings`). */
#define MAX_LISTED 20

#define MODULE "sysctl_guard"

enum ptype { P_STR, P_LIST, P_CHOICE, P_BOOL };

static const struct param {
    const char *name;
    enum ptype type;
    const char *choices[5]; /* NULL-terminated */
    const char *dflt;
    bool path; /* type path (or elements path): variables and ~ expanded */
} params[] = {
    /* sorted by name: the order of the "Supported parameters" list */
    {"disable", P_LIST, {0}, NULL, false},
    {"fail_on", P_CHOICE, {"error", "warning", "info"}, "warning", false},
    {"host", P_STR, {0}, NULL, false},
    {"kernel", P_STR, {0}, NULL, false},
    {"live", P_BOOL, {0}, "false", false},
    {"policies", P_LIST, {0}, NULL, true},
    {"profile", P_LIST, {0}, NULL, false},
    {"root", P_STR, {0}, "/", true},
    {"semantics",
     P_CHOICE,
     {"systemd", "procps", "procps-3.3", "procps-4"},
     "systemd",
     false},
    {"state", P_CHOICE, {"checked", "fixed"}, "checked", false},
};
#define N_PARAMS (sizeof(params) / sizeof(*params))

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

static const struct param *param_named(const char *name)
{
    for (size_t i = 0; i < N_PARAMS; i++)
        if (strcmp(params[i].name, name) == 0)
            return &params[i];
    return NULL;
}

static const char *json_type(const cJSON *v)
{
    return cJSON_IsString(v)   ? "str"
           : cJSON_IsNumber(v) ? "int"
           : cJSON_IsBool(v)   ? "bool"
           : cJSON_IsArray(v)  ? "list"
           : cJSON_IsObject(v) ? "dict"
                               : "NoneType";
}

/* A boolean as AnsibleModule reads one (module_utils/parsing/convert_bool:
 * BOOLEANS_TRUE / BOOLEANS_FALSE): 1 true, 0 false, -1 neither. */
static int ansible_bool(const cJSON *v)
{
    static const char *const yes[] = {"y", "yes", "on", "1", "true", "t"};
    static const char *const no[] = {"n", "no", "off", "0", "false", "f"};
    if (cJSON_IsBool(v))
        return cJSON_IsTrue(v);
    if (cJSON_IsNumber(v) && (v->valuedouble == 0 || v->valuedouble == 1))
        return v->valuedouble == 1;
    for (size_t i = 0; cJSON_IsString(v) && i < 6; i++) {
        if (strcasecmp(v->valuestring, yes[i]) == 0)
            return 1;
        if (strcasecmp(v->valuestring, no[i]) == 0)
            return 0;
    }
    return -1;
}

/* Check one parameter's value; a message into ERR when it is wrong. */
static bool valid(const struct param *p, const cJSON *v, struct sg_buf *err)
{
    if (cJSON_IsNull(v))
        return true;
    switch (p->type) {
    case P_STR:
        if (cJSON_IsString(v) || cJSON_IsNumber(v))
            return true;
        break;
    case P_LIST:
        if (cJSON_IsString(v))
            return true; /* "a,b" as AnsibleModule splits it */
        if (cJSON_IsArray(v)) {
            const cJSON *e;
            cJSON_ArrayForEach(e, v) if (!cJSON_IsString(e))
            {
                sg_buf_printf(err,
                              "Elements value for option '%s' is of type %s "
                              "and we were unable to convert to str",
                              p->name, json_type(e));
                return false;
            }
            return true;
        }
        break;
    case P_BOOL:
        if (ansible_bool(v) >= 0)
            return true;
        sg_buf_printf(err,
                      "argument '%s' is of type %s and we were unable to "
                      "convert to bool: The value '%s' is not a valid "
                      "boolean.  Valid booleans include: 0, 'on', 'f', "
                      "'false', 1, 'no', 'n', '1', '0', 't', 'y', 'off', "
                      "'yes', 'true'",
                      p->name, json_type(v),
                      cJSON_IsString(v) ? v->valuestring : "?");
        return false;
    case P_CHOICE:
        for (size_t i = 0; cJSON_IsString(v) && p->choices[i]; i++)
            if (strcmp(v->valuestring, p->choices[i]) == 0)
                return true;
        sg_buf_printf(err, "value of %s must be one of: ", p->name);
        for (size_t i = 0; p->choices[i]; i++)
            sg_buf_printf(err, "%s%s", i ? ", " : "", p->choices[i]);
        if (cJSON_IsString(v))
            sg_buf_printf(err, ", got: %s", v->valuestring);
        else
            sg_buf_printf(err, ", got a %s", json_type(v));
        return false;
    }
    sg_buf_printf(err,
                  "argument '%s' is of type %s and we were unable to convert "
                  "to %s",
                  p->name, json_type(v), p->type == P_LIST ? "list" : "str");
    return false;
}

/* Validate ARGS: unknown parameters first (all of them, by name), then
 * types and choices. Returns false with the message in ERR. */
static bool check_args(const cJSON *args, struct sg_buf *err)
{
    const cJSON *v;
    struct sg_buf unknown = {0};
    size_t n_unknown = 0;

    cJSON_ArrayForEach(v, args)
    {
        if (strncmp(v->string, "_ansible_", 9) == 0 || param_named(v->string))
            continue;
        // cppcheck-suppress knownConditionTrueFalse ; it counts in the loop
        sg_buf_printf(&unknown, "%s%s", n_unknown ? ", " : "", v->string);
        n_unknown++;
    }
    if (n_unknown) {
        sg_buf_printf(err,
                      "Unsupported parameters for (%s) module: %s. Supported "
                      "parameters include: ",
                      MODULE, unknown.v ? unknown.v : "");
        for (size_t i = 0; i < N_PARAMS; i++)
            sg_buf_printf(err, "%s%s", i ? ", " : "", params[i].name);
        sg_buf_printf(err, ".");
    }
    free(unknown.v);
    if (n_unknown)
        return false;
    for (size_t i = 0; i < N_PARAMS; i++) {
        v = cJSON_GetObjectItemCaseSensitive(args, params[i].name);
        if (v && !valid(&params[i], v, err))
            return false;
    }
    return true;
}

/* Numbers given for strings become strings, as AnsibleModule converts
 * them (YAML reads `kernel: 6.1` as a number); booleans given as "yes",
 * "on", 1 ... become true or false. */
static void convert_numbers(cJSON *args)
{
    for (size_t i = 0; i < N_PARAMS; i++) {
        cJSON *v = cJSON_GetObjectItemCaseSensitive(args, params[i].name);
        char num[64];
        if (params[i].type == P_BOOL && v && !cJSON_IsNull(v)) {
            cJSON_ReplaceItemInObjectCaseSensitive(
                args, params[i].name, cJSON_CreateBool(ansible_bool(v) == 1));
            continue;
        }
        if (params[i].type != P_STR || !cJSON_IsNumber(v))
            continue;
        snprintf(num, sizeof(num), "%.15g", v->valuedouble);
        cJSON_ReplaceItemInObjectCaseSensitive(args, params[i].name,
                                               cJSON_CreateString(num));
    }
}

/* A comma-separated string for a list becomes the list, as AnsibleModule
 * converts it (and so the invocation shows the list). */
static void split_lists(cJSON *args)
{
    for (size_t i = 0; i < N_PARAMS; i++) {
        cJSON *v = cJSON_GetObjectItemCaseSensitive(args, params[i].name);
        if (params[i].type != P_LIST || !cJSON_IsString(v))
            continue;
        cJSON *list = cJSON_CreateArray();
        char *copy = strdup(v->valuestring);
        for (char *save = NULL, *t = copy ? strtok_r(copy, ",", &save) : NULL;
             t; t = strtok_r(NULL, ",", &save))
            cJSON_AddItemToArray(list, cJSON_CreateString(t));
        free(copy);
        cJSON_ReplaceItemInObjectCaseSensitive(args, params[i].name, list);
    }
}

/* $NAME and ${NAME} replaced by the variable's value, as Python's
 * os.path.expandvars does: NAME is [A-Za-z0-9_]+ (or anything but "}"
 * between braces), and a variable that is not set stays as written. */
static char *expand_vars(const char *s)
{
    struct sg_buf b = {0};
    const char *p = s;

    while (*p) {
        const char *d = strchr(p, '$'), *name, *end;
        size_t len;
        if (!d)
            break;
        if (d[1] == '{' && (end = strchr(d + 2, '}'))) {
            name = d + 2;
            len = (size_t)(end - name);
            end++;
        } else {
            name = d + 1;
            for (end = name; *end == '_' || (*end >= '0' && *end <= '9') ||
                             ((*end | 0x20) >= 'a' && (*end | 0x20) <= 'z');
                 end++)
                ;
            len = (size_t)(end - name);
            if (!len) {
                if (sg_buf_add(&b, p, (size_t)(d + 1 - p)) < 0)
                    goto oom;
                p = d + 1;
                continue;
            }
        }
        char *n = strndup(name, len);
        const char *val = n ? getenv(n) : NULL;
        free(n);
        if (sg_buf_add(&b, p, (size_t)(d - p)) < 0 ||
            (val ? sg_buf_add(&b, val, strlen(val))
                 : sg_buf_add(&b, d, (size_t)(end - d))) < 0)
            goto oom;
        p = end;
    }
    if (sg_buf_add(&b, p, strlen(p)) == 0)
        return b.v;
oom:
    free(b.v);
    return NULL; /* the value stays as written */
}

/* A leading ~ or ~USER replaced by the home directory, as Python's
 * os.path.expanduser does: $HOME for ~ (else the password database), and
 * a user that does not exist leaves the path as written. */
static char *expand_user(const char *s)
{
    if (s[0] != '~')
        return strdup(s);
    const char *rest = strchr(s, '/');
    size_t nlen = rest ? (size_t)(rest - s - 1) : strlen(s + 1);
    const char *home = NULL;
    if (!rest)
        rest = s + strlen(s);
    if (nlen == 0 && (home = getenv("HOME")) == NULL) {
        struct passwd *pw = getpwuid(getuid());
        home = pw ? pw->pw_dir : NULL;
    } else if (nlen) {
        char *name = strndup(s + 1, nlen);
        struct passwd *pw = name ? getpwnam(name) : NULL;
        free(name);
        home = pw ? pw->pw_dir : NULL;
    }
    if (!home)
        return strdup(s);
    size_t hlen = strlen(home);
    while (hlen && home[hlen - 1] == '/')
        hlen--;
    if (hlen == 0 && !*rest)
        return strdup("/");
    return sg_strdup_printf("%.*s%s", (int)hlen, home, rest);
}

/* String V of type path expanded as AnsibleModule expands it:
 * os.path.expanduser(os.path.expandvars(V)). A binary module gets the
 * task's text as written. */
static void expand_path(cJSON *v)
{
    if (!cJSON_IsString(v))
        return;
    char *vars = expand_vars(v->valuestring);
    char *full = vars ? expand_user(vars) : NULL;
    if (full)
        cJSON_SetValuestring(v, full);
    free(vars);
    free(full);
}

/* Parameters of type path, and list elements of type path. */
static void expand_paths(cJSON *args)
{
    for (size_t i = 0; i < N_PARAMS; i++) {
        cJSON *v = cJSON_GetObjectItemCaseSensitive(args, params[i].name), *e;
        if (!params[i].path)
            continue;
        if (cJSON_IsArray(v)) {
            for (e = v->child; e; e = e->next)
                expand_path(e);
        } else {
            expand_path(v);
        }
    }
}

static const char *str_arg(const cJSON *args, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(args, name);
    if (cJSON_IsString(v))
        return v->valuestring;
    return param_named(name)->dflt;
}

/* The host the result is for: the task's host: (a play passes
 * inventory_hostname), else the target's node name (uname -n). */
static const char *host_name(const cJSON *args)
{
    static struct utsname u;
    const char *h = str_arg(args, "host");
    if (h && *h)
        return h;
    return uname(&u) == 0 ? u.nodename : "";
}

static bool flag(const cJSON *args, const char *name)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(args, name));
}

/* A list parameter into OUT (at most SG_MAX_LIST). */
static int list_arg(cJSON *args, const char *name, const char **out, size_t *n)
{
    cJSON *v = cJSON_GetObjectItemCaseSensitive(args, name), *e;
    *n = 0;
    if (!cJSON_IsArray(v))
        return 0;
    cJSON_ArrayForEach(e, v)
    {
        if (*n == SG_MAX_LIST)
            return -1;
        out[(*n)++] = e->valuestring;
    }
    return 0;
}

/* The module_args Ansible shows back: every parameter, defaults filled. */
static cJSON *invocation(const cJSON *args)
{
    cJSON *inv = cJSON_CreateObject(), *ma = cJSON_CreateObject();
    for (size_t i = 0; i < N_PARAMS; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(args, params[i].name);
        if (v)
            cJSON_AddItemToObject(ma, params[i].name, cJSON_Duplicate(v, 1));
        else if (params[i].type == P_BOOL)
            cJSON_AddBoolToObject(ma, params[i].name,
                                  strcmp(params[i].dflt, "true") == 0);
        else if (params[i].dflt)
            cJSON_AddStringToObject(ma, params[i].name, params[i].dflt);
        else
            cJSON_AddNullToObject(ma, params[i].name);
    }
    cJSON_AddItemToObject(inv, "module_args", ma);
    return inv;
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
    bool fixed = strcmp(str_arg(args, "state"), "fixed") == 0;
    bool check_mode = flag(args, "_ansible_check_mode");
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
    if (flag(args, "_ansible_diff") && s.changes.n)
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
    if (!check_args(args, &why)) {
        cJSON_AddItemToObject(o, "invocation", invocation(args));
        r = fail(o, "%s", why.v);
        free(why.v);
        cJSON_Delete(args);
        return r;
    }
    /* An unquoted `kernel: 5.10` arrives as the number 5.1: checking
     * kernel 5.1 would be checking the wrong kernel, silently. */
    cJSON *kv = cJSON_GetObjectItemCaseSensitive(args, "kernel");
    if (cJSON_IsNumber(kv)) {
        cJSON_AddItemToObject(o, "invocation", invocation(args));
        r = fail(o,
                 "kernel is the number %.15g, not a release string: YAML "
                 "reads an unquoted 5.10 as 5.1; quote it (kernel: \"%.15g\")",
                 kv->valuedouble, kv->valuedouble);
        cJSON_Delete(args);
        return r;
    }
    convert_numbers(args);
    split_lists(args);
    expand_paths(args);
    /* Every result from here on shows the parameters as used, failed
     * or not, as AnsibleModule's exit_json and fail_json do. */
    cJSON_AddItemToObject(o, "invocation", invocation(args));
    ro.root = str_arg(args, "root");
    ro.set.kernel = str_arg(args, "kernel");
    ro.live = flag(args, "live");
    sg_semantics_parse(str_arg(args, "semantics"), &ro.semantics, &ro.procps);
    sg_severity_parse(str_arg(args, "fail_on"), &ro.fail_on);
    if (list_arg(args, "profile", ro.set.profiles, &ro.set.n_profiles) < 0 ||
        list_arg(args, "policies", pa.v, &pa.n) < 0 ||
        list_arg(args, "disable", ro.set.disabled, &ro.set.n_disabled) < 0) {
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
