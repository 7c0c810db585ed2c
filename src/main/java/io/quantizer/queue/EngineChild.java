package io.quantizer.queue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * The child JVM's entry point: {@code EngineChild <engine main class> <engine args...>}. It runs the engine's
 * main and adds one thing: the child dies with its parent. The worker keeps the child's stdin open for the
 * child's whole life; when the worker process goes away (even by {@code kill -9}) the operating system closes
 * that pipe, this watcher reads end-of-file and halts the JVM, so no orphaned engine keeps burning CPU after a
 * worker crash while the job is resumed elsewhere. (Java has no portable parent-death signal.)
 */
public final class EngineChild {

    /** Exit status when the parent went away; nobody reads it, but it is distinct in logs and tests. */
    public static final int EXIT_ORPHANED = 86;

    private EngineChild() {
    }

    public static void main(String[] args) throws Throwable {
        if (args.length < 1) {
            throw new IllegalArgumentException("usage: EngineChild <engine main class> <engine arguments...>");
        }
        Thread watcher = new Thread(() -> waitForParentExit(System.in), "parent-watch");
        watcher.setDaemon(true);
        watcher.start();
        Method main = Class.forName(args[0]).getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void waitForParentExit(InputStream parent) {
        try {
            while (parent.read() != -1) {
                // the parent never writes; any byte is ignored
            }
        } catch (IOException e) {
            // a broken pipe means the same as end-of-file
        }
        Runtime.getRuntime().halt(EXIT_ORPHANED);
    }
}
