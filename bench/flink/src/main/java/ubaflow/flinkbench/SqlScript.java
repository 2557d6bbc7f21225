package ubaflow.flinkbench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Flink SQL script as the SQL client reads it: statements end with ';' outside quotes and
 * comments, and an EXECUTE STATEMENT SET BEGIN ... END; block is one statement. ${NAME} is
 * replaced by a variable, so that addresses and secrets stay out of the script.
 */
final class SqlScript {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_.]*)}");
    private static final Pattern BLOCK_START =
            Pattern.compile("^\\s*(EXECUTE\\s+)?STATEMENT\\s+SET\\s+BEGIN\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern BLOCK_END = Pattern.compile("\\bEND\\s*$", Pattern.CASE_INSENSITIVE);

    private SqlScript() {}

    /** Every ${NAME} replaced; a name without a value is an error, not an empty string. */
    static String substitute(String text, Map<String, String> variables) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = variables.get(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException("no value for ${" + m.group(1) + "} (pass --var "
                        + m.group(1) + "=... or set it in the environment)");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The statements, without their ';' and without comment-only pieces. */
    static List<String> split(String text) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean meaningful = false;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '-' && i + 1 < text.length() && text.charAt(i + 1) == '-') {
                int end = text.indexOf('\n', i);
                i = end < 0 ? text.length() : end;
                continue;
            }
            if (c == '/' && i + 1 < text.length() && text.charAt(i + 1) == '*') {
                int end = text.indexOf("*/", i + 2);
                if (end < 0) throw new IllegalArgumentException("unterminated /* comment");
                i = end + 2;
                current.append(' ');
                continue;
            }
            if (c == '\'' || c == '"' || c == '`') {
                int end = closingQuote(text, i);
                current.append(text, i, end + 1);
                meaningful = true;
                i = end + 1;
                continue;
            }
            if (c == ';') {
                String statement = current.toString().trim();
                boolean inBlock = BLOCK_START.matcher(statement).find()
                        && !BLOCK_END.matcher(statement).find();
                if (inBlock) {
                    current.append(c);
                } else {
                    if (meaningful) statements.add(statement);
                    current.setLength(0);
                    meaningful = false;
                }
                i++;
                continue;
            }
            if (!Character.isWhitespace(c)) meaningful = true;
            current.append(c);
            i++;
        }
        if (meaningful) statements.add(current.toString().trim());
        return statements;
    }

    /** A quote is closed by the same character not doubled ('it''s'). */
    private static int closingQuote(String text, int open) {
        char quote = text.charAt(open);
        int i = open + 1;
        while (i < text.length()) {
            if (text.charAt(i) == quote) {
                if (i + 1 < text.length() && text.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i;
            }
            i++;
        }
        throw new IllegalArgumentException("unterminated " + quote + " quote");
    }

    /** The first three words, for the log: "CREATE TABLE user_behavior". */
    static String headline(String statement) {
        String flat = statement.replaceAll("\\s+", " ").trim();
        String[] words = flat.split(" ");
        return String.join(" ", Arrays.copyOf(words, Math.min(words.length, 3)));
    }
}
