#!/bin/sh
# Runs owui plan ${plan} (owui:${goal}) on ${host}. Managed by owui:install-cron; changes are overwritten.
# Started by <#if scheduler == "systemd">the systemd timer ${timerName}<#else>cron</#if> at "${schedule}".
set -eu

# The job's environment, explicit: cron and systemd start jobs with almost none.
JAVA_HOME='${javaHome}'
PATH='${path}'
export JAVA_HOME PATH
<#if logFile?has_content>

# Output to ${logFile} (under systemd it would go to the journal).
mkdir -p '${logDir}'
exec >>'${logFile}' 2>&1
</#if>

# Never two runs at once: a run still going when the next one is due makes that one skip.
exec 9>'${lockFile}'
if ! flock -n 9; then
    echo "$(date -u '+%Y-%m-%dT%H:%M:%SZ') owui ${plan}: the previous run still holds ${lockFile}; skipped"
    exit 0
fi

cd '${remoteDir}'
echo "$(date -u '+%Y-%m-%dT%H:%M:%SZ') owui ${plan}: starting"
${command}
