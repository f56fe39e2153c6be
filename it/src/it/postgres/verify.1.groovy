// After invocation 1 (the backup): the writer stops, so the restore and verify that follow work
// against a quiet server, and committed.txt is complete.
def stopWriter = evaluate(new File(basedir, 'stop-writer.groovy'))
stopWriter(basedir.toPath())
return true
