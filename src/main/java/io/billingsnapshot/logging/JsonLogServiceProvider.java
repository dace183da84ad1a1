package io.billingsnapshot.logging;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Sends what the libraries log through SLF4J (the AWS SDK, the EMF library) into the function's
 * JSON log: one {@code library_log} line with the library's logger name and its formatted
 * message. Warnings and errors only: they are what an operator needs (a retry storm, a metrics
 * problem); the libraries' INFO and DEBUG would drown the function's own lines. SLF4J finds this
 * provider through {@code META-INF/services}.
 */
public final class JsonLogServiceProvider implements SLF4JServiceProvider {

    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();
    private final ILoggerFactory loggers = LibraryLogger::new;

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        // nothing to set up: JsonLog is ready
    }

    /** One library logger: WARN and ERROR become JSON lines, the rest is dropped. */
    static final class LibraryLogger extends LegacyAbstractLogger {

        private static final long serialVersionUID = 1L;
        private final transient JsonLog log;

        LibraryLogger(String name) {
            this.name = name;
            this.log = JsonLog.named(name);
        }

        @Override
        public boolean isTraceEnabled() {
            return false;
        }

        @Override
        public boolean isDebugEnabled() {
            return false;
        }

        @Override
        public boolean isInfoEnabled() {
            return false;
        }

        @Override
        public boolean isWarnEnabled() {
            return log.enabled(JsonLog.Level.WARN);
        }

        @Override
        public boolean isErrorEnabled() {
            return log.enabled(JsonLog.Level.ERROR);
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                Throwable throwable) {
            JsonLog.Level jsonLevel = level == Level.ERROR ? JsonLog.Level.ERROR : JsonLog.Level.WARN;
            String message = MessageFormatter.basicArrayFormat(pattern, arguments);
            log.library(jsonLevel, message, throwable);
        }
    }
}
