package io.marketprism.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.marketprism.marketdata.v1.Trade;
import io.marketprism.storage.v1.ListTradesRequest;
import io.marketprism.storage.v1.ListTradesResponse;
import io.marketprism.storage.v1.StorageServiceGrpc;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MarketPrismClientTest {

  private final AtomicReference<Deadline> seenDeadline = new AtomicReference<>();
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void startServer() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor()
        .addService(new StorageServiceGrpc.StorageServiceImplBase() {
          @Override
          public void listTrades(ListTradesRequest request, StreamObserver<ListTradesResponse> responses) {
            seenDeadline.set(Context.current().getDeadline());
            responses.onNext(ListTradesResponse.newBuilder()
                .addTrades(Trade.newBuilder().setExchange(request.getExchange()).setSymbol(request.getSymbol())
                    .setPrice("42219.90"))
                .build());
            responses.onCompleted();
          }
        })
        .build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void stopServer() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  @Test
  void callsWithoutADeadlineGetTheDefaultOne() {
    MarketPrismClient client = MarketPrismClient.wrap(channel, Duration.ofSeconds(7));

    ListTradesResponse response = client.storage()
        .listTrades(ListTradesRequest.newBuilder().setExchange("binance").setSymbol("BTC-USDT").build());

    assertThat(response.getTrades(0).getPrice()).isEqualTo("42219.90");
    assertThat(seenDeadline.get()).isNotNull();
    assertThat(seenDeadline.get().timeRemaining(TimeUnit.MILLISECONDS)).isBetween(1L, 7_000L);
  }

  @Test
  void aCallersOwnDeadlineWins() {
    MarketPrismClient client = MarketPrismClient.wrap(channel, Duration.ofSeconds(7));

    client.storage().withDeadlineAfter(60, TimeUnit.SECONDS).listTrades(ListTradesRequest.getDefaultInstance());

    assertThat(seenDeadline.get().timeRemaining(TimeUnit.SECONDS)).isGreaterThan(30);
  }

  @Test
  void aClientMustChooseItsSecurityAndAPositiveDeadline() {
    assertThatThrownBy(() -> MarketPrismClient.builder("127.0.0.1:7102").build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("plaintext()");
    assertThatThrownBy(() -> MarketPrismClient.builder("127.0.0.1:7102").defaultDeadline(Duration.ZERO))
        .hasMessageContaining("positive");
    assertThatThrownBy(() -> MarketPrismClient.builder(" ")).hasMessageContaining("target");
  }
}
