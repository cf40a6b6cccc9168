# tsv2c.awk - catalog/keys.tsv as C initialisers (build/catalog_rows.inc),
# so that the binary carries the catalog parsed: `make` runs it; the same
# file is parsed at run time only from SYSCTL_GUARD_CATALOGDIR. Rows keep
# the file's order (sorted by key). A malformed row stops the build.
BEGIN { FS = "\t"; nrow = 0 }
function cstr(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return "\"" s "\"" }
function die(msg) { printf "%s:%d: %s\n", FILENAME, FNR, msg > "/dev/stderr"; exit 1 }
/^# versions\t/ {
    nv = NF - 1
    for (i = 2; i <= NF; i++) {
        rel[i - 1] = $i
        split($i, p, ".")
        short[i - 1] = p[1] "." p[2]
    }
    printf "static const char *const sg_builtin_versions[] = {"
    for (i = 1; i <= nv; i++) printf "%s%s", (i > 1 ? ", " : ""), cstr(rel[i])
    printf "};\n"
    next
}
/^# builds\t/ {
    if (NF - 1 != nv) die("a builds line names the build of each version")
    # the names rows use: the series, and the distribution where the
    # catalog keeps its build beside the series' own (catalog.c)
    for (i = 2; i <= NF; i++)
        series[short[i - 1] (($i == "rhel" || $i == "ubuntu") ? "-" $i : "")] = i - 2
    printf "static const char *const sg_builtin_builds[] = {"
    for (i = 2; i <= NF; i++) printf "%s%s", (i > 2 ? ", " : ""), cstr($i)
    printf "};\n"
    nb = 1
    next
}
/^#/ { next }
{
    if (NF != 9) die("a row has 9 tab-separated fields")
    for (i = 1; i <= 9; i++) if ($i == "") die("a field is empty (\"-\" for none)")
    if (!nv || !nb) die("a row before the versions and builds lines")
    bits = 0
    n = split($2, vs, ",")
    for (i = 1; i <= n; i++) {
        if (!(vs[i] in series)) die("unknown version " vs[i])
        bits += 2 ^ series[vs[i]]
    }
    t = $3; cnt = 1
    if (index(t, "*")) { cnt = substr(t, index(t, "*") + 1) + 0; t = substr(t, 1, index(t, "*") - 1) }
    ct = (t == "int") ? "SG_CT_INT" : (t == "uint") ? "SG_CT_UINT" : (t == "u8") ? "SG_CT_U8" : \
         (t == "ulong") ? "SG_CT_ULONG" : (t == "bool") ? "SG_CT_BOOL" : \
         (t == "string") ? "SG_CT_STRING" : (t == "bitmap") ? "SG_CT_BITMAP" : \
         (t == "-") ? "SG_CT_UNKNOWN" : ""
    if (ct == "") die("bad type " $3)
    if ($4 != "-" && $4 != "?" && $4 !~ /^-?[0-9]+$/) die("bad minimum")
    if ($5 != "-" && $5 != "?" && $5 !~ /^-?[0-9]+$/) die("bad maximum")
    hmin = ($4 != "-" && $4 != "?"); hmax = ($5 != "-" && $5 != "?")
    ac = ($6 == "rw") ? "SG_CA_RW" : ($6 == "ro") ? "SG_CA_RO" : ($6 == "wo") ? "SG_CA_WO" : "SG_CA_UNKNOWN"
    rows[nrow++] = sprintf("    {%s, %uu, %s, %u, %s, %s, %sLL, %sLL, %s, %s, %s, %s, %s, %s, %s, %u},", \
        cstr($1), bits, ct, cnt, hmin ? "true" : "false", hmax ? "true" : "false", \
        hmin ? $4 : "0", hmax ? $5 : "0", ac, cstr($7), cstr($8), cstr($9), \
        index($1, "<") ? "true" : "false", ($4 == "?") ? "true" : "false", \
        ($5 == "?") ? "true" : "false", length($1))
}
END {
    if (!nv) die("no versions line")
    if (!nb) die("no builds line")
    printf "static const struct sg_catrow sg_builtin_rows[] = {\n"
    for (i = 0; i < nrow; i++) print rows[i]
    printf "};\n"
}
