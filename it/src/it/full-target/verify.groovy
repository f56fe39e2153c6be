import java.nio.file.*

def base = basedir.toPath()
try {
    def log = new File(basedir, 'build.log').text
    assert log =~ /(target full is full|no space left writing the copy of .* to .*full).* earlier backups are untouched/
    assert log.contains('is whole') : 'the first backup still verifies'
    def names = base.resolve('full/open-webui').toFile().list() as List  // File.list: no directory handle left open to block umount
    assert names.size() == 1 && names[0] ==~ /\d{8}T\d{6}Z/ : "only the first backup, no partial tree, no lock: ${names}"
} finally {
    def mnt = Files.readString(base.resolve('mount.path')).trim()
    ['umount', mnt].execute().waitFor()
    Files.deleteIfExists(Paths.get(mnt))
}
return true
