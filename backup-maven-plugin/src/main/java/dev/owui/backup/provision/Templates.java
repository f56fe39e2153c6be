package dev.owui.backup.provision;

import dev.owui.backup.OwuiException;
import freemarker.cache.ClassTemplateLoader;
import freemarker.cache.FileTemplateLoader;
import freemarker.cache.MultiTemplateLoader;
import freemarker.cache.TemplateLoader;
import freemarker.core.PlainTextOutputFormat;
import freemarker.template.Configuration;
import freemarker.template.Template;
import freemarker.core.TemplateClassResolver;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;
import freemarker.template.TemplateNotFoundException;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The FreeMarker templates install-cron renders: the packaged ones ({@code owui/templates/} on the
 * classpath, from the repository's {@code templates/}), each replaceable by a file of the same name
 * in the operator's templates directory. Configured strictly because the output runs as root on
 * servers: a missing value is an error (never an empty string), numbers have no locale grouping,
 * and templates cannot instantiate classes ({@code ?new}) or reach Java APIs ({@code ?api}).
 */
public final class Templates {
    public static final String CRONTAB = "crontab-entry.ftl";
    public static final String WRAPPER = "job.sh.ftl";
    public static final String SERVICE = "systemd-service.ftl";
    public static final String TIMER = "systemd-timer.ftl";

    private final Configuration cfg;
    private final Path userDir;

    /** @param userDir the operator's templates directory (owui.templatesDir), or null for the packaged ones only */
    public Templates(Path userDir) {
        this.userDir = userDir;
        cfg = new Configuration(Configuration.VERSION_2_3_34);
        cfg.setTemplateLoader(loader(userDir));
        cfg.setDefaultEncoding("UTF-8");
        cfg.setOutputFormat(PlainTextOutputFormat.INSTANCE);
        cfg.setLocale(Locale.ROOT);
        cfg.setNumberFormat("c"); // 3600, never "3,600"
        cfg.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
        cfg.setLogTemplateExceptions(false);
        cfg.setWrapUncheckedExceptions(true);
        cfg.setFallbackOnNullLoopVariable(false);
        cfg.setNewBuiltinClassResolver(TemplateClassResolver.ALLOWS_NOTHING_RESOLVER);
        cfg.setAPIBuiltinEnabled(false);
        cfg.setLocalizedLookup(false); // job.sh.ftl, never job.sh_en_US.ftl
    }

    private static TemplateLoader loader(Path userDir) {
        ClassTemplateLoader packaged = new ClassTemplateLoader(Templates.class, "/owui/templates");
        if (userDir == null) {
            return packaged;
        }
        if (!Files.isDirectory(userDir)) {
            throw new OwuiException("the templates directory " + userDir + " does not exist",
                    "fix owui.templatesDir, or leave it unset for the packaged templates");
        }
        try {
            return new MultiTemplateLoader(new TemplateLoader[] {new FileTemplateLoader(userDir.toFile()), packaged});
        } catch (IOException e) {
            throw new OwuiException("cannot read the templates directory " + userDir + ": " + e.getMessage(), "fix its permissions", e);
        }
    }

    /** Renders one template; every failure names the template, where it came from, and the line. */
    public String render(String name, Map<String, ?> model) {
        String origin = origin(name);
        Template t;
        try {
            t = cfg.getTemplate(name);
        } catch (TemplateNotFoundException e) {
            throw new OwuiException("no template " + name + " in " + (userDir == null ? "the plugin" : userDir + " or the plugin"),
                    "name one of " + CRONTAB + ", " + WRAPPER + ", " + SERVICE + ", " + TIMER, e);
        } catch (IOException e) {
            throw new OwuiException("cannot read the template " + name + " (" + origin + "): " + e.getMessage(), "fix its syntax", e);
        }
        StringWriter out = new StringWriter();
        try {
            t.process(model, out);
        } catch (TemplateException e) {
            String why = String.valueOf(e.getMessageWithoutStackTop()).strip().lines().findFirst().orElse("");
            String blamed = e.getBlamedExpressionString();
            throw new OwuiException("the template " + name + " (" + origin + ") failed at line " + e.getLineNumber()
                    + (blamed == null ? "" : " on ${" + blamed + "}") + ": " + why,
                    "use only the values install-cron gives (templates/README.md lists them); optional ones are empty or 0", e);
        } catch (IOException e) {
            throw new IllegalStateException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    /** Where a template comes from: the operator's directory when it holds that name, else the plugin. */
    public String origin(String name) {
        return userDir != null && Files.isRegularFile(userDir.resolve(name)) ? userDir.resolve(name).toString() : "packaged";
    }
}
