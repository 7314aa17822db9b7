// Java's answers for the regex tests (tests/unit/regex_*_test.cpp): what
// java.util.regex.Pattern does with a rule pattern, wrapped as the javaagent wraps it.
//
//   java RegexOracle.java table <cases.txt>      C++ table rows for the cases, on stdout
//   java RegexOracle.java random <seed> <count>  the random differential corpus (TSV), on stdout
//
// Case files: one case per line, fields separated by TAB; a line starting with '#' is copied
// into the table as a // comment.
//   P <pattern>                     does Java accept it?          -> {pattern, "OK" | "ERR desc@index"}
//   M <pattern> <input>             match and groups              -> {pattern, input, "NOMATCH" | "MATCH [g1] null ..." | "ERR ..."}
//   R <pattern> <input> <template>  Matcher.replaceAll after matches -> {pattern, input, template, "[out]" | "ERR message"}
// Patterns are taken as written; inputs and templates understand \t \n \r \\ and \x{hex}.
// Expected texts render a string as [..] with '\' doubled and characters outside
// U+0020..U+007E as \x{hex}; the C++ tests render their results the same way.
//
// Generated with Temurin 25 (JDK 19+ \b semantics); JDK 17 differs only where a test says so.
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

public class RegexOracle {
    static Pattern wrap(String pattern) {
        return Pattern.compile("^.*(?:" + pattern + ").*$");
    }

