package io.billingsnapshot.logging;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Exempts one method or constructor from the build's forbidden-API check (forbiddenapis in
 * pom.xml), for a call that is right where it stands; {@link #value()} says why.
 */
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.METHOD, ElementType.CONSTRUCTOR, ElementType.TYPE})
public @interface SuppressForbidden {
    /** Why the forbidden call is right here. */
    String value();
}
