package org.mnemo.launcher;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mnemo.launcher.backup.Backups;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "restore",
        mixinStandardHelpOptions = true,
        description = "Restore a backup into the embedded server's database (stop ./mnemo serve first). The backup "
                + "is verified first; a database that holds anything is replaced only with --force, and then "
                + "backed up into <data>/snapshots before; indexes are brought online and the counts are checked "
                + "against the manifest.")
final class RestoreCommand implements Callable<Integer> {

    @Parameters(paramLabel = "BACKUP", description = "A mnemo-backup-<time> folder.")
    Path backup;

    @Option(names = "--data", description = "Data directory (default ./data; env MNEMO_DATA).")
    Path data;

    @Option(names = "--force", description = "Replace a database that is not empty (after a snapshot).")
    boolean force;

    @Override
    public Integer call() throws Exception {
        Environment.useMnemoConfig();
        Backups.restore(
                backup,
                data != null ? data.toAbsolutePath() : Environment.dataDir(),
                Environment.pluginsDir(),
                force,
                System.out);
        return 0;
    }
}
