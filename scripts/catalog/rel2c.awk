# rel2c.awk - catalog/relations.tsv as C initialisers
# (build/catalog_relations.inc), so that the binary carries its relations
# parsed, as tsv2c.awk does for keys.tsv: `make` runs
#     awk -f series.awk -f rel2c.awk catalog/keys.tsv catalog/relations.tsv
# (keys.tsv first: its versions and builds lines name the series,
# series.awk reads them). The
# rows are what relations.c's parse_row makes of each line, in the file's
# order; the same file is parsed at run time only from
# SYSCTL_GUARD_CATALOGDIR. A malformed row stops the build.
BEGIN { nrow = 0 }
function num(s) { if (s !~ /^-?[0-9]+$/) die("not a number: " s); return s }
{
    if (NF != 6) die("not six fields")
    if (!($1 in series)) die("a series the catalog does not have: " $1)
    if ($2 == "" || $6 == "") die("an empty key or source")
    kind = ""; other = cstr($4); detail = "NULL"; value = "0"; onchg = "false"; refuses = "false"
    if ($3 == "zeroes" || $3 == "clamp-half") {
        kind = ($3 == "zeroes") ? "SG_REL_ZEROES" : "SG_REL_CLAMP_HALF"
        if ($4 == "" || $4 == "-") die("no other key")
        if ($3 == "zeroes" && $5 != "changed" && $5 != "always")
            die("a zeroing neither changed nor always")
        onchg = ($5 == "changed") ? "true" : "false"
    } else if ($3 == "combine") {
        kind = "SG_REL_COMBINE"; detail = cstr($5)
        if ($5 != "or" && $5 != "and" && $5 != "max" && $5 != "forwarding")
            die("a combination neither or, and, max nor forwarding")
        if ($4 == "") die("no other key")
    } else if ($3 == "names") {
        kind = "SG_REL_NAMES"; detail = cstr($5)
        if ($4 == "" || $5 == "") die("an empty name or detail")
    } else if ($3 == "init") {
        kind = "SG_REL_INIT"; other = "NULL"; value = num($5)
    } else if ($3 == "all") {
        kind = "SG_REL_ALL"; detail = cstr($5)
        if ($4 != "all") die("an all relation to another key than all")
        if ($5 != "used" && $5 != "ignored") die("an all relation neither used nor ignored")
    } else if ($3 == "field-max") {
        kind = "SG_REL_FIELD_MAX"; detail = cstr($5)
        if ($5 !~ /^(refused|capped):[0-9]+$/) die("a field limit neither refused nor capped")
        refuses = ($5 ~ /^refused:/) ? "true" : "false"
        value = substr($5, index($5, ":") + 1)
        if ($4 !~ /^[0-9]+$/ || $4 < 1 || $4 > 16) die("a field number not from 1 to 16")
    } else if ($3 == "field-max-extended") {
        kind = "SG_REL_FIELD_MAX_EXT"; detail = cstr($5)
        if ($5 !~ /^[0-9]+$/) die("a field limit that is not a number")
        value = $5
        if ($4 !~ /^[0-9]+$/ || $4 < 1 || $4 > 16) die("a field number not from 1 to 16")
    } else
        die("an unknown relation: " $3)
    rows[nrow++] = sprintf("    {%u, %s, %s, %s, %s, %sLL, %s, %s, %s},", \
        series[$1], kind, cstr($2), other, onchg, value, refuses, detail, cstr($6))
}
END {
    if (!nv) die("no versions line")
    printf "static const struct sg_relrow sg_builtin_relations[] = {\n"
    for (i = 0; i < nrow; i++) print rows[i]
    if (!nrow) print "    {0},"
    printf "};\n"
    printf "static const size_t sg_builtin_n_relations = %d;\n", nrow
}
