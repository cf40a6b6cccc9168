{#- Audit with the state module (plugin/salt/_states/sysctl_guard.py,
    synced to the minion with saltutil.sync_states). Fails the state when
    a finding reaches fail_on; never changes anything. The tree defaults
    to / (pillar sysctl_guard:root for an image). -#}
{%- set root = salt['pillar.get']('sysctl_guard:root', '/') -%}
---
sysctl audit:
  sysctl_guard.checked:
    - root: {{ root }}  # Salt sets name to the state ID
    - kernel: "{{ grains['kernelrelease'] }}"  # quoted: YAML reads 5.10 as 5.1
    - profile: [server]
    - fail_on: error
