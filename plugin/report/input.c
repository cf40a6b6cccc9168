/*
 * input.c - reading report inputs (report.h): files and directories of
 * them, the JSON documents a file holds, and the three layouts a host's
 * result comes in (check --format json or the module's result; Ansible's
 * json callback; Salt's state.apply output), each host handed to
 * sg_rep_add_host (report.c).
 *
 * A file is read whole (up to SG_REPORT_MAX_INPUT) after its type is
 * looked at through an O_PATH descriptor: a FIFO, which would block until
 * a writer comes, or a device is never opened for reading. Each JSON
 * document is parsed with the length left given, so that N documents in
 * one file cost the file once (cJSON_ParseWithOpts takes a strlen of the
 * rest each time), and its tree is gone before the next is parsed (its
 * memory blocks emptied at once: jsonmem.h): the memory of reading
 * is the largest input's tree.
 */
#include "report.h"
#include "jsonmem.h"
#include "../core/base/util.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *str(const cJSON *o, const char *key)
{
    const char *s =
        cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
    return s ? s : "";
}

/* Whether J is one host's result: findings (an array) and a kernel. */
static bool is_result(const cJSON *j)
{
    return cJSON_IsObject(j) &&
           cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(j, "findings")) &&
           cJSON_IsString(cJSON_GetObjectItemCaseSensitive(j, "kernel"));
}

/* The host name NAME gives: its last component without ".json". */
static char *host_from_name(const char *name)
{
    const char *b = strrchr(name, '/');
    b = b ? b + 1 : name;
    size_t n = strlen(b);
    if (n > 5 && strcmp(b + n - 5, ".json") == 0)
        n -= 5;
    return strndup(b, n);
}

/* Ansible's json callback: plays[].tasks[].hosts{name: result}. */
static int add_ansible(struct sg_fleet *f, const char *source, const cJSON *j,
                       size_t *found)
{
    const cJSON *play, *task, *host;
    cJSON_ArrayForEach(play, cJSON_GetObjectItemCaseSensitive(j, "plays"))
    {
        cJSON_ArrayForEach(task,
                           cJSON_GetObjectItemCaseSensitive(play, "tasks"))
        {
            cJSON_ArrayForEach(host,
                               cJSON_GetObjectItemCaseSensitive(task, "hosts"))
            {
                if (!is_result(host) || !host->string)
                    continue;
                if (sg_rep_add_host(f, host->string, source, host) < 0)
                    return -ENOMEM;
                (*found)++;
            }
        }
    }
    return 0;
}

/* Salt's JSON output: {minion: {state id: return}}, or {"local": ...};
 * a sysctl_guard state's return carries the check as "sysctl_guard". */
static int add_salt(struct sg_fleet *f, const char *source, const cJSON *j,
                    size_t *found)
{
    const cJSON *minion, *st;
    cJSON_ArrayForEach(minion, j)
    {
        cJSON_ArrayForEach(st, minion)
        {
            const cJSON *c =
                cJSON_GetObjectItemCaseSensitive(st, "sysctl_guard");
            if (!is_result(c) || !minion->string)
                continue;
            /* salt-call names its minion "local": then the check's host
             * (the state passes the minion id), or the file's name. */
            const char *h = minion->string;
            char *own = NULL;
            if (strcmp(h, "local") == 0) {
                const char *ch = str(c, "host");
                own = *ch ? strdup(ch) : host_from_name(source);
                if (!own)
                    return -ENOMEM;
                h = own;
            }
            int r = sg_rep_add_host(f, h, source, c);
            free(own);
            if (r < 0)
                return -ENOMEM;
            (*found)++;
        }
    }
    return 0;
}

/* One JSON document J of the input NAME: 0 or -ENOMEM; *FOUND counts the
 * hosts found, *BAD whether it was a problem already. */
static int read_doc(struct sg_fleet *f, const char *name, const cJSON *j,
                    size_t *found, bool *bad)
{
    const char *format =
        cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "format"));
    if (format && strcmp(format, "sysctl-guard/1") != 0) {
        *bad = true;
        return sg_rep_problem(
            f, name,
            "format \"%s\": not sysctl-guard/1 (a check --format json "
            "of this version), so nothing of it is in the report",
            format);
    }
    if (is_result(j)) {
        /* One host: check --format json, or a registered module result. */
        const char *h =
            cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "host"));
        char *host = h && *h ? strdup(h) : host_from_name(name);
        int r = host ? sg_rep_add_host(f, host, name, j) : -ENOMEM;
        free(host);
        (*found)++;
        return r;
    }
    if (cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(j, "plays")))
        return add_ansible(f, name, j, found);
    if (cJSON_IsObject(j))
        return add_salt(f, name, j, found);
    return 0;
}

