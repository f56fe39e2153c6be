package dev.owui.backup.maven;

import dev.owui.backup.OwuiException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugin.PluginParameterExpressionEvaluator;
import org.apache.maven.plugin.descriptor.MojoDescriptor;
import org.apache.maven.plugin.descriptor.Parameter;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.plugin.logging.Log;
import org.codehaus.plexus.classworlds.realm.ClassRealm;
import org.codehaus.plexus.component.configurator.BasicComponentConfigurator;
import org.codehaus.plexus.component.configurator.ComponentConfigurationException;
import org.codehaus.plexus.component.configurator.ComponentConfigurator;
import org.codehaus.plexus.configuration.xml.XmlPlexusConfiguration;
import org.codehaus.plexus.util.xml.Xpp3Dom;

/**
 * The operator's {@code -Dowui.*} properties against the goal's parameters, before any work.
 * Maven lets a pom's {@code <configuration>} win over a user property, so {@code mvn owui:restore
 * -Dowui.dataDir=/srv/new} in an ops repo would restore over the pom's data directory: here the
 * command line wins for every parameter, with one line saying so. And Maven ignores a user property
 * that no parameter reads, so a typo ({@code -Dowui.targt}) would silently run against the pom's
 * target: here it fails, naming the nearest real property.
 *
 * <p>Everything is read from the plugin descriptor ({@link MojoExecution#getMojoDescriptor()}:
 * each parameter's name and {@code ${property}} expression), so every goal, including new ones
 * and new parameters, is covered without a list kept by hand. Values are converted by Maven's own
 * configurator, exactly as a {@code -D} without a pom would have been.
 */
final class CommandLineProperties {
    static final String PREFIX = "owui.";

