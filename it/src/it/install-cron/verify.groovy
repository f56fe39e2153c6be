import java.nio.file.*

def base = basedir.toPath()
try {
    def log = new File(basedir, 'build.log').text
    // 1: installed from the packaged templates, the diff shows the block and the wrapper.
    assert log.contains('+30 2 * * * /home/owuiit/owui-ops/bin/owui-daily.sh') : 'the daily block, in the diff'
    assert log.contains('+0 0 * * 0 /home/owuiit/owui-ops/bin/owui-weekly.sh') : '@weekly as cron fields'
    assert log.contains('owui:copy -Dowui.plan=weekly') : 'a copy plan runs owui:copy'
    def recaps = (log =~ /web1 : ok=(\d+) changed=(\d+) unreachable=0 failed=0/).collect { [it[1] as int, it[2] as int] }
    assert recaps.size() == 3 : "three recaps: ${recaps}"
    assert recaps[0][1] > 0 : 'the first run changed the host'
    assert recaps[1][1] == 0 : 'the second run changed nothing'
    assert recaps[2][1] > 0 : 'absent removed what was installed'
    // 3: the user's own crontab is back to exactly its own line; our files are gone.
    def p = ['crontab', '-l', '-u', 'owuiit'].execute()
    def crontab = p.text
    p.waitFor()
    assert crontab == "MAILTO=\"\"\n17 * * * * /usr/bin/true # the user's own job\n" : "the user's crontab, byte for byte:\n${crontab}"
    assert !Files.exists(Paths.get('/home/owuiit/owui-ops/bin/owui-daily.sh'))
    assert !Files.exists(Paths.get('/home/owuiit/owui-ops/pom.xml'))
    return true
} finally {
    ['kill', Files.readString(base.resolve('sshd.pid')).trim()].execute().waitFor()
    ['userdel', '-r', 'owuiit'].execute().waitFor()
}
