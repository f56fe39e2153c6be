// Just before invocation 1 (the backup) starts: every chat the writer committed before this moment
// must be in the restored database, whatever the backup says about its own times.
new File(basedir, 'backup-invoked-at').text = System.currentTimeMillis().toString()
return true
