package io.marketprism.broker.api;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.marketprism.broker.nats.JetStreamAdmin;
import io.marketprism.broker.nats.JetStreamPublisher;
import io.marketprism.broker.nats.JetStreamSubscriptions;
import io.marketprism.broker.subscribe.ActiveSubscriptions;
import io.marketprism.broker.subscribe.Subscription;
import io.marketprism.broker.v1.BrokerServiceGrpc;
import io.marketprism.broker.v1.Consumer;
import io.marketprism.broker.v1.CreateConsumerRequest;
import io.marketprism.broker.v1.CreateConsumerResponse;
import io.marketprism.broker.v1.CreateStreamRequest;
import io.marketprism.broker.v1.CreateStreamResponse;
import io.marketprism.broker.v1.DeleteConsumerRequest;
import io.marketprism.broker.v1.DeleteConsumerResponse;
import io.marketprism.broker.v1.DeleteStreamRequest;
import io.marketprism.broker.v1.DeleteStreamResponse;
import io.marketprism.broker.v1.GetConsumerRequest;
import io.marketprism.broker.v1.GetConsumerResponse;
import io.marketprism.broker.v1.GetStreamRequest;
import io.marketprism.broker.v1.GetStreamResponse;
import io.marketprism.broker.v1.ListConsumersRequest;
import io.marketprism.broker.v1.ListConsumersResponse;
import io.marketprism.broker.v1.ListStreamsRequest;
import io.marketprism.broker.v1.ListStreamsResponse;
import io.marketprism.broker.v1.PublishRequest;
import io.marketprism.broker.v1.PublishResponse;
import io.marketprism.broker.v1.Stream;
import io.marketprism.broker.v1.StreamConfig;
import io.marketprism.broker.v1.SubscribeRequest;
import io.marketprism.broker.v1.SubscribeResponse;
import io.marketprism.broker.v1.UpdateStreamRequest;
import io.marketprism.broker.v1.UpdateStreamResponse;
import io.marketprism.broker.validation.ConsumerConfigValidator;
import io.marketprism.broker.validation.Names;
import io.marketprism.broker.validation.Paging;
import io.marketprism.broker.validation.PublishRequestValidator;
import io.marketprism.broker.validation.StreamConfigValidator;
import io.marketprism.broker.validation.StreamUpdateMask;
import io.marketprism.broker.validation.Subjects;
import io.marketprism.kit.api.FieldViolations;
import java.util.function.Supplier;

/**
 * The {@code marketprism.broker.v1.BrokerService} API: validates each request against the contract, then hands it to
 * the JetStream adapters. Thread-safe: stateless apart from the thread-safe collaborators.
 */
public final class BrokerApi extends BrokerServiceGrpc.BrokerServiceImplBase {

  private final JetStreamAdmin admin;
  private final JetStreamPublisher publisher;
  private final JetStreamSubscriptions subscriptions;
  private final ActiveSubscriptions active;
  private final Subscription.Settings subscribeSettings;

  public BrokerApi(
      JetStreamAdmin admin,
      JetStreamPublisher publisher,
      JetStreamSubscriptions subscriptions,
      ActiveSubscriptions active,
      Subscription.Settings subscribeSettings) {
    this.admin = admin;
    this.publisher = publisher;
    this.subscriptions = subscriptions;
    this.active = active;
    this.subscribeSettings = subscribeSettings;
  }

  @Override
  public void createStream(CreateStreamRequest request, StreamObserver<CreateStreamResponse> response) {
    answer(
        response,
        () -> {
          FieldViolations violations = new FieldViolations();
          StreamConfigValidator.check(request.getConfig(), "config", violations);
          violations.throwIfAny();
          StreamConfigValidator.checkNoOverlap(request.getConfig(), "config", admin.subjectsByStream(), violations);
          violations.throwIfAny();
          return CreateStreamResponse.newBuilder().setStream(admin.createStream(request.getConfig())).build();
        });
  }

  @Override
  public void getStream(GetStreamRequest request, StreamObserver<GetStreamResponse> response) {
    answer(
        response,
        () -> {
          checkName(request.getName(), "name");
          return GetStreamResponse.newBuilder().setStream(admin.getStream(request.getName())).build();
        });
  }

  @Override
  public void listStreams(ListStreamsRequest request, StreamObserver<ListStreamsResponse> response) {
    answer(
        response,
        () -> {
          FieldViolations violations = new FieldViolations();
          if (!request.getSubjectFilter().isEmpty()) {
            Subjects.filterProblem(request.getSubjectFilter())
                .ifPresent(problem -> violations.add("subject_filter", problem));
          }
          Paging.check(request.getPageSize(), request.getPageToken(), violations);
          violations.throwIfAny();
          Paging.Page<Stream> page =
              Paging.page(
                  admin.listStreams(request.getSubjectFilter()),
                  stream -> stream.getConfig().getName(),
                  request.getPageSize(),
                  request.getPageToken());
          return ListStreamsResponse.newBuilder()
              .addAllStreams(page.items())
              .setNextPageToken(page.nextPageToken())
              .build();
        });
  }

