#!/bin/sh
# run.sh OUTDIR [TIMEOUT_SECONDS]  - boot OUTDIR/vmlinuz + OUTDIR/initrd.gz under QEMU (TCG),
# serial console -> OUTDIR/console.log; wall time -> OUTDIR/boot-time.txt.
# SMP=N (default 1) sets -smp, MEM=M (default 1024) -m. -enable-kvm hangs on these (nested) machines, so TCG. One QEMU at a time, niced.
set -eu
OUT=$1; TMO=${2:-1200}
QEMU=${QEMU:-qemu-system-x86_64}
start=$(date +%s.%N)
set +e
nice -n 10 timeout "$TMO" "$QEMU" -accel tcg -m "${MEM:-1024}" -smp "${SMP:-1}" -nic none \
    -kernel "$OUT/vmlinuz" -initrd "$OUT/initrd.gz" \
    -append "console=ttyS0 panic=-1 quiet" -nographic -no-reboot \
    < /dev/null > "$OUT/console.log" 2>&1
rc=$?
set -e
end=$(date +%s.%N)
printf 'qemu rc=%s wall=%.1fs\n' "$rc" "$(echo "$end - $start" | bc)" | tee "$OUT/boot-time.txt"
grep -q '^@@DONE' "$OUT/console.log" || { echo "no @@DONE marker in console.log" >&2; exit 1; }