    static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 == s.length()) {
                b.append(c);
                continue;
            }
            char d = s.charAt(++i);
            switch (d) {
                case 't' -> b.append('\t');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case '\\' -> b.append('\\');
                case 'x' -> {
                    int end = s.indexOf('}', i);
                    b.appendCodePoint(Integer.parseInt(s.substring(i + 2, end), 16));
                    i = end;
                }
                default -> b.append('\\').append(d);
            }
        }
        return b.toString();
    }

    static String render(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(c -> {
            if (c == '\\') b.append("\\\\");
            else if (c < 0x20 || c > 0x7E) b.append("\\x{").append(Integer.toHexString(c)).append('}');
            else b.appendCodePoint(c);
        });
        return b.toString();
    }

    static String syntax(String pattern) {
        try {
            wrap(pattern);
            return "OK";
        } catch (PatternSyntaxException e) {
            return "ERR " + e.getDescription() + "@" + e.getIndex();
        }
    }

    static String match(String pattern, String input) {
        String accepted = syntax(pattern);
        if (!accepted.equals("OK")) return accepted;
        Matcher m = wrap(pattern).matcher(input);
        if (!m.matches()) return "NOMATCH";
        StringBuilder b = new StringBuilder("MATCH");
        for (int g = 1; g <= m.groupCount(); g++) {
            b.append(' ').append(m.group(g) == null ? "null" : "[" + render(m.group(g)) + "]");
        }
        return b.toString();
    }

    static String replace(String pattern, String input, String template) {
        Matcher m = wrap(pattern).matcher(input);
        if (!m.matches()) return "NOMATCH";
        try {
            return "[" + render(m.replaceAll(template)) + "]";
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            return "ERR " + e.getMessage();
        }
    }

    // A C++ string literal: raw when that is readable, else escaped bytes of UTF-8.
    static String cpp(String s) {
        boolean printable = s.chars().allMatch(c -> c >= 0x20 && c <= 0x7E);
        if (printable && !s.contains(")\"")) return "R\"(" + s + ")\"";
        StringBuilder b = new StringBuilder("\"");
        for (byte raw : s.getBytes(StandardCharsets.UTF_8)) {
            int c = raw & 0xFF;
            if (c == '\\' || c == '"') b.append('\\').append((char) c);
            else if (c >= 0x20 && c <= 0x7E) b.append((char) c);
            else b.append(String.format("\\%03o", c));
        }
        return b.append('"').toString();
    }

    static void table(Path cases) throws Exception {
        for (String line : Files.readAllLines(cases, StandardCharsets.UTF_8)) {
            if (line.isEmpty()) continue;
            if (line.startsWith("#")) {   // comments become C++ comments in the table
                System.out.println("    //" + line.substring(1));
                continue;
            }
            String[] f = line.split("\t", -1);
            String pattern = f[1];
            switch (f[0]) {
                case "P" -> System.out.println("    {" + cpp(pattern) + ", " + cpp(syntax(pattern)) + "},");
                case "M" -> {
                    String input = unescape(f[2]);
                    System.out.println("    {" + cpp(pattern) + ", " + cpp(input) + ", " + cpp(match(pattern, input)) + "},");
                }
                case "R" -> {
                    String input = unescape(f[2]);
                    String template = unescape(f[3]);
                    System.out.println("    {" + cpp(pattern) + ", " + cpp(input) + ", " + cpp(template) + ", "
                                       + cpp(replace(pattern, input, template)) + "},");
                }
                default -> throw new IllegalArgumentException("unknown case kind: " + line);
            }
        }
    }

    // --- random corpus: small patterns over a small alphabet, short inputs ---

    static final String[] LITERALS = {"a", "b", "c", "A", " ", "-", "_", "1", "2", "=", ",", "<", ">", "\\.", "\\n", "\\r", "\\t", "\\x{e9}"};
    static final String[] CLASS_ITEMS = {"a", "b", "c", "A", "1", "_", " ", "-", "a-c", "0-9", "A-Z", "\\d", "\\w", "\\s", "\\W", "\\S", "\\n", "\\r", "\\x{e9}", "\\p{Lower}", "\\p{Punct}", "\\p{L}", "\\h", "\\v"};
    static final String[] SHORTHANDS = {".", "\\d", "\\w", "\\s", "\\D", "\\W", "\\S", "\\h", "\\v", "\\R", "\\p{Alpha}", "\\p{Upper}", "\\p{Lu}", "\\P{L}"};
    static final String[] ANCHORS = {"^", "$", "\\b", "\\B", "\\A", "\\z", "\\Z", "\\G"};
    static final String[] FLAGS = {"i", "s", "m", "d", "x", "iu", "-i", "U"};
    static final String[] QUANTIFIERS = {"*", "+", "?", "{2}", "{1,}", "{0,2}", "{1,3}"};
    static final String INPUT_CHARS = "abcA -_12=,<>.\n\r\t\u00e9\u00c9";

    final Random random;
    int groups;

    RegexOracle(long seed) {
        random = new Random(seed);
    }

    String pick(String[] options) {
        return options[random.nextInt(options.length)];
    }

    String characterClass(int depth) {
        StringBuilder b = new StringBuilder("[");
        if (random.nextInt(4) == 0) b.append('^');
        int items = 1 + random.nextInt(3);
        for (int i = 0; i < items; i++) b.append(pick(CLASS_ITEMS));
        if (depth < 2 && random.nextInt(5) == 0) b.append(random.nextBoolean() ? "&&" : "").append(characterClass(depth + 1));
        return b.append(']').toString();
    }

    String atom(int depth) {
        int kind = random.nextInt(depth < 3 ? 14 : 8);
        switch (kind) {
            case 0, 1, 2: return pick(LITERALS);
            case 3: return characterClass(0);
            case 4, 5: return pick(SHORTHANDS);
            case 6: return pick(ANCHORS);
            case 7: return groups > 0 && random.nextInt(3) == 0 ? "\\" + (1 + random.nextInt(groups)) : pick(LITERALS);
            case 8, 9: groups++; return "(" + expr(depth + 1) + ")";
            case 10: return "(?:" + expr(depth + 1) + ")";
            case 11: return "(?" + pick(new String[] {"=", "!", ">"}) + expr(depth + 1) + ")";
            case 12: return "(?" + pick(new String[] {"<=", "<!"}) + pick(LITERALS) + (random.nextBoolean() ? "|" + pick(LITERALS) + pick(LITERALS) : "") + ")";
            default: return "(?" + pick(FLAGS) + (random.nextBoolean() ? ")" : ":" + expr(depth + 1) + ")");
        }
    }

    String sequence(int depth) {
        StringBuilder b = new StringBuilder();
        int atoms = 1 + random.nextInt(3);
        for (int i = 0; i < atoms; i++) {
            b.append(atom(depth));
            if (random.nextInt(2) == 0) {
                b.append(pick(QUANTIFIERS));
                int mode = random.nextInt(6);
                if (mode == 0) b.append('?');
                else if (mode == 1) b.append('+');
            }
        }
        return b.toString();
    }

    String expr(int depth) {
        String s = sequence(depth);
        while (random.nextInt(4) == 0) s += "|" + sequence(depth);
        return s;
    }

    // Short inputs, drawn mostly from the characters the pattern names so that many match.
    String input(String pattern) {
        StringBuilder pool = new StringBuilder(INPUT_CHARS);
        for (char c : pattern.toCharArray()) {
            if (Character.isLetterOrDigit(c) || "-_ =,<>.".indexOf(c) >= 0) pool.append(c).append(c).append(c);
        }
        int length = random.nextInt(9);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) b.append(pool.charAt(random.nextInt(pool.length())));
        return b.toString();
    }

    void corpus(int count) {
        System.out.println("# pattern<TAB>input<TAB>Java's answer; see RegexOracle.java (random " + count + ")");
        int written = 0;
        while (written < count) {
            groups = 0;
            String pattern = expr(0);
            if (pattern.contains("\t")) continue;
            String accepted = syntax(pattern);
            if (!accepted.equals("OK")) {
                System.out.println(render(pattern) + "\t\t" + accepted);
                written++;
                continue;
            }
            for (int i = 0; i < 4 && written < count; i++, written++) {
                String in = input(pattern);
                System.out.println(render(pattern) + "\t" + render(in) + "\t" + match(pattern, in));
            }
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("table")) {
            table(Path.of(args[1]));
        } else if (args.length == 3 && args[0].equals("random")) {
            new RegexOracle(Long.parseLong(args[1])).corpus(Integer.parseInt(args[2]));
        } else {
            System.err.println("usage: RegexOracle table <cases.txt> | random <seed> <count>");
            System.exit(2);
        }
    }
}
