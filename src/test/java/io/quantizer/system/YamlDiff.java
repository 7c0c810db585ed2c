package io.quantizer.system;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/** Lists where two parsed YAML/JSON trees differ, one line per difference, with the path to it. */
final class YamlDiff {

    private YamlDiff() {
    }

    static List<String> between(Object left, Object right) {
        List<String> differences = new ArrayList<>();
        compare("$", left, right, differences);
        return differences;
    }

    private static void compare(String path, Object left, Object right, List<String> out) {
        if (left instanceof Map<?, ?> l && right instanceof Map<?, ?> r) {
            TreeSet<String> keys = new TreeSet<>();
            l.keySet().forEach(k -> keys.add(String.valueOf(k)));
            r.keySet().forEach(k -> keys.add(String.valueOf(k)));
            for (String key : keys) {
                String child = path + "." + key;
                if (!l.containsKey(key)) {
                    out.add("only served:  " + child + " = " + abbreviate(r.get(key)));
                } else if (!r.containsKey(key)) {
                    out.add("only in file: " + child + " = " + abbreviate(l.get(key)));
                } else {
                    compare(child, l.get(key), r.get(key), out);
                }
            }
        } else if (left instanceof List<?> l && right instanceof List<?> r) {
            for (int i = 0; i < Math.max(l.size(), r.size()); i++) {
                String child = path + "[" + i + "]";
                if (i >= l.size()) {
                    out.add("only served:  " + child + " = " + abbreviate(r.get(i)));
                } else if (i >= r.size()) {
                    out.add("only in file: " + child + " = " + abbreviate(l.get(i)));
                } else {
                    compare(child, l.get(i), r.get(i), out);
                }
            }
        } else if (!Objects.equals(left, right)) {
            out.add("changed:      " + path + ": file " + abbreviate(left) + " -> served " + abbreviate(right));
        }
    }

    private static String abbreviate(Object value) {
        String text = String.valueOf(value);
        return text.length() > 120 ? text.substring(0, 117) + "..." : text;
    }
}
