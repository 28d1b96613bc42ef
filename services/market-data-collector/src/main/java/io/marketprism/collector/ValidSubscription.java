package io.marketprism.collector;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A configured subscription names a supported exchange, symbols it lists and data types it offers for
 * them; each problem is reported against the field at fault ({@code subscriptions[2].symbols[0]}).
 */
@Documented
@Constraint(validatedBy = SubscriptionValidator.class)
@Target({ElementType.TYPE, ElementType.TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
public @interface ValidSubscription {
  String message() default "invalid subscription";

  Class<?>[] groups() default {};

  Class<? extends Payload>[] payload() default {};
}
