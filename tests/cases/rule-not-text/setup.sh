printf 'vm.swappiness = 1\000\n' >root/etc/sysctl.d/60-nul.conf
