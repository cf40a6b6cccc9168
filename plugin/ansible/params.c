/*
 * params.c - the module's parameters as AnsibleModule takes them
 * (params.h): one table (name, type, choices, default, whether a path),
 * and from it the checks (an unknown parameter, a wrong type, a value
 * outside the choices fail the task naming the valid ones), the
 * conversions Ansible makes (numbers to strings, "a,b" to a list,
 * variables and ~ expanded in paths) and `invocation`, the parameters as
 * used. tests/integration/ansible.py compares the table with
 * sysctl_guard.yml.
 */
#include "params.h"
#include "../core/base/util.h"
#include "../core/judge/policy.h"

#include <cjson/cJSON.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

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
bool sg_module_check_args(const cJSON *args, struct sg_buf *err)
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
void sg_module_convert_numbers(cJSON *args)
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
void sg_module_split_lists(cJSON *args)
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
void sg_module_expand_paths(cJSON *args)
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

const char *sg_module_str(const cJSON *args, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(args, name);
    if (cJSON_IsString(v))
        return v->valuestring;
    return param_named(name)->dflt;
}

bool sg_module_flag(const cJSON *args, const char *name)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(args, name));
}

/* A list parameter into OUT (at most SG_MAX_LIST). */
int sg_module_list(cJSON *args, const char *name, const char **out, size_t *n)
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
cJSON *sg_module_invocation(const cJSON *args)
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
