package io.taskharbor.server;

/**
 * A variable of the environment that the service cannot use: its message is the one line the service prints before
 * it exits, naming the variable, the value (never a secret's) and the expected form.
 */
final class ConfigException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String variable;

  ConfigException(String variable, String message) {
    super(message);
    this.variable = variable;
  }

  /** The variable that is wrong. */
  String variable() {
    return variable;
  }
}
