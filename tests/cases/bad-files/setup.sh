# Files git should not hold: a NUL byte, and a file over the 16 MiB limit.
printf 'vm.swappiness = 1\nkernel.x = a\000b\n' > root/etc/sysctl.d/40-nul.conf
truncate -s 17M root/etc/sysctl.d/50-huge.conf
