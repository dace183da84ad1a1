package io.billingsnapshot.db;

import java.sql.SQLException;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsUtilities;
import software.amazon.awssdk.services.rds.model.GenerateAuthenticationTokenRequest;

/**
 * RDS IAM authentication tokens from the AWS SDK v2 ({@link RdsUtilities}, the supported
 * successor of SDK v1's {@code RdsIamAuthTokenGenerator}). A token is a SigV4-presigned
 * {@code connect} request for one host, port and user, valid 15 minutes; it is generated
 * offline (no AWS call), only when a new connection is opened, and never kept.
 */
public final class IamAuthTokens implements PasswordSource {

    private final RdsUtilities rds;
    private final GenerateAuthenticationTokenRequest request;

    public IamAuthTokens(RdsUtilities rds, String host, int port, String user) {
        this.rds = rds;
        this.request = GenerateAuthenticationTokenRequest.builder()
                .hostname(host)
                .port(port)
                .username(user)
                .build();
    }

    /** Production: credentials from the default provider chain (the function's role). */
    public static IamAuthTokens forSettings(DatabaseSettings settings) {
        return forSettings(settings, DefaultCredentialsProvider.builder().build());
    }

    /** Host and port from DB_URL, user from DB_USER, region from AWS_REGION. */
    public static IamAuthTokens forSettings(DatabaseSettings settings, AwsCredentialsProvider credentials) {
        if (settings.region() == null) {
            throw new IllegalArgumentException("IAM tokens need a region");
        }
        // Built once per execution environment; with SnapStart it is part of the snapshot and
        // resolves credentials lazily, at the first token after restore.
        RdsUtilities rds = RdsUtilities.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials)
                .build();
        JdbcEndpoint endpoint = settings.endpoint();
        return new IamAuthTokens(rds, endpoint.host(), endpoint.port(), settings.user());
    }

    @Override
    public String newPassword() throws SQLException {
        try {
            return rds.generateAuthenticationToken(request);
        } catch (RuntimeException e) {
            // Missing credentials are a connection failure of this batch, reported like any other.
            throw new SQLException("cannot generate an RDS IAM token for " + request.hostname() + ":"
                    + request.port() + ": " + e.getMessage(), "08001", e);
        }
    }

    @Override
    public String toString() {
        return "IamAuthTokens[" + request.username() + "@" + request.hostname() + ":" + request.port() + "]";
    }
}
