{#- The same remediation without the state module: the binary speaks Salt's
    cmd.run stateful protocol (last line "changed=yes|no comment='...'"),
    and with test=True Salt runs test_name, the dry run, instead. -#}
{%- set root = salt['pillar.get']('sysctl_guard:root', '/') -%}
{#- quote: Salt's shell-quoting filter (a root may hold spaces) -#}
{%- set args = '--no-config --root ' ~ (root | quote) ~ ' --kernel ' ~ (grains['kernelrelease'] | quote) -%}
---
sysctl remediation:
  cmd.run:
    - name: sysctl-guard fix --format stateful {{ args }}
    - stateful:
        - test_name: sysctl-guard fix --dry-run --format stateful {{ args }}

{#- Only the machine's own files go into its kernel: an image root is
    never reloaded here. -#}
{%- if root.rstrip('/') == '' %}

reload sysctl after the fix, as boot does:
  cmd.run:
    - name: systemctl restart systemd-sysctl.service
    - onchanges:
        - cmd: sysctl remediation
{%- endif %}
