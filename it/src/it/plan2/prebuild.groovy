import java.nio.file.*

def base = basedir.toPath()
def copyTree = evaluate(new File(scriptsDir, 'copyTree.groovy'))
copyTree(Paths.get(sampleDir), base.resolve('data'))
def startS3 = evaluate(new File(scriptsDir, 's3server.groovy'))
startS3(base, ['aws-bucket', 'b2-bucket'], s3proxyClasspath)
return true
