package io.quantizer.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

class YamlDiffTest {

    @Test
    void equalTreesHaveNoDifferencesWhateverTheKeyOrder() {
        Object a = new Yaml().load("a: 1\nb: {c: [x, y]}\n");
        Object b = new Yaml().load("b:\n  c:\n    - x\n    - y\na: 1\n");

        assertThat(YamlDiff.between(a, b)).isEmpty();
    }

    @Test
    void namesEveryDifferenceWithItsPath() {
        Object file = Map.of("paths", Map.of("/a", Map.of("get", "x"), "/gone", 1), "list", List.of(1, 2));
        Object served = Map.of("paths", Map.of("/a", Map.of("get", "y"), "/new", 2), "list", List.of(1));

        assertThat(YamlDiff.between(file, served)).containsExactlyInAnyOrder(
                "changed:      $.paths./a.get: file x -> served y",
                "only in file: $.paths./gone = 1",
                "only served:  $.paths./new = 2",
                "only in file: $.list[1] = 2");
    }
}
