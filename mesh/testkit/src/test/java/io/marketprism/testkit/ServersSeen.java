package io.marketprism.testkit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** What each sharing test class was given, so whichever runs second can compare with the first. */
final class ServersSeen {

  static final Map<String, Object> BY_CLASS = new ConcurrentHashMap<>();

  private ServersSeen() {}
}
