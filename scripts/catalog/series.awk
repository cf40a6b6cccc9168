# series.awk - what rel2c.awk and def2c.awk share: read first with them
# (awk -f series.awk -f rel2c.awk catalog/keys.tsv TABLE), it takes the
# series names of keys.tsv's versions and builds lines (as tsv2c.awk names
# them: "6.1", "4.18-rhel") into series[NAME] = version index, nv the
# number of versions, and skips the table's comments and empty lines.
BEGIN { FS = "\t" }
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
{ if (!nv) die("keys.tsv has no versions line") }