    /**
     * owui.* names that are not goal parameters but are read elsewhere: the plugin's own build and
     * tests ({@code owui.test.*} by surefire, {@code owui.updateGoldens} by the template tests).
     * A build of this plugin passing them must not fail on them.
     */
    private static final List<String> READ_ELSEWHERE_PREFIXES = List.of("owui.test.");
    private static final List<String> READ_ELSEWHERE = List.of("owui.updateGoldens");

    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{([^}]+)}");

    private CommandLineProperties() {
    }

    /**
     * Fails on an unknown owui.* user property, then sets every parameter the pom configured and the
     * command line gives differently from the command line. Does nothing without a descriptor
     * (a Mojo built by hand).
     */
    static void apply(Object mojo, MavenSession session, MojoExecution execution, ComponentConfigurator configurator, Log log) {
        MojoDescriptor md = execution == null ? null : execution.getMojoDescriptor();
        Properties user = session == null ? null : session.getUserProperties();
        if (md == null || user == null) {
            return;
        }
        Map<String, Parameter> byProperty = properties(md);
        Map<String, String> given = new LinkedHashMap<>();
        for (String key : new TreeSet<>(user.stringPropertyNames())) {
            if (key.startsWith(PREFIX)) {
                given.put(key, user.getProperty(key));
            }
        }
        checkKnown(md, session, byProperty, given.keySet(), log);

        Xpp3Dom config = execution.getConfiguration();
        if (config == null) {
            return; // nothing tells what the pom set: Maven has applied the -D's to the rest already
        }
        for (Map.Entry<String, String> e : given.entrySet()) {
            Parameter p = byProperty.get(e.getKey());
            if (p == null) {
                continue;
            }
            String pomValue = pomValue(config, p);
            if (pomValue != null && !pomValue.equals(e.getValue())) {
                set(mojo, p, e.getValue(), session, execution, configurator);
                log.info(e.getKey() + " from the command line, not the pom's <" + p.getName() + ">");
            }
        }
    }

    /** This goal's parameters by the user property they read ({@code owui.target} → target). */
    static Map<String, Parameter> properties(MojoDescriptor md) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        if (md.getParameters() == null) {
            return out;
        }
        for (Parameter p : md.getParameters()) {
            String property = property(p);
            if (property != null) {
                out.put(property, p);
            }
        }
        return out;
    }

    private static String property(Parameter p) {
        if (p.getExpression() == null) {
            return null;
        }
        Matcher m = EXPRESSION.matcher(p.getExpression().trim());
        return m.matches() && m.group(1).startsWith(PREFIX) ? m.group(1) : null;
    }

    /**
     * What the pom wrote for the parameter, or null when it wrote nothing. Maven's execution
     * configuration holds every parameter: one the pom left alone holds the descriptor's own
     * {@code ${owui.x}} expression; a list the pom configured has children instead of a value.
     */
    private static String pomValue(Xpp3Dom config, Parameter p) {
        Xpp3Dom child = config.getChild(p.getName());
        if (child == null && p.getAlias() != null) {
            child = config.getChild(p.getAlias());
        }
        if (child == null) {
            return null;
        }
        if (child.getChildCount() > 0) {
            List<String> items = new ArrayList<>();
            for (Xpp3Dom c : child.getChildren()) {
                items.add(c.getValue() == null ? "" : c.getValue().trim());
            }
            return String.join(",", items);
        }
        String v = child.getValue();
        if (v == null || v.trim().equals(p.getExpression().trim())) {
            return null;
        }
        return v.trim();
    }

    /**
     * Sets one parameter from a command-line value the way Maven configures a Mojo: its
     * configurator, its converters (File against the project's directory, booleans, numbers,
     * comma-separated lists) and its expression evaluator.
     */
    private static void set(Object mojo, Parameter p, String value, MavenSession session, MojoExecution execution, ComponentConfigurator configurator) {
        Xpp3Dom dom = new Xpp3Dom("configuration");
        Xpp3Dom child = new Xpp3Dom(p.getName());
        child.setValue(value);
        dom.addChild(child);
        PluginDescriptor plugin = execution.getMojoDescriptor().getPluginDescriptor();
        ClassRealm realm = null;
        if (plugin != null && plugin.getClassRealm() != null) {
            realm = plugin.getClassRealm();
        } else if (mojo.getClass().getClassLoader() instanceof ClassRealm r) {
            realm = r;
        }
        try {
            (configurator == null ? new BasicComponentConfigurator() : configurator).configureComponent(mojo, new XmlPlexusConfiguration(dom),
                    new PluginParameterExpressionEvaluator(session, execution), realm);
        } catch (ComponentConfigurationException e) {
            throw new OwuiException("-D" + property(p) + "=" + value + " is not a valid " + p.getType() + " (" + e.getMessage() + ")",
                    "fix the value on the command line; nothing was done");
        }
    }

    /** Fails naming each owui.* property that this goal does not read (and that no other goal of this run reads). */
    private static void checkKnown(MojoDescriptor md, MavenSession session, Map<String, Parameter> byProperty, Iterable<String> keys, Log log) {
        String goal = md.getGoal();
        List<String> problems = new ArrayList<>();
        for (String key : keys) {
            if (byProperty.containsKey(key) || READ_ELSEWHERE.contains(key) || READ_ELSEWHERE_PREFIXES.stream().anyMatch(key::startsWith)) {
                continue;
            }
            List<String> readers = readers(md.getPluginDescriptor(), key);
            if (!readers.isEmpty()) {
                if (mayRunAnyOf(session.getGoals(), md.getPluginDescriptor(), readers)) {
                    log.debug(key + " is for " + String.join(", ", readers.stream().map(g -> "owui:" + g).toList()) + " of this run, not owui:" + goal);
                    continue;
                }
                problems.add(key + " is not a parameter of owui:" + goal + " (" + String.join(", ", readers.stream().map(g -> "owui:" + g).toList())
                        + " reads it)" + suggestion(key, byProperty.keySet()));
                continue;
            }
            problems.add(key + ": no such parameter" + suggestion(key, byProperty.keySet()));
        }
        if (!problems.isEmpty()) {
            throw new OwuiException(String.join("; ", problems),
                    "fix the name on the command line (mvn owui:help -Ddetail -Dgoal=" + goal + " lists owui:" + goal + "'s parameters); nothing was done");
        }
    }

    private static String suggestion(String key, Iterable<String> known) {
        String best = nearest(key, known);
        return best == null ? "" : "; did you mean " + best + "?";
    }

    /** The goals of this plugin that read {@code key}. */
    private static List<String> readers(PluginDescriptor plugin, String key) {
        List<String> out = new ArrayList<>();
        if (plugin == null || plugin.getMojos() == null) {
            return out;
        }
        for (MojoDescriptor other : plugin.getMojos()) {
            if (properties(other).containsKey(key)) {
                out.add(other.getGoal());
            }
        }
        return out;
    }

    /**
     * Whether this Maven run may also run one of {@code goals}: named on the command line
     * ({@code owui:verify}, or by coordinates), or a lifecycle phase is (then the pom's bindings
     * decide, which this goal cannot see).
     */
    static boolean mayRunAnyOf(List<String> asked, PluginDescriptor plugin, List<String> goals) {
        if (asked == null || asked.isEmpty()) {
            return false;
        }
        for (String g : asked) {
            if (!g.contains(":")) {
                return true; // a phase: bindings in the pom may run any goal
            }
            String[] parts = g.split(":");
            String name = parts[parts.length - 1];
            int at = name.indexOf('@');
            if (at >= 0) {
                name = name.substring(0, at);
            }
            boolean ours = plugin == null || (parts.length == 2 ? parts[0].equals(plugin.getGoalPrefix()) : parts[1].equals(plugin.getArtifactId()));
            if (ours && goals.contains(name)) {
                return true;
            }
        }
        return false;
    }

    /** The known property closest to {@code key} (case-insensitive edit distance), or null when none is close. */
    static String nearest(String key, Iterable<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String k = key.toLowerCase(Locale.ROOT);
        for (String candidate : known) {
            int d = distance(k, candidate.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        // Far from every name: a guess would mislead more than it helps.
        String tail = key.substring(Math.min(key.length(), PREFIX.length()));
        return bestDistance <= Math.max(2, tail.length() / 2) ? best : null;
    }

    /** Damerau–Levenshtein (optimal string alignment) distance: a swapped pair of letters counts once. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
