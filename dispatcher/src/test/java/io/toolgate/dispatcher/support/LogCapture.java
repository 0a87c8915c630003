package io.toolgate.dispatcher.support;

import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

/**
 * Collects what one logger logs while a test runs, at the level given (the logger's own
 * level is lowered to it and restored on {@link #close()}).
 */
public final class LogCapture implements AutoCloseable {

	private final Logger logger;

	private final Level previousLevel;

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	private LogCapture(String name, Level level) {
		this.logger = (Logger) LoggerFactory.getLogger(name);
		this.previousLevel = this.logger.getLevel();
		this.logger.setLevel(level);
		this.appender.start();
		this.logger.addAppender(this.appender);
	}

	/** Starts capturing the logger of {@code source} from {@code level} up. */
	public static LogCapture of(Class<?> source, Level level) {
		return new LogCapture(source.getName(), level);
	}

	/** Starts capturing the logger named {@code name} from {@code level} up. */
	public static LogCapture of(String name, Level level) {
		return new LogCapture(name, level);
	}

	/** The events so far. */
	public List<ILoggingEvent> events() {
		return List.copyOf(this.appender.list);
	}

	/** The events so far at {@code level} or above. */
	public List<ILoggingEvent> atLeast(Level level) {
		return events().stream().filter(event -> event.getLevel().isGreaterOrEqual(level)).toList();
	}

	@Override
	public void close() {
		this.logger.detachAppender(this.appender);
		this.appender.stop();
		this.logger.setLevel(this.previousLevel);
	}

}
