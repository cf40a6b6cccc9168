#!/bin/sh
# /init of the sysctl-probe initramfs (busybox-static). Output goes to the serial
# console between @@BEGIN/@@END markers; parse.py turns it into lists.
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec >/dev/console 2>&1 </dev/null
echo 1 > /proc/sys/kernel/printk 2>/dev/null   # keep module-load messages off the console (dmesg summary at the end)
ip link set lo up
T0=$(cut -d' ' -f1 /proc/uptime)
echo "@@UNAME $(uname -r)"
echo "@@UPTIME start $T0"

# list NAME : every file under /proc/sys, with its octal mode
cat > /bin/list.sh <<'EOF'
#!/bin/sh
echo "@@BEGIN $1"
find /proc/sys -type f -exec stat -c '%a %n' {} + 2>/dev/null
echo "@@END $1"
echo "@@IFACES $1 $(ip -o link | cut -d: -f2 | tr -d ' ' | tr '\n' ' ')"
EOF
chmod 755 /bin/list.sh

# values NAME : every readable and writable key with its value (tabs and
# newlines of a value as spaces), for the defaults (scripts/catalog/defaults.py)
values() {
    echo "@@BEGIN values-$1"
    find /proc/sys -type f -perm -400 -perm -200 2>/dev/null | while read f; do
        printf '%s\t%s\n' "$f" "$(cat "$f" 2>/dev/null | tr '\t\n' '  ')"
    done
    echo "@@END values-$1"
}

loadset() {   # loadset NAME FILE
    n=0; ok=0
    while read m; do
        [ -n "$m" ] || continue
        n=$((n+1))
        out=$(modprobe "$m" 2>&1); rc=$?
        [ $rc = 0 ] && ok=$((ok+1))
        echo "@@MOD $1 $m rc=$rc $(echo $out | tr '\n' ' ' | cut -c1-160)"
    done < "$2"
    echo "@@MODSET $1 tried=$n ok=$ok loaded=$(lsmod | tail -n +2 | wc -l) uptime=$(cut -d' ' -f1 /proc/uptime)"
}

/bin/list.sh before
values before
unshare -n /bin/list.sh netns-before

loadset catalog /etc/modules-catalog.txt
[ -d /proc/sys/fs/binfmt_misc ] && mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>&1
/bin/list.sh after-catalog
unshare -n /bin/list.sh netns-after-catalog

loadset extra /etc/modules-extra.txt
/bin/list.sh after-extra
values after-extra
unshare -n /bin/list.sh netns-after-extra
echo "@@BEGIN lsmod"; lsmod; echo "@@END lsmod"

# w FILE VALUE : write VALUE, report rc/error and the value before and after
w() {
    b=$(cat "$1" 2>&1 | tr '\t' ' ')
    e=$( (echo "$2" > "$1") 2>&1 ); rc=$?
    a=$(cat "$1" 2>&1 | tr '\t' ' ')
    echo "@@WRITE $1 | val='$2' | rc=$rc | err='$(echo $e)' | before='$b' | after='$a'"
}
P=/proc/sys
w $P/vm/swappiness 201
w $P/vm/swappiness 200
w $P/vm/swappiness 60
w $P/vm/dirty_bytes 0
w $P/vm/dirty_bytes 1
w $P/net/ipv4/ip_local_port_range "32768 65536"
w $P/net/ipv4/ip_local_port_range "61000 32768"
w $P/net/ipv4/ip_local_port_range "32768 60999"
w $P/net/ipv4/tcp_timestamps abc
w $P/net/ipv4/tcp_timestamps 5
w $P/net/ipv4/tcp_timestamps 255
w $P/net/ipv4/tcp_timestamps 256
w $P/net/ipv4/tcp_timestamps -1
w $P/net/ipv4/tcp_timestamps 1
w $P/net/ipv4/tcp_low_latency 1
w $P/net/ipv4/tcp_low_latency 0
w $P/net/ipv4/tcp_tw_reuse 3
w $P/net/core/somaxconn -1
w $P/kernel/pid_max 1
# bounds behind a macro and on a handler's own table (issue 25)
w $P/kernel/pid_max 4194305
w $P/kernel/pid_max 4194304
w $P/kernel/pid_max 32768
w $P/net/ipv4/ping_group_range "0 4294967295"
w $P/net/ipv4/ping_group_range "0 4294967294"
w $P/net/ipv4/ping_group_range "1 0"
w $P/net/ipv4/neigh/default/mcast_solicit -1
w $P/net/ipv4/neigh/default/mcast_solicit 3
w $P/net/netfilter/nf_conntrack_max 0
w $P/net/core/bpf_jit_enable 0
w $P/net/core/bpf_jit_enable 3
w $P/net/core/bpf_jit_enable 1
w $P/net/ipv4/tcp_allowed_congestion_control "reno cubic"
echo "@@NETNS-WRITE"
cat > /bin/nsw.sh <<'EOF'
#!/bin/sh
f=/proc/sys/net/netfilter/nf_conntrack_max
e=$( (echo 1000 > $f) 2>&1 ); echo "@@WRITE netns:$f | val='1000' | rc=$? | err='$(echo $e)' | after='$(cat $f)' | mode=$(stat -c %a $f)"
f=/proc/sys/net/ipv4/tcp_allowed_congestion_control
e=$( (echo reno > $f) 2>&1 ); echo "@@WRITE netns:$f | val='reno' | rc=$? | err='$(echo $e)' | after='$(cat $f)' | mode=$(stat -c %a $f)"
f=/proc/sys/net/core/rmem_max
e=$( (echo 100000 > $f) 2>&1 ); echo "@@WRITE netns:$f | val='100000' | rc=$? | err='$(echo $e)' | after='$(cat $f)' | mode=$(stat -c %a $f)"
f=/proc/sys/net/core/somaxconn
e=$( (echo 1000 > $f) 2>&1 ); echo "@@WRITE netns:$f | val='1000' | rc=$? | err='$(echo $e)' | after='$(cat $f)' | mode=$(stat -c %a $f)"
EOF
chmod 755 /bin/nsw.sh
unshare -n /bin/nsw.sh
echo "@@BEGIN dmesg-sysctl"; dmesg | grep -iE "sysctl|oops|bug:|call trace|duplicate" | head -100; echo "@@END dmesg-sysctl"
echo "@@UPTIME end $(cut -d' ' -f1 /proc/uptime)"
echo "@@DONE"
sync
poweroff -f
