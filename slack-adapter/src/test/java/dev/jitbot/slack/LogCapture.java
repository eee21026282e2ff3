package dev.jitbot.slack;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Every log event of jitbot and the Slack SDK during one test, down to DEBUG, as the line a log file would show:
 * message, and each exception's message in its cause chain.
 */
final class LogCapture implements BeforeEachCallback, AfterEachCallback {

    private static final List<String> LOGGERS = List.of(org.slf4j.Logger.ROOT_LOGGER_NAME, "dev.jitbot", "com.slack");

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Map<Logger, Level> levels = new LinkedHashMap<>();

    @Override
    public void beforeEach(ExtensionContext context) {
        appender.list.clear();
        appender.start();
        for (String name : LOGGERS) {
            Logger logger = (Logger) LoggerFactory.getLogger(name);
            levels.put(logger, logger.getLevel());
            logger.setLevel(Level.DEBUG);
        }
        root().addAppender(appender);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        root().detachAppender(appender);
        levels.forEach(Logger::setLevel);
        levels.clear();
    }

    /** Each event as one string: logger, formatted message, then the messages of its exception chain. */
    List<String> lines() {
        List<ILoggingEvent> events;
        synchronized (appender) {
            events = new ArrayList<>(appender.list);
        }
        List<String> out = new ArrayList<>();
        for (ILoggingEvent e : events) {
            if (e.getLoggerName().startsWith("WireMock") || e.getLoggerName().startsWith("com.github.tomakehurst")
                    || e.getLoggerName().startsWith("wiremock")) {
                continue; // the fake Slack's own chatter, not jitbot's side of the wire
            }
            StringBuilder sb = new StringBuilder(e.getLoggerName()).append(" - ").append(e.getFormattedMessage());
            for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                sb.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
            }
            out.add(sb.toString());
        }
        return out;
    }

    /** The lines a logger of jitbot's wrote. */
    List<String> jitbotLines() {
        return lines().stream().filter(l -> l.startsWith("dev.jitbot")).toList();
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }
}
