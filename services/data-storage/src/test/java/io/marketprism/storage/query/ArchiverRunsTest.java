package io.marketprism.storage.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.marketprism.storage.StorageFixture;
import io.marketprism.storage.clickhouse.ClickHouse;
import io.marketprism.testkit.ClickHouseServer;
import io.marketprism.testkit.WithClickHouse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Overlapping archive and purge runs in one process: the second fails fast, or waits when asked to. */
@WithClickHouse
class ArchiverRunsTest {

  static final String DATABASE = "archiver_runs_test";
  /** 2021-06-01, a day no other test stores. */
  static final long CUTOFF = 1_622_505_600_000_000_000L;

  static ClickHouseServer server;
  static ClickHouse clickHouse;

  @BeforeAll
  static void migrate() throws Exception {
    clickHouse = StorageFixture.freshDatabase(server, DATABASE);
  }

  @Test
  void runsWhileAnotherIsInProgressFailUnlessTheyWait() throws Exception {
    ReentrantLock runs = new ReentrantLock();
    Archiver archiver = new Archiver(clickHouse, DATABASE, runs);
    // another run in progress: the lock held by another thread (the lock is reentrant, so not by this one)
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread otherRun = new Thread(() -> {
      runs.lock();
      try {
        held.countDown();
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        runs.unlock();
      }
    }, "other-run");
    otherRun.start();
    held.await();
    try {
      assertThatThrownBy(() -> archiver.archive(CUTOFF, List.of(), 0, false, false))
          .isInstanceOf(Archiver.BusyException.class)
          .hasMessageContaining("in progress");
      assertThatThrownBy(() -> archiver.purge(CUTOFF, List.of(), false, false))
          .isInstanceOf(Archiver.BusyException.class);

      CompletableFuture<Archiver.ArchiveOutcome> waiting =
          CompletableFuture.supplyAsync(() -> archiveWaiting(archiver));
      await().atMost(Duration.ofSeconds(30)).until(runs::hasQueuedThreads); // it waits for the lock
      assertThat(waiting).isNotDone();
      release.countDown();
      assertThat(waiting.get(30, TimeUnit.SECONDS).movedRows()).isZero();
    } finally {
      release.countDown();
      otherRun.join();
    }
    // once the other run is over, a run that does not wait goes through
    assertThat(archiver.archive(CUTOFF, List.of(), 0, true, false).remaining()).isZero();
  }

  private static Archiver.ArchiveOutcome archiveWaiting(Archiver archiver) {
    try {
      return archiver.archive(CUTOFF, List.of(), 0, false, true);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
