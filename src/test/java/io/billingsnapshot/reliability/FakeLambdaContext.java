package io.billingsnapshot.reliability;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** A Lambda context whose invocation times out at a fixed instant of the given clock. */
final class FakeLambdaContext implements Context {

    private final Clock clock;
    private final Instant timeout;

    private FakeLambdaContext(Clock clock, Instant timeout) {
        this.clock = clock;
        this.timeout = timeout;
    }

    /** An invocation with this much time left from now. */
    static FakeLambdaContext withRemaining(Clock clock, Duration remaining) {
        return new FakeLambdaContext(clock, clock.instant().plus(remaining));
    }

    Instant timeout() {
        return timeout;
    }

    @Override
    public int getRemainingTimeInMillis() {
        return (int) Math.max(0, Duration.between(clock.instant(), timeout).toMillis());
    }

    @Override
    public String getAwsRequestId() {
        return "3f0c6a52-0000-4000-8000-000000000001";
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/billing-snapshot";
    }

    @Override
    public String getLogStreamName() {
        return "2026/11/30/[$LATEST]0000";
    }

    @Override
    public String getFunctionName() {
        return "billing-snapshot";
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:us-east-1:123456789012:function:billing-snapshot";
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
        return new LambdaLogger() {
            @Override
            public void log(String message) {
                System.out.print(message);
            }

            @Override
            public void log(byte[] message) {
                log(new String(message, StandardCharsets.UTF_8));
            }
        };
    }
}
