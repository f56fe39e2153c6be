package dev.owui.backup.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Every {@code mvn owui:…} command in README.md names goals that exist and passes only
 * {@code -Dowui.*} properties one of its goals reads, checked against the generated plugin
 * descriptor (what Maven itself binds), so renaming a goal or a parameter without the README
 * fails the build. A command that would fail this check fails for the operator too: an
 * {@code owui.*} property no goal of the run reads is refused before anything happens
 * ({@link CommandLineProperties}). The operator IT ({@code it/src/it/operator}) runs the
 * quickstart and the operator examples themselves.
 */
class ReadmeExamplesTest {
    private static final Path README = Path.of("../README.md");
    private static final Path DESCRIPTOR = Path.of("target/classes/META-INF/maven/plugin.xml");

    /** Properties README may show that no goal's descriptor names: none today; keep it empty. */
    private static final Set<String> NOT_YET_IN_THE_DESCRIPTOR = Set.of();

    private static final Pattern GOAL = Pattern.compile("(?<![\\w.])owui:([a-z][a-z-]*)|dev\\.owui:backup-maven-plugin:[^:\\s]+:([a-z][a-z-]*)");
    private static final Pattern PROPERTY = Pattern.compile("-D(owui\\.[A-Za-z][A-Za-z0-9.]*[A-Za-z0-9])");
    private static final Pattern COMMAND = Pattern.compile("\\bmvnw?\\b");
    private static final Pattern INLINE_CODE = Pattern.compile("`([^`]+)`");

    /** One command as README shows it: its first line's number and its text, continuation lines joined. */
    record Example(int line, String text) {
    }

    @Test
    void everyCommandInTheReadmeUsesGoalsAndPropertiesThatExist() throws Exception {
        Map<String, Set<String>> goals = goals(DESCRIPTOR);
        List<Example> examples = examples(Files.readString(README));
        // The extraction itself: a README without commands, or a broken parser, must not pass.
        assertTrue(examples.size() > 40, "commands found in README.md: " + examples.size());
        Set<String> seen = new LinkedHashSet<>();
        examples.forEach(e -> seen.addAll(properties(e.text())));
        assertTrue(seen.containsAll(List.of("owui.target", "owui.dataDir", "owui.paths", "owui.output", "owui.chats")), "properties found: " + seen);

        List<String> problems = problems(examples, goals);
        assertTrue(problems.isEmpty(), "README.md's examples no longer match the plugin (target/classes/META-INF/maven/plugin.xml):\n  "
                + String.join("\n  ", problems));
    }

    @Test
    void aMisspelledGoalOrPropertyOrOneOfAnotherGoalIsFound() throws Exception {
        Map<String, Set<String>> goals = goals(DESCRIPTOR);
        String readme = String.join("\n",
                "text `mvn owui:list -Dowui.targt=/mnt/nas` text",
                "```sh",
                "mvn owui:lsit",
                "mvn owui:list \\",
                "    -Dowui.paths=uploads/x   # restore's, not list's",
                "mvn owui:copy owui:list -Dowui.backupId=all -Dowui.report=r.json",
                "```");
        List<String> problems = problems(examples(readme), goals);
        assertEquals(List.of(
                "line 1: -Dowui.targt is read by none of owui:list (did you mean owui.target?)",
                "line 3: owui:lsit is not a goal of the plugin",
                "line 4: -Dowui.paths is read by none of owui:list (owui:restore reads it)"), problems);
    }

