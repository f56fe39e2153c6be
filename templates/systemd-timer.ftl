# When owui plan ${plan} runs: "${schedule}". Managed by owui:install-cron; changes are overwritten.
[Unit]
Description=Schedule of owui plan ${plan}

[Timer]
OnCalendar=${onCalendar}
# A run missed while the machine was off happens at the next boot.
Persistent=true
<#if randomizedDelaySec gt 0>
RandomizedDelaySec=${randomizedDelaySec}
</#if>
Unit=${serviceName}

[Install]
WantedBy=timers.target
