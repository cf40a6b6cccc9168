# def2c.awk - catalog/defaults.tsv as C initialisers
# (build/catalog_defaults.inc), so that the binary carries the boot values
# parsed, as tsv2c.awk does for keys.tsv: `make` runs
#     awk -f def2c.awk catalog/keys.tsv catalog/defaults.tsv
# (keys.tsv first: its versions and builds lines name the series). Rows
# keep the file's order (sorted by key: the loader checks). The same file
# is parsed at run time only from SYSCTL_GUARD_CATALOGDIR. A malformed row
# stops the build.
BEGIN { FS = "\t"; nrow = 0 }
function cstr(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return "\"" s "\"" }
function die(msg) { printf "%s:%d: %s\n", FILENAME, FNR, msg > "/dev/stderr"; exit 1 }
FNR == NR {
    if ($0 ~ /^# versions\t/)
        for (i = 2; i <= NF; i++) { split($i, p, "."); short[i - 2] = p[1] "." p[2]; nv = NF - 1 }
    if ($0 ~ /^# builds\t/)
        for (i = 2; i <= NF; i++)
            series[short[i - 2] (($i == "rhel" || $i == "ubuntu") ? "-" $i : "")] = i - 2
    next
}
/^#/ || /^$/ { next }
{
    if (!nv) die("keys.tsv has no versions line")
    if (NF != 3 || $1 == "") die("not three fields")
    bits = 0
    n = split($2, vs, ",")
    for (i = 1; i <= n; i++) {
        if (!(vs[i] in series)) die("a series the catalog does not have: " vs[i])
        bits += 2 ^ series[vs[i]]
    }
    rows[nrow++] = sprintf("    {%s, %uu, %s},", cstr($1), bits, cstr($3))
}
END {
    printf "static const struct sg_defrow sg_builtin_defaults[] = {\n"
    for (i = 0; i < nrow; i++) print rows[i]
    if (!nrow) print "    {0},"
    printf "};\n"
    printf "static const size_t sg_builtin_n_defaults = %d;\n", nrow
}
