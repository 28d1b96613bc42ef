package io.marketprism.client.config;

import io.marketprism.config.v1.Entry;
import io.marketprism.config.v1.ListResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/**
 * The client's copy of a namespace on disk: a {@link ListResponse} (entries, and as {@code revision} the highest
 * version received), written to a temporary file and renamed into place, so a crash leaves the old copy or the new,
 * never half of one.
 */
final class SnapshotFile {

  private final Path file;

  SnapshotFile(Path file) {
    this.file = file;
  }

  Optional<ListResponse> read() throws IOException {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try (InputStream in = Files.newInputStream(file)) {
      return Optional.of(ListResponse.parseFrom(in));
    }
  }

  void write(Collection<Entry> entries, long version) throws IOException {
    ListResponse snapshot =
        ListResponse.newBuilder()
            .addAllEntries(entries.stream().sorted(Comparator.comparing(Entry::getKey)).toList())
            .setRevision(version)
            .build();
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path temporary = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
    Files.write(temporary, snapshot.toByteArray());
    Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