    /** What is wrong with each example, one line each. */
    static List<String> problems(List<Example> examples, Map<String, Set<String>> goals) {
        List<String> problems = new ArrayList<>();
        for (Example e : examples) {
            Set<String> named = new LinkedHashSet<>();
            Matcher g = GOAL.matcher(e.text());
            while (g.find()) {
                String goal = g.group(1) != null ? g.group(1) : g.group(2);
                if (goals.containsKey(goal)) {
                    named.add(goal);
                } else {
                    problems.add("line " + e.line() + ": owui:" + goal + " is not a goal of the plugin");
                }
            }
            // A command naming no goal (a template's owui:<backup|copy>): any goal's property will do.
            Set<String> candidates = named.isEmpty() ? goals.keySet() : named;
            for (String p : properties(e.text())) {
                if (NOT_YET_IN_THE_DESCRIPTOR.contains(p) || candidates.stream().anyMatch(goal -> goals.get(goal).contains(p))) {
                    continue;
                }
                List<String> readers = goals.entrySet().stream().filter(x -> x.getValue().contains(p)).map(x -> "owui:" + x.getKey()).toList();
                String hint = !readers.isEmpty() ? String.join(", ", readers) + " reads it"
                        : "did you mean " + nearest(p, goals) + "?";
                problems.add("line " + e.line() + ": -D" + p + " is read by none of "
                        + String.join(", ", candidates.stream().map(x -> "owui:" + x).toList()) + " (" + hint + ")");
            }
        }
        return problems;
    }

    /** The commands of fenced code blocks (continuation lines joined) and of inline code spans. */
    static List<Example> examples(String readme) {
        List<Example> out = new ArrayList<>();
        String[] lines = readme.split("\n", -1);
        boolean fenced = false;
        StringBuilder command = null;
        int start = 0;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.strip().startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            if (fenced) {
                if (command == null) {
                    command = new StringBuilder();
                    start = i + 1;
                }
                boolean continued = line.stripTrailing().endsWith("\\");
                command.append(continued ? line.stripTrailing().substring(0, line.stripTrailing().length() - 1) : line).append(' ');
                if (!continued) {
                    if (COMMAND.matcher(command).find()) {
                        out.add(new Example(start, command.toString().strip()));
                    }
                    command = null;
                }
            } else {
                Matcher m = INLINE_CODE.matcher(line);
                while (m.find()) {
                    if (COMMAND.matcher(m.group(1)).find()) {
                        out.add(new Example(i + 1, m.group(1)));
                    }
                }
            }
        }
        return out;
    }

    private static Set<String> properties(String text) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = PROPERTY.matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** Each goal of the generated descriptor with the {@code owui.*} properties its parameters read. */
    static Map<String, Set<String>> goals(Path descriptor) throws Exception {
        assertTrue(Files.isRegularFile(descriptor), descriptor + " is generated by the build (process-classes)");
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(descriptor.toFile());
        Map<String, Set<String>> out = new TreeMap<>();
        NodeList mojos = doc.getElementsByTagName("mojo");
        for (int i = 0; i < mojos.getLength(); i++) {
            Element mojo = (Element) mojos.item(i);
            Set<String> props = new LinkedHashSet<>();
            NodeList config = mojo.getElementsByTagName("configuration");
            for (int c = 0; c < config.getLength(); c++) {
                for (Node n = config.item(c).getFirstChild(); n != null; n = n.getNextSibling()) {
                    Matcher m = Pattern.compile("\\$\\{(owui\\.[^}]+)}").matcher(n.getTextContent() == null ? "" : n.getTextContent().strip());
                    if (n.getNodeType() == Node.ELEMENT_NODE && m.matches()) {
                        props.add(m.group(1));
                    }
                }
            }
            out.put(text(mojo, "goal"), props);
        }
        return out;
    }

    private static String text(Element parent, String child) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeType() == Node.ELEMENT_NODE && n.getNodeName().equals(child)) {
                return n.getTextContent().strip();
            }
        }
        throw new IllegalStateException("no <" + child + "> in a <mojo> of " + DESCRIPTOR);
    }

    /** The property of any goal closest to a misspelled one, as the run itself would suggest it. */
    private static String nearest(String p, Map<String, Set<String>> goals) {
        return CommandLineProperties.nearest(p, goals.values().stream().flatMap(Set::stream).distinct().toList());
    }
}
