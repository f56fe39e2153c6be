import java.nio.file.*

// Each project backs up its own copy of the bundled sample instance.
def copyTree = evaluate(new File(scriptsDir, 'copyTree.groovy'))
copyTree(Paths.get(sampleDir), basedir.toPath().resolve('data'))
return true
