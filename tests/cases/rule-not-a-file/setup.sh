mkdir root/etc/sysctl.d/60-dir.conf
