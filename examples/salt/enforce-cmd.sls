{#- The same remediation without the state module: the binary speaks Salt's
    cmd.run stateful protocol (last line "changed=yes|no comment='...'"),
    and with test=True Salt runs test_name, the dry run, instead. -#}
{%- set root = salt['pillar.get']('sysctl_guard:root', '/') %}
{%- set args = '--root ' ~ root ~ ' --kernel ' ~ grains['kernelrelease'] %}

sysctl remediation:
  cmd.run:
    - name: sysctl-guard fix --format stateful {{ args }}
    - stateful:
      - test_name: sysctl-guard fix --dry-run --format stateful {{ args }}

reload sysctl after the fix:
  cmd.run:
    - name: sysctl --system
    - onchanges:
      - cmd: sysctl remediation
