package dev.jitbot.deploy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The built {@code jitbot.jar} in its own JVM, with a clean environment and its output collected line by line. */
final class JarProcess implements AutoCloseable {

    final Process process;
    final long startedNanos = System.nanoTime();
    private final List<String> out = Collections.synchronizedList(new ArrayList<>());
    private final List<String> err = Collections.synchronizedList(new ArrayList<>());

    private JarProcess(Process process) {
        this.process = process;
        pump(process.getInputStream(), out, "out");
        pump(process.getErrorStream(), err, "err");
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty("jitbot.jar", "target/jitbot.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run the ITs through `mvn verify` (failsafe), after package");
        }
        return jar;
    }

    /** Starts {@code java [jvmArgs] -jar jitbot.jar args} with only {@code env} (plus PATH and HOME) set. */
    static JarProcess start(Path workDir, Map<String, String> env, List<String> jvmArgs, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.addAll(jvmArgs);
        cmd.add("-jar");
        cmd.add(jar().toAbsolutePath().toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
        Map<String, String> e = pb.environment();
        e.keySet().removeIf(k -> k.startsWith("JITBOT_") || k.startsWith("SLACK_") || k.startsWith("AZURE_")
                || k.startsWith("Microsoft") || k.startsWith("IDENTITY_") || k.startsWith("MSI_"));
        e.putAll(env);
        return new JarProcess(pb.start());
    }

    /**
     * The process's threads as {@code jcmd Thread.print} prints them (the JDK running the tests has jcmd), or why
     * there are none: what a test saves when the process seems stuck, before it stops it.
     */
    String threadDump() {
        if (!process.isAlive()) {
            return "(the process has exited)";
        }
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Path out = Files.createTempFile("jitbot-threads", ".txt");
            Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(process.pid()), "Thread.print")
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            // jcmd can hang on a JVM that is dying: give up after a while rather than hang the test.
            if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "(no thread dump: jcmd did not answer within 30 s)\n" + Files.readString(out);
            }
            String dump = Files.readString(out);
            Files.deleteIfExists(out);
            return dump;
        } catch (IOException e) {
            return "(no thread dump: " + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(no thread dump: interrupted)";
        }
    }

    OutputStream stdin() {
        return process.getOutputStream();
    }

    List<String> out() {
        synchronized (out) {
            return List.copyOf(out);
        }
    }

    List<String> err() {
        synchronized (err) {
            return List.copyOf(err);
        }
    }

    String all() {
        return String.join("\n", out()) + "\n" + String.join("\n", err());
    }

    /** Waits for the process to exit and returns its code; kills it and fails after {@code timeout}. */
    int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("jitbot did not exit within " + timeout + "; output so far:\n" + all());
        }
        // Let the pumps drain what the process wrote last.
        Thread.sleep(200);
        return process.exitValue();
    }

    Duration sinceStart() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    private static void pump(InputStream in, List<String> into, String name) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    into.add(line);
                    if (Boolean.getBoolean("jitbot.it.echo")) {
                        System.out.println("[jitbot " + name + "] " + line);
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "jar-" + name);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
