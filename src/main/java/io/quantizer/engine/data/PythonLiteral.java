package io.quantizer.engine.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the small Python literal in a .npy header ({@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}).
 * Only literals are accepted (strings, integers, True/False/None, tuples, lists, dicts), never code, and nesting
 * is bounded so a hostile header cannot exhaust the stack.
 * Tuples and lists both become {@link List}s; a tuple is marked by wrapping it in {@link Tuple}.
 */
final class PythonLiteral {

    private static final int MAX_DEPTH = 8;

    /** A Python tuple, kept apart from a list because the shape must be a tuple. */
    record Tuple(List<Object> items) {
    }

    /** Python's None; no header field we read may be None, so it only has to be recognisable. */
    static final Object NONE = new Object() {
        @Override
        public String toString() {
            return "None";
        }
    };

    private final String text;
    private int pos;

    private PythonLiteral(String text) {
        this.text = text;
    }

    /** Parses the whole text as one literal; trailing whitespace is allowed, anything else is not. */
    static Object parse(String text) {
        PythonLiteral parser = new PythonLiteral(text);
        Object value = parser.value(0);
        parser.skipSpace();
        if (parser.pos != text.length()) {
            throw parser.error("unexpected text after the header dictionary");
        }
        return value;
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH + " levels");
        }
        skipSpace();
        if (pos >= text.length()) {
            throw error("header ends early");
        }
        char c = text.charAt(pos);
        switch (c) {
            case '{':
                return dict(depth);
            case '(':
                return new Tuple(sequence(')', depth));
            case '[':
                return sequence(']', depth);
            case '\'':
            case '"':
                return string(c);
            default:
                if (c == '-' || Character.isDigit(c)) {
                    return integer();
                }
                return keyword();
        }
    }

    private Map<Object, Object> dict(int depth) {
        pos++;
        Map<Object, Object> map = new LinkedHashMap<>();
        while (true) {
            skipSpace();
            if (consume('}')) {
                return map;
            }
            Object key = value(depth + 1);
            skipSpace();
            expect(':');
            Object value = value(depth + 1);
            if (map.put(key, value) != null) {
                throw error("key " + key + " appears twice");
            }
            skipSpace();
            if (!consume(',')) {
                skipSpace();
                expect('}');
                return map;
            }
        }
    }

    private List<Object> sequence(char close, int depth) {
        pos++;
        List<Object> items = new ArrayList<>();
        while (true) {
            skipSpace();
            if (consume(close)) {
                return items;
            }
            items.add(value(depth + 1));
            skipSpace();
            if (!consume(',')) {
                skipSpace();
                expect(close);
                return items;
            }
        }
    }

    private String string(char quote) {
        int start = ++pos;
        while (pos < text.length() && text.charAt(pos) != quote) {
            if (text.charAt(pos) == '\\') {
                throw error("escape sequences are not expected in a .npy header");
            }
            pos++;
        }
        if (pos >= text.length()) {
            throw error("unterminated string");
        }
        return text.substring(start, pos++);
    }

    private Long integer() {
        int start = pos;
        if (text.charAt(pos) == '-') {
            pos++;
        }
        while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
            pos++;
        }
        String digits = text.substring(start, pos);
        if (pos < text.length() && text.charAt(pos) == 'L') {
            pos++; // Python 2 long suffix, written by old NumPy versions
        }
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw error("'" + digits + "' is not an integer NumPy can have written");
        }
    }

    private Object keyword() {
        for (String word : new String[] {"True", "False", "None"}) {
            if (text.startsWith(word, pos)) {
                pos += word.length();
                return word.equals("None") ? NONE : Boolean.valueOf(word.equals("True"));
            }
        }
        throw error("unexpected character '" + text.charAt(pos) + "'");
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private boolean consume(char c) {
        if (pos < text.length() && text.charAt(pos) == c) {
            pos++;
            return true;
        }
        return false;
    }

    private void expect(char c) {
        if (!consume(c)) {
            throw error("expected '" + c + "'");
        }
    }

    private DatasetFormatException error(String what) {
        return new DatasetFormatException("unreadable .npy header: " + what + " at character " + pos);
    }
}
