// Runs a file of Flink SQL in a local MiniCluster (streaming mode): every statement that is not an
// INSERT is executed as it comes (CREATE TABLE ...), the INSERTs are submitted together as one
// job (a statement set). Prints FLINK_JOB_RUNNING <id> once the job runs, then waits on it; a job
// failure ends the program with the cause, so the test sees it instead of waiting for rows.
// Statements end with a semicolon at the end of a line.
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;

public final class DownstreamSql {
  public static void main(String[] args) throws Exception {
    String sql = Files.readString(Path.of(args[0]));
    Configuration conf = new Configuration();
    conf.setString("parallelism.default", "1");
    conf.setString("rest.bind-port", "0");
    conf.setString("pipeline.name", "personio-kafka downstream");
    TableEnvironment env =
        TableEnvironment.create(EnvironmentSettings.newInstance().inStreamingMode().withConfiguration(conf).build());
    StatementSet inserts = env.createStatementSet();
    int count = 0;
    for (String statement : sql.split(";\\s*(\\n|$)")) {
      String s = statement.strip();
      if (s.isEmpty() || s.lines().allMatch(l -> l.strip().isEmpty() || l.strip().startsWith("--"))) continue;
      if (s.replaceAll("(?m)^\\s*--.*$", "").strip().toUpperCase().startsWith("INSERT")) {
        inserts.addInsertSql(s);
        count++;
      } else {
        env.executeSql(s);
      }
    }
    if (count == 0) throw new IllegalArgumentException("no INSERT statement in " + args[0]);
    TableResult result = inserts.execute();
    JobClient job = result.getJobClient().orElseThrow();
    while (job.getJobStatus().get() != JobStatus.RUNNING) {
      if (job.getJobStatus().get().isGloballyTerminalState()) break;
      Thread.sleep(100);
    }
    System.out.println("FLINK_JOB_RUNNING " + job.getJobID());
    System.out.flush();
    result.await();
    System.out.println("FLINK_JOB_ENDED " + job.getJobStatus().get());
  }
}
