# owui plan ${plan} (owui:${goal}) on ${host}. Managed by owui:install-cron; changes are overwritten.
[Unit]
Description=owui ${goal} of plan ${plan}
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
<#if runAs?has_content>
User=${runAs}
</#if>
ExecStart=${wrapper}
# A backup should not slow the instance down.
Nice=10
IOSchedulingClass=idle