int sg_fleet_read_text(struct sg_fleet *f, const char *name, const char *text,
                       size_t len)
{
    const char *p = text, *e = text + len;
    size_t found = 0, docs = 0;
    bool bad = false;
    int r = 0;
    struct sg_blocks mem = {0};

    f->n_inputs++;
    if (memchr(text, '\0', len))
        return sg_rep_problem(f, name, "not JSON: it holds a NUL byte%s", NULL);
    /* One JSON document, or several one after another: `salt --out=json`
     * without --static prints one per minion. Each parse is given the
     * length left (cJSON_ParseWithOpts would strlen the rest each time). */
    while (r == 0) {
        while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
            p++;
        if (p == e && docs)
            break;
        const char *end = NULL;
        cJSON *j = sg_jsonmem_parse(&mem, p, (size_t)(e - p), &end);
        if (!j) {
            sg_blocks_free(&mem);
            unsigned line = 1;
            for (const char *q = text; end && q < end && q < e; q++)
                line += *q == '\n';
            char *where =
                sg_strdup_printf("%u: %s", line,
                                 docs ? "the rest of it is not in the report"
                                      : "nothing of it is in the report");
            if (!where)
                return -ENOMEM;
            r = sg_rep_problem(f, name,
                               "not JSON (truncated, or not a result) at "
                               "line %s",
                               where);
            free(where);
            return r;
        }
        docs++;
        r = read_doc(f, name, j, &found, &bad);
        sg_blocks_empty(&mem); /* J is gone */
        p = end && end > p && end <= e ? end : e;
    }
    sg_blocks_free(&mem);
    if (r == 0 && !found && !bad)
        r = sg_rep_problem(
            f, name,
            "%sholds no sysctl-guard result (check --format json, the "
            "Ansible module's result, Ansible's json callback output or "
            "Salt's JSON output)",
            NULL);
    return r;
}

/* ---- files and directories ---- */

static const char *not_regular(mode_t m)
{
    return S_ISDIR(m)    ? "a directory, not a file"
           : S_ISSOCK(m) ? "a socket, not a regular file"
                         : "a device, not a regular file";
}

/* The FIFO PATH (of the O_PATH descriptor's stat ST) opened for reading
 * as *FD, as a stream: open does not wait for a writer (O_NONBLOCK), then
 * reads wait for data while a writer holds it, and end when none does
 * (at once when none ever came). 0, or -1 with *WHY. */
static int open_stream(const char *path, const struct stat *st, int *fd,
                       const char **why)
{
    struct stat st2;
    errno = 0;
    *fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (*fd < 0 || fstat(*fd, &st2) < 0 || !sg_same_file(st, &st2) ||
        fcntl(*fd, F_SETFL, fcntl(*fd, F_GETFL) & ~O_NONBLOCK) < 0) {
        *why = *fd < 0 || errno ? strerror(errno) : "it changed while read";
        if (*fd >= 0)
            close(*fd);
        *fd = -1;
        return -1;
    }
    return 0;
}

/* PATH opened for reading as *FD. Its type is looked at through an O_PATH
 * descriptor first: a regular file is opened (the very inode); a FIFO
 * only when STREAM (a path given on the command line: a shell's <(...)
 * is one), as a stream; a device or a socket never. 0, or -1 with *WHY. */
