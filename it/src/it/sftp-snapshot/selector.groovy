// Needs Debian's openssh-server (/usr/sbin/sshd) and root (sshd's privilege separation); CI has both.
return new File('/usr/sbin/sshd').canExecute() && System.getProperty('user.name') == 'root'
