package io.marketprism.gateway.policy;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.SimpleDecoratingHttpService;
import io.grpc.Status;
import io.marketprism.gateway.security.AuthenticationException;
import io.marketprism.gateway.security.Authenticator;
import io.marketprism.gateway.security.Caller;
import io.marketprism.gateway.security.SecurityConfig;
import java.util.List;

/**
 * Sets {@link Caller#ATTRIBUTE} from the request's credentials, or answers 401 / {@code UNAUTHENTICATED} with
 * {@code WWW-Authenticate}. Open paths ({@code security.anonymous.paths}) and, when anonymous access is on, requests
 * without credentials proceed as the anonymous caller.
 */
final class AuthenticatingService extends SimpleDecoratingHttpService {

  static final String ANONYMOUS = "anonymous";

  private final Authenticator authenticator;
  private final SecurityConfig.Anonymous anonymous;
  private final List<Glob> openPaths;

  AuthenticatingService(HttpService delegate, Authenticator authenticator, SecurityConfig.Anonymous anonymous) {
    super(delegate);
    this.authenticator = authenticator;
    this.anonymous = anonymous;
    this.openPaths = anonymous.paths().stream().map(Glob::of).toList();
  }

  @Override
  public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) throws Exception {
    Caller anonymousCaller = new Caller(ANONYMOUS, anonymous.role(), ANONYMOUS);
    boolean open = openPaths.stream().anyMatch(p -> p.matches(ctx.path()));
    try {
      if (!Authenticator.hasCredentials(req.headers()) && (open || anonymous.enabled())) {
        ctx.setAttr(Caller.ATTRIBUTE, anonymousCaller);
      } else {
        ctx.setAttr(Caller.ATTRIBUTE, authenticator.authenticate(req.headers()));
      }
    } catch (AuthenticationException e) {
      if (open) {
        ctx.setAttr(Caller.ATTRIBUTE, anonymousCaller);
        return unwrap().serve(ctx, req);
      }
      String challenge =
          Authenticator.hasCredentials(req.headers())
              ? "Bearer realm=\"marketprism\", error=\"invalid_token\", error_description=\""
                  + e.getMessage().replace('"', '\'')
                  + "\""
              : "Bearer realm=\"marketprism\"";
      return ErrorResponses.of(req.headers(), Status.Code.UNAUTHENTICATED, HttpStatus.UNAUTHORIZED, e.getMessage(), challenge);
    }
    return unwrap().serve(ctx, req);
  }
}
