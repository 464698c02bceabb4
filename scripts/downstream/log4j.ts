// The log4j2 configuration the downstream JVMs (Flink, Kafka Connect) run with: warnings and
// errors on stderr, which the tests keep and show when a JVM fails; `extra` lines add loggers.
export function stderrLog4j(extra: readonly string[] = []): string {
  return [
    'status = error',
    'appender.out.type = Console',
    'appender.out.name = OUT',
    'appender.out.target = SYSTEM_ERR',
    'appender.out.layout.type = PatternLayout',
    'appender.out.layout.pattern = [%d] %p %m (%c)%n',
    'rootLogger.level = WARN',
    'rootLogger.appenderRef.out.ref = OUT',
    ...extra,
    '',
  ].join('\n')
}
