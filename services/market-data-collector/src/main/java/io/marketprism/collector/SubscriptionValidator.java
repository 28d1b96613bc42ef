package io.marketprism.collector;

import io.marketprism.collector.exchange.ExchangeRegistry;
import io.marketprism.collector.subscription.SubscriptionParser;
import io.marketprism.collector.subscription.SymbolResolver;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;

/** Checks a {@link MarketDataCollectorConfig.Subscription} with the collector's own symbol mapping. */
public final class SubscriptionValidator
    implements ConstraintValidator<ValidSubscription, MarketDataCollectorConfig.Subscription> {
  private static final SubscriptionParser PARSER =
      new SubscriptionParser(new SymbolResolver(ExchangeRegistry.standard()));

  @Override
  public boolean isValid(MarketDataCollectorConfig.Subscription value, ConstraintValidatorContext context) {
    if (value == null || value.exchange().isBlank() || value.symbols().isEmpty() || value.dataTypes().isEmpty()) {
      return true; // @NotBlank / @NotEmpty report these
    }
    SubscriptionParser.Result result = PARSER.parse(value.exchange(), value.symbols(), value.dataTypes());
    if (result.problems().isEmpty()) {
      return true;
    }
    context.disableDefaultConstraintViolation();
    for (SubscriptionParser.Problem problem : result.problems()) {
      context.buildConstraintViolationWithTemplate(escape(problem.message()))
          .addPropertyNode(problem.field())
          .addConstraintViolation();
    }
    return false;
  }

  /** The message is a template: braces, dollars and backslashes from user input must stay literal. */
  private static String escape(String message) {
    return message.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}").replace("$", "\\$");
  }
}
