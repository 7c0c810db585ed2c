package io.quantizer.queue;

import java.util.ArrayList;
import java.util.List;

import io.quantizer.engine.cli.EngineProtocol;

/**
 * A child-process main for testing the supervisor's process handling (not the engine): it follows the steps
 * given as arguments, e.g. {@code progress:CALIBRATING:0.5 sleep:200 error:boom exit:2} ({@code env} prints its environment), so each way a child
 * can end (clean exit, error exit, hang, heap exhaustion) can be produced on demand.
 */
public final class ScriptedChild {

    private ScriptedChild() {
    }

    public static void main(String[] args) throws Exception {
        List<long[]> hoard = new ArrayList<>();
        for (String step : args) {
            String[] p = step.split(":", 2);
            switch (p[0]) {
                case "progress" -> {
                    String[] stageAndFraction = p[1].split(":");
                    System.out.println(EngineProtocol.progressLine(EngineProtocol.Stage.valueOf(stageAndFraction[0]),
                            Double.parseDouble(stageAndFraction[1])));
                }
                case "print" -> System.out.println(p[1]);
                case "env" -> new java.util.TreeMap<>(System.getenv())
                        .forEach((name, value) -> System.out.println("env " + name + "=" + value));
                case "error" -> System.out.println(EngineProtocol.errorLine(p[1]));
                case "sleep" -> Thread.sleep(Long.parseLong(p[1]));
                case "alloc" -> {
                    while (true) {
                        hoard.add(new long[1 << 20]);
                    }
                }
                case "exit" -> {
                    System.out.flush();
                    System.exit(Integer.parseInt(p[1]));
                }
                default -> throw new IllegalArgumentException("unknown step " + step);
            }
            System.out.flush();
        }
    }
}
