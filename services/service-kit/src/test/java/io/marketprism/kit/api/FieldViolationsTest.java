package io.marketprism.kit.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.rpc.BadRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.junit.jupiter.api.Test;

class FieldViolationsTest {

  @Test
  void everyViolationIsNamedInTheMessageAndTheBadRequestDetail() throws Exception {
    FieldViolations violations = new FieldViolations();
    violations.add("exchange", "required");
    violations.add("limit", "must be between 1 and 1000");

    StatusRuntimeException e = catchThrowableOfType(violations::throwIfAny, StatusRuntimeException.class);

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription())
        .isEqualTo("invalid request: exchange: required; limit: must be between 1 and 1000");
    BadRequest detail = StatusProto.fromThrowable(e).getDetails(0).unpack(BadRequest.class);
    assertThat(detail.getFieldViolationsList()).extracting(BadRequest.FieldViolation::getField)
        .containsExactly("exchange", "limit");
  }

  @Test
  void aDescriptionEchoingAHugeValueIsCut() throws Exception {
    FieldViolations violations = new FieldViolations();
    violations.add("name", "must be 1 to 64 characters (was \"" + "x".repeat(5000) + "\")");

    StatusRuntimeException e = catchThrowableOfType(violations::throwIfAny, StatusRuntimeException.class);

    String description = StatusProto.fromThrowable(e).getDetails(0).unpack(BadRequest.class)
        .getFieldViolations(0).getDescription();
    assertThat(description).hasSizeLessThan(FieldViolations.MAX_DESCRIPTION_CHARS + 40).endsWith("(5035 characters)");
  }

  @Test
  void aThousandViolationsFitAClientsTrailersWithTheRestSummedUp() throws Exception {
    FieldViolations violations = new FieldViolations();
    for (int i = 0; i < 1000; i++) {
      violations.add("trades[" + i + "].price", "must be a decimal number");
    }

    StatusRuntimeException e = catchThrowableOfType(violations::throwIfAny, StatusRuntimeException.class);

    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    // message + base64 of the whole status: well inside the 8 KiB a gRPC client accepts by default
    assertThat(status.getMessage().length() + status.getSerializedSize() * 4 / 3).isLessThan(8192);
    BadRequest detail = status.getDetails(0).unpack(BadRequest.class);
    BadRequest.FieldViolation last = detail.getFieldViolations(detail.getFieldViolationsCount() - 1);
    assertThat(last.getDescription())
        .isEqualTo("and " + (1000 - detail.getFieldViolationsCount() + 1) + " more violations from here on, not listed");
  }
}