  @Override
  public void updateStream(UpdateStreamRequest request, StreamObserver<UpdateStreamResponse> response) {
    answer(
        response,
        () -> {
          FieldViolations violations = new FieldViolations();
          Names.check(request.getConfig().getName(), "config.name", violations);
          StreamUpdateMask.check(request.getUpdateMask(), violations);
          violations.throwIfAny();
          StreamConfig updated =
              StreamUpdateMask.apply(
                  admin.storedConfig(request.getConfig().getName()), request.getConfig(), request.getUpdateMask());
          StreamConfigValidator.check(updated, "config", violations);
          violations.throwIfAny();
          StreamConfigValidator.checkNoOverlap(updated, "config", admin.subjectsByStream(), violations);
          violations.throwIfAny();
          return UpdateStreamResponse.newBuilder().setStream(admin.updateStream(updated)).build();
        });
  }

  @Override
  public void deleteStream(DeleteStreamRequest request, StreamObserver<DeleteStreamResponse> response) {
    answer(
        response,
        () -> {
          checkName(request.getName(), "name");
          admin.deleteStream(request.getName());
          return DeleteStreamResponse.getDefaultInstance();
        });
  }

  @Override
  public void createConsumer(CreateConsumerRequest request, StreamObserver<CreateConsumerResponse> response) {
    answer(
        response,
        () -> {
          checkName(request.getStream(), "stream");
          FieldViolations violations = new FieldViolations();
          ConsumerConfigValidator.check(
              request.getConfig(), "config", admin.subjects(request.getStream()), violations);
          violations.throwIfAny();
          Consumer consumer = admin.createConsumer(request.getStream(), request.getConfig());
          return CreateConsumerResponse.newBuilder().setConsumer(consumer).build();
        });
  }

  @Override
  public void getConsumer(GetConsumerRequest request, StreamObserver<GetConsumerResponse> response) {
    answer(
        response,
        () -> {
          checkStreamAndConsumer(request.getStream(), request.getName());
          return GetConsumerResponse.newBuilder()
              .setConsumer(admin.getConsumer(request.getStream(), request.getName()))
              .build();
        });
  }

  @Override
  public void listConsumers(ListConsumersRequest request, StreamObserver<ListConsumersResponse> response) {
    answer(
        response,
        () -> {
          FieldViolations violations = new FieldViolations();
          Names.check(request.getStream(), "stream", violations);
          Paging.check(request.getPageSize(), request.getPageToken(), violations);
          violations.throwIfAny();
          Paging.Page<Consumer> page =
              Paging.page(
                  admin.listConsumers(request.getStream()),
                  consumer -> consumer.getConfig().getName(),
                  request.getPageSize(),
                  request.getPageToken());
          return ListConsumersResponse.newBuilder()
              .addAllConsumers(page.items())
              .setNextPageToken(page.nextPageToken())
              .build();
        });
  }

  @Override
  public void deleteConsumer(DeleteConsumerRequest request, StreamObserver<DeleteConsumerResponse> response) {
    answer(
        response,
        () -> {
          checkStreamAndConsumer(request.getStream(), request.getName());
          admin.deleteConsumer(request.getStream(), request.getName());
          return DeleteConsumerResponse.getDefaultInstance();
        });
  }

  @Override
  public void publish(PublishRequest request, StreamObserver<PublishResponse> response) {
    answer(
        response,
        () -> {
          FieldViolations violations = new FieldViolations();
          PublishRequestValidator.check(request, publisher.maxPayload(), violations);
          violations.throwIfAny();
          return publisher.publish(request);
        });
  }

  @Override
  public StreamObserver<SubscribeRequest> subscribe(StreamObserver<SubscribeResponse> response) {
    return new SubscribeCall(
        (ServerCallStreamObserver<SubscribeResponse>) response, admin, subscriptions, active, subscribeSettings);
  }

  private static void checkName(String name, String field) {
    FieldViolations violations = new FieldViolations();
    Names.check(name, field, violations);
    violations.throwIfAny();
  }

  private static void checkStreamAndConsumer(String stream, String consumer) {
    FieldViolations violations = new FieldViolations();
    Names.check(stream, "stream", violations);
    Names.check(consumer, "name", violations);
    violations.throwIfAny();
  }

  /** Runs one unary call: its result, or its status (anything unexpected is INTERNAL). */
  private static <T> void answer(StreamObserver<T> response, Supplier<T> call) {
    T result;
    try {
      result = call.get();
    } catch (StatusRuntimeException e) {
      response.onError(e);
      return;
    } catch (RuntimeException e) {
      response.onError(Status.INTERNAL.withDescription(e.toString()).withCause(e).asRuntimeException());
      return;
    }
    response.onNext(result);
    response.onCompleted();
  }
}
