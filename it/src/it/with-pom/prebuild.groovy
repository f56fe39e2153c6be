import java.nio.file.*

// The bundled sample instance, plus a scratch upload the pom excludes and a secret key file.
def copyTree = evaluate(new File(scriptsDir, 'copyTree.groovy'))
def dst = basedir.toPath().resolve('data')
copyTree(Paths.get(sampleDir), dst)
Files.write(dst.resolve('uploads/scratch.tmp'), 'partial upload'.bytes)
Files.createDirectories(basedir.toPath().resolve('secret'))
Files.write(basedir.toPath().resolve('secret/.webui_secret_key'), 'k3y'.bytes)
return true
