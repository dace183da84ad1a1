package io.billingsnapshot.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Lambda Runtime API (2018-06-01) on a loopback port, as much of it as one function
 * instance uses: the runtime long-polls {@code GET /runtime/invocation/next} for the next
 * queued event and posts the handler's answer to {@code /invocation/{id}/response} or
 * {@code /error}, or a failed initialisation to {@code /init/error}; a SnapStart function's runtime
 * asks {@code GET /runtime/restore/next} after its checkpoint hooks, and is restored at once.
 *
 * <p>The Runtime Interface Client reads {@code next} in native code, which crashes unless the
 * answer is HTTP/1.1 with a {@code Content-Type} and the request-id, deadline, function-ARN and
 * trace-id headers that Lambda sends; the JDK's HTTP server gives the first two.
 */
final class RuntimeApiEmulator implements AutoCloseable {

    static final String FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:billing-snapshot-local";
    private static final String RUNTIME = "/2018-06-01/runtime";
    private static final String NEXT = RUNTIME + "/invocation/next";
    private static final String INIT_ERROR = RUNTIME + "/init/error";
    private static final String RESTORE_NEXT = RUNTIME + "/restore/next";
    private static final String ERROR_TYPE = "Lambda-Runtime-Function-Error-Type";
    private static final Pattern REPLY = Pattern.compile(RUNTIME + "/invocation/([^/]+)/(response|error)");

    /** What the function answered: its response, or its error with Lambda's error type. */
    record Reply(String body, Optional<String> errorType) {
    }

    private record Invocation(String requestId, String event, Instant deadline) {
    }

    private final BlockingQueue<Invocation> queued = new LinkedBlockingQueue<>();
    private final Map<String, CompletableFuture<Reply>> pending = new ConcurrentHashMap<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "runtime-api");
        thread.setDaemon(true);
        return thread;
    });
    private final HttpServer server;

    private RuntimeApiEmulator(HttpServer server) {
        this.server = server;
        server.createContext(RUNTIME, this::handle);
        server.setExecutor(threads); // next blocks a thread while the runtime's other calls go on
        server.start();
    }

    static RuntimeApiEmulator start() {
        try {
            return new RuntimeApiEmulator(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The value of {@code AWS_LAMBDA_RUNTIME_API}. */
    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Queues one event for the runtime; completes with the function's reply. */
    CompletableFuture<Reply> invoke(String event, Instant deadline) {
        String requestId = UUID.randomUUID().toString();
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        pending.put(requestId, reply);
        queued.add(new Invocation(requestId, event, deadline));
        return reply;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            Matcher reply = REPLY.matcher(path);
            if (method.equals("GET") && path.equals(NEXT)) {
                next(exchange);
            } else if (method.equals("POST") && reply.matches()) {
                reply(reply.group(1), reply.group(2).equals("error"), exchange);
            } else if (method.equals("GET") && path.equals(RESTORE_NEXT)) {
                send(exchange, 200, "");
            } else if (method.equals("POST") && path.equals(INIT_ERROR)) {
                String error = body(exchange);
                pending.values().forEach(r -> r.completeExceptionally(new IllegalStateException("init error: " + error)));
                send(exchange, 202, "{\"status\":\"OK\"}");
            } else {
                send(exchange, 404, "{\"errorMessage\":\"not emulated: " + method + " " + path + "\"}");
            }
        } finally {
            exchange.close();
        }
    }

    private void next(HttpExchange exchange) throws IOException {
        Invocation invocation;
        try {
            invocation = queued.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the emulator is closing
            return;
        }
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", "application/json");
        headers.set("Lambda-Runtime-Aws-Request-Id", invocation.requestId());
        headers.set("Lambda-Runtime-Deadline-Ms", Long.toString(invocation.deadline().toEpochMilli()));
        headers.set("Lambda-Runtime-Invoked-Function-Arn", FUNCTION_ARN);
        headers.set("Lambda-Runtime-Trace-Id", "Root=1-00000000-" + invocation.requestId().replace("-", "").substring(0, 24)
                + ";Parent=0000000000000001;Sampled=0");
        send(exchange, 200, invocation.event());
    }

    private void reply(String requestId, boolean error, HttpExchange exchange) throws IOException {
        CompletableFuture<Reply> reply = pending.remove(requestId);
        if (reply == null) {
            send(exchange, 400, "{\"errorMessage\":\"unknown or answered request id\"}");
            return;
        }
        Optional<String> errorType = error
                ? Optional.of(Objects.requireNonNullElse(exchange.getRequestHeaders().getFirst(ERROR_TYPE), "Unknown"))
                : Optional.empty();
        reply.complete(new Reply(body(exchange), errorType));
        send(exchange, 202, "{\"status\":\"OK\"}");
    }

    private static String body(HttpExchange exchange) throws IOException {
        return new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow(); // interrupts a runtime still waiting in next
    }
}
