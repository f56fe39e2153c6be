import java.nio.file.*

def base = basedir.toPath()
def copyTree = evaluate(new File(scriptsDir, 'copyTree.groovy'))
// The same instance twice, the second with a 2 MiB upload that the filesystem has no room for
// (as the instance's own "data" it must be a separate directory: the data dir is the instance).
copyTree(Paths.get(sampleDir), base.resolve('data'))
copyTree(Paths.get(sampleDir), base.resolve('grown'))
Files.write(base.resolve('grown/uploads/big-video.mp4'), new byte[2 * 1024 * 1024])
// The tmpfs is mounted outside the project (a link points at it), so a mount left behind by an
// interrupted run never stops the invoker from cleaning its folder.
def mnt = Files.createTempDirectory('owui-it-full')
def mount = ['mount', '-t', 'tmpfs', '-o', 'size=1536k', 'tmpfs', mnt.toString()].execute()
assert mount.waitFor() == 0 : "cannot mount a tmpfs: ${mount.err.text}"
Files.writeString(base.resolve('mount.path'), mnt.toString())
Files.createSymbolicLink(base.resolve('full'), mnt)
return true
