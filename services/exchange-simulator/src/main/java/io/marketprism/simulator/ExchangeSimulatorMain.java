package io.marketprism.simulator;

import io.grpc.BindableService;
import io.marketprism.kit.MarketPrismService;
import io.marketprism.kit.ServiceContext;
import io.marketprism.kit.ServiceRunner;
import io.marketprism.simulator.config.SimulatorConfig;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exchange simulator as a MarketPrism service: the kit's gRPC server (health and reflection only, port 7108)
 * and the feed server (port 7208), which is a resource closed on shutdown.
 */
public final class ExchangeSimulatorMain extends MarketPrismService<SimulatorConfig> {

  private static final Logger log = LoggerFactory.getLogger(ExchangeSimulatorMain.class);

  public ExchangeSimulatorMain() {
    super("exchange-simulator", SimulatorConfig.class);
  }

  @Override
  protected List<BindableService> services(SimulatorConfig config, ServiceContext ctx) throws Exception {
    ExchangeSimulator simulator = ctx.shutdown().register("exchange feed", ExchangeSimulator.start(config));
    log.atInfo()
        .addKeyValue("feed_address", simulator.hostPort())
        .log("exchange feed on {}: binance ws://{}/ws, ws://{}/fapi/ws; okx ws://{}/ws/v5/public; deribit ws://{}/ws/api/v2",
            simulator.hostPort(), simulator.hostPort(), simulator.hostPort(), simulator.hostPort(), simulator.hostPort());
    // no gRPC API of its own: the kit adds health and reflection
    return List.of();
  }

  public static void main(String[] args) {
    ServiceRunner.run(new ExchangeSimulatorMain(), args);
  }
}
