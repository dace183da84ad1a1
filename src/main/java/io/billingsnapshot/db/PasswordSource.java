package io.billingsnapshot.db;

import java.sql.SQLException;

/** The password of one new physical connection: an IAM token in production, a fixed password locally. */
@FunctionalInterface
public interface PasswordSource {

    /** Called once per connection attempt; the caller uses the result for that attempt only. */
    String newPassword() throws SQLException;

    /** IAM tokens (default credentials chain) or the configured password, as the settings say. */
    static PasswordSource forSettings(DatabaseSettings settings) {
        if (settings.auth() == DatabaseSettings.AuthMode.IAM) {
            return IamAuthTokens.forSettings(settings);
        }
        String password = settings.password();
        return () -> password;
    }
}
