package io.billingsnapshot.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;

/**
 * Keeps a failed setup the one failure its test reports: when a {@code @BeforeEach} or
 * {@code @BeforeAll} method failed, a {@code NullPointerException} from the matching
 * {@code @AfterEach} or {@code @AfterAll} (a field the setup never assigned) is dropped instead
 * of being added to the report. A tearDown's exception after a setup that succeeded, and any
 * other exception, is reported as always. Registered for every test class by extension
 * auto-detection (junit-platform.properties, META-INF/services).
 */
public final class TearDownAfterFailedSetup implements LifecycleMethodExecutionExceptionHandler {

    private static final Namespace NAMESPACE = Namespace.create(TearDownAfterFailedSetup.class);
    private static final String SETUP_FAILED = "setupFailed";

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable)
            throws Throwable {
        throw setupFailed(context, throwable);
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable throwable)
            throws Throwable {
        throw setupFailed(context, throwable);
    }

    @Override
    public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable throwable)
            throws Throwable {
        rethrowUnlessAfterFailedSetup(context, throwable);
    }

    @Override
    public void handleAfterAllMethodExecutionException(ExtensionContext context, Throwable throwable)
            throws Throwable {
        rethrowUnlessAfterFailedSetup(context, throwable);
    }

    private static Throwable setupFailed(ExtensionContext context, Throwable throwable) {
        context.getStore(NAMESPACE).put(SETUP_FAILED, true);
        return throwable;
    }

    private static void rethrowUnlessAfterFailedSetup(ExtensionContext context, Throwable throwable)
            throws Throwable {
        boolean setupFailed = context.getStore(NAMESPACE).getOrDefault(SETUP_FAILED, Boolean.class, false);
        if (!(setupFailed && throwable instanceof NullPointerException)) {
            throw throwable;
        }
    }
}
