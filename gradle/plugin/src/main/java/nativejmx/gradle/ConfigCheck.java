package nativejmx.gradle;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The check made when nativejmx-check is not available: no YAML library is part of Gradle's API,
 * so this looks only at what a YAML parser would refuse first or what the agent cannot use at
 * all: an unreadable or non-UTF-8 file, tabs in indentation, a top level that is not a mapping.
 * Rules, regular expressions and values are left to nativejmx-check and to the agent itself.
 */
final class ConfigCheck {
    /** `key:` or `"key":` or `'key':` at column 0, followed by a space, a comment or the end. */
    private static final Pattern TOP_LEVEL_KEY = Pattern.compile("(\"[^\"]*\"|'[^']*'|[^\\s#:\"'\\-{\\[][^:#]*):(\\s.*)?");

    private ConfigCheck() {}

    static List<String> problems(Path config) {
        String text;
        try {
            byte[] bytes = Files.readAllBytes(config);
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return Collections.singletonList("not UTF-8 text");
        } catch (IOException e) {
            return Collections.singletonList("cannot read the file: " + e.getMessage());
        }
        List<String> problems = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        boolean flowMapping = false;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String content = line.trim();
            if (content.isEmpty() || content.startsWith("#")) continue;
            int indent = 0;
            while (indent < line.length() && (line.charAt(indent) == ' ' || line.charAt(indent) == '\t')) indent++;
            if (line.substring(0, indent).indexOf('\t') >= 0) {
                problems.add("line " + (i + 1) + ": a tab in the indentation (YAML allows only spaces)");
            }
            if (indent > 0 || flowMapping || content.equals("---") || content.equals("...") || content.startsWith("%")) {
                continue;
            }
            if (content.startsWith("{")) {
                flowMapping = true;  // e.g. `{}`; its inside is for a real parser
            } else if (!TOP_LEVEL_KEY.matcher(line).matches()) {
                problems.add("line " + (i + 1) + ": the top level must be a mapping of `key: value`, found `" + content + "`");
            }
        }
        return problems;
    }
}
