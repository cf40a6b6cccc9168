{#- Remediation with the state module: applies the fix-ups in place;
    with test=True it reports what would change and writes nothing. -#}
{%- set root = salt['pillar.get']('sysctl_guard:root', '/') -%}
---
sysctl remediation:
  sysctl_guard.enforced:
    - root: {{ root }}  # Salt sets name to the state ID
    - kernel: "{{ grains['kernelrelease'] }}"  # quoted: YAML reads 5.10 as 5.1

{#- Only the machine's own files go into its kernel: an image root (a
    container rootfs, a mounted disk) is never reloaded here. -#}
{%- if root.rstrip('/') == '' %}

reload sysctl after the fix, as boot does:
  cmd.run:
    - name: systemctl restart systemd-sysctl.service
    - onchanges:
        - sysctl_guard: sysctl remediation
{%- endif %}
