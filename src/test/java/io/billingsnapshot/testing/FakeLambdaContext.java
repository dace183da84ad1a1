package io.billingsnapshot.testing;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The Lambda context of one simulated invocation: a fresh request id, the remaining time
 * counted down to a deadline on the given clock, and a logger that keeps the lines (the
 * soak must not flood stdout; a test can read them).
 */
public final class FakeLambdaContext implements Context {

    private static final String FUNCTION_NAME = "billing-snapshot-soak";

    private final String awsRequestId;
    private final Instant deadline;
    private final Clock clock;
    private final CapturingLogger logger = new CapturingLogger();

    public FakeLambdaContext(String awsRequestId, Instant deadline, Clock clock) {
        this.awsRequestId = awsRequestId;
        this.deadline = deadline;
        this.clock = clock;
    }

    /** A context for an invocation starting now on {@code clock} with the given function timeout. */
    public static FakeLambdaContext startingNow(Duration timeout, Clock clock) {
        return new FakeLambdaContext(UUID.randomUUID().toString(), clock.instant().plus(timeout), clock);
    }

    public Instant deadline() {
        return deadline;
    }

    public List<String> loggedLines() {
        return List.copyOf(logger.lines);
    }

    @Override
    public int getRemainingTimeInMillis() {
        long remaining = Duration.between(clock.instant(), deadline).toMillis();
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, remaining));
    }

    @Override
    public String getAwsRequestId() {
        return awsRequestId;
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/" + FUNCTION_NAME;
    }

    @Override
    public String getLogStreamName() {
        return "soak";
    }

    @Override
    public String getFunctionName() {
        return FUNCTION_NAME;
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:us-east-1:000000000000:function:" + FUNCTION_NAME;
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getMemoryLimitInMB() {
        return 512;
    }

    @Override
    public LambdaLogger getLogger() {
        return logger;
    }

    private static final class CapturingLogger implements LambdaLogger {
        private final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        public void log(String message) {
            lines.add(message);
        }

        @Override
        public void log(byte[] message) {
            lines.add(new String(message, StandardCharsets.UTF_8));
        }
    }
}