static int open_input(const char *path, bool stream, struct stat *st, int *fd,
                      const char **why)
{
    enum sg_read_status rs = SG_READ_OK;
    int err = 0, pfd = open(path, O_PATH | O_CLOEXEC);
    struct stat st2;

    *fd = -1;
    if (pfd < 0) {
        *why = strerror(errno);
        return -1;
    }
    int r = sg_reopen_regular(pfd, st, fd, &rs, &err);
    close(pfd);
    if (r < 0 && rs == SG_READ_NOT_FILE && stream && S_ISFIFO(st->st_mode))
        return open_stream(path, st, fd, why);
    if (r > 0) {
        /* No /proc: by name again, non-blocking, and the same inode. */
        errno = 0;
        *fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (*fd < 0 || fstat(*fd, &st2) < 0 || !sg_same_file(st, &st2)) {
            *why = *fd < 0 ? strerror(errno) : "it changed while read";
            if (*fd >= 0)
                close(*fd);
            *fd = -1;
            return -1;
        }
    } else if (r < 0) {
        *why = rs != SG_READ_NOT_FILE ? strerror(err)
               : S_ISFIFO(st->st_mode)
                   ? "a FIFO, not a regular file (in a directory, only "
                     "regular files are read)"
                   : not_regular(st->st_mode);
        return -1;
    }
    return 0;
}

int sg_rep_slurp(const char *path, bool stream, char **text, size_t *len,
                 const char **why)
{
    struct stat st;
    int fd;

    *text = NULL;
    *len = 0;
    if (open_input(path, stream, &st, &fd, why) < 0)
        return -1;
    if ((unsigned long long)st.st_size > SG_REPORT_MAX_INPUT) {
        close(fd);
        *why = "over 512 MiB";
        return -1;
    }
    /* Up to one byte past the size: the file may grow while read. */
    size_t cap = st.st_size > 0 ? (size_t)st.st_size + 1 : 4096, n = 0;
    char *buf = malloc(cap + 1);
    int r = buf ? 0 : -ENOMEM;
    while (r == 0) {
        if (n == cap) {
            char *nb =
                cap > SG_REPORT_MAX_INPUT ? NULL : realloc(buf, cap * 2 + 1);
            if (!nb) {
                r = cap > SG_REPORT_MAX_INPUT ? -1 : -ENOMEM;
                *why = "over 512 MiB";
                break;
            }
            buf = nb;
            cap *= 2;
        }
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            *why = strerror(errno);
            r = -1;
        } else if (got == 0)
            break;
        else
            n += (size_t)got;
    }
    close(fd);
    if (r == 0 && n > SG_REPORT_MAX_INPUT) {
        *why = "over 512 MiB";
        r = -1;
    }
    if (r < 0) {
        free(buf);
        return r;
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return 0;
}

/* The input PATH (STREAM: named on the command line, see open_input). */
static int read_file(struct sg_fleet *f, const char *path, bool stream)
{
    char *buf;
    size_t n;
    const char *why = NULL;
    int e = sg_rep_slurp(path, stream, &buf, &n, &why);
    if (e == -ENOMEM)
        return e;
    if (e < 0) {
        f->n_inputs++;
        return sg_rep_problem(f, path, "cannot read it: %s", why);
    }
    int r = sg_fleet_read_text(f, path, buf, n);
    free(buf);
    return r;
}

int sg_fleet_read(struct sg_fleet *f, const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        f->n_inputs++;
        return sg_rep_problem(f, path, "cannot read it: %s", strerror(errno));
    }
    if (!S_ISDIR(st.st_mode))
        return read_file(f, path, true);
    DIR *d = opendir(path);
    if (!d) {
        f->n_inputs++;
        return sg_rep_problem(f, path, "cannot read the directory: %s",
                              strerror(errno));
    }
    struct {
        char **v;
        size_t n, cap;
    } names = {0};
    int r = 0;
    for (struct dirent *e; r == 0 && (e = readdir(d));) {
        size_t l = strlen(e->d_name);
        if (e->d_name[0] == '.' || l < 6 ||
            strcmp(e->d_name + l - 5, ".json") != 0)
            continue;
        char *p = sg_strdup_printf(
            "%s%s%s", path, sg_str_has_suffix(path, "/") ? "" : "/", e->d_name);
        if (!p || SG_PUSH(names, p) < 0) {
            free(p);
            r = -ENOMEM;
        }
    }
    closedir(d);
    if (r == 0 && !names.n) {
        /* An empty report would look like a clean fleet. */
        f->n_inputs++;
        r = sg_rep_problem(f, path, "%sthe directory holds no *.json result",
                           NULL);
    }
    if (names.n)
        qsort(names.v, names.n, sizeof(*names.v), sg_strp_cmp);
    for (size_t i = 0; i < names.n; i++) {
        /* Each by its name: one that is no regular file is a problem. */
        if (r == 0)
            r = read_file(f, names.v[i], false);
        free(names.v[i]);
    }
    free(names.v);
    return r;
}
