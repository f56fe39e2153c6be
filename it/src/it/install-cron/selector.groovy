// Needs root (sshd, useradd), Debian's openssh-server and cron, and a java and mvn on the host's PATH; CI has them.
return System.getProperty('user.name') == 'root' && ['/usr/sbin/sshd', '/usr/bin/crontab', '/usr/sbin/useradd', '/usr/bin/mvn'].every { new File(it).canExecute() }
