package io.marketprism.broker.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.kit.api.FieldViolations;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class PagingTest {

  @Test
  void pagesWalkTheWholeListOnceInOrder() {
    List<String> names = List.of("A", "B", "C", "D", "E");
    List<String> seen = new ArrayList<>();
    String token = "";
    do {
      Paging.Page<String> page = Paging.page(names, Function.identity(), 2, token);
      seen.addAll(page.items());
      token = page.nextPageToken();
    } while (!token.isEmpty());

    assertThat(seen).isEqualTo(names);
  }

  @Test
  void pageSizeZeroMeansAHundredAndLargeSizesAreCapped() {
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 1500; i++) {
      many.add(String.format("S%05d", i));
    }

    assertThat(Paging.page(many, Function.identity(), 0, "").items()).hasSize(100);
    assertThat(Paging.page(many, Function.identity(), 5000, "").items()).hasSize(1000);
  }

  @Test
  void garbageTokenAndNegativeSizeAreViolations() {
    FieldViolations violations = new FieldViolations();

    Paging.check(-1, "%%%not-base64", violations);

    assertThat(violations.isEmpty()).isFalse();
    try {
      violations.throwIfAny();
    } catch (io.grpc.StatusRuntimeException e) {
      assertThat(e.getStatus().getDescription()).contains("page_size", "page_token");
    }
  }
}
