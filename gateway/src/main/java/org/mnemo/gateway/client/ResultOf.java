package org.mnemo.gateway.client;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The procedures whose output a {@link Rows} record maps, field by field: ProcedureSignatureTest compares the two
 * through {@code SHOW PROCEDURES}, so a renamed, added or dropped output field fails a test, not a request.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface ResultOf {
    String[] value();
}
