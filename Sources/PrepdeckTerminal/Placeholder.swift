import CNcursesw
public enum TerminalPlaceholder {}
