package org.mnemo.launcher.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The retention of {@code ./mnemo backup --prune}: the newest per day, week and month kept; a dry run by default. */
class BackupRetentionTest {

    private static Path backup(Path root, LocalDate day, int hour) throws IOException {
        return Files.createDirectories(root.resolve(String.format(
                "%s%04d%02d%02dT%02d0000Z",
                Backups.PREFIX, day.getYear(), day.getMonthValue(), day.getDayOfMonth(), hour)));
    }

    @Test
    void keepsTheNewestOfEachDayWeekAndMonthAndDeletesOnlyWhenApplied(@TempDir Path root) throws IOException {
        LocalDate today = LocalDate.of(2026, 11, 26); // a Thursday
        Path todayLate = backup(root, today, 23);
        Path todayEarly = backup(root, today, 1);
        Path[] lastWeek = new Path[9];
        for (int d = 1; d <= 8; d++) {
            lastWeek[d] = backup(root, today.minusDays(d), 2);
        }
        Path octoberEnd = backup(root, LocalDate.of(2026, 10, 31), 2);
        Path octoberStart = backup(root, LocalDate.of(2026, 10, 1), 2);
        Path lastYear = backup(root, LocalDate.of(2025, 11, 30), 2);
        Files.createDirectories(root.resolve("not-a-backup"));

        List<Path> doomed = Backups.prune(root, 7, 4, 6, false);
        // Kept: the newest of each of the 7 latest days with a backup (today's late one, the 6 days before), of the
        // 4 latest ISO weeks with one (this week, last week's Sunday, 31 and 1 October), of the 6 latest months with
        // one (November, October, November 2025). Everything else goes: today's earlier one, 7 and 8 days back.
        assertThat(doomed).containsExactlyInAnyOrder(todayEarly, lastWeek[7], lastWeek[8]);
        assertThat(doomed).doesNotContain(todayLate, lastWeek[1], lastWeek[6], octoberEnd, octoberStart, lastYear);
        assertThat(Files.isDirectory(todayEarly))
                .as("a dry run deletes nothing")
                .isTrue();

        assertThat(Backups.prune(root, 7, 4, 6, true)).isEqualTo(doomed);
        for (Path gone : doomed) {
            assertThat(Files.exists(gone)).isFalse();
        }
        assertThat(Files.isDirectory(todayLate)).isTrue();
        assertThat(Files.isDirectory(root.resolve("not-a-backup"))).isTrue();
        assertThat(Backups.prune(root, 7, 4, 6, false)).isEmpty();
    }
}
