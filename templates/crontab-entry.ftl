<#-- One plan's block in a crontab: the user's own (crontab -l/-) or a file in /etc/cron.d (then cronUser
     names the user the job runs as). The BEGIN/END lines mark what owui:install-cron owns: it replaces or
     removes exactly these lines and nothing else. The wrapper script sets JAVA_HOME and PATH, holds the lock
     and writes the log, so the entry itself stays one line. -->
# BEGIN ${marker}
# Managed by owui:install-cron (plan ${plan}, schedule ${schedule}); edits between these lines are overwritten.
${cron}<#if cronUser?has_content> ${cronUser}</#if> ${wrapper}
# END ${marker}
