# def2c.awk - catalog/defaults.tsv as C initialisers
# (build/catalog_defaults.inc), so that the binary carries the boot values
# parsed, as tsv2c.awk does for keys.tsv: `make` runs
#     awk -f series.awk -f def2c.awk catalog/keys.tsv catalog/defaults.tsv
# (keys.tsv first: its versions and builds lines name the series,
# series.awk reads them). Rows
# keep the file's order (sorted by key: the loader checks). The same file
# is parsed at run time only from SYSCTL_GUARD_CATALOGDIR. A malformed row
# stops the build.
BEGIN { nrow = 0 }
{
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
