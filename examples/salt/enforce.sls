{#- Remediation with the state module: applies the fix-ups in place;
    with test=True it reports what would change and writes nothing. -#}
{%- set root = salt['pillar.get']('sysctl_guard:root', '/') %}

sysctl remediation:
  sysctl_guard.enforced:
    - name: {{ root }}
    - kernel: "{{ grains['kernelrelease'] }}"  # quoted: YAML reads 5.10 as 5.1

reload sysctl after the fix:
  cmd.run:
    - name: sysctl --system
    - onchanges:
      - sysctl_guard: sysctl remediation
